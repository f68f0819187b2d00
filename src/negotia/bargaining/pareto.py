r"""Vectorised Pareto filtering.

A point :math:`u` (one utility per party) is *dominated* when another point is at least
as good for every party and strictly better for one; the Pareto frontier is the set of
points no other point dominates.  Equal points do not dominate each other, so every
copy of a frontier point is kept; utilities are compared after rounding to
:data:`DECIMALS` decimals, so that sums of the same terms in another order count as
equal.

All algorithms first sort the points in decreasing lexicographic order and merge exact
duplicates; a dominating point then always comes before the point it dominates, and
"dominated" reduces to "some *earlier* point is at least as good on the remaining
parties".

* 2 parties: one scan with a running maximum (Kung, Luccio & Preparata 1975,
  *J. ACM* 22(4): 469-476).
* 3 parties: the remaining question is a 2-D dominance query over earlier points,
  answered for all points at once by a divide-and-conquer over the sorted order
  (Kung et al. 1975), vectorised one level at a time: at each level every
  point in the right half of a block asks whether a point in the left half is at least
  as good on both remaining parties, via one sort and a segmented running maximum.
* 4 or more parties: block-nested comparison against the frontier found so far.

On a product space with additive utilities (:mod:`negotia.bargaining.utility`), the
utility set is the Minkowski sum of the issues' option sets, and a sum is Pareto-optimal
only if each term is Pareto-optimal in its own set; :func:`grid_frontier` therefore
builds the frontier issue by issue, filtering after each merge, and never evaluates the
whole space.
"""

from __future__ import annotations

import numpy as np

_BLOCK = 2048
_PREFILTER = 50_000
_SWEEP = 20_000
#: Utilities are compared after rounding to this many decimals.
DECIMALS = 12
_TOL = 10.0**-DECIMALS


def _lex_desc(U: np.ndarray) -> np.ndarray:
    """Order of the columns of ``U (P, n)`` in decreasing lexicographic order."""
    return np.lexsort(tuple(-U[p] for p in range(U.shape[0] - 1, -1, -1)))


def _dense_rank(x: np.ndarray) -> np.ndarray:
    """Rank of each value among the values of ``x`` (equal values share a rank)."""
    s = np.sort(x)
    return np.searchsorted(s, x, side="left").astype(np.int64)


def _front_2(S: np.ndarray) -> np.ndarray:
    u1 = S[1]
    prev = np.empty_like(u1)
    prev[0] = -np.inf
    if u1.size > 1:
        prev[1:] = np.maximum.accumulate(u1)[:-1]
    return ~(prev >= u1)


def _front_3(S: np.ndarray) -> np.ndarray:
    n = S.shape[1]
    r1 = _dense_rank(S[1])
    r2 = _dense_rank(S[2])
    M = n + 1
    pos = np.arange(n, dtype=np.int64)
    dominated = np.zeros(n, dtype=bool)
    half = 1
    while half < n:
        seg = pos // (2 * half)
        right = (pos // half) % 2 == 1
        # Within a block: decreasing second utility; on ties, left points first so that
        # "at least as good" includes equality.
        key = seg * (2 * M) + (M - 1 - r1) * 2 + right
        order = np.argsort(key, kind="stable")
        s_seg = seg[order]
        s_right = right[order]
        vals = np.where(s_right, 0, r2[order] + 1) + s_seg * (M + 1)
        best = np.maximum.accumulate(vals) - s_seg * (M + 1) - 1
        hit = s_right & (best >= r2[order])
        dominated[order[hit]] = True
        half *= 2
    return ~dominated


def _front_3_sweep(S: np.ndarray, block: int = 4096) -> np.ndarray:
    """3 parties, large sets: sweep blocks of the sorted order against a 2-D staircase.

    The staircase holds the 2-D maxima (second and third utility) of the frontier points
    of all earlier blocks, sorted by the second utility; a point is dominated by an
    earlier block iff the first staircase point with a second utility at least its own
    also has a third utility at least its own (one ``searchsorted`` for the block).
    Points that pass are compared within their block with the divide and conquer.
    """
    n = S.shape[1]
    keep = np.zeros(n, dtype=bool)
    st1 = np.empty(0)
    st2 = np.empty(0)
    for start in range(0, n, block):
        B = S[:, start : start + block]
        alive = np.ones(B.shape[1], dtype=bool)
        if st1.size:
            j = np.searchsorted(st1, B[1], side="left")
            hit = j < st1.size
            alive[hit] = st2[j[hit]] < B[2][hit]
        cand = np.flatnonzero(alive)
        if cand.size > 1:
            alive[cand] = _front_3(B[:, cand])
        surv = np.flatnonzero(alive)
        keep[start + surv] = True
        if surv.size:
            # New staircase: 2-D maxima of old staircase + survivors.
            a1 = np.concatenate([st1, B[1, surv]])
            a2 = np.concatenate([st2, B[2, surv]])
            o = np.lexsort((-a2, -a1))  # second utility descending, then third descending
            a1, a2 = a1[o], a2[o]
            prev = np.empty_like(a2)
            prev[0] = -np.inf
            prev[1:] = np.maximum.accumulate(a2)[:-1]
            m = a2 > prev
            st1, st2 = a1[m][::-1].copy(), a2[m][::-1].copy()
    return keep


def _front_n(S: np.ndarray) -> np.ndarray:
    P, n = S.shape
    keep = np.zeros(n, dtype=bool)
    front = np.empty((P, 0))
    for start in range(0, n, _BLOCK):
        B = S[:, start : start + _BLOCK]
        b = B.shape[1]
        alive = np.ones(b, dtype=bool)
        for f0 in range(0, front.shape[1], _BLOCK):
            F = front[:, f0 : f0 + _BLOCK]
            dom = np.all(F[:, :, None] >= B[:, None, :], axis=0).any(axis=0)
            alive &= ~dom
        # Within the block an earlier (lexicographically larger) distinct point dominates.
        ge = np.all(B[:, :, None] >= B[:, None, :], axis=0)
        ge &= np.tri(b, b, -1, dtype=bool).T
        alive &= ~(ge & alive[:, None]).any(axis=0)
        keep[start : start + b] = alive
        front = np.concatenate([front, B[:, alive]], axis=1)
    return keep


def pareto_mask(U: np.ndarray) -> np.ndarray:
    """Boolean mask of the Pareto-optimal columns of ``U``.

    Parameters
    ----------
    U
        ``(P, n)`` utilities: one row per party, one column per point.

    Returns
    -------
    ``(n,)`` bool, True where no other column dominates.
    """
    U = np.asarray(U, dtype=float)
    if U.ndim != 2:
        raise ValueError("utilities must have shape (parties, points)")
    P, n = U.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if P == 1:
        return U[0] == U[0].max()
    if n > _PREFILTER:
        cand = np.flatnonzero(_pivot_filter(U))
        out = np.zeros(n, dtype=bool)
        out[cand] = pareto_mask(U[:, cand]) if cand.size < n else _exact(U)
        return out
    return _exact(U)


def _pivot_filter(U: np.ndarray) -> np.ndarray:
    """Cheap pre-filter: drop points dominated by a few known frontier points.

    The maximiser of a weighted sum with positive weights is Pareto-optimal (a point
    dominating it would have a larger sum), so it may serve as a pivot.
    """
    P, n = U.shape
    weights = [np.ones(P)] + [np.ones(P) + 3.0 * np.eye(P)[p] for p in range(P)]
    weights += [np.ones(P) + 3.0 * (1 - np.eye(P)[p]) for p in range(P)] if P > 2 else []
    idx = np.arange(n)
    V = U
    for w in weights:
        piv = V[:, int(np.argmax(w @ V))][:, None]
        # Row by row: cheaper than (P, n) temporaries for large n.
        le = V[0] <= piv[0] + _TOL
        lt = V[0] < piv[0] - _TOL
        for p in range(1, P):
            le &= V[p] <= piv[p] + _TOL
            lt |= V[p] < piv[p] - _TOL
        keep = ~(le & lt)
        removed = 1.0 - keep.mean()
        idx, V = idx[keep], V[:, keep]
        if removed < 0.1:  # a flat frontier: further pivots would not pay for themselves
            break
    alive = np.zeros(n, dtype=bool)
    alive[idx] = True
    return alive


def _exact(U: np.ndarray) -> np.ndarray:
    P, n = U.shape
    # Sums of the same numbers in another order differ in the last bits; utilities
    # equal to DECIMALS places are equal (neither dominates the other).
    U = np.round(U, DECIMALS)
    order = _lex_desc(U)
    S = U[:, order]
    dup = np.zeros(n, dtype=bool)
    dup[1:] = np.all(S[:, 1:] == S[:, :-1], axis=0)
    group = np.cumsum(~dup) - 1
    R = S[:, ~dup]
    if P == 2:
        front = _front_2(R)
    elif P == 3:
        front = _front_3(R) if R.shape[1] <= _SWEEP else _front_3_sweep(R)
    else:
        front = _front_n(R)
    out = np.empty(n, dtype=bool)
    out[order] = front[group]
    return out


def pareto_mask_bruteforce(U: np.ndarray) -> np.ndarray:
    """O(n²) reference definition of :func:`pareto_mask` (for tests and small sets)."""
    U = np.round(np.asarray(U, dtype=float), DECIMALS)
    ge = np.all(U[:, :, None] >= U[:, None, :], axis=0)
    gt = np.any(U[:, :, None] > U[:, None, :], axis=0)
    return ~(ge & gt).any(axis=0)


class FrontierTooLargeError(Exception):
    """The frontier of a product space outgrew the budget given to :func:`grid_frontier`."""

    def __init__(self, size: int, merged: int, issues: int) -> None:
        self.size, self.merged, self.issues = size, merged, issues
        super().__init__(f"more than {size} candidate packages to compare after {merged} of {issues} issues")


def grid_frontier(
    tables: list[np.ndarray],
    options: list[np.ndarray] | None = None,
    *,
    floor: np.ndarray | None = None,
    budget: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pareto frontier of a product space with additive utilities.

    Parameters
    ----------
    tables
        Per issue ``(P, n_k)`` contributions of each option to each party's utility.
    options
        Per issue, the option indices allowed (e.g. inside red lines); all by default.
    floor
        ``(P,)``: keep only frontier packages worth at least ``floor`` to every party
        (e.g. the reservation values).  Partial packages that cannot reach it whatever
        the remaining issues give are dropped as the frontier is built; this loses no
        such frontier package, since anything dominating it reaches the floor too.
    budget
        Raise :class:`FrontierTooLargeError` before comparing more than this many
        candidate (partial) packages in one step.

    Returns
    -------
    opts, U
        ``(m, K)`` option indices of the frontier packages and their ``(P, m)``
        utilities (in no particular order).
    """
    K = len(tables)
    if options is None:
        options = [np.arange(t.shape[1]) for t in tables]
    if any(len(o) == 0 for o in options):
        return np.zeros((0, K), dtype=np.int64), np.zeros((tables[0].shape[0], 0))
    # Issues with the fewest Pareto options first keeps intermediate sets small.
    per_issue = []
    for k in range(K):
        opt = np.asarray(options[k], dtype=np.int64)
        T = tables[k][:, opt]
        m = pareto_mask(T)
        per_issue.append((k, opt[m], T[:, m]))
    per_issue.sort(key=lambda e: e[1].size)
    P = tables[0].shape[0]
    best = np.array([T.max(axis=1) for _, _, T in per_issue]).reshape(K, P)
    rest = np.concatenate([np.cumsum(best[::-1], axis=0)[::-1][1:], np.zeros((1, P))])  # after issue i
    U = np.zeros((P, 1))
    chosen = np.zeros((1, 0), dtype=np.int64)
    order = []
    for i, (k, opt, T) in enumerate(per_issue):
        order.append(k)
        c, m = U.shape[1], T.shape[1]
        if budget is not None and c * m > budget:
            raise FrontierTooLargeError(budget, i, K)
        U = (U[:, :, None] + T[:, None, :]).reshape(P, c * m)
        chosen = np.concatenate(
            [np.repeat(chosen, m, axis=0), np.tile(opt, c)[:, None]],
            axis=1,
        )
        if floor is not None:
            reach = np.all(U + rest[i][:, None] - np.asarray(floor)[:, None] >= -1e-10, axis=0)
            U, chosen = U[:, reach], chosen[reach]
        keep = pareto_mask(U)
        U, chosen = U[:, keep], chosen[keep]
    opts = np.empty_like(chosen)
    opts[:, order] = chosen
    return opts, U
