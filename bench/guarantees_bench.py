"""Benchmarks of the security-guarantee models (issue 5); prints Markdown tables.

1. Monte Carlo over honouring decisions: time per call and draws x guarantors per second
   for 10^3 .. 10^6 draws and 1 .. 64 guarantors, against a plain Python loop over draws
   and guarantors run in the same process (the baseline the vectorised code replaces).
2. End to end: `assess_guarantees` for each Ukraine arrangement and the whole comparison.
3. The Leeds & Anac fit and its 137-refit leave-one-out check.

Guarantors beyond NATO's 32 get made-up codes without a capability figure (they count as
0 but cost the same to simulate).

Run: ``python bench/guarantees_bench.py`` (``--quick`` for a short smoke run).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable

import numpy as np
from scipy.special import ndtr

from negotia.guarantees.catalogue import catalogue
from negotia.guarantees.compare import assess_guarantees, compare_arrangements, guarantee_case
from negotia.guarantees.credibility import BaseRate, Credibility, fit_logit, load_leeds_anac, loo_brier
from negotia.guarantees.deterrence import simulate_response

GUARANTORS = catalogue().instrument("nato-art5").parties


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def creds(n: int) -> list[Credibility]:
    """``n`` defence obligations from distinct guarantors (NATO members, then made-up codes)."""
    names = [*GUARANTORS, *(f"X{k:02d}" for k in range(max(0, n - len(GUARANTORS))))][:n]
    base = BaseRate(0.4, None, None, "", "")
    return [Credibility("nato-art5", "art5", g, "UKR", "defense", 4, base, [], 0.4) for g in names]


def loop_baseline(p: np.ndarray, c: np.ndarray, n: int, rho: float, seed: int) -> float:
    """The same copula simulation as a Python loop (one draw and guarantor at a time)."""
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n):
        z0 = rng.standard_normal()
        r = 0.0
        for g in range(len(p)):
            u = float(ndtr(np.sqrt(rho) * z0 + np.sqrt(1 - rho) * rng.standard_normal()))
            if u < p[g]:
                r += c[g]
        total += r
    return total / n


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    cat = catalogue().instruments
    print(f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {platform.machine()}\n")

    print("### Monte Carlo over honouring decisions\n")
    print("| draws | guarantors | vectorised (s) | draws x guarantors / s | loop baseline (s) | speed-up |")
    print("|---:|---:|---:|---:|---:|---:|")
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    for n in sizes:
        for g in (1, 8, 32) if args.quick else (1, 8, 32, 64):
            cs = creds(g)
            t = best_of(lambda cs=cs, n=n: simulate_response(cs, cat, "RUS", "UKR", n_draws=n, seed=0))
            base = ""
            ratio = ""
            if n * g <= 320_000:
                p = np.full(g, 0.4)
                c = np.full(g, 10.0)
                tb = best_of(lambda p=p, c=c, n=n: loop_baseline(p, c, n, 0.5, 0), repeat=1)
                base, ratio = f"{tb:.3f}", f"{tb / t:.0f}x"
            print(f"| {n:,} | {g} | {t:.4f} | {n * g / t:,.0f} | {base or 'skipped'} | {ratio or '—'} |")

    print("\n### End to end (default event, 20,000 draws)\n")
    print("| arrangement | assess_guarantees (s) |")
    print("|---|---:|")
    for arr in guarantee_case().arrangements:
        print(f"| {arr} | {best_of(lambda arr=arr: assess_guarantees(arr, n_draws=20_000)):.3f} |")
    print(f"| compare (all five) | {best_of(lambda: compare_arrangements(n_draws=20_000)):.3f} |")

    print("\n### Leeds & Anac (2005) logit\n")
    X, y = load_leeds_anac()
    t_fit = best_of(lambda: fit_logit(X, y), repeat=5)
    loo_brier.cache_clear()
    t_loo = best_of(lambda: (loo_brier.cache_clear(), loo_brier()), repeat=1)
    print("| step | time (s) |")
    print("|---|---:|")
    print(f"| one fit (137 cases) | {t_fit:.4f} |")
    print(f"| leave-one-out Brier (137 refits) | {t_loo:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
