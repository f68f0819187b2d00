r"""The numeric core of the expected utility model (:mod:`negotia.models.eum`).

Every (batch element, issue) pair is one independent one-dimensional run.  This module
holds one round of the model over a chunk of runs (votes, win probabilities, utilities,
security levels and offers; the equations are in the notes of :mod:`negotia.models.eum`)
and :func:`simulate`, which repeats it and finds fixed points and cycles.

Pure functions over arrays: no threads are started here.  The runs of a round are cut
into cache-sized chunks, and :func:`simulate` maps the round over them with the ``mapper``
it is given (the builtin ``map`` by default); the caller decides whether that map runs
on threads (:func:`negotia.ensemble.backends.thread_map`).  The chunks do not depend on
the mapper, so neither does the result.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from negotia.models.compromise import weighted_mean
from negotia.models.median import weighted_median

#: ``map``-like callable over the chunks of a round (``map`` itself, or a thread pool's).
Mapper = Callable[[Callable[[slice], Any], Iterable[slice]], Iterator[Any]]
#: Called after every round with (rounds done, rounds in all).
RoundReport = Callable[[int, int], None]

KINDS = ("none", "conflict", "compromise", "capitulation")
_TIE = 1e-12  # keys and positions within this are ties (all on the [0, 1] scale)
#: Two actors closer than this (on the [0, 1] issue scale) hold one position: they make each
#: other no offers and neither can win against the other, exactly as at equal positions.
#: Why: a gap far below what a user can state is rounding (the same positions written on
#: another scale, or a compromise series converging), and the model is discontinuous at a
#: gap of 0 -- a conflict offer from a partner 1e-17 away blocks every other offer -- so
#: the result would depend on the units of the scale.  1e-9 is far above the rounding of
#: an affine change of scale and as fine as the golden reproductions are checked.
_SAME = 1e-9
_CHUNK_ELEMENTS = 1 << 16  # size of an (A, A, n) pair array per chunk of runs
#: Up to this many actors on an issue the votes are summed directly, O(A^3) per run, which is
#: then as fast as the sorted prefix sums, O(A^2 log A) (bench/README.md, eum section).
_DIRECT_MAX_ACTORS = 16


# --------------------------------------------------------------------------------------
# Numeric core.  Inside a round, arrays are actor-first with the runs last -- ``(A, n)``,
# ``(A, A, n)`` -- so that every NumPy loop runs over the long, contiguous run axis.
# --------------------------------------------------------------------------------------
def _pro_votes(x: np.ndarray, r: np.ndarray | None, w: np.ndarray, rho: np.ndarray) -> np.ndarray:
    r"""``V[i, j, n] = sum_k max(0, v^k_ij)``: the votes for :math:`x_i` over :math:`x_j`.

    ``x``, ``w`` (zero for absent actors) and ``r`` (None = all 1) are ``(A, n)``, ``rho``
    ``(n,)``.  Up to :data:`_DIRECT_MAX_ACTORS` actors the sum over voters is taken for
    every pair as it stands (:func:`_pro_votes_direct`, O(A^3) per run), above that from
    sorted prefix sums (:func:`_pro_votes_sorted`, O(A^2 log A)); the two agree to
    rounding (about 1e-15 of the largest vote).
    """
    if x.shape[0] <= _DIRECT_MAX_ACTORS:
        return _pro_votes_direct(x, r, w, rho)
    return _pro_votes_sorted(x, r, w, rho)


def _pro_votes_sorted(x: np.ndarray, r: np.ndarray | None, w: np.ndarray, rho: np.ndarray) -> np.ndarray:
    r""":func:`_pro_votes` in O(A^2 log A) per run, from sorted positions and prefix sums.

    Derivation.  Write :math:`d_{ka} = w_k (|x_k - x_a|/\rho)^{r_k}`, so that
    :math:`v^k_{ij} = d_{kj} - d_{ki}`.  As :math:`t \mapsto t^{r_k}` is increasing and
    :math:`w_k \ge 0`, :math:`v^k_{ij} > 0` only for voters strictly nearer
    :math:`x_i` than :math:`x_j`.  Sort the actors by position, :math:`x_{(1)} \le \dots
    \le x_{(A)}`, and take a pair :math:`p < q` in that order.  The test "nearer
    :math:`x_{(p)}`", :math:`x_{(t)} - x_{(p)} < x_{(q)} - x_{(t)}`, is true and then
    false as :math:`t` grows (the left side grows with :math:`t`, the right side
    shrinks), so the voters nearer the lower position are the first :math:`L_{pq}` in
    sorted order and all the others are at least as near the upper one.  With the prefix
    and suffix sums over voters in sorted order

    .. math::

        C_{ta} = \sum_{u \le t} d_{(u)a}, \qquad \bar C_{ta} = \sum_{u > t} d_{(u)a}
        \qquad (t = 0, \dots, A),

    the votes of the pair in both directions are

    .. math::

        V_{(p)(q)} = C_{L_{pq}(q)} - C_{L_{pq}(p)}, \qquad
        V_{(q)(p)} = \bar C_{L_{pq}(p)} - \bar C_{L_{pq}(q)},

    where voters equally near both positions add :math:`d_{kq} - d_{kp} = 0` to the
    side they land on.  :math:`C` and :math:`\bar C` are cumulative sums, O(A^2) per run;
    :math:`L_{pq}` is found for all pairs at once by a binary search over the sorted
    positions (``ceil(log2(A + 1))`` vectorised steps).  The search evaluates the test
    on the same floating-point differences as the direct sum, so the same voters count
    for every pair; only the order of the additions differs.
    """
    n_act, n_runs = x.shape
    run = np.arange(n_runs)
    order = np.argsort(x, axis=0, kind="stable")  # actors by position (ties: as given)
    xs = np.take_along_axis(x, order, axis=0)
    d = np.subtract(xs[:, None, :], xs[None, :, :])  # d[t, a, n] = |x_(t) - x_(a)| / rho, then d_(t)(a)
    np.abs(d, out=d)
    d /= rho
    if r is not None:
        np.power(d, np.take_along_axis(r, order, axis=0)[:, None, :], out=d)
    d *= np.take_along_axis(w, order, axis=0)[:, None, :]
    below = np.zeros((n_act + 1, n_act, n_runs))  # below[t] = C_t: the t lowest voters
    np.cumsum(d, axis=0, out=below[1:])
    total = below[n_act]  # C_A; C-bar_t = C_A - C_t

    # L_pq for every pair p < q: the largest L with "x_(L) nearer x_(p)" (1-based), by a
    # branchless binary search; rows past the last voter are +inf (never nearer).
    p, q = _pairs(n_act)
    lo, hi = xs[p], xs[q]  # (M, n)
    steps = n_act.bit_length()  # 2^steps > A
    padded = np.full((1 << steps, n_runs), np.inf)
    padded[:n_act] = xs
    padded = padded.ravel()
    at = np.broadcast_to(run - n_runs, lo.shape).copy()  # flat index of voter L_pq (0-based: L - 1)
    for s in reversed(range(steps)):
        jump = (1 << s) * n_runs
        xt = padded.take(at + jump)  # voter L - 1 + 2^s
        at += jump * (xt - lo < hi - xt)  # x_(t) - x_(p) < x_(q) - x_(t): nearer x_(p)
    # gather C_{L a} for a = p, q (flat index (L A + a) n + run); C-bar from C_A - C_L
    base = n_act * (at + n_runs - run) + run
    at_p = base + (p * n_runs)[:, None]
    at_q = base + (q * n_runs)[:, None]
    below = below.ravel()
    up = below[at_q] - below[at_p]  # V_(p)(q)
    down = up + (total[p] - total[q])  # V_(q)(p) = C-bar_Lp - C-bar_Lq
    # each vote is a sum of terms >= 0 (clip the rounding of the differences of sums), and
    # there are none between equal positions
    apart = hi > lo
    up = np.where(apart, np.maximum(up, 0.0), 0.0)
    down = np.where(apart, np.maximum(down, 0.0), 0.0)
    # back to the input order of the actors
    votes = np.zeros((n_act, n_act, n_runs))
    flat = votes.reshape(-1)
    op, oq = order[p] * n_act, order[q] * n_act
    flat[(op + order[q]) * n_runs + run] = up
    flat[(oq + order[p]) * n_runs + run] = down
    return votes


@functools.lru_cache(maxsize=64)
def _pairs(n_act: int) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays ``(p, q)`` of the pairs ``p < q`` of ``n_act`` actors."""
    return np.triu_indices(n_act, 1)


def _pro_votes_direct(x: np.ndarray, r: np.ndarray | None, w: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """:func:`_pro_votes` by its definition, a sum over all voters for every pair: O(A^3) per run."""
    d = np.abs(x[:, None, :] - x[None, :, :]) / rho  # d[k, a, n] = |x_k - x_a| / rho
    if r is not None:
        d = d ** r[:, None, :]
    d *= w[:, None, :]
    # max(0, d_kj - d_ki) = max(d_kj, d_ki) - d_ki: one pass over the (k, i, j, n) tensor
    # fewer; the result is never negative (float sums are monotone in their terms).
    top = np.maximum(d[:, None, :, :], d[:, :, None, :]).sum(axis=0)
    return top - d.sum(axis=0)[:, None, :]


def _win_probability(
    x: np.ndarray,
    r: np.ndarray | None,
    w: np.ndarray,
    rho: np.ndarray,
    pair: np.ndarray,
    variant: str,
) -> np.ndarray:
    """``P[i, j, n]``: probability that ``i`` beats ``j`` (sec. 4; see the module notes).

    ``pair`` marks the pairs that can contest (distinct actors at distinct positions);
    elsewhere ``P`` is 0, and their votes do not enter the scholz-code denominator.
    """
    votes = _pro_votes(x, r, w, rho)
    votes = np.where(pair, votes, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if variant == "scholz-code":
            # quirk (1): sum of |v| over all voters and all ordered pairs = 2 x sum of pro-votes
            total = 2.0 * votes.sum(axis=(0, 1))
            p = np.where(total > 0, votes / total, 0.0)
        else:
            both = votes + np.swapaxes(votes, 0, 1)
            p = np.where(both > 0, votes / both, 0.5)
    return np.where(pair, p, 0.0)


def _gain(y: np.ndarray, r: np.ndarray | float) -> np.ndarray:
    """``1 - (1 + y)^r`` for ``y >= -1``, accurate to rounding also where ``y`` is tiny.

    As ``-expm1(r log1p(y))``: the plain difference loses every digit once ``y`` is below
    about 1e-16 / r, and with it the sign of the expected utility of a near tie.
    """
    y = np.maximum(y, -1.0)
    with np.errstate(divide="ignore"):  # y = -1: log1p gives -inf and the gain is exactly 1
        return -np.expm1(r * np.log1p(y))


def _basic_utilities(delta: np.ndarray, r: np.ndarray | float) -> tuple[Any, Any, Any]:
    """Eqs. (15), (16), (24): the utilities of success and failure *relative to the status
    quo*, ``(U_s - U_sq, U_f - U_sq)``, and ``4 (1/2)^r`` (their common factor).

    Why relative: ``U_s``, ``U_f`` and ``U_sq`` are each about 1 when ``r != 1``, while
    what decides an offer is their difference, which is of the order of ``delta``.  Taking
    that difference after computing them (as eq. 25 is written) leaves only rounding
    noise for a near tie (``delta`` ~ 1e-11: the sign of ``E`` then depended on the
    units of the issue scale).  Written relative to ``U_sq``, which cancels from eq. (25),
    every term keeps its precision: ``U_s - U_sq = 4 (1/2)^r [1 - (1 - delta)^r]`` and
    ``U_f - U_sq = 4 (1/2)^r [1 - (1 + delta)^r]``.
    """
    if isinstance(r, float) and r == 1.0:
        return 2.0 * delta, -2.0 * delta, 2.0  # U_sq = 0 with r = 1
    c = 4.0 * 0.5**r
    return c * _gain(-delta, r), c * _gain(delta, r), c


def _expected_utility(
    p: np.ndarray,
    basic: tuple[Any, Any, Any],
    delta: np.ndarray,
    s_target: np.ndarray,
    mu_gap: np.ndarray,
    r: np.ndarray | float,
    q: float,
) -> np.ndarray:
    """Eq. (25): expected utility of a challenge, broadcasting over ``(A, A, n)``.

    ``basic`` = :func:`_basic_utilities` of ``delta`` (normalised distance
    challenger-target), ``mu_gap`` = normalised distance challenger-median, ``r`` = risk
    exponent of the actor whose estimate this is.  With every utility written as
    ``U = U_sq + g`` the weights of ``U_sq`` in eq. (25) add up to
    ``s_j + (1 - s_j) - Q - (1 - Q) = 0``, so ``E = s_j [P g_s + (1 - P) g_f] + (1 - s_j) g_s
    - (1 - Q) [T g_b + (1 - T) g_w]``, exactly eq. (25) and free of cancellation.
    """
    g_s, g_f, c = basic
    eu = s_target * (p * (g_s - g_f) + g_f) + (1.0 - s_target) * g_s
    if q != 1.0:
        # U_b,w = 2 - 4 (1/2 -+ z)^r, so U_b,w - U_sq = 4 (1/2)^r [1 - (1 -+ 2z)^r]; the
        # base of U_b is clipped at 0 (a distance beyond the scale cannot do better).
        z2 = 0.5 * (mu_gap + delta)
        g_b = c * _gain(-z2, r)
        g_w = c * _gain(z2, r)
        # T = 1 where the challenger is nearer the median than the target; a target at the
        # median (within _SAME, as positions are compared) is not farther: T = 0, as at an
        # exact tie, whatever the rounding of the two distances
        t = mu_gap < delta - _SAME
        eu = eu - (1.0 - q) * np.where(t, g_b, g_w)
    return eu


def _median(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    return weighted_median(x[:, :, None], w[:, :, None], present[:, :, None])[:, 0]


def _mean(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> np.ndarray:
    return weighted_mean(x[:, :, None], w[:, :, None], present[:, :, None])[:, 0]


def _risk_exponents(exposure: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Each actor's risk exponent r from its exposure S_b = sum_a E(U_ab) (sec. 5), ``(A, n)``."""
    big = np.where(present, exposure, -np.inf).max(axis=0)
    small = np.where(present, exposure, np.inf).min(axis=0)
    spread = big - small
    flat = ~(spread > 1e-12 * np.maximum(np.abs(big), np.abs(small)))
    # An absent actor's zero exposure may lie outside [small, big] (taken over the present
    # ones), where the formula leaves [-1, 1] and r divides by zero; its r is 1 anyway.
    skip = flat | ~present
    with np.errstate(invalid="ignore", divide="ignore"):
        risk_acc = np.where(skip, 0.0, (2.0 * exposure - big - small) / np.where(flat, 1.0, spread))
    return (1.0 - risk_acc / 3.0) / (1.0 + risk_acc / 3.0)


def _round(
    x: np.ndarray,
    s: np.ndarray,
    w: np.ndarray,
    present: np.ndarray,
    rho: np.ndarray,
    mu: np.ndarray,
    q: float,
    variant: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round for a chunk of runs (``(A, n)`` arrays, ``rho`` and ``mu`` ``(n,)``).

    Returns the new positions, the risk exponents, the kind of move (index into
    :data:`KINDS`) and the proposer moved toward (-1 if none), each ``(A, n)``.
    """
    n_act, n_runs = x.shape
    eye = np.eye(n_act, dtype=bool)[:, :, None]
    pair = present[:, None, :] & present[None, :, :] & ~eye  # (A, A, n): distinct present actors
    gap = np.abs(x[:, None, :] - x[None, :, :])
    apart = pair & (gap > _SAME)  # pairs at distinct positions (see _SAME)
    delta = np.where(apart, gap / rho, 0.0)
    mu_gap = (np.abs(x - mu) / rho)[:, None, :]  # challenger on the first axis

    # --- security levels with r = 1 (sec. 5) -------------------------------------------
    p1 = _win_probability(x, None, w, rho, apart, variant)
    e1 = _expected_utility(p1, _basic_utilities(delta, 1.0), delta, s[None, :, :], mu_gap, 1.0, q)
    r = _risk_exponents(np.where(pair, e1, 0.0).sum(axis=0), present)

    # --- offers with the new r (sec. 6) -------------------------------------------------
    p = _win_probability(x, r, w, rho, apart, variant)
    r_row = r[:, None, :]  # every estimate is the receiver's (first axis, i)
    basic = _basic_utilities(delta, r_row)  # delta is symmetric: shared by E_i and E_j
    e_i = _expected_utility(p, basic, delta, s[None, :, :], mu_gap, r_row, q)  # E^i(U_ij)
    mu_gap_j = np.swapaxes(mu_gap, 0, 1)  # challenger j on the second axis
    e_j = _expected_utility(np.swapaxes(p, 0, 1), basic, delta, s[:, None, :], mu_gap_j, r_row, q)

    xi = x[:, None, :]
    xj = np.broadcast_to(x[None, :, :], (n_act, n_act, n_runs))
    valid = apart
    conflict = valid & (e_j > e_i) & (e_i > 0)
    comp_zone = valid & (e_j > 0) & (e_i < 0)
    compromise = comp_zone & (e_j > np.abs(e_i))
    # quirk (3): the replication compares E_j with |E_j|, which is never true
    capitulation = comp_zone & (e_j < np.abs(e_i)) if variant == "paper" else np.zeros_like(comp_zone)
    # |E_i / E_j| is needed only where a compromise is offered (E_j > |E_i|, so it is < 1);
    # elsewhere a near-zero E_j would overflow the ratio for nothing.
    ratio = np.divide(np.abs(e_i), np.abs(e_j), out=np.zeros_like(e_i), where=compromise)
    comp_pos = xi + (xj - xi) * ratio
    with np.errstate(invalid="ignore", divide="ignore"):
        if variant == "paper":
            comp_key = np.abs(comp_pos - xi)
        else:  # quirk (2): the |EU|-weighted average position
            comp_key = (np.abs(e_i) * xi + np.abs(e_j) * xj) / (np.abs(e_i) + np.abs(e_j))
    has_conf = conflict.any(axis=1)
    has_comp = compromise.any(axis=1)
    has_cap = capitulation.any(axis=1)
    kind = np.where(has_conf, 1, np.where(has_comp, 2, np.where(has_cap, 3, 0))).astype(np.int8)
    chosen = np.where(
        (kind == 1)[:, None, :], conflict, np.where((kind == 2)[:, None, :], compromise, capitulation)
    )
    key = np.where((kind == 2)[:, None, :], comp_key, np.abs(xj - xi))
    key = np.where(chosen, key, np.inf)
    best = key.min(axis=1, keepdims=True)
    cand = chosen & (key <= best + _TIE)
    lowest = np.where(cand, xj, np.inf).min(axis=1, keepdims=True)
    cand &= xj <= lowest + _TIE
    toward = np.argmax(cand, axis=1)  # first candidate in the canonical order
    new_pos = np.where((kind == 2)[:, None, :], comp_pos, xj)
    moved = np.take_along_axis(new_pos, toward[:, None, :], axis=1)[:, 0, :]
    x_new = np.where(kind > 0, moved, x)
    toward = np.where(kind > 0, toward, -1)
    return x_new, r, kind, toward


# --------------------------------------------------------------------------------------
# The simulation: rounds over independent runs, fixed points and cycles
# --------------------------------------------------------------------------------------
def _rho(x: np.ndarray, present: np.ndarray, normalise: str) -> np.ndarray:
    """The range distances are divided by, per run: 1, or the span of the initial positions."""
    if normalise != "positions":
        return np.ones(x.shape[0])
    hi = np.where(present, x, -np.inf).max(axis=1)
    lo = np.where(present, x, np.inf).min(axis=1)
    return np.where(np.isfinite(hi - lo) & (hi - lo > 0), hi - lo, 1.0)


def chunks_of(n_runs: int, n_act: int) -> list[slice]:
    """The runs of a round cut into chunks whose ``(A, A, n)`` arrays fit in cache
    (:data:`_CHUNK_ELEMENTS`); at least two runs a chunk (a lone run is doubled)."""
    rows = max(2, _CHUNK_ELEMENTS // max(1, n_act**2))
    return [slice(lo, min(n_runs, lo + rows)) for lo in range(0, n_runs, rows)]


def _follow_cycles(sim: dict[str, np.ndarray], rounds: int) -> None:
    """Fill, in place, the rounds of every run after it repeated an earlier state.

    A run that has repeated an earlier state follows its cycle from then on (a fixed
    point has period 1), whether or not other runs of the batch were still simulated:
    otherwise a run's result would depend on its batch (it would go on being simulated
    from a state equal to an earlier one only within _TIE, and rounding could later tip
    a decision).  Rounds after the loop stopped early are filled the same way.
    """
    pos, med, period, cycle_start = sim["position"], sim["median"], sim["period"], sim["cycle_start"]
    found = period > 0
    detect = np.where(found, cycle_start + period, rounds)  # the round the repeat was seen
    cyc = np.maximum(period, 1)
    for t in range(1, rounds + 1):
        follow = found & (t > detect)
        if not follow.any():
            continue
        src = np.where(follow, cycle_start + (t - cycle_start) % cyc, t)  # a state < t
        pos[t] = np.where(follow[:, None], np.take_along_axis(pos, src[None, :, None], axis=0)[0], pos[t])
        med[t] = np.where(follow, np.take_along_axis(med, src[None, :], axis=0)[0], med[t])
        rsrc = np.where(follow, cycle_start + (t - 1 - cycle_start) % cyc, t - 1)  # round t runs on state t-1
        for name in ("risk", "kind", "toward"):
            arr = sim[name]
            arr[t - 1] = np.where(
                follow[:, None], np.take_along_axis(arr, rsrc[None, :, None], axis=0)[0], arr[t - 1]
            )


def _note_repeats(sim: dict[str, np.ndarray], t: int) -> None:
    """Record, in place, the runs whose state after round ``t`` repeats an earlier one
    (the latest match gives the shortest period)."""
    pos, period = sim["position"], sim["period"]
    same = np.all(np.abs(pos[:t] - pos[t][None]) <= _TIE, axis=2)  # (t, N)
    hit = same.any(axis=0) & (period == 0)
    if hit.any():
        last = t - 1 - np.argmax(same[::-1], axis=0)
        sim["cycle_start"] = np.where(hit, last, sim["cycle_start"])
        sim["period"] = np.where(hit, t - last, period)


def simulate(
    position: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    present: np.ndarray,
    *,
    rounds: int,
    q: float = 1.0,
    variant: str = "scholz-code",
    normalise: str = "scale",
    mapper: Mapper = map,
    progress: RoundReport | None = None,
) -> dict[str, np.ndarray]:
    """Run the model on independent one-issue runs; every argument is ``(N, A)``.

    ``weight`` is the actors' capability x salience (``ScenarioArrays.weight``, the one
    definition in :mod:`negotia.scenario.weighting`).

    Actors must already be in the order in which sums are to be taken (see
    :func:`negotia.models.eum.forecast`, which puts them in a canonical order).  Returns
    per-round arrays: ``position`` (R+1, N, A), ``median`` and ``mean`` (R+1, N), ``risk``
    (R, N, A), ``kind`` (R, N, A; index into :data:`KINDS`), ``toward`` (R, N, A; proposer
    index or -1), and per run ``cycle_start``, ``period`` (0 = no repeat found) and
    ``settled`` (round after which nothing moved, or ``rounds``).  ``mapper`` maps one
    round over the chunks of runs (see the module notes); ``progress`` hears after every
    round.
    """
    x = np.where(present, position, 0.0).astype(float)
    n_runs, n_act = x.shape
    w = np.where(present, weight, 0.0)
    s = np.where(present, salience, 0.0)
    rho = _rho(x, present, normalise)
    sim: dict[str, np.ndarray] = {
        "position": np.empty((rounds + 1, n_runs, n_act)),
        "median": np.empty((rounds + 1, n_runs)),
        "risk": np.empty((rounds, n_runs, n_act)),
        "kind": np.zeros((rounds, n_runs, n_act), dtype=np.int8),
        "toward": np.full((rounds, n_runs, n_act), -1, dtype=np.int64),
        "cycle_start": np.full(n_runs, -1, dtype=np.int64),
        "period": np.zeros(n_runs, dtype=np.int64),
    }
    pos, med = sim["position"], sim["median"]
    pos[0], med[0] = x, _median(x, w, present)
    chunks = chunks_of(n_runs, n_act)
    for t in range(1, rounds + 1):

        def one_round(sl: slice, t: int = t) -> tuple[np.ndarray, ...]:
            # (n, A) -> (A, n).  A lone run is doubled so that NumPy sums over actors in
            # the same order as in a batch.
            idx = np.arange(sl.start, sl.stop)
            n = idx.size
            idx = np.repeat(idx, 2) if n == 1 else idx
            tr = lambda v: np.ascontiguousarray(v[idx].T)  # noqa: E731
            out = _round(tr(pos[t - 1]), tr(s), tr(w), tr(present), rho[idx], med[t - 1, idx], q, variant)
            return tuple(v[:, :n].T for v in out)

        for sl, out in zip(chunks, mapper(one_round, chunks), strict=True):
            pos[t, sl], sim["risk"][t - 1, sl], sim["kind"][t - 1, sl], sim["toward"][t - 1, sl] = out
        med[t] = _median(pos[t], w, present)
        _note_repeats(sim, t)
        if progress is not None:
            progress(t, rounds)
        if t < rounds and np.all(sim["period"] > 0):
            break  # every run repeats: the rest follows the cycles (below)
    _follow_cycles(sim, rounds)
    if progress is not None:
        progress(rounds, rounds)
    sim["mean"] = np.stack([_mean(pos[t], w, present) for t in range(rounds + 1)])
    sim["settled"] = np.where(sim["period"] == 1, sim["cycle_start"], rounds)
    return sim
