"""The readable reference round: the exchange model's round as the decide-exchange-model
runs it, transcribed literally.

It keeps one object per exchange as the reference does: each side with its own list of
moves, each exchange with its own dictionaries of the moves its actors have bought, the
whole list re-sorted (stably, by decimal gain) before every realisation, and every
exchange tested against every realisation.  Everything is in decimals.  It is slow and
has none of the compiled loop's shortcuts (:mod:`negotia.models.exchange.kernel`):
moves bought kept per (buyer, issue), the (actor, issue) index of affected exchanges,
float gains with decimal decisions only at near-ties, and the list order of exactly
equal gains recovered from past gains.  It is the statement of the round that the
compiled loop is tested against (``tests/models/test_exchange_literal.py``), not part
of the model's run.

Shared with the model (and checked against the reference runs in
``tests/models/test_exchange.py``): the decimal arithmetic of one exchange
(:meth:`~negotia.models.exchange.decimals.Shadow.calculate`), the bookkeeping of a move
bought twice, the preference update, and the documented departures (left of the
expected outcome means ``x <= O``; bounds allow 1e-9).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from negotia.models.exchange.decimals import D0, Shadow, bought_update, preference_update, shadows_from_arrays
from negotia.scenario.arrays import ScenarioArrays

TOL = Decimal("1e-9")
EPS = Decimal("1e-10")
HUNDRED = Decimal(100)

#: A realised exchange: (actor I, issue q it supplies, actor J, issue p it supplies).
Trade = tuple[int, int, int, int]
#: Decimal positions by (actor, issue).
Positions = dict[tuple[int, int], Any]


class Side:
    """One side of an exchange: the actor, the issue it supplies (moves on) and the one it
    demands, its earlier moves (the reference keeps the computed move when another
    exchange moved the side's supply position), its move now and where it would end."""

    def __init__(self, actor: int, supply: int, demand: int) -> None:
        self.actor, self.supply, self.demand = actor, supply, demand
        self.moves: list[Any] = []
        self.move: Any = D0
        self.y: Any = D0


class Exchange:
    """A candidate exchange on issues ``p < q``: side I supplies ``q`` and demands ``p``,
    side J the reverse; per issue the moves its actors have bought (actor -> position)."""

    def __init__(self, ai: int, aj: int, p: int, q: int) -> None:
        self.i = Side(ai, q, p)
        self.j = Side(aj, p, q)
        self.p, self.q = p, q
        self.updates: dict[int, dict[int, Any]] = {p: {}, q: {}}
        self.gain: Any = D0
        self.valid = False


def side_valid(side: Side, pos: Any, move: Any) -> bool:
    """The reference's validity test of a side's move, with its earlier moves."""
    moves = [*side.moves, move]
    y = pos + move
    return (
        abs(move) <= HUNDRED + TOL
        and abs(move) > EPS
        and -TOL <= y <= HUNDRED + TOL
        and sum(moves) <= HUNDRED + TOL
        and (all(m > 0 for m in moves) or all(m < 0 for m in moves))
    )


def calculate(ex: Exchange, sh: Shadow, pos: Positions) -> None:
    """Moves, gain and validity of ``ex`` at the positions ``pos``: Equal Gain, then (if
    valid so far) the NBS check, then validity again."""
    aI, aJ, p, q = ex.i.actor, ex.j.actor, ex.p, ex.q
    xI, xJ = pos[(aI, q)], pos[(aJ, p)]
    args = (aI, aJ, p, q, xI, xJ, ex.updates[p], ex.updates[q])
    yI, yJ, gain = sh.calculate(*args, (False, False))  # Equal Gain, before the NBS check
    ex.valid = gain >= EPS and side_valid(ex.i, xI, yI - xI) and side_valid(ex.j, xJ, yJ - xJ)
    if ex.valid:
        yI, yJ, gain = sh.calculate(*args, None)
        ex.valid = side_valid(ex.i, xI, yI - xI) and side_valid(ex.j, xJ, yJ - xJ)
    ex.i.y, ex.j.y, ex.gain = yI, yJ, gain
    ex.i.move, ex.j.move = yI - xI, yJ - xJ


def reference_round(sh: Shadow, A: int, I: int) -> tuple[Positions, list[Trade]]:
    """One round from the start positions of ``sh``: the positions after it by (actor,
    issue) and the realised exchanges in order."""
    on = [[sh.sal[a][t] is not None for t in range(I)] for a in range(A)]
    nbs = [sh.nbs(t, {}, -1, D0) for t in range(I)]
    left = [[on[a][t] and sh.x0[a][t] <= nbs[t] for t in range(I)] for a in range(A)]
    pos = {(a, t): sh.x0[a][t] for a in range(A) for t in range(I) if on[a][t]}
    exchanges = []
    for p in range(I):
        for q in range(p + 1, I):
            code = {a: left[a][p] + 2 * left[a][q] for a in range(A) if on[a][p] and on[a][q]}
            for lo in (0, 1):
                for f in (a for a in code if code[a] == lo):
                    for s in (a for a in code if code[a] == 3 - lo):
                        swap = sh.sal[f][p] / sh.sal[f][q] < sh.sal[s][p] / sh.sal[s][q]
                        ex = Exchange(s, f, p, q) if swap else Exchange(f, s, p, q)
                        calculate(ex, sh, pos)
                        if ex.valid:
                            exchanges.append(ex)
    realised: list[Trade] = []
    while exchanges:
        exchanges.sort(key=lambda x: x.gain, reverse=True)
        e = exchanges.pop(0)
        realised.append((e.i.actor, e.q, e.j.actor, e.p))
        pos[(e.i.actor, e.q)] = e.i.y
        pos[(e.j.actor, e.p)] = e.j.y
        exchanges = _after(e, exchanges, sh, pos)
    return pos, realised


def _after(
    e: Exchange, exchanges: list[Exchange], sh: Shadow, pos: dict[tuple[int, int], Any]
) -> list[Exchange]:
    """The list after realising ``e``: every exchange tested against it, those it hit
    recalculated, the invalid dropped."""
    moved = {(e.i.actor, e.q), (e.j.actor, e.p)}
    kept = []
    for x in exchanges:
        hit = False
        for side in (x.i, x.j):
            if (side.actor, side.supply) in moved:
                side.moves.append(side.move)
                hit = True
        # e's side J bought e's side I's move on q, and side I bought side J's on p
        for buyer, issue, seller, y in (
            (e.j.actor, e.q, e.i.actor, e.i.y),
            (e.i.actor, e.p, e.j.actor, e.j.y),
        ):
            if (x.j.actor, x.q) == (buyer, issue) or (x.i.actor, x.p) == (buyer, issue):
                upd = x.updates[issue]
                upd[seller] = bought_update(upd.get(seller), y, sh.x0[seller][issue])
                hit = True
        if hit:
            calculate(x, sh, pos)
        if x.valid:
            kept.append(x)
    return kept


def reference_run(arrays: ScenarioArrays, rounds: int) -> tuple[list[np.ndarray], list[list[Trade]]]:
    """``rounds`` rounds on batch element 0, actors in input order: per round the
    preferences after it (0-100, NaN where absent) and the realised exchanges."""
    x = arrays.position[:1] * 100.0
    elig = arrays.present[:1] & (arrays.salience[:1] > 0) & (arrays.capability[:1] > 0)
    sal, cap = arrays.salience[:1], arrays.capability[:1]
    sD, cD, xD = shadows_from_arrays(x, sal, cap, elig, arrays.scale_min, arrays.scale_max)
    sD, cD, xD = sD[0], cD[0], xD[0]
    A, I = arrays.n_actors, arrays.n_issues
    positions, trades = [], []
    sw, fw = Decimal.from_float(0.4), Decimal.from_float(0.1)  # as the model: the floats exactly
    for _ in range(rounds):
        sh = Shadow(sD, cD, xD)
        pos, realised = reference_round(sh, A, I)
        trades.append(realised)
        for a, t in {(r[0], r[1]) for r in realised} | {(r[2], r[3]) for r in realised}:
            xD[a][t] = preference_update(sh.x0[a][t], pos[(a, t)], sD[a][t], sw, fw)
        positions.append(np.array([[float(v) if v is not None else np.nan for v in row] for row in xD]))
    return positions, trades
