"""The compiled exchange loop against the readable reference round.

``negotia.models.exchange.reference`` transcribes the decide-exchange-model's round
literally (one object per exchange, the whole list re-sorted before every realisation,
all in decimals), with none of the compiled loop's shortcuts: moves bought kept per
(buyer, issue), the (actor, issue) index of affected exchanges, float gains with decimal
decisions only at near-ties, and the list order of exactly equal gains recovered from
past gains.  Scenarios with duplicated actors and positions and saliences on round
values make exactly equal gains common, so the shortcuts are exercised; scenarios with
positions and saliences drawn from a continuum have no ties, and there the pure float
loop (``arithmetic="float"``) must realise the same exchanges.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotia.models import run_model
from negotia.models.base import Forecast
from negotia.models.exchange.reference import reference_run
from negotia.scenario.arrays import ScenarioArrays


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
    positions, trades = reference_run(arrays, rounds)
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


def _trades(fc: Forecast, arrays: ScenarioArrays, rnd: int) -> list[tuple[int, int, int, int]]:
    a_idx = {a: k for k, a in enumerate(arrays.actor_ids)}
    i_idx = {t: k for k, t in enumerate(arrays.issue_ids)}
    return [
        (a_idx[e["i"]["actor"]], i_idx[e["i"]["supply"]], a_idx[e["j"]["actor"]], i_idx[e["j"]["supply"]])
        for e in fc.events
        if e["round"] == rnd
    ]


@st.composite
def _continuous_scenarios(draw: st.DrawFn) -> ScenarioArrays:
    A = draw(st.integers(3, 7))
    I = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shape = (1, A, I)
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(A)),
        issue_ids=tuple(f"I{k}" for k in range(I)),
        position=rng.random(shape).round(6),
        salience=rng.uniform(0.1, 1.0, shape).round(6),
        capability=rng.uniform(1.0, 5.0, shape).round(6),
        present=rng.random(shape) < 0.9,
        scale_min=np.zeros(I),
        scale_max=np.full(I, 100.0),
        status_quo=np.full((1, I), np.nan),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays=_continuous_scenarios())
def test_float_loop_realises_what_the_reference_round_realises_without_ties(arrays: ScenarioArrays) -> None:
    rounds = 2
    positions, trades = reference_run(arrays, rounds)
    fc = run_model("exchange", arrays, rounds=rounds, order="input", arithmetic="float")
    for r in range(rounds):
        assert _trades(fc, arrays, r + 1) == trades[r], f"round {r + 1}"
        mine = fc.trace["position"][r + 1, 0] * 100.0
        np.testing.assert_allclose(np.where(arrays.present[0], mine, np.nan), positions[r], atol=1e-9)
