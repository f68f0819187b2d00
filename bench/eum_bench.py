"""Benchmark of the expected utility model (``eum``) on the EC car-emissions case.

Prints wall and CPU times (and, with ``--markdown``, the rows for bench/README.md); the
load average is printed too, since other work on the machine inflates wall times:

* one run of the EC case (10 actors, 10 rounds), both variants, against the reference
  implementation's published time of about 3 s for that case;
* a batch of 10,000 perturbed EC cases in one call (positions + N(0, 0.5 years) clipped
  to the scale, saliences and capabilities x U(0.8, 1.2); seed 2011), on 1 and 2 threads;
* the same-process baseline: the per-case time of calling the model once per case in a
  Python loop (on 200 cases), to show what batching buys;
* a synthetic batch of 100 variants of a 50-actor x 10-issue scenario (positions, saliences
  uniform, capabilities 1-100 per actor; seed 0), 10 rounds, both variants, on 1 and 2
  threads: the case where the cost in the number of actors per issue shows;
* the two ways of summing the votes side by side (``eum_core._DIRECT_MAX_ACTORS`` forced), on
  synthetic batches with 8 to 50 actors an issue, 1 thread: where the sorted prefix sums,
  O(A^2 log A) per run, overtake the direct sum, O(A^3), which sets that threshold.

Usage: ``python bench/eum_bench.py [--quick] [--markdown]`` from the project root (needs
``../shared/reference/eum/ec_car_emissions.csv``).
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import numpy as np
from _timing import timed  # bench/ is the script's folder, so on sys.path

import negotia
from negotia.ensemble.backends import thread_map
from negotia.models import eum, eum_core
from negotia.scenario.arrays import ScenarioArrays

ROOT = Path(__file__).resolve().parents[1]
EC = ROOT.parent / "shared" / "reference" / "eum" / "ec_car_emissions.csv"
REFERENCE_SECONDS = 3.0  # the reference implementation's published time for the EC case


def perturbed(arrays: ScenarioArrays, n: int, seed: int = 2011) -> ScenarioArrays:
    rng = np.random.default_rng(seed)
    big = arrays.repeat(n)
    span = arrays.scale_max - arrays.scale_min
    pos = np.clip(big.position + rng.normal(0.0, 0.5, big.position.shape) / span, 0.0, 1.0)
    sal = np.clip(big.salience * rng.uniform(0.8, 1.2, big.salience.shape), 0.0, 1.0)
    cap = big.capability * rng.uniform(0.8, 1.2, big.capability.shape)
    return big.replace(position=pos, salience=sal, capability=cap)


def synthetic(n_actors: int, n_issues: int, n: int, seed: int = 0) -> ScenarioArrays:
    """``n`` random variants of a scenario with every actor on every issue (scale 0-100)."""
    rng = np.random.default_rng(seed)
    shape = (n, n_actors, n_issues)
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(n_actors)),
        issue_ids=tuple(f"I{k}" for k in range(n_issues)),
        position=rng.random(shape),
        salience=rng.uniform(0.05, 1.0, shape),
        capability=np.broadcast_to(rng.uniform(1.0, 100.0, (1, n_actors, 1)), shape).copy(),
        present=np.ones(shape, dtype=bool),
        scale_min=np.zeros(n_issues),
        scale_max=np.full(n_issues, 100.0),
        status_quo=np.full(n_issues, np.nan),
    )


def run_batch(arrays: ScenarioArrays, workers: int, **params: object) -> None:
    """One ``forecast`` call on a batch with a fixed number of threads (the threads are the
    caller's: ``thread_map``, as ``negotia forecast`` does)."""
    with thread_map(workers) as mapper:
        eum.forecast(arrays, mapper=mapper, **params)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    if not EC.exists():
        print(f"skipped: {EC.relative_to(ROOT.parent)} not found (needs ../shared/reference)")
        return 0
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario(EC))
    rows: list[tuple[str, tuple[float, float], str]] = []
    for variant in ("scholz-code", "paper"):
        t = timed(lambda v=variant: eum.forecast(arrays, variant=v, rounds=10), 5 if quick else 30)
        rows.append(
            (f"EC case, 1 run, 10 rounds, {variant}", t, f"{REFERENCE_SECONDS / t[0]:,.0f}x faster than ~3 s")
        )
    n = 10_000
    batch = perturbed(arrays, n)
    for workers in (1, 2):
        t = timed(lambda w=workers: run_batch(batch, w, rounds=10), 1 if quick else 3)
        rows.append(
            (
                f"EC batch of {n:,} perturbed cases, 10 rounds, scholz-code, {workers} thread(s)",
                t,
                f"{t[0] / n * 1e6:.0f} us a case; {REFERENCE_SECONDS * n / t[0]:,.0f}x the reference's rate",
            )
        )
    t = timed(lambda: run_batch(batch, 2, rounds=10, variant="paper"), 1 if quick else 3)
    rows.append((f"EC batch of {n:,}, 10 rounds, paper, 2 threads", t, f"{t[0] / n * 1e6:.0f} us a case"))
    loop_n = 50 if quick else 200
    small = batch.take(slice(0, loop_n))
    t_loop = timed(lambda: [eum.forecast(small.take(slice(k, k + 1)), rounds=10) for k in range(loop_n)], 1)
    per_case = t_loop[0] / loop_n
    batched = rows[3][1][0] / n
    rows.append(
        (
            f"baseline: {loop_n} single runs in a Python loop (same process)",
            t_loop,
            f"{per_case * 1e3:.2f} ms a case; the 2-thread batch is {per_case / batched:,.0f}x faster a case",
        )
    )
    n_var = 20 if quick else 100
    synth = synthetic(50, 10, n_var)
    for variant, workers in (("scholz-code", 1), ("scholz-code", 2), ("paper", 2)):
        t = timed(lambda v=variant, w=workers: run_batch(synth, w, rounds=10, variant=v), 1)
        rows.append(
            (
                f"synthetic 50×10, {n_var} variants, 10 rounds, {variant}, {workers} thread(s)",
                t,
                f"{t[0] / n_var * 1e3:.1f} ms a variant",
            )
        )
    for n_act in (8, 12, 16, 24, 32, 50) if not quick else (8, 50):
        case = synthetic(n_act, 10, max(4, 1000 // n_act), seed=n_act)
        times = {}
        for path, limit in (("direct", 10**6), ("sorted", 0)):
            saved, eum_core._DIRECT_MAX_ACTORS = eum_core._DIRECT_MAX_ACTORS, limit
            try:
                times[path] = timed(lambda c=case: run_batch(c, 1, rounds=10), 1)
            finally:
                eum_core._DIRECT_MAX_ACTORS = saved
        runs = case.batch * case.n_issues
        for path, t in times.items():
            note = f"{t[0] / runs * 1e6:.0f} us a run"
            if path == "sorted":
                note += f"; {times['direct'][0] / t[0]:.2f}x the direct sum"
            rows.append((f"votes {path}, {n_act} actors, {runs} runs, 10 rounds, 1 thread", t, note))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"eum benchmark ({platform.machine()}, {os.cpu_count()} CPUs, numpy {np.__version__}, "
        f"load average {load:.1f} at the end)"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'':<{width}}  {'wall s':>9}  {'CPU s':>9}")
    for name, (wall, cpu), note in rows:
        print(f"{name:<{width}}  {wall:9.4f}  {cpu:9.4f}  {note}")
    if "--markdown" in argv:
        print("\n| benchmark | wall (s) | CPU (s) | ratio / note |\n|---|---:|---:|---|")
        for name, (wall, cpu), note in rows:
            print(f"| {name} | {wall:.4f} | {cpu:.4f} | {note} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
