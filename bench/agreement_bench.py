"""Benchmark of the agreement analysis (issue 12): ``ukraine-2025`` with 10,000 variants.

Rows, each labelled:

1. whole process: ``negotia agreement ukraine-2025 -n 10000 -f json`` (start-up, loading
   the bundled scenario, the analysis, the JSON), wall time of the subprocess;
2. in-process, end to end: ``negotia.agreement(scenario, 10000)`` on a loaded scenario
   (perturbation, consent rows, kernel, partial packages, prior, the compromise model, the
   mixture);
3. in-process, kernel only, on the rows of the same 10,000 variants: the whole package
   (:func:`settle`), every issue alone (:func:`issue_zones`) and the largest partial
   packages (:func:`settled_sets`);
4. reference: the same whole-package question answered by enumerating the scenario's
   option grid (its anchors: every package checked against every row), in plain NumPy,
   timed on a few hundred variants and scaled to 10,000 -- what the enumerating ZOPA of
   ``negotia bargain`` would cost per variant.

Run: ``python bench/agreement_bench.py`` (``--quick``: one run per timing; ``-n``: variants).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import timed

import negotia
from negotia.agreement.settle import settled_sets
from negotia.bargaining.consent import consent_of, consent_rows
from negotia.bargaining.feasible import issue_zones, loss_of, settle
from negotia.bargaining.space import space_from_scenario
from negotia.ensemble.perturb import Perturbation, seed_sequence


def rows_for(sc, n: int):
    from negotia.agreement.analysis import draw_bounds

    ss = seed_sequence(0)
    consent = consent_of(sc)
    arrays = Perturbation.from_scenario(sc).draw(ss, 0, n)
    lo, hi = draw_bounds(consent, n, ss)
    return consent_rows(consent, arrays, lo, hi)


#: Largest anchor grid the reference enumerates (12 issues have 292,968,750 packages:
#: about 28 GB as one array, so beyond this the reference runs on the first issues only).
MAX_GRID = 2_000_000


def enumerate_package(sc, rows) -> tuple[np.ndarray, int, float]:
    """Whole-package zone by checking every package of the anchor grid (the reference).

    Returns the zone per variant, the number of issues enumerated, and the factor by
    which the full grid is costlier: the grid of the first issues that fits in
    :data:`MAX_GRID` is enumerated when the whole one does not, and the cost, linear in
    packages x issues, is scaled up by that factor (the zones are then of those issues
    only and are not compared with the kernel's).
    """
    space = space_from_scenario(sc)
    sizes = [o.size for o in space.issues]
    k = len(sizes)
    while k > 1 and np.prod(sizes[:k], dtype=float) > MAX_GRID:
        k -= 1
    factor = float(np.prod(sizes, dtype=float) * len(sizes) / (np.prod(sizes[:k], dtype=float) * k))
    grid = np.array(list(itertools.product(*[o.unit for o in space.issues[:k]])))  # (N, k)
    out = np.zeros(rows.batch, dtype=bool)
    scope = rows.scope[:, :k]
    for b in range(rows.batch):
        ok = np.ones(len(grid), dtype=bool)
        for r in range(rows.n_rows):
            inside = (grid >= rows.lo[b, r, :k] - 1e-9) & (grid <= rows.hi[b, r, :k] + 1e-9)
            ok &= np.where(scope[r], inside, True).all(axis=1)
            if np.isfinite(rows.slack[b, r]):
                gap = loss_of(grid - rows.ideal[b, r, :k], rows.loss)
                loss = (rows.coef[b, r, :k] * gap).sum(axis=1)
                ok &= loss <= rows.slack[b, r] + rows.base[b, r, :k].sum() + 1e-12
        out[b] = ok.any()
    return out, k, factor


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("-n", type=int, default=10_000)
    args = ap.parse_args()
    repeat = 1 if args.quick else 3
    n = args.n
    sc = negotia.load_scenario("ukraine-2025").as_of()
    py, cpus = platform.python_version(), os.cpu_count()
    print(f"machine: {platform.machine()}, {cpus} cpus, Python {py}, numpy {np.__version__}")
    rows_n = len(consent_of(sc).labels)
    print(f"scenario: {sc.name}: {len(sc.issues)} issues, {rows_n} consent rows; n = {n}\n")
    exe = Path(sys.executable).with_name("negotia")
    cmd = [str(exe), "agreement", "ukraine-2025", "-n", str(n), "-f", "json"]
    whole = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        whole.append(time.perf_counter() - t0)
    end_to_end, _ = timed(lambda: negotia.agreement_analysis(sc, n), repeat)
    rows = rows_for(sc, n)
    t_pkg, _ = timed(lambda: settle(rows), repeat)
    t_issue, _ = timed(lambda: issue_zones(rows), repeat)
    t_part, _ = timed(lambda: settled_sets(rows), repeat)
    # a few hundred variants over a small grid; a few dozen when the grid is cut at MAX_GRID
    small = np.prod([o.size for o in space_from_scenario(sc).issues], dtype=float) <= MAX_GRID
    m = min(n, 300 if small else 30)
    sub = rows.take(np.arange(m))
    t0 = time.perf_counter()
    ref, k, factor = enumerate_package(sc, sub)
    t_ref = (time.perf_counter() - t0) * n / m * factor
    full = k == len(sc.issues)
    # a grid package proves a zone (only comparable when every issue was enumerated)
    agree = bool((ref <= settle(sub).feasible).all()) if full else None
    print("| what | time (s) | variants/s |")
    print("|---|---:|---:|")
    for label, t in (
        ("whole process: `negotia agreement ukraine-2025 -n N -f json`", min(whole)),
        ("in-process, end to end: `negotia.agreement_analysis(sc, N)`", end_to_end),
        ("in-process, kernel only: whole package (`settle`)", t_pkg),
        ("in-process, kernel only: each issue alone (`issue_zones`)", t_issue),
        ("in-process, kernel only: largest partial packages (`settled_sets`)", t_part),
        (
            f"reference: enumerating the anchor grid, whole package (timed on {m} variants"
            + ("" if full else f" and the first {k} issues' grid, x{factor:,.0f}")
            + ", scaled)",
            t_ref,
        ),
    ):
        rate = n / t
        shown_t = f"{t:,.0f}" if t >= 1000 else f"{t:.3f}"
        shown_rate = f"{rate:,.0f}" if rate >= 10 else f"{rate:.3g}"
        print(f"| {label} | {shown_t} | {shown_rate} |")
    if agree is None:
        print(f"\nthe full grid is too large to enumerate; the reference is timed on {k} issues")
    else:
        print(f"\nthe enumeration's packages all lie in zones the kernel finds: {agree}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
