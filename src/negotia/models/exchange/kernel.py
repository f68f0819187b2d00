r"""Compiled inner loop of the exchange model: one round of one lane (numba).

A *lane* is one batch element, or one block of issues of it (a separate negotiation,
see ``within`` in :mod:`negotia.models.exchange`).  The realisation of exchanges is
sequential by nature: every realised exchange changes the moves and gains of the
exchanges that share an actor and an issue with it, and the next one realised is the
best of the list as it is then.  Written as array code, each of the thousands of steps
of a run costs a fixed number of interpreter-driven calls; compiled, a step costs what
its arithmetic costs.  The formulas are those of the module docstring of
:mod:`negotia.models.exchange` (Stokman & Van Oosten 1994, Equal Gain, with the
reference implementation's NBS check and validity rules); this module holds only the
round's bookkeeping.

The state of a lane during a round is a :class:`Lane` (local issue indices
``0..nI-1``):

* ``data``, the round's inputs (:class:`RoundData`): start positions, saliences,
  weights, the expected outcome's numerator and denominator per issue.  A candidate's
  constants (its saliences, Equal Gain rates, weights, the partners' positions) are
  looked up there when it is calculated: these small tables stay in the cache, where
  a copy per candidate would not;
* per candidate exchange ``e`` (in creation order), one row of ``irec`` (integers: the
  actors ``AI`` (side I, supplies ``q`` and demands ``p``) and ``AJ`` (side J, supplies
  ``p`` and demands ``q``), the issues ``P < Q``, the NBS decisions ``FLAGS``, whether it
  is still in the list ``LIVE``, and ``VER``, the realisation after which it was last
  calculated) and one row of ``frec`` (floats: both moves ``M0, M1``, voting positions
  ``Y0, Y1``, its ``GAIN``, and per side the sum and direction of its earlier moves
  ``H0, H1, D0, D1``: the reference keeps, for a side whose supply position another
  exchange moved, the move the side had computed before; see :func:`_affected`).  A
  candidate's state is one row each, so the few hundred candidates a realisation
  recalculates cost a few cache lines each, not one per field;
* per (actor, issue) the current position ``cur``;
* per (buyer, issue, actor) the moves bought (``G``, NaN = none): when an exchange is
  realised, ``aj`` has bought ``ai``'s move on ``q`` and ``ai`` has bought ``aj``'s move on
  ``p``.  A candidate's NBS check on the issue its side supplies counts the moves its
  partner has bought there, keeping per actor the one closest to its start (the
  reference keeps these per exchange; every exchange still in the list has seen every
  realisation since the start of the round, so per buyer and issue is the same), and
  per (buyer, issue) their sum of ``W (G - x0)`` (``Gs``);
* an index of the candidates by supply key ``(actor, issue)`` and by demand key, so
  that the exchanges a realisation affects are found directly (exchanges that have
  left the list are dropped from it when next met), and a max-tree of the gains of
  the exchanges still in the list (``tree``);
* the log of the realised exchanges (which, their NBS decisions, the positions they
  moved from).

With ``decimal=True`` the loop stops and returns to its caller when it cannot decide in
floats: an NBS check whose outcome lands within :data:`AMBIGUOUS` of the partner's
position (code :data:`AMBIG`, the candidates in ``buf``) or several exchanges whose gains
are nearly equal at the top of the list (code :data:`TIE`, see
:data:`DECIMAL_TIE_TOL`); the
caller decides in decimals (:mod:`negotia.models.exchange.decimals`), writes the result
into the state and calls :func:`lane_run` again.  Without it (``decimal=False``) the loop
never stops: equal gains (to :data:`TIE_TOL`) go to the earliest created exchange, or
with ``ties_random`` a seeded coin picks one of the two earliest created.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_JIT: dict[str, Any] = {"cache": True, "error_model": "numpy", "nogil": True}
#: For the helpers of the realisation step: inlined into their callers, where the passing
#: of arrays to a separate compiled function (reference counts on each) would cost more
#: than their arithmetic.
_INLINE: dict[str, Any] = {**_JIT, "inline": "always"}

# The constants live here, with the compiled code that uses them: numba freezes a global
# into the cached machine code, and a change in another module would not invalidate it.

#: The reference's working scale: every issue normalised to 0-100.
SCALE = 100.0
#: Smallest move and smallest gain that count (reference: 1e-10 on the 0-100 scale).
EPS = 1e-10
#: Tolerance for the scale bounds (float noise; the reference uses 28-digit decimals).
BOUND_TOL = 1e-9
#: Relative difference below which two float gains count as equal (``decimal=False``).
TIE_TOL = 1e-11
#: With decimal tie-breaking: gains within ``DECIMAL_TIE_TOL`` (relative) plus
#: ``DECIMAL_TIE_ATOL`` (absolute) of the best float gain may be the best in decimals, so
#: they are compared in decimals.  Both are wide of the float error of a gain by a safe
#: margin: on the reference cases after 10 rounds, up to 2.5e-13 relative, and 2e-16
#: absolute on gains near zero, where the difference of two products loses digits.
DECIMAL_TIE_TOL = 1e-9
DECIMAL_TIE_ATOL = 1e-11
#: Distance (0-100 scale) between the expected outcome and a partner's position below
#: which an NBS check is decided in decimals (``decimal=True``).
AMBIGUOUS = 1e-9

#: How many candidates ahead the realisation step asks for their rows (see :func:`_prefetch`).
AHEAD = 8

#: Columns of a candidate's integer row ``irec``.
AI, AJ, P, Q, FLAGS, LIVE, VER = range(7)
N_ICOLS = 8  # one spare: a row of 32 bytes
#: Columns of a candidate's float row ``frec``.
M0, M1, Y0, Y1, GAIN, H0, H1, D0, D1 = range(9)
N_FCOLS = 9

#: Return codes of :func:`lane_run`.
DONE, TIE, AMBIG = 0, 1, 2
#: Slots of the counter array ``ctr``: realised so far, entries in ``buf``, next phase,
#: the exchange to realise (set by the caller after a TIE).
K_DONE, K_NBUF, K_PHASE, K_CHOSEN = 0, 1, 2, 3
#: Phases: select the next exchange, realise ``ctr[K_CHOSEN]``, revalidate the candidates
#: in ``buf`` (their moves were decided by the caller).
PH_SELECT, PH_REALISE, PH_REVALIDATE = 0, 1, 2


class RoundData(NamedTuple):
    """A round's inputs: ``(A, I)`` start positions on 0-100, saliences, weights
    (capability x salience, 0 where not eligible), eligibility, side of the expected
    outcome (``x <= outcome``), and ``(I,)`` the expected outcome's numerator and
    denominator.  With a leading batch axis for :func:`run_round`."""

    x0: np.ndarray
    sal: np.ndarray
    W: np.ndarray
    elig: np.ndarray
    left: np.ndarray
    num: np.ndarray
    den: np.ndarray


class Lane(NamedTuple):
    """The state of one lane during a round (module docstring)."""

    data: RoundData
    irec: np.ndarray  # (n, N_ICOLS) int32
    frec: np.ndarray  # (n, N_FCOLS) float64
    cur: np.ndarray  # (A, nI)
    G: np.ndarray  # (A, nI, A)
    Gs: np.ndarray  # (A, nI)
    sup_off: np.ndarray  # CSR by supply key: entries 2e + side
    sup_end: np.ndarray
    sup_idx: np.ndarray
    dem_off: np.ndarray  # CSR by demand key: entries e
    dem_end: np.ndarray
    dem_idx: np.ndarray
    mark: np.ndarray
    buf: np.ndarray
    pend: np.ndarray  # scratch: NBS checks left to the caller, per entry of buf
    ctr: np.ndarray
    log_e: np.ndarray
    log_flags: np.ndarray
    log_from: np.ndarray  # (2, n)
    tree: np.ndarray


@intrinsic
def _prefetch(typingctx: Any, arr: Any, i: Any) -> Any:
    """Ask the CPU for row ``i`` of a C-contiguous array ahead of its use (a hint; no effect
    on results).  The candidates a realisation recalculates lie scattered over arrays of
    tens of MB: waiting for each row in turn is most of the cost of a step at scale."""
    sig = types.void(arr, i)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        row = context.cast(builder, args[1], signature.args[1], types.intp)
        idx = [row] + [context.get_constant(types.intp, 0)] * (aryty.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0i8"
        )
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])  # read, keep, data
        return context.get_dummy_value()

    return sig, codegen


@njit(**_INLINE)
def _moves_valid(xs: float, m: float, hsum: float, hdir: float) -> bool:
    """The reference's validity test of one side's move, given its earlier moves.

    Comparisons with the scale's bounds (the move, the new position, the sum of the moves)
    allow :data:`BOUND_TOL`: a move that ends exactly on a bound, or moves that add up to
    exactly the width of the scale, must not fail on float rounding.
    """
    a = abs(m)
    y = xs + m
    return (
        a <= SCALE + BOUND_TOL
        and a > EPS
        and y >= -BOUND_TOL
        and y <= SCALE + BOUND_TOL
        and hsum + m <= SCALE + BOUND_TOL
        and hdir * m >= 0.0  # same direction as the earlier moves (m != 0 here)
    )


@njit(**_INLINE)
def _fmin(a: float, b: float) -> float:
    """``np.minimum`` on scalars: NaN if either is NaN."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a < b else b


@njit(**_JIT)
def _randomise(
    p: float,
    u: float,
    v: float,
    z: float,
    gain: float,
    s_i: tuple[float, float, float, float, float, float, float, float, float],
    s_j: tuple[float, float, float, float, float, float, float, float, float],
    dist_i: float,
    dist_j: float,
) -> tuple[float, float]:
    """Randomised Equal Gain: one side's gain drawn away from the equal gain.

    After the decide-exchange-model's randomised variant: a coin (u) picks the side X; a
    second coin (v) lets X win, ``eu + p z (eu_max - eu)``, or lose, ``eu - p z eu``,
    with ``z ~ U(0, 1)``.  ``eu_max`` is X's gain when its partner gains nothing, given
    the full move that binds the equal-gain exchange.  X moves all the way to its
    partner's position and the partner's move follows from X's gain; if that move would
    overshoot, the partner moves all the way and X's move follows (at most all the way);
    if X's move would carry the expected outcome past the partner's position, it is
    shortened to land there.  Two slips of the reference are not copied: in that last
    case it keeps X's full move (and flips its sign), and when both moves overshoot it
    keeps X's overshooting move.  The gain that orders the exchanges stays the equal
    gain, as in the reference.

    ``s_i`` and ``s_j`` describe each side on its supply issue: (supply salience, demand
    salience, weight, denominator, position, partner's position there, outcome
    numerator without the side's own bought move, start position, own bought move or
    NaN).  Returns the moves of side I and side J.
    """
    sIq, sIp, WIq, denQ = s_i[0], s_i[1], s_i[2], s_i[3]
    sJp, sJq, WJp, denP = s_j[0], s_j[1], s_j[2], s_j[3]
    # the full move that binds: I's on q (shift dI_) or J's on p (shift dJ_)
    dI_ = WIq * dist_i / denQ
    dJ_ = WJp * dist_j / denP
    if dJ_ * sIp > dI_ * sJq:
        max_i = dI_ * (sIp * sJq / sJp - sIq)
        max_j = dI_ * (sJq - sJp * sIq / sIp)
    else:
        max_i = dJ_ * (sIp - sIq * sJp / sJq)
        max_j = dJ_ * (sJq * sIp / sIq - sJp)
    x_is_i = u < 0.5
    X = s_i if x_is_i else s_j
    O = s_j if x_is_i else s_i
    Xss, Xsd, XW, Xden, Xxs, Xd, base, x0X, uX = X
    OW, Oden, Oxs, Od = O[2], O[3], O[4], O[5]
    eu_max = max_i if x_is_i else max_j
    eux = gain + p * z * (eu_max - gain) if v < 0.5 else gain - p * z * gain
    full_x = abs(Xd - Xxs)
    full_o = abs(Od - Oxs)
    rx = full_x * XW / Xden
    ro = (eux + rx * Xss) / Xsd
    mo = ro * Oden / OW
    mx = full_x
    cap = mo > full_o
    if cap:
        ro_c = full_o * OW / Oden
        rx_c = abs((eux - ro_c * Xsd) / Xss)
        mx = _fmin(rx_c * Xden / XW, full_x)
        mo = full_o
    # the expected outcome on X's supply issue must not pass the partner's position
    sign_x = -1.0 if Xxs > Xd else 1.0
    nbs0 = (base + XW * (Xxs - x0X)) / Xden
    nbs1 = (base + XW * (Xxs + sign_x * mx - x0X)) / Xden
    fine = (Xd - nbs0 >= 0 and Xd - nbs1 >= 0) or (Xd - nbs0 <= 0 and Xd - nbs1 <= 0)
    if not cap and not fine:
        pos_x = Xxs if np.isnan(uX) else uX
        delta = abs((Xd * Xden - (base + XW * (pos_x - x0X))) / XW)
        rx_s = delta * XW / Xden
        mx = delta
        mo = (eux + rx_s * Xss) / Xsd * Oden / OW
    mx = sign_x * mx
    if Oxs > Od:
        mo = -mo
    if x_is_i:
        return mx, mo
    return mo, mx


@njit(**_INLINE)
def _shorten(
    d: float,
    den: float,
    base: float,
    w: float,
    pos: float,
    x0: float,
    rate: float,
    den_o: float,
    w_o: float,
    diff: float,
    diff_o: float,
    s_os: float,
    s_od: float,
) -> tuple[float, float, float]:
    """The NBS check's shortened exchange: side X's move ends where the expected outcome of
    its supply issue lands on the partner's position ``d`` (X counted at ``pos``, its own
    bought move if any), the partner's move follows from equal gains at ``rate``.  Returns
    X's move, the partner's move and the gain (``s_os``, ``s_od``: the partner's supply and
    demand saliences)."""
    delta = abs((d * den - (base + w * (pos - x0))) / w)
    rX = delta * w / den
    rO = rate * rX
    return math.copysign(delta, diff), math.copysign(rO * den_o / w_o, diff_o), abs(rO * s_os - rX * s_od)


@njit(**_JIT)
def _calc(
    data: RoundData,
    irec: np.ndarray,
    frec: np.ndarray,
    cur: np.ndarray,
    G: np.ndarray,
    Gs: np.ndarray,
    ids: np.ndarray,
    count: int,
    decimal: bool,
    p_rand: float,
    rng: np.random.Generator,
    pend: np.ndarray,
) -> None:
    """(Re)compute moves, gain and validity of the candidates ``ids[:count]``, in place.

    Equal Gain rate with the overshoot cap, then the NBS check of side I and side J in
    turn (module docstring of :mod:`negotia.models.exchange`, steps 4-5); with
    ``p_rand > 0`` the randomised variant.  ``pend[r]`` is set True when ``decimal`` and an
    NBS check of ``ids[r]`` is too close to call in floats: the caller then decides its
    moves in decimals (it stays provisionally live and is revalidated afterwards).

    One call handles a list: every array bound to a name costs two atomic reference-count
    operations, which per candidate had cost more than its arithmetic.
    """
    x0, sal, W, num, den = data.x0, data.sal, data.W, data.num, data.den
    A, nI = x0.shape
    Gf = G.reshape(-1)
    for r in range(count):
        if r + AHEAD < count:
            _prefetch(irec, ids[r + AHEAD])
            _prefetch(frec, ids[r + AHEAD])
        if r + AHEAD // 2 < count:  # its row asked for earlier: the moves bought it reads
            c = ids[r + AHEAD // 2]
            cI, cJ = irec[c, AI], irec[c, AJ]
            _prefetch(Gf, (cJ * nI + irec[c, Q]) * A + cI)
            _prefetch(Gf, (cI * nI + irec[c, P]) * A + cJ)
        e = ids[r]
        aI, aJ, p, q = irec[e, AI], irec[e, AJ], irec[e, P], irec[e, Q]
        sIp, sIq, sJp, sJq = sal[aI, p], sal[aI, q], sal[aJ, p], sal[aJ, q]
        # the Equal Gain rates, in the reference's order of operations
        rq = (sJp + sIp) / (sJq + sIq)
        rp = (sIq + sJq) / (sIp + sJp)
        WIq, WJp, denQ, denP = W[aI, q], W[aJ, p], den[q], den[p]
        dJ, dI, x0I, x0J = x0[aJ, q], x0[aI, p], x0[aI, q], x0[aJ, p]
        xIs = cur[aI, q]
        xJs = cur[aJ, p]
        diff0 = dJ - xIs  # each side's way to its partner's position
        diff1 = dI - xJs
        distI = abs(diff0)
        distJ = abs(diff1)
        # Equal Gain: J moves all the way (shift dp of the outcome on p), I's move follows
        dp = distJ * WJp / denP
        dq = rq * dp
        m0 = dq * denQ / WIq
        m1 = distJ
        if m0 > distI:  # overshoot cap: I moves all the way, J's move follows
            dq = distI * WIq / denQ
            dp = rp * dq
            m0 = distI
            m1 = dp * denP / WJp
        m0 = math.copysign(m0, diff0)  # toward the partner (a move of 0 is invalid anyway)
        m1 = math.copysign(m1, diff1)
        g = abs(dq * sIq - dp * sIp)
        h0, d0, h1, d1 = frec[e, H0], frec[e, D0], frec[e, H1], frec[e, D1]
        valid = _moves_valid(xIs, m0, h0, d0) and _moves_valid(xJs, m1, h1, d1) and g >= EPS
        ambiguous = False
        flag = 4
        ux0 = G[aJ, q, aI]  # the side's own move as bought by its partner (NaN = none)
        ux1 = G[aI, p, aJ]
        base0 = 0.0
        base1 = 0.0
        if valid:
            # NBS check: a side's move must not carry the expected outcome of its supply
            # issue past the partner's position (e = partner's position - outcome, before
            # and after).  The base is the outcome's numerator with the moves the partner
            # bought there (their sum of W (G - x0) kept in Gs), all but the side's own.
            base0 = num[q] + Gs[aJ, q] if np.isnan(ux0) else num[q] + (Gs[aJ, q] - WIq * (ux0 - x0I))
            base1 = num[p] + Gs[aI, p] if np.isnan(ux1) else num[p] + (Gs[aI, p] - WJp * (ux1 - x0J))
            e00 = dJ - (base0 + WIq * (xIs - x0I)) / denQ
            e10 = dJ - (base0 + WIq * (xIs + m0 - x0I)) / denQ
            e01 = dI - (base1 + WJp * (xJs - x0J)) / denP
            e11 = dI - (base1 + WJp * (xJs + m1 - x0J)) / denP
            cross0 = not (e00 * e10 >= 0)
            cross1 = not (e01 * e11 >= 0)
            amb0 = abs(e00) < AMBIGUOUS or abs(e10) < AMBIGUOUS
            amb1 = abs(e01) < AMBIGUOUS or abs(e11) < AMBIGUOUS
            moved = False
            if cross0:
                pos = xIs if np.isnan(ux0) else ux0
                m0, m1, g = _shorten(dJ, denQ, base0, WIq, pos, x0I, rp, denP, WJp, diff0, diff1, sJp, sJq)
                moved = True
                # side J's check sees I's shortened move
                e1 = dI - (base1 + WJp * (xJs + m1 - x0J)) / denP
                cross1 = not (e01 * e1 >= 0)
                amb1 = abs(e01) < AMBIGUOUS or abs(e1) < AMBIGUOUS
            if cross1:
                pos = xJs if np.isnan(ux1) else ux1
                m1, m0, g = _shorten(dI, denP, base1, WJp, pos, x0J, rq, denQ, WIq, diff1, diff0, sIq, sIp)
                moved = True
            ambiguous = decimal and (amb0 or amb1)
            flag = int(cross0) + 2 * int(cross1) + 4 * int(ambiguous)
            if moved and not ambiguous:  # shortened moves are tested again
                valid = _moves_valid(xIs, m0, h0, d0) and _moves_valid(xJs, m1, h1, d1)
        if valid and p_rand > 0.0:
            u = rng.random()
            v = rng.random()
            z = rng.random()
            s_i = (sIq, sIp, WIq, denQ, xIs, dJ, base0, x0I, ux0)
            s_j = (sJp, sJq, WJp, denP, xJs, dI, base1, x0J, ux1)
            m0, m1 = _randomise(p_rand, u, v, z, g, s_i, s_j, distI, distJ)
            valid = _moves_valid(xIs, m0, h0, d0) and _moves_valid(xJs, m1, h1, d1)
        frec[e, M0] = m0
        frec[e, M1] = m1
        frec[e, Y0] = xIs + m0
        frec[e, Y1] = xJs + m1
        frec[e, GAIN] = g
        irec[e, LIVE] = valid
        irec[e, FLAGS] = flag
        pend[r] = ambiguous


@njit(**_JIT)
def _tree_update(
    tree: np.ndarray, irec: np.ndarray, frec: np.ndarray, ids: np.ndarray, count: int, pend: np.ndarray
) -> int:
    """The recalculated candidates ``ids[:count]`` into the max-tree, except those whose
    NBS checks are left to the caller (``pend``): these move to the front of ``ids``, in
    order.  Returns their number."""
    npend = 0
    size = len(tree) // 2
    for r in range(count):
        if r + AHEAD < count:
            _prefetch(tree, size + ids[r + AHEAD])
        e = ids[r]
        if pend[r]:
            ids[npend] = e  # npend <= r: overwrites only entries already processed
            npend += 1
            continue
        # _tree_set, written out: a call per candidate would count references
        i = size + e
        tree[i] = frec[e, GAIN] if irec[e, LIVE] else -np.inf
        i >>= 1
        while i:
            a, b = tree[2 * i], tree[2 * i + 1]
            m = a if a > b else b
            if tree[i] == m:
                break
            tree[i] = m
            i >>= 1
    return npend


@njit(**_JIT)
def _tree_set(tree: np.ndarray, e: int, value: float) -> None:
    """Set leaf ``e`` of the max-tree of live gains (``-inf`` = not in the list)."""
    i = len(tree) // 2 + e
    tree[i] = value
    i >>= 1
    while i:
        a, b = tree[2 * i], tree[2 * i + 1]
        m = a if a > b else b
        if tree[i] == m:
            break
        tree[i] = m
        i >>= 1


@njit(**_JIT)
def _tree_collect(tree: np.ndarray, threshold: float, out: np.ndarray) -> int:
    """Write the leaves with a value >= ``threshold`` into ``out`` (ascending); their number."""
    size = len(tree) // 2
    stack = np.empty(64, np.int64)
    stack[0] = 1
    top = 1
    n = 0
    while top:
        top -= 1
        node = stack[top]
        if tree[node] < threshold:
            continue
        if node >= size:
            out[n] = node - size
            n += 1
        else:  # right child below the left one on the stack: leaves come out in order
            stack[top] = 2 * node + 1
            stack[top + 1] = 2 * node
            top += 2
    return n


@njit(**_JIT)
def _enumerate(data: RoundData) -> np.ndarray:
    """All candidate exchanges of a round, in the reference's creation order: rows of
    ``irec`` with the actors and issues filled in.

    For every pair of issues ``p < q`` actors fall in groups by their side of both
    expected outcomes, ``left[a, p] + 2 left[a, q]``: group 0 trades with group 3, then
    group 1 with group 2, actors in index order within each.  Supply and demand by the
    salience ratio (module docstring of :mod:`negotia.models.exchange`, step 3).
    """
    left, elig, sal = data.left, data.elig, data.sal
    A, nI = sal.shape
    # per pair of issues, the actors of each group in index order, then the pairs of
    # groups 0-3 and 1-2: counted first, then filled
    grp = np.empty((4, A), np.int64)
    cnt = np.zeros(4, np.int64)
    n = 0
    for p in range(nI):
        for q in range(p + 1, nI):
            cnt[:] = 0
            for a in range(A):
                if elig[a, p] and elig[a, q]:
                    c = int(left[a, p]) + 2 * int(left[a, q])
                    cnt[c] += 1
            n += cnt[0] * cnt[3] + cnt[1] * cnt[2]
    irec = np.zeros((n, N_ICOLS), np.int32)
    k = 0
    for p in range(nI):
        for q in range(p + 1, nI):
            cnt[:] = 0
            for a in range(A):
                if elig[a, p] and elig[a, q]:
                    c = int(left[a, p]) + 2 * int(left[a, q])
                    grp[c, cnt[c]] = a
                    cnt[c] += 1
            for lo in range(2):
                hi = 3 - lo
                for u in range(cnt[lo]):
                    f = grp[lo, u]
                    for v in range(cnt[hi]):
                        s = grp[hi, v]
                        if sal[f, p] / sal[f, q] < sal[s, p] / sal[s, q]:
                            i_, j_ = s, f
                        else:
                            i_, j_ = f, s
                        irec[k, AI], irec[k, AJ], irec[k, P], irec[k, Q] = i_, j_, p, q
                        k += 1
    return irec


@njit(**_JIT)
def _index(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists of the entries by key: ``idx[off[k]:off[k + 1]]`` are the entries of key k."""
    off = np.zeros(n_keys + 1, np.int64)
    for k in keys:
        off[k + 1] += 1
    for k in range(n_keys):
        off[k + 1] += off[k]
    fill = off[:-1].copy()
    idx = np.empty(len(keys), np.int32)
    for r in range(len(keys)):
        k = keys[r]
        idx[fill[k]] = r
        fill[k] += 1
    return off, idx


@njit(**_JIT)
def lane_init(data: RoundData, decimal: bool, p_rand: float, rng: np.random.Generator) -> Lane:
    """The state of a lane at the start of a round.

    ``data`` are the lane's inputs in local issue indices (:func:`lane_arrays`).
    Candidates are enumerated and calculated; those that are invalid from the start are
    dropped (they never come back).  If some NBS checks need decimals, they are listed
    in ``buf`` and the phase is :data:`PH_REVALIDATE`.
    """
    x0 = data.x0
    A, nI = x0.shape
    irec = _enumerate(data)
    n = len(irec)
    cur = x0.copy()
    G = np.full((A, nI, A), np.nan)
    Gs = np.zeros((A, nI))
    frec = np.zeros((n, N_FCOLS))
    pend = np.zeros(n, np.bool_)
    _calc(data, irec, frec, cur, G, Gs, np.arange(n), n, decimal, p_rand, rng, pend)
    # keep the valid and the pending, in creation order, in place (no second copy)
    k = 0
    for e in range(n):
        if irec[e, LIVE] or pend[e]:
            if k != e:
                irec[k] = irec[e]
                frec[k] = frec[e]
                pend[k] = pend[e]
            irec[k, LIVE] = 1
            k += 1
    n = k
    irec = irec[:n]
    frec = frec[:n]
    # index: entry 2e + side under the side's supply key (actor, issue), and e under both
    # demand keys (side I demands p, side J demands q)
    sup_keys = np.empty(2 * n, np.int64)
    dem_keys = np.empty(2 * n, np.int64)
    for e in range(n):
        ai, aj, p, q = irec[e, AI], irec[e, AJ], irec[e, P], irec[e, Q]
        sup_keys[2 * e] = ai * nI + q
        sup_keys[2 * e + 1] = aj * nI + p
        dem_keys[2 * e] = ai * nI + p
        dem_keys[2 * e + 1] = aj * nI + q
    sup_off, sup_idx = _index(sup_keys, A * nI)
    dem_off, dem_idx = _index(dem_keys, A * nI)
    for r in range(len(dem_idx)):
        dem_idx[r] //= 2
    buf = np.empty(max(n, 1), np.int64)
    ctr = np.zeros(4, np.int64)
    nb = 0
    for e in range(n):
        if pend[e]:
            buf[nb] = e
            nb += 1
    ctr[K_NBUF] = nb
    ctr[K_PHASE] = PH_REVALIDATE if nb else PH_SELECT
    size = 1
    while size < n:
        size *= 2
    tree = np.full(2 * size, -np.inf)
    for e in range(n):
        tree[size + e] = frec[e, GAIN]
    for i in range(size - 1, 0, -1):
        tree[i] = max(tree[2 * i], tree[2 * i + 1])
    return Lane(
        data,
        irec,
        frec,
        cur,
        G,
        Gs,
        sup_off,
        sup_off[1:].copy(),
        sup_idx,
        dem_off,
        dem_off[1:].copy(),
        dem_idx,
        np.zeros(n, np.bool_),
        buf,
        np.zeros(max(n, 1), np.bool_),
        ctr,
        np.empty(max(n, 1), np.int64),
        np.empty(max(n, 1), np.int8),
        np.empty((2, max(n, 1))),
        tree,
    )


@njit(**_JIT)
def _bought(
    G: np.ndarray, Gs: np.ndarray, W: np.ndarray, x0: np.ndarray, buyer: int, t: int, a: int, y: float
) -> None:
    """Record that ``buyer`` bought ``a``'s move to ``y`` on ``t``; per actor the reference
    keeps the move closest to the actor's start position."""
    old = G[buyer, t, a]
    if np.isnan(old):
        new = y
        old = x0[a, t]
    elif x0[a, t] <= old:
        new = old if old < y else y
    else:
        new = old if old > y else y
    G[buyer, t, a] = new
    Gs[buyer, t] += W[a, t] * (new - old)


@njit(**_JIT)
def _affected(st: Lane, aI: int, aJ: int, p: int, q: int, out: np.ndarray) -> int:
    """The live exchanges that the realised exchange ``(aI, aJ, p, q)`` affects, into ``out``.

    Those with a side supplying where a move was made (``aI`` on ``q``, ``aJ`` on ``p``):
    that side keeps the move it had computed as an earlier move (the reference appends the
    realised move, then drops the last one); and those with a side demanding where a move
    was bought (``aJ`` on ``q``, ``aI`` on ``p``): it counts in their partner's NBS check.
    Each is listed once (``mark`` is left set for the caller to clear), in the order of
    the index.  Exchanges no longer in the list leave the index lists as they are met
    (they never come back): a list is walked as often as its key moves, and most of
    its entries die young.  Returns their number.
    """
    irec, frec, mark = st.irec, st.frec, st.mark
    nI = st.cur.shape[1]
    sup_off, sup_end, sup_idx = st.sup_off, st.sup_end, st.sup_idx
    dem_off, dem_end, dem_idx = st.dem_off, st.dem_end, st.dem_idx
    na = 0
    for key in (aI * nI + q, aJ * nI + p):
        w, end = sup_off[key], sup_end[key]
        for r in range(sup_off[key], end):
            if r + AHEAD < end:
                c_ = sup_idx[r + AHEAD] // 2
                _prefetch(irec, c_)
                _prefetch(frec, c_)
            c2 = sup_idx[r]
            c = c2 // 2
            if not irec[c, LIVE]:
                continue
            sup_idx[w] = c2
            w += 1
            side = c2 - 2 * c
            m = frec[c, M0 + side]
            frec[c, H0 + side] += m
            frec[c, D0 + side] = np.sign(m)
            if not mark[c]:
                mark[c] = True
                out[na] = c
                na += 1
        sup_end[key] = w
    for key in (aJ * nI + q, aI * nI + p):
        w, end = dem_off[key], dem_end[key]
        for r in range(dem_off[key], end):
            if r + AHEAD < end:
                _prefetch(irec, dem_idx[r + AHEAD])
            c = dem_idx[r]
            if not irec[c, LIVE]:
                continue
            dem_idx[w] = c
            w += 1
            if not mark[c]:
                mark[c] = True
                out[na] = c
                na += 1
        dem_end[key] = w
    return na


@njit(**_JIT)
def lane_run(st: Lane, decimal: bool, ties_random: bool, p_rand: float, rng: np.random.Generator) -> int:
    """Realise exchanges, highest gain first, until none is left or the caller must decide.

    Returns :data:`DONE`, or with ``decimal``: :data:`TIE` (the candidates whose gains are
    within :data:`DECIMAL_TIE_TOL` (relative) plus :data:`DECIMAL_TIE_ATOL` of the best are
    in ``buf``; the caller sets ``ctr[K_CHOSEN]`` and calls again) or :data:`AMBIG` (the
    recalculated candidates in ``buf`` need their NBS checks decided; the caller writes
    ``M``, ``Y`` and ``gain`` and calls again).
    """
    irec, frec, cur, tree, buf, ctr, mark = st.irec, st.frec, st.cur, st.tree, st.buf, st.ctr, st.mark
    rtol, atol = (DECIMAL_TIE_TOL, DECIMAL_TIE_ATOL) if decimal else (TIE_TOL, 0.0)
    phase = ctr[K_PHASE]
    while True:
        if phase == PH_REVALIDATE:
            # moves decided by the caller: tested again with the side's earlier moves
            for k in range(ctr[K_NBUF]):
                e = buf[k]
                xI = cur[irec[e, AI], irec[e, Q]]
                xJ = cur[irec[e, AJ], irec[e, P]]
                ok = _moves_valid(xI, frec[e, M0], frec[e, H0], frec[e, D0]) and _moves_valid(
                    xJ, frec[e, M1], frec[e, H1], frec[e, D1]
                )
                irec[e, LIVE] = ok
                _tree_set(tree, e, frec[e, GAIN] if ok else -np.inf)
            ctr[K_NBUF] = 0
            phase = PH_SELECT
        if phase == PH_SELECT:
            best = tree[1]
            if best == -np.inf:
                ctr[K_PHASE] = PH_SELECT
                return DONE
            nt = _tree_collect(tree, best - (rtol * abs(best) + atol), buf)
            chosen = buf[0]  # the earliest created of the (nearly) best
            if nt > 1:
                if decimal:
                    ctr[K_NBUF] = nt
                    ctr[K_PHASE] = PH_REALISE
                    return TIE
                if ties_random and rng.random() >= 0.5:
                    chosen = buf[1]
            ctr[K_CHOSEN] = chosen
            ctr[K_NBUF] = 0
            phase = PH_REALISE
        # PH_REALISE
        e = ctr[K_CHOSEN]
        aI, aJ, p, q = irec[e, AI], irec[e, AJ], irec[e, P], irec[e, Q]
        irec[e, LIVE] = 0
        _tree_set(tree, e, -np.inf)
        k = ctr[K_DONE]
        st.log_e[k] = e
        st.log_flags[k] = irec[e, FLAGS]
        st.log_from[0, k] = cur[aI, q]
        st.log_from[1, k] = cur[aJ, p]
        ctr[K_DONE] = k + 1
        cur[aI, q] = frec[e, Y0]
        cur[aJ, p] = frec[e, Y1]
        # aJ bought aI's move on q, aI bought aJ's move on p
        _bought(st.G, st.Gs, st.data.W, st.data.x0, aJ, q, aI, frec[e, Y0])
        _bought(st.G, st.Gs, st.data.W, st.data.x0, aI, p, aJ, frec[e, Y1])
        na = _affected(st, aI, aJ, p, q, buf)
        for r in range(na):
            c = buf[r]
            mark[c] = False
            irec[c, VER] = k + 1
        _calc(st.data, irec, frec, cur, st.G, st.Gs, buf, na, decimal, p_rand, rng, st.pend)
        npend = _tree_update(tree, irec, frec, buf, na, st.pend)
        if npend:
            ctr[K_NBUF] = npend
            ctr[K_PHASE] = PH_REVALIDATE
            return AMBIG
        phase = PH_SELECT


@njit(**_JIT)
def _gather(src: np.ndarray, iss: np.ndarray) -> np.ndarray:
    """``src[:, iss]`` of an ``(A, I)`` array, contiguous."""
    out = np.empty((src.shape[0], len(iss)), src.dtype)
    for a in range(src.shape[0]):
        for t in range(len(iss)):
            out[a, t] = src[a, iss[t]]
    return out


@njit(**_JIT)
def lane_arrays(data: RoundData, b: int, iss: np.ndarray) -> RoundData:
    """Batch element ``b`` of a round's inputs ``(B, ...)`` restricted to the issues ``iss``."""
    num, den = data.num[b], data.den[b]
    numl = np.empty(len(iss))
    denl = np.empty(len(iss))
    for t in range(len(iss)):
        numl[t] = num[iss[t]]
        denl[t] = den[iss[t]]
    return RoundData(
        _gather(data.x0[b], iss),
        _gather(data.sal[b], iss),
        _gather(data.W[b], iss),
        _gather(data.elig[b], iss),
        _gather(data.left[b], iss),
        numl,
        denl,
    )


@njit(**_JIT)
def run_round(
    data: RoundData,
    blk_off: np.ndarray,
    blk_iss: np.ndarray,
    ties_random: bool,
    p_rand: float,
    rng: np.random.Generator,
    ev_cap: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round in float arithmetic for every lane (batch element x block of issues).

    ``data`` are the round's inputs with a batch axis (:class:`RoundData`); the blocks are
    ``blk_iss[blk_off[k]:blk_off[k + 1]]`` (ascending issue indices).  Returns the voting
    positions ``(B, A, I)``, the number of exchanges realised per batch element, and the
    realised exchanges of batch element 0 (at most ``ev_cap``): integer columns (block,
    step, actor I, issue q, actor J, issue p) and float columns (I from, I to, J from,
    J to, gain).
    """
    x = data.x0
    B = x.shape[0]
    vote = x.copy()
    counts = np.zeros(B, np.int64)
    ev_i = np.empty((ev_cap, 6), np.int64)
    ev_f = np.empty((ev_cap, 5))
    ne = 0
    for b in range(B):
        for k in range(len(blk_off) - 1):
            iss = blk_iss[blk_off[k] : blk_off[k + 1]]
            if len(iss) < 2:
                continue
            st = lane_init(lane_arrays(data, b, iss), False, p_rand, rng)
            lane_run(st, False, ties_random, p_rand, rng)
            irec, frec, cur = st.irec, st.frec, st.cur
            for a in range(cur.shape[0]):
                for t in range(len(iss)):
                    vote[b, a, iss[t]] = cur[a, t]
            K = st.ctr[K_DONE]
            counts[b] += K
            if b == 0:
                for s in range(K):
                    e = st.log_e[s]
                    if ne < ev_cap:
                        ev_i[ne, 0], ev_i[ne, 1] = k, s
                        ev_i[ne, 2], ev_i[ne, 3] = irec[e, AI], iss[irec[e, Q]]
                        ev_i[ne, 4], ev_i[ne, 5] = irec[e, AJ], iss[irec[e, P]]
                        ev_f[ne, 0], ev_f[ne, 1] = st.log_from[0, s], frec[e, Y0]
                        ev_f[ne, 2], ev_f[ne, 3] = st.log_from[1, s], frec[e, Y1]
                        ev_f[ne, 4] = frec[e, GAIN]
                        ne += 1
    return vote, counts, ev_i[:ne], ev_f[:ne]


def views(st: Lane) -> dict[str, np.ndarray]:
    """The candidates' fields by name, for the decisions made in Python
    (:class:`~negotia.models.exchange.decimals.DecimalLane`): views into the rows, so that
    writes land in the state (``M`` and ``Y`` as ``(2, n)``); the counters as one-element
    views: ``done`` (realised so far), ``nbuf`` (candidates in ``buf``), ``chosen``."""
    irec, frec, ctr = st.irec, st.frec, st.ctr
    cols = (("ai", AI), ("aj", AJ), ("pp", P), ("qq", Q), ("flags", FLAGS), ("ver", VER))
    out = {k: irec[:, c] for k, c in cols}
    out.update(M=frec[:, M0 : M1 + 1].T, Y=frec[:, Y0 : Y1 + 1].T, gain=frec[:, GAIN])
    out.update(buf=st.buf, log_e=st.log_e, log_flags=st.log_flags)
    for k, i in (("done", K_DONE), ("nbuf", K_NBUF), ("chosen", K_CHOSEN)):
        out[k] = ctr[i : i + 1]
    return out
