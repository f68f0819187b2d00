"""Benchmarks of the uncertainty machinery (issue 6); prints Markdown tables.

1. Throughput (scenario variants per second) of every registered model for batch sizes
   10^2 .. 10^5, on the bundled ``ukraine-2025`` scenario and on a synthetic
   50-actor x 10-issue scenario: the model called once on the whole batch, and the
   model run block by block as Monte Carlo runs it.
2. Monte Carlo overhead: perturbation + summaries as a share of the model time.
3. Scaling from 1 to 2 workers (process pool and local Dask cluster).
4. Peak memory (tracemalloc) of a Monte Carlo run.
5. How the cost per variant grows with the number of actors and of issues.

Run: ``python bench/ensemble_bench.py`` (``--quick`` for a short smoke run).  A
batch size whose estimated time exceeds the budget is skipped and marked so.
Results go into the "Uncertainty (ensemble)" section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from negotia.ensemble import monte_carlo
from negotia.ensemble.backends import DaskBackend, ProcessBackend
from negotia.ensemble.montecarlo import summarise
from negotia.ensemble.perturb import BLOCK, Perturbation, model_rng
from negotia.models import get_model, model_names, run_model
from negotia.scenario.formats import load_scenario
from negotia.scenario.schema import Scenario


def synthetic(n_actors: int, n_issues: int, seed: int = 0) -> Scenario:
    """A random scenario: positions on 0-100, saliences on 0-1, capabilities 1-100."""
    rng = np.random.default_rng(seed)
    return Scenario(
        name=f"synthetic {n_actors}x{n_issues}",
        actors=[{"id": f"A{a}", "capability": float(rng.uniform(1, 100))} for a in range(n_actors)],
        issues=[{"id": f"I{i}", "scale": {"min": 0, "max": 100}} for i in range(n_issues)],
        stances=[
            {
                "actor": f"A{a}",
                "issue": f"I{i}",
                "position": float(rng.uniform(0, 100)),
                "salience": float(rng.uniform(0.05, 1)),
                "uncertainty": {"position": float(rng.uniform(2, 15))},
            }
            for a in range(n_actors)
            for i in range(n_issues)
        ],
    )


def best_of(repeat: int, fn: Callable[..., object], *args: object, **kwargs: object) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args, **kwargs)
        times.append(time.perf_counter() - t)
    return min(times)


def blocks_of(pert: Perturbation, n: int) -> list:
    ss, size = np.random.SeedSequence(1), pert.block
    return [pert.draw_block(ss, k).take(slice(0, min(size, n - k * size))) for k in range(-(-n // size))]


def run_blocks(name: str, blocks: list, rng: np.random.Generator) -> None:
    for b in blocks:
        run_model(name, b, rng=rng)


def fmt_rate(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}"


#: The models the sections run (``--models`` narrows it).
MODELS = model_names()


def throughput(scenarios: dict[str, Scenario], sizes: list[int], budget: float) -> None:
    print("\n### Throughput (variants/s; best of 3 below 1 s, else one run)\n")
    print("| scenario | model | batch | one call | in blocks (as Monte Carlo) |")
    print("|---|---|---:|---:|---:|")
    for label, sc in scenarios.items():
        pert = Perturbation.from_scenario(sc)
        pilot = pert.draw_block(np.random.SeedSequence(1), 0).take(slice(0, 4))
        for name in MODELS:
            rate: float | None = 4 / best_of(1, run_model, name, pilot, rng=np.random.default_rng(0))
            for n in sizes:
                est = n / rate if rate else 0.0
                if est > budget:
                    print(f"| {label} | {name} | {n:,} | skipped (est. {est:.0f} s) | |")
                    continue
                blocks = blocks_of(pert, n)
                whole = blocks[0] if len(blocks) == 1 else type(blocks[0]).concat(blocks)
                rng = np.random.default_rng(0)
                repeat = 3 if est < 0.3 else 1
                t_one = best_of(repeat, run_model, name, whole, rng=rng)
                t_blk = best_of(repeat, run_blocks, name, blocks, rng)
                rate = n / min(t_one, t_blk)
                print(f"| {label} | {name} | {n:,} | {fmt_rate(n / t_one)} | {fmt_rate(n / t_blk)} |")
                sys.stdout.flush()


def overhead(scenarios: dict[str, Scenario], n_max: int, budget: float) -> None:
    print("\n### Monte Carlo overhead (perturbation + summaries vs. model time)\n")
    print("n: as many variants as the model runs in about the budget, at most the maximum.\n")
    print("| scenario | model | n | perturb s | model s | summaries s | overhead |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, sc in scenarios.items():
        pert = Perturbation.from_scenario(sc)
        ss = np.random.SeedSequence(2)
        pilot = pert.draw_block(ss, 0).take(slice(0, 4))
        for name in MODELS:
            params = get_model(name).MODEL_INFO.resolve({})
            rate = 4 / best_of(1, run_model, name, pilot, rng=np.random.default_rng(0), **params)
            if rate * budget < 16:
                print(f"| {label} | {name} | skipped: about {1 / rate:.2f} s a variant | | | | |")
                continue
            rate = 128 / best_of(
                1, run_model, name, pilot.repeat(128), rng=np.random.default_rng(0), **params
            )
            n = int(min(n_max, max(BLOCK, rate * budget)))
            size = pert.block
            n_blocks = -(-n // size)
            t = time.perf_counter()
            blocks = [pert.draw_block(ss, k).take(slice(0, min(size, n - k * size))) for k in range(n_blocks)]
            t_draw = time.perf_counter() - t
            t = time.perf_counter()
            outs = [run_model(name, b, rng=model_rng(ss, k), **params).outcome for k, b in enumerate(blocks)]
            t_model = time.perf_counter() - t
            outcome = np.concatenate(outs)
            t = time.perf_counter()
            summarise(pert.base, outcome, outcome[0])
            t_sum = time.perf_counter() - t
            share = (t_draw + t_sum) / t_model
            cells = f"{t_draw:.3f} | {t_model:.3f} | {t_sum:.3f} | {100 * share:.0f} %"
            print(f"| {label} | {name} | {n:,} | {cells} |")
            sys.stdout.flush()


def wall(sc: Scenario, name: str, n: int, backend: object) -> float:
    t = time.perf_counter()
    monte_carlo(sc, name, n, seed=1, backend=backend)  # type: ignore[arg-type]
    return time.perf_counter() - t


def scaling(sc: Scenario, runs: dict[str, int]) -> None:
    print("\n### Scaling from 1 to 2 workers (wall time of monte_carlo, s; ukraine-2025)\n")
    print("| model | n | serial | processes ×1 | processes ×2 | speed-up | dask ×1 | dask ×2 | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n in runs.items():
        serial = wall(sc, name, n, "serial")
        times = []
        for k in (1, 2):
            with ProcessBackend(k) as pool:
                wall(sc, name, n // 10 or 1, pool)  # start the workers (imports) once
                times.append(wall(sc, name, n, pool))
        p1, p2 = times
        with DaskBackend(workers=1) as d:
            wall(sc, name, n // 10 or 1, d)  # warm the workers (imports) once
            d1 = wall(sc, name, n, d)
        with DaskBackend(workers=2) as d:
            wall(sc, name, n // 10 or 1, d)
            d2 = wall(sc, name, n, d)
        print(
            f"| {name} | {n:,} | {serial:.2f} | {p1:.2f} | {p2:.2f} | {p1 / p2:.2f} | "
            f"{d1:.2f} | {d2:.2f} | {d1 / d2:.2f} |"
        )
        sys.stdout.flush()


def memory(scenarios: dict[str, Scenario], runs: list[tuple[str, str, int]]) -> None:
    print("\n### Peak memory of a serial Monte Carlo run (tracemalloc, MiB)\n")
    print("| scenario | model | n | peak MiB | of which the outcomes |")
    print("|---|---|---:|---:|---:|")
    for label, name, n in runs:
        sc = scenarios[label]
        tracemalloc.start()
        r = monte_carlo(sc, name, n, seed=1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"| {label} | {name} | {n:,} | {peak / 2**20:.1f} | {r.outcome.nbytes / 2**20:.1f} |")
        sys.stdout.flush()


def growth(actors: list[int], issues: list[int], fixed_a: int, fixed_i: int, budget: float) -> None:
    print(
        f"\n### Cost per variant (µs) as actors grow ({fixed_i} issues) and issues grow ({fixed_a} actors)\n"
    )
    names = MODELS
    print("| actors × issues | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    shapes = [(a, fixed_i) for a in actors] + [(fixed_a, i) for i in issues if i != fixed_i]
    for a, i in shapes:
        block = Perturbation.from_scenario(synthetic(a, i)).draw_block(np.random.SeedSequence(3), 0)
        block = block.take(slice(0, BLOCK))
        rng = np.random.default_rng(0)
        cells = []
        for name in names:
            one = best_of(1, run_model, name, block.take(slice(0, 1)), rng=rng)
            if one > budget / 4:
                cells.append(f"{1e6 * one:.0f}†")
                continue
            t_small = best_of(1, run_model, name, block.take(slice(0, 4)), rng=rng)
            if t_small * BLOCK / 4 > budget:
                cells.append(f"{1e6 * t_small / 4:.0f}*")
                continue
            t = best_of(3, run_model, name, block, rng=rng)
            cells.append(f"{1e6 * t / BLOCK:.2f}")
        print(f"| {a} × {i} | " + " | ".join(cells) + " |")
        sys.stdout.flush()
    print(
        f"\n\\* measured on 4 variants only, † on 1 (a block of {BLOCK} would exceed the time "
        "budget); these include the per-call overhead."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    ap.add_argument("--budget", type=float, default=20.0, help="skip a batch estimated to take longer (s)")
    ap.add_argument(
        "--only",
        choices=("scaling", "growth"),
        help="run only this section",
    )
    ap.add_argument(
        "--models",
        help="comma-separated models: only the throughput, overhead and growth sections, for these",
    )
    args = ap.parse_args()
    global MODELS
    if args.models:
        MODELS = [get_model(m.strip()).MODEL_INFO.name for m in args.models.split(",")]
    print("## Uncertainty (ensemble) benchmarks")
    print(
        f"\nPython {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs; Monte Carlo blocks by scenario shape; models: {', '.join(MODELS)}"
    )
    scenarios = {"ukraine-2025": load_scenario("ukraine-2025"), "synthetic 50×10": synthetic(50, 10)}
    if args.quick:
        scenarios = {"ukraine-2025": scenarios["ukraine-2025"], "synthetic 10×5": synthetic(10, 5)}
        throughput(scenarios, [100, 1000], budget=2.0)
        overhead(scenarios, 2000, budget=0.2)
        scaling(scenarios["ukraine-2025"], {"compromise": 20_000})
        memory(scenarios, [("ukraine-2025", "compromise", 10_000)])
        growth([5, 10], [2], fixed_a=10, fixed_i=5, budget=2.0)
        return
    growth_args = ([5, 10, 20, 50, 100], [1, 5, 10, 20, 50])
    if args.models:
        throughput(scenarios, [100, 1000, 10_000, 100_000], budget=args.budget)
        overhead(scenarios, 100_000, budget=args.budget / 2)
        growth(*growth_args, fixed_a=20, fixed_i=10, budget=args.budget / 4)
        return
    if args.only == "scaling":
        scaling(scenarios["ukraine-2025"], {"compromise": 1_000_000, "eum": 4_000})
        return
    if args.only == "growth":
        growth(*growth_args, fixed_a=20, fixed_i=10, budget=args.budget / 4)
        return
    throughput(scenarios, [100, 1000, 10_000, 100_000], budget=args.budget)
    overhead(scenarios, 100_000, budget=args.budget / 2)
    scaling(scenarios["ukraine-2025"], {"compromise": 1_000_000, "eum": 4_000})
    memory(
        scenarios,
        [
            ("ukraine-2025", "compromise", 100_000),
            ("ukraine-2025", "compromise", 1_000_000),
            ("synthetic 50×10", "compromise", 100_000),
            ("ukraine-2025", "eum", 4_000),
        ],
    )
    growth(*growth_args, fixed_a=20, fixed_i=10, budget=args.budget / 4)


if __name__ == "__main__":
    main()
