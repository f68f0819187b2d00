"""Benchmarks of the bargaining package (issue 4); prints Markdown tables.

Workloads (3 parties unless stated; synthetic scenario with random positions and
saliences, quadratic loss, resolution 10 per issue, so 6 issues give 10^6 packages):

1. Utilities of every package (10^6 packages).
2. Pareto frontier of 10^5 packages (5 issues): the grid (Minkowski) path and the
   general filter on the evaluated utilities.
3. Frontier + Nash + Kalai-Smorodinsky points of 10^6 packages: the grid path (what
   ``bargaining_space`` uses) and the general path (evaluate everything, filter).
4. A 100-step negotiation over 10^6 packages (stacked alternating offers, 2 and 3
   parties, Boulware; two red lines that do not overlap, so that all 100 steps run),
   including building the utility table and the agents' candidate pools; and the
   mediator from the worst text until it stops (at most 100 texts).

Baselines: the NegMAS timings quoted in the issue (0.34 s for the frontier of 10^5
packages with 3 parties, 3.8 s to evaluate utilities over 10^6 packages, 2.4 s for a
100-step negotiation over 10^6 packages; NegMAS is AGPL and is not installed, so these
figures are not re-measured here), and, run in this process, a plain Python loop that
evaluates utilities package by package (timed on 2*10^4 packages, scaled to 10^6).

Run: ``python bench/bargaining_bench.py`` (``--quick``: one run per timing instead of
the best of 3).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

import numpy as np

from negotia.bargaining import (
    bargaining_space,
    grid_frontier,
    kalai_point,
    nash_point,
    pareto_mask,
    utility_model,
)
from negotia.bargaining.mediator import run_mediator
from negotia.bargaining.offers import run_offers
from negotia.bargaining.strategies import parse_strategy
from negotia.bargaining.utility import UtilityModel
from negotia.scenario.formats import load_scenario
from negotia.scenario.schema import Scenario

NEGMAS = {"frontier_1e5": 0.34, "utilities_1e6": 3.8, "negotiation_1e6": 2.4}


def synthetic(n_parties: int, n_issues: int, seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    return Scenario(
        name=f"synthetic {n_parties}x{n_issues}",
        loss="quadratic",
        required_parties=[f"P{a}" for a in range(n_parties)],
        actors=[{"id": f"P{a}", "capability": 1.0} for a in range(n_parties)],
        issues=[{"id": f"I{i}", "scale": {"min": 0, "max": 100}} for i in range(n_issues)],
        stances=[
            {
                "actor": f"P{a}",
                "issue": f"I{i}",
                "position": float(rng.uniform(0, 100)),
                "salience": float(rng.uniform(0.05, 1)),
            }
            for a in range(n_parties)
            for i in range(n_issues)
        ],
        metadata={"reservation": {f"P{a}": 0.0 for a in range(n_parties)}},
    )


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def naive_utilities(model: UtilityModel, n: int) -> float:
    """Seconds per package of a plain Python loop (the in-process baseline)."""
    idx = np.arange(n)
    opts = model.space.decode(idx).tolist()
    tables = [t.tolist() for t in model.tables]
    t = time.perf_counter()
    for row in opts:
        for p in range(model.n_parties):
            s = 0.0
            for k, j in enumerate(row):
                s += tables[k][p][j]
    return (time.perf_counter() - t) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per timing instead of the best of 3")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    rows: list[tuple[str, float, str, str]] = []
    m6 = utility_model(synthetic(3, 6), resolution=10)
    m5 = utility_model(synthetic(3, 5), resolution=10)
    assert m6.space.size == 10**6 and m5.space.size == 10**5

    t, _ = best_of(repeat, m6.dense_utilities)
    per = naive_utilities(m6, 20_000)
    rows.append(
        (
            "utilities, 10^6 packages",
            t,
            f"{NEGMAS['utilities_1e6'] / t:.0f}x",
            f"{per * 1e6 / t:.0f}x (loop: {per * 1e6:.1f} s)",
        )
    )

    t, (opts, _) = best_of(repeat, lambda: grid_frontier(list(m5.tables)))
    rows.append(
        (
            f"frontier, 10^5 packages, grid path ({len(opts)} on it)",
            t,
            f"{NEGMAS['frontier_1e5'] / t:.0f}x",
            "",
        )
    )
    U5 = m5.dense_utilities()
    t, mask = best_of(repeat, lambda: pareto_mask(U5))
    rows.append(
        (
            f"frontier, 10^5 packages, general filter ({int(mask.sum())} on it)",
            t,
            f"{NEGMAS['frontier_1e5'] / t:.0f}x",
            "",
        )
    )

    def grid_path():
        opts, F = grid_frontier(list(m6.tables))
        idx = m6.space.encode(opts)
        return nash_point(idx, F, m6.reservation), kalai_point(idx, F, m6.reservation), len(idx)

    def general_path():
        U = m6.dense_utilities()
        mask = pareto_mask(U)
        idx = np.flatnonzero(mask)
        F = U[:, idx]
        return nash_point(idx, F, m6.reservation), kalai_point(idx, F, m6.reservation), len(idx)

    def hard_model() -> UtilityModel:
        # Two parties at opposite ends of every issue and linear loss: a flat frontier
        # with thousands of packages (the hard case for any Pareto filter).
        data = synthetic(3, 6, seed=2).model_dump()
        for s in data["stances"]:
            if s["actor"] in ("P0", "P1"):
                s["position"] = 0.0 if s["actor"] == "P0" else 100.0
        data["loss"] = "linear"
        return utility_model(Scenario.model_validate(data), resolution=10)

    t, (n1, k1, size) = best_of(repeat, grid_path)
    rows.append(
        (f"frontier + Nash + Kalai, 10^6 packages, grid path ({size} on it)", t, "target < 0.3 s", "")
    )
    t, (n2, k2, size2) = best_of(repeat, general_path)
    rows.append((f"frontier + Nash + Kalai, 10^6 packages, general path ({size2})", t, "target < 0.3 s", ""))
    assert n1.index == n2.index and k1.index == k2.index and size == size2
    m6_easy, m6 = m6, hard_model()
    t, (n1, k1, size) = best_of(repeat, grid_path)
    rows.append((f"same, hard case: opposed parties, linear loss, grid path ({size} on it)", t, "", ""))
    t, (n2, k2, size2) = best_of(repeat, general_path)
    rows.append((f"same, hard case, general path ({size2})", t, "", ""))
    assert n1.index == n2.index and k1.index == k2.index and size == size2
    m6 = m6_easy

    for P in (2, 3):
        sc = synthetic(P, 6, seed=1)
        # Two red lines that do not overlap (P0: I0 at most 30, P1: I0 at least 70)
        # leave no package every party accepts, so all 100 steps run, each with an offer
        # and every other party's answer; each agent still chooses among the ~40% of
        # the packages inside its own red lines.
        lines = [{"actor": "P0", "issue": "I0", "max": 30}, {"actor": "P1", "issue": "I0", "min": 70}]
        sc = Scenario.model_validate({**sc.model_dump(), "red_lines": lines})
        m = utility_model(sc, resolution=10)
        strategies = [parse_strategy("boulware")] * P
        t, run = best_of(repeat, lambda m=m, s=strategies: run_offers(m, s, seed=0, steps=100))
        rows.append(
            (
                f"100-step negotiation, 10^6 packages, {P} parties ({run.steps} steps run)",
                t,
                f"{NEGMAS['negotiation_1e6'] / t:.0f}x",
                "",
            )
        )
    t, run = best_of(repeat, lambda: run_mediator(m6, seed=0, steps=100, start="worst"))
    rows.append((f"mediator, 10^6 packages, 3 parties ({run.steps} texts)", t, "", ""))
    sc = load_scenario("ukraine-2025")
    t, r = best_of(repeat, lambda: bargaining_space(sc))
    rows.append(
        (f"`bargaining_space` end to end, ukraine-2025 ({r.n_packages} packages, ZOPA diagnosis)", t, "", "")
    )

    print(
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print()
    print("| workload | time (s) | vs NegMAS figure | vs Python loop |")
    print("|---|---:|---:|---:|")
    for name, t, r1, r2 in rows:
        print(f"| {name} | {t:.4f} | {r1} | {r2} |")


if __name__ == "__main__":
    main()
