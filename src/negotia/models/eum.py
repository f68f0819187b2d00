r"""Bueno de Mesquita's expected utility model (1994), as specified by Scholz et al. (2011).

Bueno de Mesquita, B. (1994). "Political forecasting: an expected utility method." In
Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP,
pp. 71-104; specified in full by Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011),
"Unravelling Bueno de Mesquita's group decision model", *Journal of Theoretical
Politics* 23(4): 510-531 (equation numbers below are theirs).

The model is one-dimensional: every issue is simulated on its own, and here every
(batch element, issue) pair is one independent run, so that ``(B, I)`` is the batch
axis of the vectorised core.  Actors absent from an issue take no part in it.

One round
---------
Positions :math:`x_i` lie on [0, 1] (the issue scale); distances are divided by the
range :math:`\rho` (1 for the issue scale, or the span of the actors' initial positions
with ``normalise="positions"``), capability :math:`c_i`, salience :math:`s_i`, weight
:math:`w_i = c_i s_i`.

1. **Votes** (sec. 3.2): actor :math:`k` votes for :math:`x_i` against :math:`x_j` with
   :math:`v^k_{ij} = w_k\,[(|x_k-x_j|/\rho)^{r_k} - (|x_k-x_i|/\rho)^{r_k}]`.
   The *median voter* forecast is the position that no other position beats with
   :math:`r = 1` (the capability x salience weighted median; an exact tie between two
   positions is split at the midpoint); the *mean* forecast is the weighted mean.
2. **Win probability** (sec. 4, eq. 30):
   :math:`P_{ij} = \sum_k \max(0, v^k_{ij}) / D_{ij}`, 0 where :math:`x_i = x_j`.
3. **Utilities** of challenger :math:`i` against :math:`j` seen by an actor with risk
   exponent :math:`r` (eqs. 15-19, 24): success
   :math:`U_s = 2 - 4(\tfrac12 - \tfrac12\delta_{ij})^r`, failure
   :math:`U_f = 2 - 4(\tfrac12 + \tfrac12\delta_{ij})^r`, status quo
   :math:`U_{sq} = 2 - 4(\tfrac12)^r`, things getting better / worse without a challenge
   :math:`U_{b,w} = 2 - 4(\tfrac12 \mp \tfrac14(|x_i-\mu| + |x_i-x_j|)/\rho)^r` with
   :math:`\delta_{ij} = |x_i-x_j|/\rho` and :math:`\mu` the median voter position.
4. **Expected utility of a challenge** (eq. 25):
   :math:`E(U_{ij}) = s_j[P_{ij}U_s + (1-P_{ij})U_f] + (1-s_j)U_s - Q\,U_{sq}
   - (1-Q)[T\,U_b + (1-T)\,U_w]`.  :math:`T`, the chance that things get better for
   :math:`i` without a challenge, is taken as 1 where :math:`|x_i-\mu| < |x_i-x_j|`
   (the challenger is nearer the median than to the target, by more than 1e-9 of the
   scale: see "Near ties"), else 0 -- the rule adopted
   here, as in other open re-implementations; it was not checked against a reference.
   With the default :math:`Q = 1` the last term vanishes, and with it any role of
   :math:`T`.
5. **Security level and risk** (sec. 5, eqs. 32-33): with every :math:`r = 1`, actor
   :math:`i`'s exposure is :math:`S_i = \sum_{j \ne i} E(U_{ji})` (what the others
   expect from challenging it); :math:`R_i = (2S_i - S_{max} - S_{min}) / (S_{max} -
   S_{min})` and :math:`r_i = (1 - R_i/3)/(1 + R_i/3)` in [0.5, 2].  (Where all
   :math:`S_i` are equal, :math:`R_i = 0`.)
6. **Offers** (sec. 6): steps 2-4 are repeated with the new :math:`r`.  Receiver
   :math:`i` judges each other actor :math:`j` (at a different position) by its own
   estimates :math:`E_i = E^i(U_{ij})` and :math:`E_j = E^i(U_{ji})`, both with
   :math:`r_i`: *conflict* it loses if :math:`E_j > E_i > 0` (moves to :math:`x_j`);
   *compromise* if :math:`E_j > 0 > E_i` and :math:`E_j > |E_i|` (moves to
   :math:`x_i + (x_j - x_i)|E_i/E_j|`); *capitulation* if :math:`E_j > 0 > E_i` and
   :math:`E_j < |E_i|` (moves to :math:`x_j`).  It accepts a conflict offer if it has
   one, else a compromise, else a capitulation; all actors move at once.

Variants
--------
``variant="scholz-code"`` (default) reproduces the public replication of Scholz et al.
(jmckib/bdm-scholz-expected-utility-model), checked to 1e-9 against its trajectories of
the EC car-emissions and "Sultan" cases, including its three departures from the
equations above:

(1) the win-probability denominator is one number per round, the sum of
    :math:`|v^k_{ab}|` over all voters :math:`k` and all ordered actor pairs
    :math:`(a, b)` (rather than :math:`D_{ij} = \sum_k |v^k_{ij}|` per pair), so
    probabilities are tiny and :math:`P_{ij} + P_{ji} \ne 1`;
(2) among compromise offers the receiver takes the one with the smallest
    :math:`|E_i|`-weighted average position :math:`(|E_i| x_i + |E_j| x_j)/(|E_i| +
    |E_j|)` (a bias toward the low end of the scale), not the one that moves it least;
(3) the capitulation test compares :math:`E_j` with :math:`|E_j|`, so it never fires.

``variant="paper"`` uses the per-pair :math:`D_{ij}` (so :math:`P_{ij} + P_{ji} = 1`;
:math:`P = \tfrac12` where no voter cares), lets capitulation fire, and picks, within
the kind of offer accepted, the one that moves the receiver least.  Everything else is
shared.

Order independence
------------------
Within each run the actors are first put in a canonical order (by initial position,
salience, capability, then actor id), so every sum is taken in the same order whatever
the input order.  Where two offers of the accepted kind tie (keys within 1e-12), the
receiver moves toward the one whose proposer holds the lower position, then the first in
that canonical order.  The replication instead keeps the first in input order; on both
reference cases the two rules agree.  The replication's median is the first
Condorcet-winning position in Python set order, which is arbitrary in an exact tie; here
such a tie is split at the midpoint.

Near ties
---------
The result must not depend on the units of the issue scale (it is invariant to an affine
change of scale).  Two rules keep it so where positions almost coincide:

* Actors closer than 1e-9 of the issue scale hold one position: they make each other no
  offers, neither can win against the other, and :math:`T = 0` where the target is that
  close to the median -- all exactly as at equal positions.  A smaller gap is rounding
  (the same positions stated in other units, a compromise series converging), and the
  model is discontinuous at a gap of 0: a conflict offer from a partner 1e-17 away would
  block every other offer.
* Eq. (25) is evaluated with the utilities relative to :math:`U_{sq}` (which cancels
  from it), so that an expected utility of the order of :math:`\delta` keeps its sign
  instead of being the difference of numbers near 1.

Oscillation
-----------
After every round the positions are compared (to 1e-12) with all earlier rounds.  A
repeat of the previous round is a fixed point (``Forecast.rounds`` counts the rounds
until it); a repeat of an earlier round is a cycle, reported in ``Forecast.notes``.  With
``cycle="mean"`` (default) the forecast of a cycling run is the mean of the reported
forecast over one period of the cycle rather than whichever round the simulation happened
to stop in; ``cycle="last"`` keeps the last round.  Runs that neither settle nor repeat
within ``rounds`` are reported too, with the range of their forecast over the last five
rounds; with ``cycle="mean"`` their forecast is the mean over those rounds (again not the
round the simulation happened to stop in), with ``cycle="last"`` the last round.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from negotia.errors import ParameterError
from negotia.models.base import Forecast, ModelInfo, Param
from negotia.models.compromise import weighted_mean
from negotia.models.median import weighted_median
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="eum",
    title="Expected utility model (Bueno de Mesquita 1994, Scholz et al. 2011)",
    citation=(
        "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In B. Bueno de "
        "Mesquita & F. N. Stokman (eds.), European Community Decision Making, pp. 71-104. Yale University "
        "Press; specified by Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de "
        "Mesquita's group decision model. Journal of Theoretical Politics 23(4): 510-531."
    ),
    summary=(
        "Actors challenge, compromise with or give in to each other round by round, by the expected "
        "utility of challenges; the forecast is the median voter (or mean) position after the last round."
    ),
    dynamic=True,
    params=(
        Param(
            "variant",
            "scholz-code",
            "scholz-code: the public replication with its quirks; paper: the equations of Scholz et al. 2011",
            choices=("scholz-code", "paper"),
        ),
        Param("rounds", 10, "number of rounds to simulate", type=int, minimum=0, maximum=1000),
        Param(
            "q",
            1.0,
            "Q, the probability that the status quo holds without a challenge (1 or e.g. 0.5)",
            type=float,
            minimum=0.0,
            maximum=1.0,
        ),
        Param(
            "report",
            "median",
            "forecast to report: median (median voter) or mean (weighted mean)",
            choices=("median", "mean"),
        ),
        Param(
            "normalise",
            "scale",
            "divide distances by the issue scale (scale) or by the span of the initial positions (positions)",
            choices=("scale", "positions"),
        ),
        Param(
            "cycle",
            "mean",
            "forecast of a run whose positions cycle: mean over the cycle, or the last round",
            choices=("mean", "last"),
        ),
        Param(
            "max_seconds",
            120.0,
            "refuse to start a run estimated to take longer than this (seconds; raise it to go ahead)",
            type=float,
            minimum=0.0,
        ),
    ),
)

#: Seconds per (actor pair, issue, round, batch element), measured with bench/eum_bench.py
#: (synthetic 50 x 10, 100 variants, 10 rounds: 2.67 s on one thread of the project's
#: 2-core machine); the vote sums add a factor log(A) / log(50) for more actors.
SECONDS_PER_PAIR_ROUND = 1.07e-7


def time_estimate(arrays: ScenarioArrays, rounds: int) -> float:
    """Seconds a run should take on one core, before it starts (see the constant above)."""
    a = max(arrays.n_actors, 2)
    work = float(a) ** 2 * arrays.n_issues * rounds * arrays.batch
    return SECONDS_PER_PAIR_ROUND * work * max(1.0, np.log(a) / np.log(50))


def check_time(arrays: ScenarioArrays, rounds: int, max_seconds: float) -> None:
    """:class:`ParameterError` with the numbers when a run would exceed ``max_seconds``."""
    need = time_estimate(arrays, rounds)
    if need > max_seconds:
        raise ParameterError(
            f"the expected utility model on {arrays.n_actors:,} actors x {arrays.n_issues:,} issues, "
            f"{rounds} rounds{f', {arrays.batch:,} variants' if arrays.batch > 1 else ''}, would take "
            f"about {need:,.0f} s on one core (more than the limit of {max_seconds:g} s); choose fewer "
            f"rounds or other models (-m), or raise the limit to go ahead "
            f"(--max-seconds {np.ceil(2 * need):.0f})"
        )


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
#: Threads for a large batch (None = the number of CPUs); results do not depend on it.
WORKERS: int | None = None


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
    exposure = np.where(pair, e1, 0.0).sum(axis=0)  # S_b = sum_a E(U_ab), (A, n)
    big = np.where(present, exposure, -np.inf).max(axis=0)
    small = np.where(present, exposure, np.inf).min(axis=0)
    spread = big - small
    flat = ~(spread > 1e-12 * np.maximum(np.abs(big), np.abs(small)))
    with np.errstate(invalid="ignore", divide="ignore"):
        risk_acc = np.where(flat, 0.0, (2.0 * exposure - big - small) / np.where(flat, 1.0, spread))
    r = (1.0 - risk_acc / 3.0) / (1.0 + risk_acc / 3.0)
    r = np.where(present, r, 1.0)

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
    with np.errstate(invalid="ignore", divide="ignore"):
        comp_pos = xi + (xj - xi) * np.abs(e_i / e_j)
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


def simulate(
    position: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    present: np.ndarray,
    *,
    rounds: int,
    q: float = 1.0,
    variant: str = "scholz-code",
    normalise: str = "scale",
    workers: int | None = None,
) -> dict[str, np.ndarray]:
    """Run the model on independent one-issue runs; every argument is ``(N, A)``.

    Actors must already be in the order in which sums are to be taken (see
    :func:`forecast`, which puts them in a canonical order).  Returns per-round arrays:
    ``position`` (R+1, N, A), ``median`` and ``mean`` (R+1, N), ``risk`` (R, N, A),
    ``kind`` (R, N, A; index into :data:`KINDS`), ``toward`` (R, N, A; proposer index or
    -1), and per run ``cycle_start``, ``period`` (0 = no repeat found) and ``settled``
    (round after which nothing moved, or ``rounds``).  ``workers`` threads share the
    work of a large batch (default: the number of CPUs).
    """
    x = np.where(present, position, 0.0).astype(float)
    n_runs, n_act = x.shape
    w = np.where(present, capability * salience, 0.0)
    s = np.where(present, salience, 0.0)
    if normalise == "positions":
        hi = np.where(present, x, -np.inf).max(axis=1)
        lo = np.where(present, x, np.inf).min(axis=1)
        rho = np.where(np.isfinite(hi - lo) & (hi - lo > 0), hi - lo, 1.0)
    else:
        rho = np.ones(n_runs)

    pos = np.empty((rounds + 1, n_runs, n_act))
    med = np.empty((rounds + 1, n_runs))
    risk = np.empty((rounds, n_runs, n_act))
    kind = np.zeros((rounds, n_runs, n_act), dtype=np.int8)
    toward = np.full((rounds, n_runs, n_act), -1, dtype=np.int64)
    pos[0], med[0] = x, _median(x, w, present)
    cycle_start = np.full(n_runs, -1, dtype=np.int64)
    period = np.zeros(n_runs, dtype=np.int64)
    # Runs are independent: each round is computed in chunks of runs that fit in cache, on
    # threads (NumPy releases the GIL); the result does not depend on the chunking.
    rows = max(2, _CHUNK_ELEMENTS // max(1, n_act**2))  # >= 2: a lone run is doubled below
    chunks = [slice(lo, min(n_runs, lo + rows)) for lo in range(0, n_runs, rows)]
    n_workers = max(1, min(len(chunks), workers or WORKERS or os.cpu_count() or 1))
    pool = ThreadPoolExecutor(n_workers) if n_workers > 1 else None
    try:
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

            results = pool.map(one_round, chunks) if pool is not None else map(one_round, chunks)
            for sl, out in zip(chunks, results, strict=True):
                pos[t, sl], risk[t - 1, sl], kind[t - 1, sl], toward[t - 1, sl] = out
            x = pos[t]
            med[t] = _median(x, w, present)
            # a repeat of an earlier state: the latest match gives the shortest period
            same = np.all(np.abs(pos[:t] - x[None]) <= _TIE, axis=2)  # (t, N)
            hit = same.any(axis=0) & (period == 0)
            if hit.any():
                last = t - 1 - np.argmax(same[::-1], axis=0)
                cycle_start = np.where(hit, last, cycle_start)
                period = np.where(hit, t - last, period)
            if t < rounds and np.all(period > 0):
                break  # every run repeats: the rest follows the cycles (below)
    finally:
        if pool is not None:
            pool.shutdown()
    # A run that has repeated an earlier state follows its cycle from then on (a fixed
    # point has period 1), whether or not other runs of the batch were still simulated:
    # otherwise a run's result would depend on its batch (it would go on being simulated
    # from a state equal to an earlier one only within _TIE, and rounding could later
    # tip a decision).  Rounds after the loop stopped early are filled the same way.
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
        for arr in (risk, kind, toward):
            arr[t - 1] = np.where(
                follow[:, None], np.take_along_axis(arr, rsrc[None, :, None], axis=0)[0], arr[t - 1]
            )
    mean = np.stack([_mean(pos[t], w, present) for t in range(rounds + 1)])
    settled = np.where(period == 1, cycle_start, rounds)
    return {
        "position": pos,
        "median": med,
        "mean": mean,
        "risk": risk,
        "kind": kind,
        "toward": toward,
        "cycle_start": cycle_start,
        "period": period,
        "settled": settled,
    }


# --------------------------------------------------------------------------------------
# The model interface
# --------------------------------------------------------------------------------------
def _canonical_order(arrays: ScenarioArrays) -> np.ndarray:
    """``(B, I, A)`` actor order per run: present first, then by position, salience,
    capability and actor id, so that results do not depend on the input order."""
    id_rank = np.argsort(np.argsort(np.array(arrays.actor_ids, dtype=object)))
    shape = (arrays.batch, arrays.n_issues, arrays.n_actors)
    t = lambda a: np.moveaxis(a, 1, 2)  # noqa: E731  (B, A, I) -> (B, I, A)
    keys = (
        np.broadcast_to(id_rank, shape),
        t(arrays.capability),
        t(arrays.salience),
        t(np.where(arrays.present, arrays.position, 0.0)),
        t(~arrays.present),
    )
    return np.lexsort(keys, axis=-1)


#: Rounds at the end of an unsettled run whose mean is its forecast (``cycle="mean"``)
#: and whose range the notes report.
UNSETTLED_WINDOW = 5


def _notes(sim: dict[str, np.ndarray], report: np.ndarray, arrays: ScenarioArrays, cyc: str) -> list[str]:
    """Cycles and unsettled runs, in words (issue by issue for batch element 0)."""
    notes: list[str] = []
    issue_ids, batch, n_issues = arrays.issue_ids, arrays.batch, arrays.n_issues
    rounds = report.shape[0] - 1
    period = sim["period"].reshape(batch, n_issues)
    start = sim["cycle_start"].reshape(batch, n_issues)
    rep = arrays.to_scale(report.reshape(rounds + 1, batch, n_issues)[:, 0, :])  # (R+1, I), issue scale
    cycling, unsettled = [], []
    for k, iid in enumerate(issue_ids):
        if period[0, k] >= 2:
            s0, p0 = int(start[0, k]), int(period[0, k])
            vals = ", ".join(f"{v:.4g}" for v in rep[s0 : s0 + p0, k])
            cycling.append(f"{iid} (period {p0} from round {s0}; forecast {vals})")
        elif period[0, k] == 0 and rounds > 0:
            lo = max(0, rounds - (UNSETTLED_WINDOW - 1))
            tail = rep[lo:, k]
            if np.ptp(tail) > 1e-9 * (arrays.scale_max[k] - arrays.scale_min[k]):
                unsettled.append(
                    f"{iid} (between {tail.min():.4g} and {tail.max():.4g} in rounds {lo}-{rounds})"
                )
    what = "the mean over one cycle" if cyc == "mean" else f"the forecast after round {rounds}"
    for label, items, tail_text in (
        ("oscillation: the positions cycle on ", cycling, f"; reported {what}"),
        (
            f"not settled after {rounds} rounds: the forecast still moves on ",
            unsettled,
            "; reported the mean of those rounds" if cyc == "mean" else "; reported the last round",
        ),
    ):
        if items:
            more = f" and {len(items) - 5} more issues" if len(items) > 5 else ""
            notes.append(label + "; ".join(items[:5]) + more + tail_text)
    if batch > 1:
        n_cyc = int((period >= 2).sum())
        if n_cyc:
            notes.append(f"oscillation in {n_cyc} of {batch * n_issues} (batch element, issue) runs")
    return notes


def _events(sim_b0: dict[str, np.ndarray], arrays: ScenarioArrays, order: np.ndarray) -> list[dict[str, Any]]:
    """Moves of batch element 0: round, issue, actor, kind, toward whom, from, to (issue scale)."""
    kind, toward, pos = sim_b0["kind"], sim_b0["toward"], sim_b0["position"]  # (R, I, A), (R+1, I, A)
    events = []
    # in the order of rounds, issues and the input's actors
    moves = sorted(zip(*np.nonzero(kind), strict=True), key=lambda m: (m[0], m[1], order[m[1], m[2]]))
    for t, i, a in moves:
        span = arrays.scale_max[i] - arrays.scale_min[i]
        events.append(
            {
                "round": int(t + 1),
                "issue": arrays.issue_ids[i],
                "actor": arrays.actor_ids[order[i, a]],
                "kind": KINDS[kind[t, i, a]],
                "toward": arrays.actor_ids[order[i, toward[t, i, a]]],
                "from": float(arrays.scale_min[i] + pos[t, i, a] * span),
                "to": float(arrays.scale_min[i] + pos[t + 1, i, a] * span),
            }
        )
    return events


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    """Simulate the expected utility model on every issue and batch element.

    Parameters
    ----------
    arrays
        The scenario batch (positions on [0, 1]; each issue is one-dimensional).
    rng
        Unused (the model is deterministic); accepted for a uniform interface.
    variant
        ``"scholz-code"`` (default): the public replication with its quirks (1)-(3) of
        the module notes; ``"paper"``: per-pair win probabilities, a capitulation test
        that can fire, and the offer that moves the receiver least.
    rounds
        Number of rounds (default 10).
    q
        Q of eq. (25), default 1.0 (0.5 is the other value used by Bueno de Mesquita).
    report
        ``"median"`` (the median voter position, default) or ``"mean"``.
    normalise
        ``"scale"`` (default): distances relative to the issue scale; ``"positions"``:
        relative to the span of the actors' initial positions, as the replication does
        (the two agree when the scale is that span, as for a CSV without a scale).
    cycle
        ``"mean"`` (default) or ``"last"``: the forecast of a run that cycles.

    Returns
    -------
    Forecast
        ``outcome`` (B, I); ``trace`` with ``position`` (R+1, B, A, I; NaN where an actor
        is absent), ``median``, ``mean``, ``outcome`` (R+1, B, I; the reported one per
        round), ``risk`` (R, B, A, I), ``kind`` (R, B, A, I; 0 none, 1 conflict,
        2 compromise, 3 capitulation) and ``toward`` (R, B, A, I; the proposer's actor
        index, -1 if none); ``events`` with the moves of batch element 0; ``rounds``
        (B,) until every issue stopped moving; ``notes`` on cycles and unsettled runs.
    """
    p = MODEL_INFO.resolve(params)
    b, a, n_i = arrays.position.shape
    rounds = int(p["rounds"])
    check_time(arrays, rounds, p["max_seconds"])
    order = _canonical_order(arrays)  # (B, I, A)

    def runs(v: np.ndarray) -> np.ndarray:  # (B, A, I) -> (B*I, A) in canonical order
        return np.take_along_axis(np.moveaxis(v, 1, 2), order, axis=2).reshape(b * n_i, a)

    sim = simulate(
        runs(arrays.position),
        runs(arrays.salience),
        runs(arrays.capability),
        runs(arrays.present),
        rounds=rounds,
        q=float(p["q"]),
        variant=p["variant"],
        normalise=p["normalise"],
    )
    present_runs = runs(arrays.present)
    inverse = np.argsort(order, axis=2)  # canonical -> input order

    def back(v: np.ndarray, fill: float | None = None) -> np.ndarray:  # (T, N, A) -> (T, B, A, I)
        if fill is not None:
            v = np.where(present_runs[None], v, fill)
        v = v.reshape(v.shape[0], b, n_i, a)
        v = np.take_along_axis(v, inverse[None], axis=3)
        return np.moveaxis(v, 3, 2)

    toward = sim["toward"].reshape(rounds, b, n_i, a)
    toward_input = np.where(toward >= 0, np.take_along_axis(order[None], np.maximum(toward, 0), axis=3), -1)
    toward_input = np.moveaxis(np.take_along_axis(toward_input, inverse[None], axis=3), 3, 2)

    report = sim[p["report"]]  # (R+1, N)
    period, start = sim["period"], sim["cycle_start"]
    final = report[rounds]
    if p["cycle"] == "mean" and rounds > 0:
        cyc = period >= 2
        if cyc.any():
            steps = np.arange(rounds + 1)[:, None]
            in_cycle = (steps >= start) & (steps < start + period)
            cycle_mean = np.where(in_cycle, report, 0.0).sum(axis=0) / np.maximum(period, 1)
            final = np.where(cyc, cycle_mean, final)
        # A run that neither settles nor repeats swings on: its headline is the mean of
        # its last rounds, not whichever round the count stopped in (the ukraine-2025
        # sequencing issue read 74.3 after 8 rounds and 15.0 after 9).
        lo = max(0, rounds - (UNSETTLED_WINDOW - 1))
        window = report[lo:]
        loose = (period == 0) & (np.ptp(window, axis=0) > 1e-9)
        final = np.where(loose, window.mean(axis=0), final)
    outcome = final.reshape(b, n_i)
    nobody = ~arrays.present.any(axis=1)
    outcome = np.where(nobody, arrays.status_quo, outcome)

    sim_b0 = {
        "kind": sim["kind"].reshape(rounds, b, n_i, a)[:, 0],
        "toward": sim["toward"].reshape(rounds, b, n_i, a)[:, 0],
        "position": sim["position"].reshape(rounds + 1, b, n_i, a)[:, 0],
    }
    trace = {
        "position": back(sim["position"], np.nan),
        "median": sim["median"].reshape(rounds + 1, b, n_i),
        "mean": sim["mean"].reshape(rounds + 1, b, n_i),
        "outcome": report.reshape(rounds + 1, b, n_i),
        "risk": back(sim["risk"], np.nan),
        "kind": back(sim["kind"]),
        "toward": toward_input,
    }
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=outcome,
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=p,
        trace=trace,
        events=_events(sim_b0, arrays, order[0]),
        rounds=sim["settled"].reshape(b, n_i).max(axis=1),
        actor_ids=arrays.actor_ids,
        notes=_notes(sim, report, arrays, p["cycle"]),
    )
