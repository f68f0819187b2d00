"""Monte Carlo end to end (issue 13, item 2); prints Markdown tables for bench/README.md.

What a user waits for is the whole job, so every figure is labelled:

* **end to end, in-process**: ``monte_carlo("ukraine-2025", "compromise", n)`` called by
  the scenario's name (loading included) and on an already loaded scenario: drawing the
  variants, running the model block by block, the summaries;
* **draws only**: ``Perturbation.draw`` over the same variants (no model);
* **model only**: the compromise model on variants drawn beforehand, in the blocks
  Monte Carlo uses (no drawing, no summaries);
* **whole process**: ``negotia montecarlo ukraine-2025 -m compromise -n N --quiet
  --format json`` as a user runs it (start-up and printing included), beside
  ``negotia --version`` (the start-up alone);
* **scaling**: end-to-end CPU time against the number of variants, of actors and of
  issues, with the log-log slope (the work is linear in each, so the slope should be 1).

Each figure gives wall time and CPU time (``time.process_time``, all threads; for a
subprocess the children's CPU time).  The machine is shared, so wall time follows the
load; CPU time is the steadier figure.  ``uptime``'s load is printed.

Run: ``python bench/montecarlo_bench.py [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
from ensemble_bench import synthetic  # bench/ is the script's folder, so on sys.path

from negotia.api import monte_carlo
from negotia.ensemble.perturb import Perturbation
from negotia.models import run_model
from negotia.scenario.formats import load_scenario

SCENARIO = "ukraine-2025"


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def clock(fn: Callable[[], object], repeat: int = 1) -> tuple[float, float]:
    """Best wall and best CPU time of ``repeat`` calls (no warm-up: the caller warms up)."""
    walls, cpus = [], []
    for _ in range(repeat):
        c, t = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds / 1e6:.3f}"


def block_of(pert: Perturbation) -> int:
    """Variants per model call in Monte Carlo (the stream block of this scenario)."""
    from negotia.ensemble.perturb import BLOCK

    size = getattr(pert, "block", None)
    return int(size) if size is not None else int(BLOCK)


def in_process(n: int, repeat: int) -> None:
    print(f"\n### In-process, {SCENARIO}, compromise, n = {n:,} (load {load()})\n")
    print("| what | wall s | CPU s | 10⁶ variants/s (wall) | 10⁶ variants/s (CPU) |")
    print("|---|---:|---:|---:|---:|")
    sc = load_scenario(SCENARIO)
    monte_carlo(sc, "compromise", 10_000, seed=1)  # imports, caches
    rows: list[tuple[str, Callable[[], object]]] = [
        ("end to end, by name (loading included)", lambda: monte_carlo(SCENARIO, "compromise", n, seed=1)),
        ("end to end, loaded scenario", lambda: monte_carlo(sc, "compromise", n, seed=1)),
    ]
    pert = Perturbation.from_scenario(sc)
    ss = np.random.SeedSequence(1)
    block = block_of(pert)
    # Draws only: the variants drawn block by block, as Monte Carlo draws them.
    rows.append(
        (
            f"draws only (blocks of {block:,})",
            lambda: [pert.draw(ss, k, min(k + block, n)) for k in range(0, n, block)],
        )
    )
    for label, fn in rows:
        wall, cpu = clock(fn, repeat)
        print(f"| {label} | {wall:.3f} | {cpu:.3f} | {rate(n, wall)} | {rate(n, cpu)} |")
        sys.stdout.flush()
    # Model only, on drawn variants (at most 2^17 held at once; the rate is per variant).
    m = min(n, 1 << 17)
    blocks = [pert.draw(ss, k, min(k + block, m)) for k in range(0, m, block)]
    wall, cpu = clock(lambda: [run_model("compromise", b) for b in blocks], max(repeat, 3))
    print(f"| model only (blocks of {block:,}, {m:,} variants) | {wall:.3f} | {cpu:.3f} |", end=" ")
    print(f"{rate(m, wall)} | {rate(m, cpu)} |")


def whole_process(n: int, repeat: int) -> None:
    exe = shutil.which("negotia", path=os.path.dirname(sys.executable)) or "negotia"
    print(f"\n### Whole process (load {load()})\n")
    print("| command | wall s | CPU s | 10⁶ variants/s (wall) | 10⁶ variants/s (CPU) |")
    print("|---|---:|---:|---:|---:|")
    cmds = [
        ([exe, "--version"], 0),
        ([exe, "montecarlo", SCENARIO, "-m", "compromise", "-n", str(n), "--quiet", "--format", "json"], n),
    ]
    for cmd, count in cmds:
        walls, cpus = [], []
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        wall, cpu = min(walls), min(cpus)
        shown = " ".join(["negotia", *cmd[1:]])
        rates = f"{rate(count, wall)} | {rate(count, cpu)}" if count else "— | —"
        print(f"| `{shown}` | {wall:.2f} | {cpu:.2f} | {rates} |")
        sys.stdout.flush()


def slope(xs: list[int], ts: list[float]) -> float:
    return float(np.polyfit(np.log(xs), np.log(ts), 1)[0])


def scaling(variants: list[int], actors: list[int], issues: list[int], n: int) -> None:
    print(f"\n### Scaling, end to end in-process, compromise (CPU s; load {load()})\n")
    print("Expected: linear in each (slope 1): every variant draws each perturbed stance once")
    print("and the model's work per variant is one pass over the actors of each issue.\n")
    print("| varied | size | CPU s | µs a variant |")
    print("|---|---:|---:|---:|")
    sc = load_scenario(SCENARIO)
    series: list[tuple[str, list[int], list[float]]] = []
    ts = []
    for k in variants:
        _, cpu = clock(lambda k=k: monte_carlo(sc, "compromise", k, seed=1), 2 if k < 10**6 else 1)
        ts.append(cpu)
        print(f"| variants ({SCENARIO}) | {k:,} | {cpu:.3f} | {1e6 * cpu / k:.3f} |")
        sys.stdout.flush()
    series.append(("variants", variants, ts))
    for label, shapes in (
        ("actors (× 10 issues)", [(a, 10) for a in actors]),
        ("issues (× 20 actors)", [(20, i) for i in issues]),
    ):
        ts = []
        for a, i in shapes:
            s = synthetic(a, i)
            monte_carlo(s, "compromise", 1000, seed=1)
            _, cpu = clock(lambda s=s: monte_carlo(s, "compromise", n, seed=1), 2)
            ts.append(cpu)
            size = a if label.startswith("actors") else i
            print(f"| {label}, n = {n:,} | {size} | {cpu:.3f} | {1e6 * cpu / n:.3f} |")
            sys.stdout.flush()
        series.append((label.split()[0], actors if label.startswith("actors") else issues, ts))
    print("\n| against | log-log slope | expected |")
    print("|---|---:|---:|")
    for name, xs, t in series:
        print(f"| {name} | {slope(xs, t):.2f} | 1 |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    ap.add_argument("--only", choices=("inprocess", "process", "scaling"), help="run only this section")
    args = ap.parse_args()
    print("## Monte Carlo end to end")
    print(
        f"\nPython {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )
    if args.quick:
        in_process(20_000, 1)
        whole_process(20_000, 1)
        scaling([2_000, 20_000], [5, 10], [2, 5], 2_000)
        return
    if args.only in (None, "inprocess"):
        in_process(1_000_000, 1)
    if args.only in (None, "process"):
        whole_process(1_000_000, 1)
    if args.only in (None, "scaling"):
        scaling([10_000, 100_000, 1_000_000], [5, 10, 20, 40, 80], [5, 10, 20, 40], 100_000)


if __name__ == "__main__":
    main()
