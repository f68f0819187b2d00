r"""The zone of agreement without enumerating packages.

The packages every party accepts are those with one allowed option per issue (red
lines are per-issue intervals, so the allowed options of issue :math:`k` form a set
:math:`A_k`) whose additive utilities reach every reservation value:

.. math:: \sum_k T_k[p, j_k] \ge r_p \quad \text{for every party } p,
          \qquad j_k \in A_k .

Counting them is a multi-constraint knapsack count (#P-hard in general), so this module
works issue by issue and never lists the whole space:

* **Existence** (is the zone empty?).  The linear relaxation -- each issue may mix its
  options -- is the convex formulation: maximise :math:`t` with
  :math:`\sum_{k,j} x_{kj} T_k[p, j] \ge r_p + t`, :math:`\sum_j x_{kj} = 1`,
  :math:`x \ge 0` (an LP, solved with HiGHS).  Its dual gives party weights
  :math:`\lambda` (non-negative, summing to 1); if
  :math:`\sum_k \max_j \lambda\cdot T_k[:, j] < \lambda\cdot r` no package reaches every
  reservation value (a certificate, checked in exact terms of the tables, not trusted
  from the solver).  A basic optimum mixes options on at most :math:`P` issues; rounding
  those gives candidate packages, checked exactly.  When neither settles it, an exact
  search builds the Pareto sets of suffix sums issue by issue (a package can be completed
  only by a Pareto-optimal completion), pruned by the bound
  :math:`\lambda\cdot(s - r) + \sum_{i<k}\max_j \lambda\cdot T_i[:, j] \ge 0` for the
  unit weights and the LP's :math:`\lambda` (a strong prune exactly when the zone is
  tight, where the relaxation is close to the grid).
* **Size.**  A dynamic programme over issues: after each issue, partial sums that can no
  longer reach every reservation value (the bounds above) are dropped, those that reach
  them whatever the remaining issues give are counted in bulk (times the number of
  completions), and equal partial sums are merged with their multiplicities (a party's
  coordinate that is already certain is replaced by a sentinel, so that more of them
  merge).  This is exact.  When the live partial sums exceed a budget, the sums over
  the remaining issues are built backwards the same way and every (prefix, suffix) pair
  is tested (meet in the middle): exact again, within a budget of pairs no smaller than
  the 5e7 packages the enumeration handled.  Past that the count stops being exact:
  the packages counted so far (a lower bound) plus a Monte Carlo estimate of the share
  of the remaining mass that is acceptable (live partial sums drawn by
  multiplicity, remaining issues uniformly), with a 95 % Wilson interval, and the
  guaranteed bracket (counted so far, counted so far + remaining mass).
* **The first package** (smallest package index): the suffix Pareto sets again, then a
  forward pass choosing on each issue the smallest option that a suffix can still
  complete.
* **The least move** of relaxed red lines: the cost of a package is how far its
  options lie beyond the relaxed lines, so it depends only on the relaxed lines'
  issues.  Their option combinations are tried in order of cost (bounds first, then the
  existence test on the other issues); the first cost with an acceptable completion is
  the least move, and the first package among those at that cost is reported.

The acceptance test is the enumeration's: :math:`u_p - r_p \ge -10^{-12}`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negotia.bargaining.pareto import DECIMALS, pareto_mask
from negotia.seeding import child

#: Acceptance tolerance (a package is acceptable when ``u - r >= -TOL`` for every party).
TOL = 1e-12
#: Looser tolerance of the pruning bounds (pruning must never drop an acceptable package).
_PRUNE_TOL = 1e-10
#: Largest number of candidate partial sums one step of the exact count may form.
COUNT_BUDGET = 250_000
#: Largest number of candidate suffix sums one step of the exact search may form.
SEARCH_BUDGET = 30_000
#: Options per issue the LP relaxation sees at most (finer grids are thinned for it).
LP_OPTIONS = 256
#: Largest number of (prefix, suffix) pairs the exact meet-in-the-middle count tests.
PAIR_BUDGET = 50_000_000
#: Monte Carlo samples of the estimate when the exact count exceeds its budget.
SAMPLES = 200_000
#: Random packages tried for a witness when nothing else decides existence.
_WITNESS_SAMPLES = 50_000
#: Most existence checks the least-move search makes before it gives up (and says so).
MOVE_CHECKS = 300
#: A coordinate already certain to reach its reservation value (merges states).
_SENTINEL = 1e6
#: ``purpose`` of the random streams here (:func:`negotia.seeding.child`: 0 the estimate, 1 witnesses).
_PURPOSE = 7_201


@dataclass(frozen=True)
class ZoneSize:
    """How many packages lie in the zone of agreement.

    Attributes
    ----------
    exact
        True when ``value`` is the exact count (then ``low == high == value``).
    value
        The count, or the estimate rounded to an integer.
    low, high
        95 % interval of the estimate (the count itself when exact).
    lower, upper
        Guaranteed bracket: packages counted exactly, and that plus the mass the Monte
        Carlo step sampled from.
    samples, hits
        Monte Carlo samples drawn and how many were acceptable (0 when exact).
    nonempty
        True / False when known; None when undecided by the count alone.
    """

    exact: bool
    value: int
    low: int
    high: int
    lower: int
    upper: int
    samples: int = 0
    hits: int = 0

    @property
    def nonempty(self) -> bool | None:
        if self.exact:
            return self.value > 0
        return True if (self.lower > 0 or self.hits > 0) else None

    def describe(self) -> str:
        """``"about 1.2e+30 (95 % interval 1.1e+30-1.3e+30; 200,000 samples)"``."""
        if self.exact:
            return str(self.value)
        return (
            f"about {self.value:.4g} (estimate: 95 % interval {self.low:.4g} to {self.high:.4g}, "
            f"{self.samples:,} samples; certainly between {self.lower:.4g} and {self.upper:.4g})"
        )


def _prod(sizes: list[int] | tuple[int, ...]) -> int:
    return math.prod(int(s) for s in sizes)


def _lambda_bounds(tables: list[np.ndarray], lams: np.ndarray) -> np.ndarray:
    """``(L, K)``: ``max_j lam . T_k[:, j]`` for each weight vector and issue."""
    return np.stack([(lams @ T).max(axis=1) for T in tables], axis=1)


def _acceptable(U: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.all(U - r[:, None] >= -TOL, axis=0)


# -- the linear relaxation -------------------------------------------------------------
@dataclass(frozen=True)
class LpRelaxation:
    """The LP relaxation: its weights, a certificate of emptiness, a rounded package."""

    lam: np.ndarray | None
    empty: bool
    witness: np.ndarray | None


def lp_relaxation(tables: list[np.ndarray], r: np.ndarray) -> LpRelaxation:
    """Solve the convex relaxation; certify emptiness or round to a package.

    ``witness`` is a ``(K,)`` row of local option indices (into each table's columns)
    of an acceptable package, when rounding found one.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack

    P, K = len(r), len(tables)
    full = tables
    picks = [_lp_options(T) for T in full]
    tables = [T[:, c] for T, c in zip(full, picks, strict=True)]
    sizes = [T.shape[1] for T in tables]
    n = sum(sizes)
    flat = np.concatenate(tables, axis=1)  # (P, n)
    a_ub = hstack([csr_matrix(-flat), csr_matrix(np.ones((P, 1)))])
    rows = np.repeat(np.arange(K), sizes)
    a_eq = hstack([csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(K, n)), csr_matrix((K, 1))])
    span = float(np.abs(flat).sum() + np.abs(r).sum() + 1.0)
    res = linprog(
        np.r_[np.zeros(n), -1.0],
        A_ub=a_ub.tocsr(),
        b_ub=-r,
        A_eq=a_eq.tocsr(),
        b_eq=np.ones(K),
        bounds=[(0.0, 1.0)] * n + [(-span, span)],
        method="highs",
    )
    if res.status != 0 or res.x is None:
        return LpRelaxation(None, False, None)
    lam = np.clip(-np.asarray(res.ineqlin.marginals, dtype=float), 0.0, None)
    lam = lam / lam.sum() if lam.sum() > 0 else np.full(P, 1.0 / P)
    # The certificate is checked on all the options, not taken from the solver (which
    # may have seen a subset of them).
    bound = _lambda_bounds(full, lam[None, :]).sum() - float(lam @ r)
    if bound < -_PRUNE_TOL:
        return LpRelaxation(lam, True, None)
    row = _round(tables, r, np.split(res.x[:-1], np.cumsum(sizes)[:-1]))
    if row is None:
        return LpRelaxation(lam, False, None)
    return LpRelaxation(lam, False, np.array([c[j] for c, j in zip(picks, row, strict=True)]))


def _lp_options(T: np.ndarray) -> np.ndarray:
    """The options the LP sees: the Pareto-optimal ones of the issue, thinned to about
    :data:`LP_OPTIONS` evenly spaced ones (plus each party's best) on very fine grids.

    Dropping a dominated option never changes the relaxation; thinning may weaken it,
    which costs only speed: its certificate is checked on every option and its
    rounding is checked exactly, and undecided cases go to the exact search."""
    keep = np.flatnonzero(pareto_mask(T))
    if keep.size > LP_OPTIONS:
        even = keep[np.linspace(0, keep.size - 1, LP_OPTIONS).round().astype(np.int64)]
        keep = np.unique(np.r_[even, np.argmax(T, axis=1)])
    return keep


def _round(tables: list[np.ndarray], r: np.ndarray, x: list[np.ndarray]) -> np.ndarray | None:
    """Try the roundings of the LP's mixed issues (at most two options each)."""
    base = np.array([int(np.argmax(xk)) for xk in x])
    mixed = [k for k, xk in enumerate(x) if xk.max() < 1.0 - 1e-9][:10]
    alternatives = [np.argsort(-x[k], kind="stable")[:2] for k in mixed]
    for combo in itertools.product(*alternatives):
        row = base.copy()
        row[mixed] = combo
        u = np.sum([T[:, j] for T, j in zip(tables, row, strict=True)], axis=0)
        if np.all(u - r >= -TOL):
            return row
    return None


# -- exact search over suffix Pareto sets ----------------------------------------------
def _suffix_sets(
    tables: list[np.ndarray], r: np.ndarray, lams: np.ndarray, budget: int
) -> list[np.ndarray] | None:
    """Pareto sets ``S[k]`` of the sums over issues ``k..K-1`` that some prefix could still
    complete (None when a step would exceed ``budget``).  Rows past ``len(r)`` are extra
    objectives (a negated cost) that no bound constrains."""
    K, P = len(tables), len(r)
    D = tables[0].shape[0]
    head = _lambda_bounds([T[:P] for T in tables], lams)  # (L, K)
    prefix = np.concatenate([np.zeros((len(lams), 1)), np.cumsum(head, axis=1)], axis=1)
    S: list[np.ndarray] = [np.zeros((D, 0))] * (K + 1)
    S[K] = np.zeros((D, 1))
    for k in range(K - 1, -1, -1):
        nxt, T = S[k + 1], tables[k]
        if nxt.shape[1] * T.shape[1] > budget:
            return None
        cand = (T[:, :, None] + nxt[:, None, :]).reshape(D, -1)
        slack = lams @ (cand[:P] - r[:, None]) + prefix[:, k][:, None]
        cand = cand[:, np.all(slack >= -_PRUNE_TOL, axis=0)]
        if cand.shape[1]:
            cand = cand[:, pareto_mask(cand)]
            _, first = np.unique(np.round(cand, DECIMALS), axis=1, return_index=True)
            cand = cand[:, np.sort(first)]
        S[k] = cand
        if cand.shape[1] == 0:
            return S
    return S


def first_package(
    tables: list[np.ndarray],
    r: np.ndarray,
    *,
    lam: np.ndarray | None = None,
    budget: int = SEARCH_BUDGET,
) -> tuple[np.ndarray | None, bool]:
    """The acceptable package with the smallest index (C order over the tables' columns).

    Parameters
    ----------
    tables
        ``(P, n_k)`` utilities of each issue's allowed options (in increasing option order).
    r
        ``(P,)`` reservation values.
    lam
        Extra pruning weights (the LP's), besides the unit vectors.

    Returns
    -------
    (row, decided)
        ``row``: ``(K,)`` local option indices, or None when no package is acceptable;
        ``decided`` is False when the search exceeded ``budget`` (then ``row`` is None).
    """
    P = len(r)
    lams = np.eye(P) if lam is None else np.vstack([np.eye(P), lam[None, :]])
    S = _suffix_sets(tables, r, lams, budget)
    if S is None:
        return None, False
    if S[0].shape[1] == 0:
        return None, True
    x = np.zeros(P)
    row = np.zeros(len(tables), dtype=np.int64)
    for k, T in enumerate(tables):
        nxt = S[k + 1]
        for j in range(T.shape[1]):
            if np.any(np.all((x + T[:, j] - r)[:, None] + nxt >= -TOL, axis=0)):
                row[k] = j
                x = x + T[:, j]
                break
        else:  # unreachable: S[k] was built from these sums
            raise AssertionError("suffix sets are inconsistent")
    return row, True


def exists(
    tables: list[np.ndarray], r: np.ndarray, *, budget: int = SEARCH_BUDGET, seed: int = 0
) -> tuple[bool | None, np.ndarray | None]:
    """Whether some package reaches every reservation value, and one such package.

    Returns ``(answer, row)``; ``answer`` is None when neither the relaxation, the exact
    search within ``budget`` nor random samples decide it.
    """
    if any(T.shape[1] == 0 for T in tables):
        return False, None
    relax = lp_relaxation(tables, r)
    if relax.empty:
        return False, None
    if relax.witness is not None:
        return True, relax.witness
    row, decided = first_package(tables, r, lam=relax.lam, budget=budget)
    if decided:
        return row is not None, row
    rng = np.random.default_rng(child(seed, 1, _PURPOSE))
    picks = np.stack([rng.integers(0, T.shape[1], _WITNESS_SAMPLES) for T in tables], axis=0)
    U = np.zeros((len(r), _WITNESS_SAMPLES))
    for T, p in zip(tables, picks, strict=True):
        U += np.take(T, p, axis=1)
    hit = np.flatnonzero(_acceptable(U, r))
    if hit.size:
        return True, picks[:, hit[0]]
    return None, None


# -- the size: exact dynamic programme, then an estimate -------------------------------
def _merge(S: np.ndarray, mult: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge equal partial sums (to :data:`DECIMALS` places), adding multiplicities."""
    _, first, inv = np.unique(np.round(S, DECIMALS), axis=1, return_index=True, return_inverse=True)
    out = np.zeros(first.size, dtype=mult.dtype)
    np.add.at(out, inv.reshape(-1), mult)
    return S[:, first], out


def count(
    tables: list[np.ndarray],
    r: np.ndarray,
    *,
    lam: np.ndarray | None = None,
    budget: int = COUNT_BUDGET,
    pairs: int = PAIR_BUDGET,
    samples: int = SAMPLES,
    seed: int = 0,
) -> ZoneSize:
    """Number of packages (one allowed option per issue) reaching every reservation value.

    Exact while the forward partial sums stay within ``budget``, or when the live ones
    times the (merged) sums over the remaining issues number at most ``pairs`` (meet in
    the middle; so every space the enumeration handled, 5e7 packages, is counted
    exactly); otherwise an estimate."""
    K, P = len(tables), len(r)
    sizes = [T.shape[1] for T in tables]
    rem = [_prod(sizes[k:]) for k in range(K + 1)]
    if rem[0] == 0:
        return ZoneSize(True, 0, 0, 0, 0, 0)
    lams = np.eye(P) if lam is None else np.vstack([np.eye(P), lam[None, :]])
    head = _lambda_bounds(tables, lams)
    suffix_max = np.concatenate([np.cumsum(head[:, ::-1], axis=1)[:, ::-1], np.zeros((len(lams), 1))], axis=1)
    mins = np.stack([T.min(axis=1) for T in tables], axis=1)
    suffix_min = np.concatenate([np.cumsum(mins[:, ::-1], axis=1)[:, ::-1], np.zeros((P, 1))], axis=1)
    S, mult, inside = np.zeros((P, 1)), np.ones(1, dtype=np.int64), 0
    for k, T in enumerate(tables):
        n = T.shape[1]
        if S.shape[1] * n > budget:
            rest = _meet(tables[k:], r, S, mult, pairs)
            if rest is not None:
                total = inside + rest
                return ZoneSize(True, total, total, total, total, total)
            return _estimate(tables[k:], r, S, mult, inside, rem[k], samples, seed)
        if mult.dtype != object and _prod(sizes[: k + 1]) >= 1 << 62:
            mult = mult.astype(object)  # multiplicities could overflow int64
        cand = (S[:, :, None] + T[:, None, :]).reshape(P, -1)
        cm = np.repeat(mult, n)
        alive = np.all(lams @ (cand - r[:, None]) + suffix_max[:, k + 1][:, None] >= -_PRUNE_TOL, 0)
        sure = cand + suffix_min[:, k + 1][:, None] - r[:, None] >= -TOL  # (P, m)
        full = alive & sure.all(axis=0)
        inside += int(cm[full].sum()) * rem[k + 1]
        live = alive & ~full
        S = np.where(sure[:, live], _SENTINEL, cand[:, live])
        cm = cm[live]
        S, mult = _merge(S, cm) if cm.size else (S, cm)
    return ZoneSize(True, inside, inside, inside, inside, inside)


def _meet(tables: list[np.ndarray], r: np.ndarray, S: np.ndarray, mult: np.ndarray, pairs: int) -> int | None:
    """Exact count of (live prefix, suffix) pairs reaching ``r``; None over ``pairs``.

    The suffix sums over ``tables`` are built backwards with multiplicities, dropping
    those that no prefix could complete (per party: the largest live prefix plus the
    best of the issues still in between) and merging equal ones; then every pair is
    tested, in blocks."""
    P, m = len(r), S.shape[1]
    best_prefix = S.max(axis=1) if m else np.full(P, -np.inf)
    maxes = np.stack([T.max(axis=1) for T in tables], axis=1)  # (P, K')
    between = np.concatenate([np.zeros((P, 1)), np.cumsum(maxes, axis=1)], axis=1)
    # Multiplicities stay int64 while no count can reach 2**62 (else Python ints).
    small = _prod([T.shape[1] for T in tables]) < 1 << 62
    R, rm = np.zeros((P, 1)), np.ones(1, dtype=np.int64 if small else object)
    for i in range(len(tables) - 1, -1, -1):
        T = tables[i]
        if m * R.shape[1] * T.shape[1] > pairs:
            return None
        cand = (T[:, :, None] + R[:, None, :]).reshape(P, -1)
        cm = np.tile(rm, T.shape[1])
        keep = np.all(cand + (best_prefix + between[:, i])[:, None] - r[:, None] >= -_PRUNE_TOL, axis=0)
        R, rm = _merge(cand[:, keep], cm[keep]) if keep.any() else (cand[:, keep], cm[keep])
    total = 0
    step = max(1, 2_000_000 // max(1, R.shape[1]))
    for a in range(0, m, step):
        ok = np.all(S[:, a : a + step, None] + R[:, None, :] - r[:, None, None] >= -TOL, axis=0)
        per_prefix = ok.astype(rm.dtype) @ rm  # suffix completions of each live prefix
        total += int(np.dot(np.asarray(mult[a : a + step], dtype=object), per_prefix.astype(object)))
    return total


def _estimate(
    tables: list[np.ndarray],
    r: np.ndarray,
    S: np.ndarray,
    mult: np.ndarray,
    inside: int,
    completions: int,
    samples: int,
    seed: int,
) -> ZoneSize:
    """Counted-so-far plus a Monte Carlo estimate of the acceptable share of the rest."""
    mass = int(np.sum(mult)) * completions
    if mass == 0 or samples <= 0:
        return ZoneSize(True, inside, inside, inside, inside, inside)
    rng = np.random.default_rng(child(seed, 0, _PURPOSE))
    weights = np.asarray(mult, dtype=float)
    weights /= weights.sum()
    hits, done, block = 0, 0, 50_000
    while done < samples:
        b = min(block, samples - done)
        U = np.take(S, rng.choice(S.shape[1], size=b, p=weights), axis=1)
        for T in tables:
            U += np.take(T, rng.integers(0, T.shape[1], b), axis=1)
        hits += int(_acceptable(U, r).sum())
        done += b
        share, lo, hi = _wilson(hits, done)
        if hi - lo < 0.01 * share:  # a 95 % interval within +-0.5 %: more samples add nothing
            break
    samples = done
    share, lo, hi = _wilson(hits, samples)
    return ZoneSize(
        exact=False,
        value=inside + _sig(mass * share),
        low=inside + _sig(mass * lo, math.floor),
        high=inside + _sig(mass * hi, math.ceil),
        lower=inside,
        upper=inside + mass,
        samples=samples,
        hits=hits,
    )


def _sig(x: float, rounding: Callable[[float], int] = round) -> int:
    """``x`` to four significant digits as an exact integer (an estimate has no more)."""
    if x < 1e4:
        return int(rounding(x))
    scale = 10 ** (math.floor(math.log10(x)) - 3)
    return int(rounding(x / scale)) * scale


def _wilson(hits: int, n: int, z: float = 1.959963984540054) -> tuple[float, float, float]:
    """Share and its 95 % Wilson score interval (Wilson 1927, *JASA* 22: 209-212)."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


# -- the least move of relaxed red lines -----------------------------------------------
def least_cost_package(
    tables: list[np.ndarray], r: np.ndarray, costs: list[np.ndarray], *, seed: int = 0
) -> tuple[np.ndarray | None, bool]:
    """The acceptable package of least total cost; among equal costs, the smallest index.

    ``costs`` gives each allowed option's cost (non-zero only on the relaxed lines'
    issues).  Returns ``(row, decided)``: ``decided`` is False when the search needed
    more than :data:`MOVE_CHECKS` existence checks or one of them was undecided; then
    ``row`` is an acceptable package at the least cost found, or None.
    """
    if any(T.shape[1] == 0 for T in tables):
        return None, True
    relax = lp_relaxation(tables, r)
    if relax.empty:
        return None, True
    R = [k for k, c in enumerate(costs) if c.any()]
    if not R:  # no option lies beyond the relaxed lines: the first acceptable package
        answer, row = _completion(tables, r, [], np.zeros(0, dtype=np.int64), seed)
        return row if answer else None, answer is not None
    rest = [k for k in range(len(tables)) if k not in R]
    combos = np.stack(np.meshgrid(*[np.arange(tables[k].shape[1]) for k in R], indexing="ij"), -1)
    combos = combos.reshape(-1, len(R))
    cost = np.round(sum(costs[k][combos[:, i]] for i, k in enumerate(R)), DECIMALS)
    fixed = np.sum([tables[k][:, combos[:, i]] for i, k in enumerate(R)], axis=0)  # (P, c)
    lams = np.eye(len(r)) if relax.lam is None else np.vstack([np.eye(len(r)), relax.lam[None, :]])
    free = _lambda_bounds([tables[k] for k in rest], lams).sum(axis=1) if rest else np.zeros(len(lams))
    hopeful = np.all(lams @ (fixed - r[:, None]) + free[:, None] >= -_PRUNE_TOL, axis=0)
    order = np.lexsort((np.arange(len(cost)), cost))
    order = order[hopeful[order]]
    checks, found, level, decided = 0, [], None, True
    for c in order:
        if level is not None and cost[c] > level:
            break
        checks += 1
        if checks > MOVE_CHECKS:
            decided = False
            break
        answer, row = _completion(tables, r, R, combos[c], seed)
        if answer is None:
            decided = False
        elif answer:
            found.append(row)
            level = cost[c]
    if not found:
        return None, decided and checks <= MOVE_CHECKS
    return min(found, key=lambda row: tuple(row)), decided


def _completion(
    tables: list[np.ndarray], r: np.ndarray, R: list[int], combo: np.ndarray, seed: int
) -> tuple[bool | None, np.ndarray | None]:
    """Whether the options ``combo`` on issues ``R`` have an acceptable completion, and the
    first such package (or any one, when the exact search is too large)."""
    sub = list(tables)
    for i, k in enumerate(R):
        sub[k] = tables[k][:, combo[i] : combo[i] + 1]
    answer, row = exists(sub, r, seed=seed)
    if answer:
        first, decided = first_package(sub, r, lam=None)
        if decided and first is not None:
            row = first
        row = np.array(row, dtype=np.int64)
        row[R] = combo
    return answer, row
