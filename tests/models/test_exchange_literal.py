"""The compiled exchange loop against a literal transcription of the round.

The transcription below keeps one object per exchange as the decide-exchange-model does:
each side with its own list of moves, each exchange with its own dictionaries of the
moves its actors have bought, the whole list re-sorted (stably, by decimal gain) before
every realisation and every exchange tested against every realisation.  Everything is
in decimals.  It is slow and has none of the compiled loop's shortcuts: moves bought
kept per (buyer, issue), the (actor, issue) index of affected exchanges, float gains
with decimal decisions only at near-ties, and the list order of exactly equal gains
recovered from past gains.  Scenarios with duplicated actors and positions and
saliences on round values make exactly equal gains common, so the shortcuts are
exercised.

Shared with the model (and checked against the reference runs in ``test_exchange.py``):
the decimal arithmetic of one exchange (``Shadow.calculate``), the bookkeeping of a move
bought twice, the preference update, and the documented departures (left of the
expected outcome means ``x <= O``; bounds allow 1e-9).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotia.models import run_model
from negotia.models.exchange_decimal import D0, Shadow, bought_update, preference_update, shadows_from_arrays
from negotia.scenario.arrays import ScenarioArrays

TOL = Decimal("1e-9")
EPS = Decimal("1e-10")
HUNDRED = Decimal(100)


class _Side:
    def __init__(self, actor: int, supply: int, demand: int) -> None:
        self.actor, self.supply, self.demand = actor, supply, demand
        self.moves: list[Any] = []  # earlier moves (the reference: computed moves kept on a hit)
        self.move: Any = D0
        self.y: Any = D0


class _Exchange:
    def __init__(self, ai: int, aj: int, p: int, q: int) -> None:
        self.i = _Side(ai, q, p)  # side I supplies q, demands p
        self.j = _Side(aj, p, q)
        self.p, self.q = p, q
        self.updates: dict[int, dict[int, Any]] = {p: {}, q: {}}
        self.gain: Any = D0
        self.valid = False


def _side_valid(side: _Side, pos: Any, move: Any) -> bool:
    moves = [*side.moves, move]
    y = pos + move
    return (
        abs(move) <= HUNDRED + TOL
        and abs(move) > EPS
        and -TOL <= y <= HUNDRED + TOL
        and sum(moves) <= HUNDRED + TOL
        and (all(m > 0 for m in moves) or all(m < 0 for m in moves))
    )


def _calculate(ex: _Exchange, sh: Shadow, pos: dict[tuple[int, int], Any]) -> None:
    aI, aJ, p, q = ex.i.actor, ex.j.actor, ex.p, ex.q
    xI, xJ = pos[(aI, q)], pos[(aJ, p)]
    args = (aI, aJ, p, q, xI, xJ, ex.updates[p], ex.updates[q])
    yI, yJ, gain = sh.calculate(*args, (False, False))  # Equal Gain, before the NBS check
    ex.valid = gain >= EPS and _side_valid(ex.i, xI, yI - xI) and _side_valid(ex.j, xJ, yJ - xJ)
    if ex.valid:
        yI, yJ, gain = sh.calculate(*args, None)
        ex.valid = _side_valid(ex.i, xI, yI - xI) and _side_valid(ex.j, xJ, yJ - xJ)
    ex.i.y, ex.j.y, ex.gain = yI, yJ, gain
    ex.i.move, ex.j.move = yI - xI, yJ - xJ


def _literal_round(sh: Shadow, A: int, I: int) -> tuple[dict[tuple[int, int], Any], list[tuple[int, ...]]]:
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
                        ex = _Exchange(s, f, p, q) if swap else _Exchange(f, s, p, q)
                        _calculate(ex, sh, pos)
                        if ex.valid:
                            exchanges.append(ex)
    realised = []
    while exchanges:
        exchanges.sort(key=lambda x: x.gain, reverse=True)
        e = exchanges.pop(0)
        realised.append((e.i.actor, e.q, e.j.actor, e.p))
        pos[(e.i.actor, e.q)] = e.i.y
        pos[(e.j.actor, e.p)] = e.j.y
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
                _calculate(x, sh, pos)
            if x.valid:
                kept.append(x)
        exchanges = kept
    return pos, realised


def _literal_run(arrays: ScenarioArrays, rounds: int) -> tuple[list[np.ndarray], list[list[tuple[int, ...]]]]:
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
        pos, realised = _literal_round(sh, A, I)
        trades.append(realised)
        for a, t in {(r[0], r[1]) for r in realised} | {(r[2], r[3]) for r in realised}:
            xD[a][t] = preference_update(sh.x0[a][t], pos[(a, t)], sD[a][t], sw, fw)
        positions.append(np.array([[float(v) if v is not None else np.nan for v in row] for row in xD]))
    return positions, trades


@st.composite
def _discrete_scenarios(draw: st.DrawFn) -> ScenarioArrays:
    A = draw(st.integers(3, 6))
    I = draw(st.integers(2, 4))
    pos = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
    sal = st.sampled_from([0.15, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.8, 0.9, 1.0])
    cap = st.sampled_from([1.0, 2.0, 3.0])
    rows = [[(draw(pos), draw(sal), draw(cap), draw(st.booleans() | st.just(True))) for _ in range(I)]]
    for _ in range(A - 1):
        if draw(st.integers(0, 3)) == 0:  # a duplicate of an earlier actor: exactly equal gains
            rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
        else:
            rows.append(
                [(draw(pos), draw(sal), draw(cap), draw(st.booleans() | st.just(True))) for _ in range(I)]
            )
    v = np.array(rows, dtype=object)
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(A)),
        issue_ids=tuple(f"I{k}" for k in range(I)),
        position=v[None, :, :, 0].astype(float),
        salience=v[None, :, :, 1].astype(float),
        capability=v[None, :, :, 2].astype(float),
        present=v[None, :, :, 3].astype(bool),
        scale_min=np.zeros(I),
        scale_max=np.full(I, 100.0),
        status_quo=np.full(I, np.nan),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays=_discrete_scenarios())
def test_compiled_loop_realises_what_the_literal_round_realises(arrays: ScenarioArrays) -> None:
    rounds = 3
    positions, trades = _literal_run(arrays, rounds)
    fc = run_model("exchange", arrays, rounds=rounds, order="input")
    a_idx = {a: k for k, a in enumerate(arrays.actor_ids)}
    i_idx = {t: k for k, t in enumerate(arrays.issue_ids)}
    for r in range(rounds):
        got = [
            (a_idx[e["i"]["actor"]], i_idx[e["i"]["supply"]], a_idx[e["j"]["actor"]], i_idx[e["j"]["supply"]])
            for e in fc.events
            if e["round"] == r + 1
        ]
        assert got == trades[r], f"round {r + 1}"
        mine = fc.trace["position"][r + 1, 0] * 100.0
        np.testing.assert_allclose(np.where(arrays.present[0], mine, np.nan), positions[r], atol=1e-12)
