r"""Stokman's exchange model: vote trading with Equal Gain exchange rates.

Stokman, F. N. & Van Oosten, R. (1994). "The exchange of voting positions: an
object-oriented model of policy networks." In Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale UP, ch. 7, pp. 105-127; the Equal Gain
variant and the iterated version follow the decide-exchange-model (Dijkstra/Stokman
group, Groningen), whose published outputs are this module's golden reference.

Positions are worked on a 0-100 scale per issue (the reference normalises each issue to
it), which makes every step invariant to an affine change of the issue scale.  With
capability :math:`c_{ai}`, salience :math:`s_{ai}` and position :math:`x_{ai}`:

1. **Expected outcome** (the "MDS", Stokman & Van Oosten eq. 1): the capability x
   salience weighted mean :math:`O_i = \sum_a c_{ai}s_{ai}x_{ai} / \sum_a c_{ai}s_{ai}`.
2. **Candidate pairs.**  For every pair of issues :math:`(p, q)` actors are split into
   four groups by the side of :math:`O_p` and :math:`O_q` they are on (left means
   :math:`x \le O`).  Actors right of both outcomes can trade with actors left of both,
   and actors left on :math:`p` only with actors left on :math:`q` only: such pairs
   are on opposite sides on both issues, so each can give the other something it wants.
3. **Supply and demand** by the salience ratio: actor :math:`i` supplies (moves on) the
   issue it cares less about relative to the partner: if
   :math:`s_{ip}/s_{iq} < s_{jp}/s_{jq}` then :math:`i` supplies :math:`p` and
   demands :math:`q`.
4. **Equal Gain exchange rate.**  A move :math:`\Delta x` of actor :math:`k` shifts the
   expected outcome by the exchange ratio :math:`r = |\Delta x|\, c_k s_k / \sum c s`;
   actor :math:`k`'s gain is :math:`r_{\text{demand}}\, s_{k,\text{demand}} -
   r_{\text{supply}}\, s_{k,\text{supply}}`.  Equal gains for both actors require
   :math:`r_p (s_{ip} + s_{jp}) = r_q (s_{iq} + s_{jq})`.  The supplier of :math:`p`
   first moves all the way to its partner's position on :math:`p`; if the partner's
   implied move on :math:`q` overshoots the supplier's position there, the roles are
   reversed (the *overshoot cap*): the partner moves all the way on :math:`q` and the
   supplier's move on :math:`p` follows from the equal-gain condition.
5. **Validity.**  A move must be larger than 1e-10, stay inside the scale, and keep
   the direction of the actor's earlier moves in the same exchange; the gain must be at
   least 1e-10.  If a move would carry the expected outcome past the partner's
   position, it is shortened so that the outcome lands exactly there and the partner's
   move is recomputed from the equal-gain condition (the reference's *NBS check*).
6. **Realisation.**  Exchanges are realised highest gain first.  After each one, the
   exchanges that share an actor and an issue with it are recomputed (the moved actor's
   new position on its supply issue; the moves bought by a partner on its demand issue
   count in the expected outcome used by the NBS check); those that become invalid are
   dropped.  Ties keep the order of the list (a stable sort: creation order, then the
   order of earlier gains); with ``ties="random"`` one of the tied exchanges is drawn.
7. **Voting positions** are the positions after all realised moves; their weighted
   mean is the voting outcome of the round.
8. **Preference update** between rounds: an actor that moved on an issue takes a step
   of :math:`w = 0.1 + 0.4\,(1 - s)` toward its voting position,
   :math:`x' = x + w\,(y - x)`; the next round starts from these preferences.

The computation of every candidate exchange is vectorised over candidate pairs and the
batch axis; only the rounds and the sequential realisation of exchanges are loops.

Ties.  Many gains are equal in exact arithmetic; the reference (28-digit decimals, a
stable sort) then realises them in list order or by the last decimal digit.  With
``arithmetic="decimal"`` (default) a decimal shadow
(:mod:`negotia.models.exchange_decimal`) recomputes, in the reference's order of
operations, exactly the quantities that decide such ties, which reproduces the
reference's runs; ``arithmetic="float"`` is pure float64.

Issues in separate negotiations (``within``: an issue attribute such as a DEU table's
proposal) never exchange with each other; such blocks, like batch elements, are realised
in parallel lanes.

Departures from the reference, all at the level of float noise: comparisons with the
scale's bounds allow 1e-9.  Actors with zero salience or zero capability on an issue
take no part in its exchanges (the reference drops zero-salience rows and would divide
by zero capability).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negotia.models.base import Forecast, ModelInfo, Param
from negotia.models.compromise import weighted_mean
from negotia.models.exchange_decimal import D0, Shadow, preference_update, shadows_from_arrays
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="exchange",
    title="Exchange model (Stokman & Van Oosten, Equal Gain)",
    citation=(
        "Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented "
        "model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), European Community "
        "Decision Making, ch. 7. Yale University Press."
    ),
    summary=(
        "Pairs of actors trade moves on the issues they care less about for moves on the ones they care "
        "more about, at Equal Gain exchange rates; repeated for several rounds."
    ),
    stochastic=True,
    dynamic=True,
    params=(
        Param("rounds", 10, "number of rounds of exchange", type=int, minimum=0, maximum=1000),
        Param(
            "outcome",
            "preference",
            "reported forecast: weighted mean of the voting positions of the last round, or of the "
            "preferences after it",
            choices=("voting", "preference"),
        ),
        Param(
            "ties",
            "order",
            "exchanges with equal gains: keep list order (deterministic) or draw one at random (seeded)",
            choices=("order", "random"),
        ),
        Param(
            "order",
            "id",
            "list order behind tie-breaking: actors sorted by id (independent of input order) or as given "
            "in the input (the reference implementation's behaviour)",
            choices=("id", "input"),
        ),
        Param(
            "p",
            0.0,
            "randomised Equal Gain: 0 gives equal gains; in (0, 1] one side's gain is drawn away from "
            "the equal gain by up to p of its range (seeded; runs in float arithmetic)",
            type=float,
            minimum=0.0,
            maximum=1.0,
        ),
        Param(
            "within",
            "prnr",
            "issue attribute that splits a table of separate negotiations (DEU tables: prnr, the "
            "proposal): exchanges only between issues with the same value; ignored when the issues "
            "have no such attribute; empty for all pairs",
        ),
        Param(
            "arithmetic",
            "decimal",
            "decimal: break ties between exactly equal gains on 28-digit decimal gains and positions, as the "
            "reference does (reproduces it); float: pure float64, equal gains go to the earliest created "
            "exchange (faster, above all on batches)",
            choices=("decimal", "float"),
        ),
        Param(
            "fixed_weight", 0.1, "fixed part of the step toward the voting position", type=float, minimum=0.0
        ),
        Param(
            "salience_weight",
            0.4,
            "part of the step toward the voting position that grows with 1 - salience",
            type=float,
            minimum=0.0,
        ),
    ),
)

#: The reference's working scale: every issue normalised to 0-100.
SCALE = 100.0
#: Smallest move and smallest gain that count (reference: 1e-10 on the 0-100 scale).
EPS = 1e-10
#: Tolerance for the scale bounds (float noise; the reference uses 28-digit decimals).
BOUND_TOL = 1e-9
#: Relative difference below which two gains count as equal (list order decides).
TIE_TOL = 1e-11
#: Distance (0-100 scale) between the expected outcome and a partner's position below
#: which the NBS check is decided in decimals (with ``arithmetic="decimal"``).
AMBIGUOUS = 1e-9


#: Rows of the per-candidate constants of a round (``_Candidates.S``).  They do not
#: change while a round's exchanges are realised, so they are gathered once per round and
#: a recalculation takes them with one fancy index.  After the four saliences come pairs
#: (side I, side J) about each side's *supply* issue (``q`` for I, ``p`` for J), so that
#: both sides are computed together on ``(n, 2)`` arrays: the side's weight (capability x
#: salience), the expected outcome's denominator, the partner's position there (its
#: demand position), the side's start position and the expected outcome's numerator.
#: ``rq`` and ``rp`` are the Equal Gain rates: the shift of the outcome on q per unit of
#: shift on p, and its inverse (each computed as the reference does, not as 1 / the other).
_S_COLS = (
    *("sIp", "sIq", "sJp", "sJq", "rq", "rp"),
    *("WIq", "WJp", "denQ", "denP", "dJ", "dI", "x0I", "x0J", "numQ", "numP"),
)


@dataclass
class _Candidates:
    """Flat per-candidate arrays of one round; index = ``lane * N + slot``.

    Side ``I`` supplies issue ``q`` and demands ``p``; side ``J`` supplies ``p`` and
    demands ``q``.  The fields in :attr:`ROWS` are stored with the candidate axis last,
    ``(2, M)`` with side I in row 0 and side J in row 1 (``S``: ``(14, M)``): a gather
    along the last axis gives contiguous rows, and NumPy runs element-wise operations on
    contiguous ``(2, n)`` blocks about five times faster than on ``(n, 2)`` columns.
    ``upd`` is ``(M, 2, A)``, slot 0 = issue ``p``, slot 1 = issue ``q``.
    """

    ROWS = frozenset({"S", "fx", "y", "m", "hsum", "hdir", "uex", "ux"})

    b: np.ndarray
    p: np.ndarray
    q: np.ndarray
    ai: np.ndarray
    aj: np.ndarray
    key: np.ndarray
    live: np.ndarray
    gain: np.ndarray
    y: np.ndarray  # (2, M) voting positions after the exchange (on the supply issues)
    m: np.ndarray  # (2, M) moves
    S: np.ndarray  # (len(_S_COLS), M) round constants
    fx: np.ndarray  # (2, M) flat index into the current positions of the supply issues
    hsum: np.ndarray  # (2, M) sum of the side's earlier moves in this exchange
    # direction of the side's earlier moves: +1, -1, 0 = none yet (they all share one
    # direction: a move against it is invalid, and only live candidates gain history)
    hdir: np.ndarray  # (2, M)
    upd: np.ndarray  # (M, 2, A): moves bought on p (slot 0) and q (slot 1); NaN = none
    # The expected outcome of a side's supply issue in its NBS check is num + sum of
    # W (update - start) over the actors with an update there; the sum is kept
    # incrementally (``uex``: all actors but the side's own) next to the side's own
    # update (``ux``, NaN = none), so a recalculation does not sum over actors.
    uex: np.ndarray  # (2, M)
    ux: np.ndarray  # (2, M)
    lane: np.ndarray  # batch element x block of issues: lanes are realised in parallel
    # with the decimal shadow: the NBS checks as decided in floats, bit 0 side I crossed,
    # bit 1 side J crossed, bit 2 too close to call (the shadow decides; see _crossed)
    nbs: np.ndarray
    idx: np.ndarray  # flat index of the candidate (key of its decimal updates), -1 before layout

    def take(self, idx: np.ndarray) -> _Candidates:
        return _Candidates(
            **{
                k: getattr(self, k)[:, idx] if k in self.ROWS else getattr(self, k)[idx]
                for k in self.__dataclass_fields__
            }
        )


class _Round:
    """Round-constant arrays: start positions, weights and denominators."""

    def __init__(self, x0: np.ndarray, sal: np.ndarray, cap: np.ndarray, elig: np.ndarray) -> None:
        self.x0 = x0
        self.sal = sal
        self.cap = cap
        self.W = np.where(elig, cap * sal, 0.0)
        self.den = self.W.sum(axis=1)  # (B, I)
        self.num = (self.W * x0).sum(axis=1)  # (B, I)


def _moves_valid(xs: np.ndarray, m: np.ndarray, hsum: np.ndarray, hdir: np.ndarray) -> np.ndarray:
    """The reference's validity test of both moves given the earlier moves of the same side.

    All arguments are ``(2, n)`` (side I, side J); the exchange is valid if both are.
    """
    a = np.abs(m)
    y = xs + m
    ok = (
        (a <= SCALE)
        & (a > EPS)
        & (y >= -BOUND_TOL)
        & (y <= SCALE + BOUND_TOL)
        & (hsum + m <= SCALE)
        & (hdir * m >= 0)  # same direction as the earlier moves (m != 0 here)
    )
    return ok[0] & ok[1]


def _calculate(
    c: _Candidates,
    sel: np.ndarray | slice,
    cur: np.ndarray,
    shadows: list[Shadow] | None = None,
    rand: tuple[float, np.random.Generator] | None = None,
) -> None:
    """(Re)compute moves, gain and validity of the candidates ``c[sel]``, in place.

    Equal Gain rate with the overshoot cap (module docstring, steps 4-5), then the NBS
    check for side I and side J in turn; with ``rand = (p, rng)`` the randomised variant
    (:func:`_randomise`).  Called once per realised exchange on the few candidates it
    affects, so its cost is the number of NumPy calls: both sides are computed together
    on ``(n, 2)`` arrays where the formulas are symmetric.  The caller silences NumPy's
    floating-point warnings (zero weights give inf/NaN, which the validity test drops).
    """

    def rows(a: np.ndarray) -> np.ndarray:
        return a[:, sel] if isinstance(sel, slice) else a.take(sel, axis=1)

    S = rows(c.S)
    sIp, sIq, sJp, sJq, rq, rp = S[0], S[1], S[2], S[3], S[4], S[5]
    WX, DEN, T, X0, NUM = S[6:8], S[8:10], S[10:12], S[12:14], S[14:16]
    WIq, WJp, denQ, denP = WX[0], WX[1], DEN[0], DEN[1]
    XS = cur.reshape(-1).take(rows(c.fx))  # current supply positions
    xIs, xJs = XS[0], XS[1]
    DIFF = T - XS  # each side's way to its partner's position
    DIST = np.abs(DIFF)
    distI, distJ = DIST[0], DIST[1]
    # Equal Gain: J moves all the way (shift dp of the outcome on p), I's move follows
    dp = distJ * WJp / denP
    dq = rq * dp
    M = np.empty_like(XS)
    M[0] = dq * denQ / WIq
    M[1] = distJ
    over = M[0] > distI
    if over.any():  # overshoot cap: I moves all the way, J's move follows
        dq2 = distI * WIq / denQ
        dp2 = rp * dq2
        dp = np.where(over, dp2, dp)
        dq = np.where(over, dq2, dq)
        M[0] = np.where(over, distI, M[0])
        M[1] = np.where(over, dp2 * denP / WJp, M[1])
    M = np.copysign(M, DIFF)  # toward the partner (a move of 0 is invalid anyway)
    gain = np.abs(dq * sIq - dp * sIp)
    hsum, hdir = rows(c.hsum), rows(c.hdir)
    valid = _moves_valid(XS, M, hsum, hdir) & (gain >= EPS)
    BASE = NUM + rows(c.uex)
    UX = rows(c.ux)
    moved = False  # a move shortened by the NBS check (or decided in decimals)
    ambiguous = None
    if valid.any():
        # NBS check: a side's move must not carry the expected outcome of its supply issue
        # past the partner's position (e = partner's position - outcome, before and after).
        E0 = T - (BASE + WX * (XS - X0)) / DEN
        E1 = T - (BASE + WX * (XS + M - X0)) / DEN
        cross = ~(E0 * E1 >= 0) & valid
        if shadows is not None:
            ambiguous = valid & ((np.abs(E0) < AMBIGUOUS) | (np.abs(E1) < AMBIGUOUS))
        # the partner's saliences (supply, demand) and the rate (sXs + sOd) / (sXd + sOs)
        # with X's own supply and demand saliences sXs, sXd
        sal = ((sJp, sJq, rp), (sIq, sIp, rq))
        for x in (0, 1):  # side I first; side J's check sees I's shortened move
            if x == 1 and moved:
                e1 = T[1] - (BASE[1] + WJp * (xJs + M[1] - X0[1])) / denP
                cross[1] = ~(E0[1] * e1 >= 0) & valid
                if shadows is not None:
                    ambiguous[1] = valid & ((np.abs(E0[1]) < AMBIGUOUS) | (np.abs(e1) < AMBIGUOUS))
            cr = cross[x]
            if not cr.any():
                continue
            o = 1 - x
            sOs, sOd, rate = sal[x]
            xs, tx, wx, den = XS[x], T[x], WX[x], DEN[x]
            # shorten X's move so that the outcome lands on the partner's position, counting
            # X's own bought move if any; the partner's move follows from equal gains
            pos = np.where(np.isnan(UX[x]), xs, UX[x])
            delta = np.abs((tx * den - (BASE[x] + wx * (pos - X0[x]))) / wx)
            rX = delta * wx / den
            rO = rate * rX
            mO = np.copysign(rO * DEN[o] / WX[o], DIFF[o])
            mX = np.copysign(delta, DIFF[x])
            gain = np.where(cr, np.abs(rO * sOs - rX * sOd), gain)
            M[x] = np.where(cr, mX, M[x])
            M[o] = np.where(cr, mO, M[o])
            moved = True
    Y = XS + M
    if ambiguous is not None and ambiguous.any():
        # the NBS lands (nearly) on the partner's position: decide in decimals, as the reference
        rows = np.arange(c.b.shape[0])[sel]
        for k in np.nonzero(ambiguous[0] | ambiguous[1])[0]:
            e = int(rows[k])
            sh = shadows[c.b[e]]
            ai, aj, p, q = int(c.ai[e]), int(c.aj[e]), int(c.p[e]), int(c.q[e])
            yI_d, yJ_d, g_d = sh.calculate(int(c.idx[e]), ai, aj, p, q)
            Y[0, k], Y[1, k], gain[k] = float(yI_d), float(yJ_d), float(g_d)
            M[0, k] = float(yI_d - sh.cur[ai][q])
            M[1, k] = float(yJ_d - sh.cur[aj][p])
        moved = True
    if moved:  # shortened moves are tested again
        valid = valid & _moves_valid(XS, M, hsum, hdir)
    if rand is not None and valid.any():
        parts = [(BASE[x], X0[x], UX[x]) for x in (0, 1)]
        side_i = dict(s_s=sIq, s_d=sIp, W=WIq, den=denQ, xs=xIs, d_partner=T[0], parts=parts[0])
        side_j = dict(s_s=sJp, s_d=sJq, W=WJp, den=denP, xs=xJs, d_partner=T[1], parts=parts[1])
        mi, mj = _randomise(rand, valid, gain, side_i, side_j, distI, distJ, M[0], M[1])
        M = np.stack([mi, mj])
        Y = XS + M
        valid = valid & _moves_valid(XS, M, hsum, hdir)
    c.m[:, sel], c.y[:, sel], c.gain[sel], c.live[sel] = M, Y, gain, valid
    if shadows is not None:
        if ambiguous is None:  # no valid candidate: nothing decided
            c.nbs[sel] = 4
        else:
            c.nbs[sel] = cross[0] + 2 * cross[1] + 4 * (ambiguous[0] | ambiguous[1])


def _crossed(flag: int) -> tuple[bool, bool] | None:
    """The float NBS decisions of a candidate for the decimal shadow (None: not clear)."""
    return None if flag & 4 else (bool(flag & 1), bool(flag & 2))


def _randomise(
    rand: tuple[float, np.random.Generator],
    valid: np.ndarray,
    gain: np.ndarray,
    side_i: dict[str, Any],
    side_j: dict[str, Any],
    dist_i: np.ndarray,
    dist_j: np.ndarray,
    mi: np.ndarray,
    mj: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Randomised Equal Gain: one side's gain is drawn away from the equal gain.

    After the decide-exchange-model's randomised variant: a coin (u) picks the side X; a
    second coin (v) lets X win, ``eu + p z (eu_max - eu)``, or lose, ``eu - p z eu``,
    with ``z ~ U(0, 1)``.  ``eu_max`` is X's gain when its partner gains nothing, given
    the full move that binds the equal-gain exchange.  X moves all the way to its
    partner's position and the partner's move follows from X's gain; if that move would
    overshoot, the partner moves all the way and X's move follows (at most all the way);
    if X's move would carry the expected outcome past the partner's position, it is
    shortened to land there.  Two slips of the reference are not copied: in that last
    case it keeps X's full move (and flips its sign), and when both moves overshoot it
    keeps X's overshooting move.  The gain used to order the exchanges stays the equal
    gain, as in the reference.  New draws are made at every (re)calculation.
    """
    p, rng = rand
    n = len(gain)
    u, v, z = rng.random((3, n))
    sIq, sIp, WIq, denQ = side_i["s_s"], side_i["s_d"], side_i["W"], side_i["den"]
    sJp, sJq, WJp, denP = side_j["s_s"], side_j["s_d"], side_j["W"], side_j["den"]
    with np.errstate(divide="ignore", invalid="ignore"):
        # the full move that binds: I's on q (shift dI_) or J's on p (shift dJ_)
        dI_ = WIq * dist_i / denQ
        dJ_ = WJp * dist_j / denP
        i_binds = dJ_ * sIp > dI_ * sJq
        max_i = np.where(i_binds, dI_ * (sIp * sJq / sJp - sIq), dJ_ * (sIp - sIq * sJp / sJq))
        max_j = np.where(i_binds, dI_ * (sJq - sJp * sIq / sIp), dJ_ * (sJq * sIp / sIq - sJp))
    x_is_i = u < 0.5
    keys = ("s_s", "s_d", "W", "den", "xs", "d_partner")
    X = {k: np.where(x_is_i, side_i[k], side_j[k]) for k in keys}
    O = {k: np.where(x_is_i, side_j[k], side_i[k]) for k in keys}
    base = np.where(x_is_i, side_i["parts"][0], side_j["parts"][0])
    x0X = np.where(x_is_i, side_i["parts"][1], side_j["parts"][1])
    uX = np.where(x_is_i, side_i["parts"][2], side_j["parts"][2])
    eu_max = np.where(x_is_i, max_i, max_j)
    eux = np.where(v < 0.5, gain + p * z * (eu_max - gain), gain - p * z * gain)
    with np.errstate(divide="ignore", invalid="ignore"):
        full_x = np.abs(X["d_partner"] - X["xs"])
        full_o = np.abs(O["d_partner"] - O["xs"])
        rx = full_x * X["W"] / X["den"]
        ro = (eux + rx * X["s_s"]) / X["s_d"]
        mo = ro * O["den"] / O["W"]
        mx = full_x
        cap = mo > full_o
        ro_c = full_o * O["W"] / O["den"]
        rx_c = np.abs((eux - ro_c * X["s_d"]) / X["s_s"])
        mx = np.where(cap, np.minimum(rx_c * X["den"] / X["W"], full_x), mx)
        mo = np.where(cap, full_o, mo)
        # the expected outcome on X's supply issue must not pass the partner's position
        sign_x = np.where(X["xs"] > X["d_partner"], -1.0, 1.0)
        target = X["d_partner"]
        nbs0 = (base + X["W"] * (X["xs"] - x0X)) / X["den"]
        nbs1 = (base + X["W"] * (X["xs"] + sign_x * mx - x0X)) / X["den"]
        fine = ((target - nbs0 >= 0) & (target - nbs1 >= 0)) | ((target - nbs0 <= 0) & (target - nbs1 <= 0))
        pos_x = np.where(np.isnan(uX), X["xs"], uX)
        delta = np.abs((target * X["den"] - (base + X["W"] * (pos_x - x0X))) / X["W"])
        short = ~cap & ~fine
        rx_s = delta * X["W"] / X["den"]
        mo_s = (eux + rx_s * X["s_s"]) / X["s_d"] * O["den"] / O["W"]
        mx = np.where(short, delta, mx)
        mo = np.where(short, mo_s, mo)
    mx = sign_x * mx
    mo = np.where(O["xs"] > O["d_partner"], -mo, mo)
    new_i = np.where(x_is_i, mx, mo)
    new_j = np.where(x_is_i, mo, mx)
    return np.where(valid, new_i, mi), np.where(valid, new_j, mj)


class _Grid:
    """Static enumeration of (issue pair, actor pair) candidates in creation order."""

    def __init__(self, n_actors: int, n_issues: int, group: list[Any] | None = None) -> None:
        ip, iq = np.triu_indices(n_issues, k=1)
        block_of_issue = np.zeros(n_issues, int)
        if group is not None:
            ids: dict[Any, int] = {}
            block_of_issue = np.array([ids.setdefault(g, len(ids)) for g in group], dtype=int)
            same = block_of_issue[ip] == block_of_issue[iq]
            ip, iq = ip[same], iq[same]
        #: independent blocks of issues (separate negotiations): realised in parallel lanes
        self.n_blocks = int(block_of_issue.max()) + 1 if n_issues else 1
        aa, ab = np.triu_indices(n_actors, k=1)
        n_pairs, n_ap = len(ip), len(aa)
        self.pair = np.repeat(np.arange(n_pairs), n_ap)
        self.block = block_of_issue[ip][self.pair]
        self.p = ip[self.pair]
        self.q = iq[self.pair]
        self.a = np.tile(aa, n_pairs)
        self.b = np.tile(ab, n_pairs)


def _initial(
    rd: _Round,
    grid: _Grid,
    elig: np.ndarray,
    n_actors: int,
    shadows: list[Shadow] | None = None,
    rand: tuple[float, np.random.Generator] | None = None,
) -> _Candidates:
    """All exchanges of a round, calculated; only the valid ones, sorted by creation order."""
    x0 = rd.x0
    nbs = rd.num / rd.den
    left = x0 <= nbs[:, None, :]
    if shadows is not None:
        # an actor (nearly) at the expected outcome: decide its side in decimals
        for b, a, t in zip(*np.nonzero(elig & (np.abs(x0 - nbs[:, None, :]) < AMBIGUOUS)), strict=True):
            sh = shadows[b]
            left[b, a, t] = sh.x0[a][t] <= sh.nbs(t, {}, -1, D0)
    gp, gq, ga, gb = grid.p, grid.q, grid.a, grid.b
    ok = elig[:, ga, gp] & elig[:, ga, gq] & elig[:, gb, gp] & elig[:, gb, gq]
    code_a = left[:, ga, gp].astype(np.int8) + 2 * left[:, ga, gq].astype(np.int8)
    code_b = left[:, gb, gp].astype(np.int8) + 2 * left[:, gb, gq].astype(np.int8)
    exists = ok & (code_a + code_b == 3)
    bi, gi = np.nonzero(exists)
    ca, cb_, p, q = ga[gi], gb[gi], gp[gi], gq[gi]
    a_first = code_a[bi, gi] <= 1  # actor a is in group A (00) or B (01): created as "i"
    first = np.where(a_first, ca, cb_)
    second = np.where(a_first, cb_, ca)
    block = np.where(np.minimum(code_a[bi, gi], code_b[bi, gi]) == 0, 0, 1)
    key = ((grid.pair[gi] * 2 + block) * n_actors + first) * n_actors + second
    sal, W = rd.sal, rd.W
    swap = sal[bi, first, p] / sal[bi, first, q] < sal[bi, second, p] / sal[bi, second, q]
    ai = np.where(swap, second, first)
    aj = np.where(swap, first, second)
    n = len(bi)
    n_issues = x0.shape[2]
    sIp, sIq, sJp, sJq = sal[bi, ai, p], sal[bi, ai, q], sal[bi, aj, p], sal[bi, aj, q]
    consts = {
        "sIp": sIp,
        "sIq": sIq,
        "sJp": sJp,
        "sJq": sJq,
        "rq": (sJp + sIp) / (sJq + sIq),
        "rp": (sIq + sJq) / (sIp + sJp),
        "WIq": W[bi, ai, q],
        "WJp": W[bi, aj, p],
        "denQ": rd.den[bi, q],
        "denP": rd.den[bi, p],
        "dJ": x0[bi, aj, q],
        "dI": x0[bi, ai, p],
        "x0I": x0[bi, ai, q],
        "x0J": x0[bi, aj, p],
        "numQ": rd.num[bi, q],
        "numP": rd.num[bi, p],
    }
    c = _Candidates(
        b=bi,
        p=p,
        q=q,
        ai=ai,
        aj=aj,
        key=key,
        live=np.ones(n, bool),
        gain=np.zeros(n),
        y=np.zeros((2, n)),
        m=np.zeros((2, n)),
        S=np.stack([consts[k] for k in _S_COLS]),
        fx=np.stack([(bi * n_actors + ai) * n_issues + q, (bi * n_actors + aj) * n_issues + p]),
        hsum=np.zeros((2, n)),
        hdir=np.zeros((2, n)),
        upd=np.full((n, 2, n_actors), np.nan),
        uex=np.zeros((2, n)),
        ux=np.full((2, n), np.nan),
        lane=bi * grid.n_blocks + grid.block[gi],
        nbs=np.full(n, 4, np.int8),
        idx=np.full(n, -1),
    )
    _calculate(c, slice(None), x0, shadows, rand)
    keep = np.nonzero(c.live)[0]
    c = c.take(keep)
    order = np.lexsort((c.key, c.lane))
    return c.take(order)


def _pad(c: _Candidates, L: int, n_blocks: int) -> tuple[_Candidates, int]:
    """Lay the candidates out as ``(L, N)`` lanes (flattened), dead padding after each list."""
    counts = np.bincount(c.lane, minlength=L)
    N = max(int(counts.max()) if counts.size else 0, 1)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(c.b)) - starts[c.lane]
    dest = c.lane * N + slot
    M = L * N
    fields = {}
    for k in c.__dataclass_fields__:
        v = getattr(c, k)
        rows = k in c.ROWS
        shape = (v.shape[0], M) if rows else (M, *v.shape[1:])
        if k in ("upd", "ux"):
            full = np.full(shape, np.nan)
        elif k == "b":
            full = np.repeat(np.arange(L) // n_blocks, N)
        elif k == "lane":
            full = np.repeat(np.arange(L), N)
        elif v.dtype == bool:
            full = np.zeros(shape, bool) if k == "live" else np.ones(shape, bool)
        else:
            full = np.zeros(shape, v.dtype)
        if rows:
            full[:, dest] = v
        else:
            full[dest] = v
        fields[k] = full
    fields["idx"] = np.arange(M)
    return _Candidates(**fields), N


def _sort_list(g: np.ndarray, perm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable sort of each batch's exchange list by gain, highest first.

    ``g`` holds the gains by candidate ``(B, N)`` (``-inf`` = gone), ``perm`` the current
    list order.  Gains equal up to a relative 1e-11 count as equal and keep their list
    order: the reference computes in decimals, where mathematically equal gains are
    usually exactly equal, while in floats they differ in the last bits.  Returns the
    new order, the sorted gains and the group of equal gains of each entry (0 = top).
    """
    if g.shape[0] == 1:  # a single lane: the same on 1-D arrays, about half the cost
        p1, gs1, gid1 = _sort_one(g[0], perm[0])
        return p1[None], gs1[None], gid1[None]
    # row-wise gathers as one fancy index (np.take_along_axis costs more in Python than
    # the gather itself on lists of this size; it runs once per realised exchange)
    r = np.arange(g.shape[0])[:, None]
    gp = g[r, perm]
    o = np.argsort(-gp, axis=1, kind="stable")
    gs = gp[r, o]
    step = gs[:, :-1] - gs[:, 1:] > TIE_TOL * np.abs(gs[:, :-1])  # caller ignores inf - inf
    step |= ~np.isfinite(gs[:, 1:]) & np.isfinite(gs[:, :-1])
    gid_sorted = np.zeros(perm.shape, int)
    np.cumsum(step, axis=1, out=gid_sorted[:, 1:])
    if not np.any(~step & (o[:, 1:] < o[:, :-1])):  # equal gains already in list order
        return perm[r, o], gs, gid_sorted
    gid = np.empty_like(gid_sorted)
    gid[r, o] = gid_sorted
    o2 = np.argsort(gid, axis=1, kind="stable")
    return perm[r, o2], gp[r, o2], gid[r, o2]


def _sort_one(g: np.ndarray, perm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_sort_list` for one lane (1-D gains by candidate and list order)."""
    gp = g.take(perm)
    o = np.argsort(-gp, kind="stable")
    gs = gp.take(o)
    head = gs[:-1]
    step = head - gs[1:] > TIE_TOL * np.abs(head)
    finite = np.isfinite(gs)
    step |= finite[:-1] & ~finite[1:]
    gid_sorted = np.zeros(len(perm), int)
    np.cumsum(step, out=gid_sorted[1:])
    if not np.any(~step & (o[1:] < o[:-1])):  # equal gains already in list order
        return perm.take(o), gs, gid_sorted
    gid = np.empty_like(gid_sorted)
    gid[o] = gid_sorted
    o2 = np.argsort(gid, kind="stable")
    return perm.take(o2), gp.take(o2), gid.take(o2)


def _decimal_tie_order(
    shadows: list[Shadow],
    lane_b: np.ndarray,
    c: _Candidates,
    perm: np.ndarray,
    gs: np.ndarray,
    gid: np.ndarray,
    N: int,
    dgain: np.ndarray,
    stale: np.ndarray,
) -> None:
    """Order each group of (float-)equal gains by decimal gain, stable, as the reference sorts.

    ``dgain`` caches each candidate's decimal gain until it is recalculated (``stale``);
    only groups with a stale member can be out of order.
    """
    finite = np.isfinite(gs)
    same = (gid[:, 1:] == gid[:, :-1]) & finite[:, 1:]
    if not same.any():
        return
    in_multi = np.zeros_like(finite)
    in_multi[:, 1:] |= same
    in_multi[:, :-1] |= same
    flat = np.arange(perm.shape[0])[:, None] * N + perm
    todo = stale[flat] & in_multi
    for b in np.nonzero(todo.any(axis=1))[0]:
        sh = shadows[lane_b[b]]
        gb = gid[b]  # non-decreasing along the list: a group is found by binary search
        for grp in np.unique(gb[todo[b]]).tolist():
            lo = int(np.searchsorted(gb, grp, side="left"))
            n = int(np.searchsorted(gb, grp, side="right")) - lo
            members = perm[b, lo : lo + n].copy()
            flat_m = b * N + members
            redo = flat_m[stale[flat_m]]
            for e, ai, aj, p, q in zip(
                *(v.tolist() for v in (redo, c.ai[redo], c.aj[redo], c.p[redo], c.q[redo])), strict=True
            ):
                dgain[e] = sh.calculate(e, ai, aj, p, q, _crossed(int(c.nbs[e])))[2]
            stale[redo] = False
            gains = dgain[flat_m].tolist()
            order = sorted(range(n), key=lambda k: -gains[k])
            perm[b, lo : lo + n] = members[order]


class _KeyIndex:
    """Which candidates a realised exchange affects, looked up by (lane, actor, issue).

    A realised exchange in which ``aI`` moved on ``q`` (bought by ``aJ``) and ``aJ`` on
    ``p`` (bought by ``aI``) affects exactly the candidates of the same lane in which

    * side I's supply position is ``(aI, q)`` or ``(aJ, p)`` (role 0: its position and
      history change), likewise side J's (role 1);
    * side J or side I demands on the issue the move was bought on from the buyer
      (``(aJ, q)`` or ``(aI, p)`` as J's demand, role 2, or I's demand, role 3): the
      bought move counts in that candidate's NBS check.

    Each candidate is listed under its four (role, lane, actor, issue) keys, sorted, so
    that the affected ones are found with two binary searches per realised exchange
    rather than by testing all the candidates of the actors involved.
    """

    #: query order: (role, which realised move), see :meth:`affected`
    ROLES = np.array([0, 0, 1, 1, 2, 3, 2, 3])

    def __init__(self, c: _Candidates, L: int, A: int, n_issues: int) -> None:
        real = np.nonzero(c.live)[0]  # padding rows are never affected
        self.L, self.A, self.I = L, A, n_issues
        lane, ai, aj, p, q = c.lane[real], c.ai[real], c.aj[real], c.p[real], c.q[real]
        keys = np.concatenate(
            [self._key(r, lane, a, t) for r, a, t in ((0, ai, q), (1, aj, p), (2, aj, q), (3, ai, p))]
        )
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.idx = np.tile(real, 4)[order]

    def _key(self, role: Any, lane: Any, actor: Any, issue: Any) -> Any:
        return ((role * self.L + lane) * self.A + actor) * self.I + issue

    def affected(
        self, lanes: np.ndarray, aI: np.ndarray, aJ: np.ndarray, p: np.ndarray, q: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidates hit by the realised exchanges ``(lanes, aI, aJ, p, q)`` (one per lane).

        Returns the candidate, its query (0-7: ``ROLES`` with the realised move ``(aI, q)``
        for 0, 2, 6, 7 and ``(aJ, p)`` for 1, 3, 4, 5 as supply/demand keys) and the index
        of the realised exchange; a candidate hit by several queries is listed once for each.
        """
        n = len(lanes)
        if n == 1:
            return self._affected_one(int(lanes[0]), int(aI[0]), int(aJ[0]), int(p[0]), int(q[0]))
        # realised moves (actor, issue): s1 = (aI, q), s2 = (aJ, p); as bought on a demand:
        # (aJ, q) = s1's buyer on q, (aI, p) = s2's buyer on p
        act = np.concatenate([aI, aJ, aI, aJ, aJ, aJ, aI, aI])
        iss = np.concatenate([q, p, q, p, q, q, p, p])
        qk = self._key(np.repeat(self.ROLES, n), np.tile(lanes, 8), act, iss)
        lo = np.searchsorted(self.keys, qk, side="left")
        cnt = np.searchsorted(self.keys, qk, side="right") - lo
        total = int(cnt.sum())
        if total == 0:
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0, int)
        which = np.repeat(np.arange(8 * n), cnt)
        pos = np.arange(total) + np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
        return self.idx[pos], which // n, which % n

    def _affected_one(self, lane: int, aI: int, aJ: int, p: int, q: int) -> tuple[np.ndarray, ...]:
        """:meth:`affected` for one realised exchange (a single run), on Python ints: the
        eight keys and slices cost a fraction of the vectorised lookup's NumPy calls."""
        acts = (aI, aJ, aI, aJ, aJ, aJ, aI, aI)
        isss = (q, p, q, p, q, q, p, p)
        qk = [self._key(int(r), lane, a, t) for r, a, t in zip(self.ROLES, acts, isss, strict=True)]
        lo = np.searchsorted(self.keys, qk, side="left").tolist()
        hi = np.searchsorted(self.keys, qk, side="right").tolist()
        cnt = [h - l_ for l_, h in zip(lo, hi, strict=True)]
        if not any(cnt):
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0, int)
        cand = np.concatenate([self.idx[l_:h] for l_, h in zip(lo, hi, strict=True)])
        return cand, np.repeat(np.arange(8), cnt), np.zeros(len(cand), int)


def _draw_order(
    c: _Candidates, sel: np.ndarray, al: np.ndarray, aI: np.ndarray, aJ: np.ndarray, L: int, N: int
) -> np.ndarray:
    """The affected candidates in the order in which the randomised variant draws for them.

    Kept from the first version of this module, so that a seed gives the same run: the
    candidates of the realised exchange's actor I (all lanes, in lane order) before those
    of its actor J; for each actor, those where it is side I before those where it is
    side J; then by list slot.
    """
    rI, rJ = np.full(L, -1), np.full(L, -1)
    rI[al], rJ[al] = aI, aJ
    ln, ai, aj = c.lane[sel], c.ai[sel], c.aj[sel]
    has_i = (ai == rI[ln]) | (aj == rI[ln])
    actor = np.where(has_i, rI[ln], rJ[ln])
    key = (((~has_i) * L + ln) * 2 + (ai != actor)) * (L * N) + sel
    return sel[np.argsort(key)]


def _run_round(
    rd: _Round,
    grid: _Grid,
    elig: np.ndarray,
    ties: str,
    rng: np.random.Generator | None,
    record: bool,
    shadows: list[Shadow] | None = None,
    p: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """One round of exchange: returns voting positions, exchanges per batch, events of batch 0.

    With ``shadows`` (one :class:`~negotia.models.exchange_decimal.Shadow` per batch
    element) ties at the top of the list are broken on decimal gains and realised
    exchanges take their decimal voting positions, as in the reference.

    The loop realises one exchange per lane and step; everything in it works on the
    few candidates the realised exchanges touch (found by :class:`_KeyIndex`), since
    its cost is the number of NumPy calls per step, not their size.
    """
    x0 = rd.x0
    B, A, n_issues = x0.shape
    cur = x0.copy()
    curf = cur.reshape(-1)  # flat view: candidates address positions by flat index
    x0f = x0.reshape(-1)
    Wf = rd.W.reshape(-1)
    events: list[dict[str, Any]] = []
    rand = (p, rng) if p > 0 and rng is not None else None
    c = _initial(rd, grid, elig, A, shadows, rand)
    if len(c.b) == 0:
        return cur, np.zeros(B, int), events
    # lanes: batch element x independent block of issues, each with its own list
    n_blk = grid.n_blocks
    L = B * n_blk
    c, N = _pad(c, L, n_blk)
    lane_done = np.zeros(L, int)
    lane_b = np.arange(L) // n_blk
    perm = np.tile(np.arange(N), (L, 1))
    rows = np.arange(L)
    dgain = np.full(L * N, None, dtype=object) if shadows is not None else None
    stale = np.ones(L * N, bool)
    index = _KeyIndex(c, L, A, n_issues)
    # flat views of the per-candidate state (1-D gathers and scatters are the cheapest)
    MM = L * N
    updf = c.upd.reshape(-1)
    mf, hsumf, hdirf = c.m.reshape(-1), c.hsum.reshape(-1), c.hdir.reshape(-1)
    uxf, uexf = c.ux.reshape(-1), c.uex.reshape(-1)
    supplier = np.concatenate([c.ai, c.aj])  # side I's and J's actor, flat like the rows
    # scratch flags for the set of candidates to recalculate (cheaper than np.unique on
    # short lists; big batches use np.unique, which does not scan the whole list)
    mark = np.zeros(L * N, bool) if L * N <= 1 << 16 else None
    gl = np.where(c.live, c.gain, -np.inf)  # gains of the live list, -inf = gone
    # Without the decimal shadow and with deterministic ties the list order is not kept:
    # the best gain is found directly and ties go to the earliest created exchange.
    fast = shadows is None and ties == "order"
    while True:
        g = gl.reshape(L, N)
        if fast:
            if L == 1:
                # one lane (a single run): scalars, no per-lane reductions
                r0 = int(np.argmax(gl))
                gmax = gl[r0]
                if gmax == -np.inf:
                    break
                near = gl >= gmax - TIE_TOL * abs(gmax)
                R = np.array([int(np.argmax(near))])
                al = rows
            else:
                gmax = g.max(axis=1)
                active = np.isfinite(gmax)
                if not active.any():
                    break
                near = g >= (gmax - TIE_TOL * np.abs(gmax))[:, None]
                al = rows[active]
                R = al * N + np.argmax(near[active], axis=1)
        else:
            perm, gs, gid = _sort_list(g, perm)
            active = np.isfinite(gs[:, 0])
            if not active.any():
                break
            # a gone exchange never comes back (only live ones are recalculated) and sorts
            # after the live ones: cut them off, so the sorts get shorter as the round goes
            n_live = int(np.isfinite(gs).sum(axis=1).max())
            if n_live < perm.shape[1]:
                perm, gs, gid = perm[:, :n_live], gs[:, :n_live], gid[:, :n_live]
            tied = gid == 0
            if shadows is not None:
                _decimal_tie_order(shadows, lane_b, c, perm, gs, gid, N, dgain, stale)
            if ties == "random" and N > 1:
                # the reference: when the two best gains are equal, a coin decides; the loser of
                # the toss goes to the end of the list (the coins are drawn at every step, so
                # that a seed gives the same stream however short the list has become)
                two = (tied[:, 1] if perm.shape[1] > 1 else np.zeros(L, bool)) & active
                if shadows is not None:
                    for bb in np.nonzero(two)[0]:
                        two[bb] = dgain[bb * N + perm[bb, 0]] == dgain[bb * N + perm[bb, 1]]
                u = rng.random(L) if rng is not None else np.zeros(L)
                for bb in np.nonzero(two & (u >= 0.5))[0]:
                    perm[bb] = np.concatenate([perm[bb, 1:], perm[bb, :1]])
            al = rows[active]
            R = al * N + perm[active, 0]
        # remove the chosen exchange from the list (its list slot is simply dead now)
        c.live[R] = False
        gl[R] = -np.inf
        RaI, RaJ, Rp, Rq = c.ai[R], c.aj[R], c.p[R], c.q[R]
        dec_y: list[tuple[Any, Any]] = []
        if shadows is not None:
            for k, e in enumerate(R):
                sh = shadows[c.b[e]]
                yI_d, yJ_d, g_d = sh.calculate(
                    int(e), int(RaI[k]), int(RaJ[k]), int(Rp[k]), int(Rq[k]), _crossed(int(c.nbs[e]))
                )
                dec_y.append((yI_d, yJ_d))
                c.y[0, e], c.y[1, e], c.gain[e] = float(yI_d), float(yJ_d), float(g_d)
        RyI, RyJ = c.y[0, R], c.y[1, R]
        fI, fJ = c.fx[0, R], c.fx[1, R]
        if record and al[0] < n_blk:  # lanes of batch element 0 come first
            for k in np.nonzero(al < n_blk)[0]:
                events.append(
                    {
                        "I": (int(RaI[k]), int(Rq[k]), float(curf[fI[k]]), float(RyI[k])),
                        "J": (int(RaJ[k]), int(Rp[k]), float(curf[fJ[k]]), float(RyJ[k])),
                        "gain": float(c.gain[R[k]]),
                    }
                )
        curf[fI] = RyI
        curf[fJ] = RyJ
        if shadows is not None:
            for k, e in enumerate(R):
                sh = shadows[c.b[e]]
                sh.cur[RaI[k]][Rq[k]] = dec_y[k][0]
                sh.cur[RaJ[k]][Rp[k]] = dec_y[k][1]
        lane_done[al] += 1
        # exchanges affected by the realised ones (same lane, shared actor and issue)
        cand, query, k = index.affected(al, RaI, RaJ, Rp, Rq)
        if cand.size:
            hit = c.live[cand]
            cand, query, k = cand[hit], query[hit], k[hit]
        if cand.size == 0:
            continue
        # queries 0-3: the candidate's side I (0, 1) or J (2, 3) has moved in the realised
        # exchange and keeps that earlier move in its history
        h = query < 4
        if h.any():
            at = (query[h] >> 1) * MM + cand[h]  # side I or J of the candidate, flat
            m = mf[at]
            hsumf[at] += m
            hdirf[at] = np.sign(m)
        # queries 4-7: the realised move was bought by the candidate's side J (4, 6) or I
        # (5, 7) on its demand issue; it counts in the partner's NBS check (the reference
        # keeps, per actor, the move closest to the start)
        u = ~h
        if u.any():
            e, qu, ku = cand[u], query[u], k[u]
            slot = (qu & 1) ^ 1  # J's demand is the candidate's q (slot 1), I's is p (slot 0)
            by_i = qu < 6  # queries 4, 5: aI's move on q; 6, 7: aJ's move on p
            f = np.where(by_i, fI[ku], fJ[ku])  # flat (batch, actor, issue) of the move
            act = np.where(by_i, RaI[ku], RaJ[ku])
            yy = np.where(by_i, RyI[ku], RyJ[ku])
            start = x0f[f]
            au = (e * 2 + slot) * A + act  # flat index into upd
            old = updf[au]
            fresh = np.isnan(old)
            new = np.where(fresh, yy, np.where(start <= old, np.minimum(old, yy), np.maximum(old, yy)))
            updf[au] = new
            # in the NBS check of the side supplying that issue (side I for q, J for p)
            side = slot ^ 1
            at = side * MM + e  # flat index into the (2, M) rows
            own = act == supplier[at]  # the side's own move (``ux``)
            uxf[at[own]] = new[own]
            o = ~own
            np.add.at(uexf, at[o], Wf[f[o]] * (new[o] - np.where(fresh[o], start[o], old[o])))
            if shadows is not None:
                # plain Python ints (.tolist()): this loop runs for every update of every step
                iss = np.where(by_i, Rq[ku], Rp[ku])
                rows_ = zip(*(v.tolist() for v in (c.b[e], e, slot, act, ku, by_i, iss)), strict=True)
                for b_, e_, s_, a_, k_, i_, t_ in rows_:
                    sh = shadows[b_]
                    sh.record_update(e_, s_, a_, dec_y[k_][0 if i_ else 1], sh.x0[a_][t_])
        # recalculate each affected candidate once (sorted, unique)
        if mark is None:
            sel = np.unique(cand)
        else:
            mark[cand] = True
            sel = np.flatnonzero(mark)
            mark[sel] = False
        if rand is not None:
            sel = _draw_order(c, sel, al, RaI, RaJ, L, N)
        _calculate(c, sel, cur, shadows, rand)
        stale[sel] = True
        gl[sel] = np.where(c.live[sel], c.gain[sel], -np.inf)
    return cur, lane_done.reshape(B, n_blk).sum(axis=1), events


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    """Run the exchange model for ``rounds`` rounds on every batch element.

    Parameters
    ----------
    arrays
        The scenario batch (positions on [0, 1], saliences on [0, 1]).
    rng
        Used only with ``ties="random"`` or ``p > 0``; a fixed default (seed 0) when None.
    rounds, outcome, ties, order, p, fixed_weight, salience_weight
        See :data:`MODEL_INFO`.

    Returns
    -------
    Forecast
        ``outcome`` (B, I); ``trace`` with ``preference_mean`` and ``voting_mean``
        ``(R+1, B, I)`` (index 0 = start), ``position`` and ``voting_position``
        ``(R+1, B, A, I)``, ``exchanges`` ``(R+1, B)`` and ``outcome``; ``events`` the
        realised exchanges of batch element 0, in order.
    """
    prm = MODEL_INFO.resolve(params)
    if rng is None and (prm["ties"] == "random" or prm["p"] > 0):
        rng = np.random.default_rng(0)
    B, A, I = arrays.position.shape
    if prm["order"] == "id":
        perm = np.array(sorted(range(A), key=lambda k: arrays.actor_ids[k]), dtype=int)
    else:
        perm = np.arange(A)
    inv = np.argsort(perm)
    present = arrays.present[:, perm]
    sal = np.where(present, arrays.salience[:, perm], 0.0)
    cap = np.where(present, arrays.capability[:, perm], 0.0)
    elig = present & (sal > 0) & (cap > 0)
    x = np.where(present, arrays.position[:, perm], 0.0) * SCALE
    group = None
    if prm["within"] and arrays.issue_attributes is not None:
        keys = [attrs.get(prm["within"]) for attrs in arrays.issue_attributes]
        if any(k is not None for k in keys):
            group = keys
    grid = _Grid(A, I, group)
    R = prm["rounds"]
    pos_tr = np.empty((R + 1, B, A, I))
    vote_tr = np.empty((R + 1, B, A, I))
    counts = np.zeros((R + 1, B), int)
    pos_tr[0] = x
    vote_tr[0] = x
    events: list[dict[str, Any]] = []
    step_w = prm["fixed_weight"] + prm["salience_weight"] * (1.0 - sal)
    exact = prm["arithmetic"] == "decimal" and prm["p"] == 0
    if exact:
        sD, cD, xD = shadows_from_arrays(x, sal, cap, elig, arrays.scale_min, arrays.scale_max)
    for r in range(R):
        rd = _Round(x, sal, cap, elig)
        shadows = [Shadow(sD[b], cD[b], xD[b]) for b in range(B)] if exact else None
        # zero weights give inf/NaN moves, which the validity tests drop
        with np.errstate(divide="ignore", invalid="ignore"):
            vote, n_done, ev = _run_round(
                rd, grid, elig, prm["ties"], rng, record=True, shadows=shadows, p=prm["p"]
            )
        for k, e in enumerate(ev):
            events.append(_event(e, r + 1, k + 1, perm, arrays, prm))
        counts[r + 1] = n_done
        vote_tr[r + 1] = vote
        x = np.where(elig, x + step_w * (vote - x), x)
        if exact:
            for b, sh in enumerate(shadows):
                for a, t in zip(*np.nonzero(vote[b] != rd.x0[b]), strict=True):
                    xD[b][a][t] = preference_update(
                        sh.x0[a][t], sh.cur[a][t], sD[b][a][t], prm["salience_weight"], prm["fixed_weight"]
                    )
                    x[b, a, t] = float(xD[b][a][t])
        pos_tr[r + 1] = x
    pos_tr = pos_tr[:, :, inv] / SCALE
    vote_tr = vote_tr[:, :, inv] / SCALE
    pres = arrays.present
    Wfull = np.where(pres, arrays.capability * arrays.salience, 0.0)
    pref_mean = np.stack([weighted_mean(pos_tr[k], Wfull, pres) for k in range(R + 1)])
    vote_mean = np.stack([weighted_mean(vote_tr[k], Wfull, pres) for k in range(R + 1)])
    pref_mean = np.where(np.isnan(pref_mean), arrays.status_quo, pref_mean)
    vote_mean = np.where(np.isnan(vote_mean), arrays.status_quo, vote_mean)
    out_tr = vote_mean if prm["outcome"] == "voting" else pref_mean
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=out_tr[-1].copy(),
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=prm,
        trace={
            "preference_mean": pref_mean,
            "voting_mean": vote_mean,
            "outcome": out_tr,
            "position": pos_tr,
            "voting_position": vote_tr,
            "exchanges": counts,
        },
        events=events,
        rounds=np.full(B, R),
        actor_ids=arrays.actor_ids,
    )


def _event(
    e: dict[str, Any], rnd: int, step: int, perm: np.ndarray, arrays: ScenarioArrays, prm: dict[str, Any]
) -> dict[str, Any]:
    """A realised exchange of batch element 0 in plain terms (positions on the issue scale)."""
    sides = []
    for key in ("I", "J"):
        a, t, x_from, x_to = e[key]
        lo, hi = float(arrays.scale_min[t]), float(arrays.scale_max[t])
        f = lo + x_from / SCALE * (hi - lo)
        to = lo + x_to / SCALE * (hi - lo)
        sides.append(
            {"actor": arrays.actor_ids[int(perm[a])], "supply": arrays.issue_ids[t], "from": f, "to": to}
        )
    sides[0]["demand"] = sides[1]["supply"]
    sides[1]["demand"] = sides[0]["supply"]
    for s in sides:
        s["move"] = s["to"] - s["from"]
    return {"round": rnd, "step": step, "i": sides[0], "j": sides[1], "gain": e["gain"]}
