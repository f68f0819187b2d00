"""Sobol and Morris indices (SALib) on cases whose indices are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from negotia.ensemble import PerturbationSpec, sensitivity
from negotia.errors import ParameterError
from negotia.scenario.schema import Scenario
from tests.ensemble.conftest import make_scenario

# For `linear_scenario` the compromise forecast is y = sum_a c_a x_a with
# c = (0.5, 0.25, 0.25) and independent position sds (0.04, 0.06, 0.08) on [0, 1].  For
# an additive model the first-order and total Sobol indices coincide:
# S_a = c_a^2 Var(x_a) / sum_b c_b^2 Var(x_b) (Saltelli et al. 2008, Global Sensitivity
# Analysis: The Primer, sec. 1.2.5); every factor's distribution here is a scaled
# copy of one shape (uniform mean +/- 2 sd, or a normal truncated > 5 sd away), so
# Var(x_a) is proportional to sd_a^2: S = (4, 2.25, 4) / 10.25.
EXPECTED_S = {"A.x.position": 4 / 10.25, "B.x.position": 2.25 / 10.25, "C.x.position": 4 / 10.25}
ONLY_STATED = PerturbationSpec(position_sd=0.0, salience_sd=0.0)


@pytest.mark.parametrize("dist", ["uniform", "normal"])
def test_sobol_indices_of_a_linear_model(linear_scenario: Scenario, dist: str) -> None:
    r = sensitivity(
        linear_scenario,
        "compromise",
        method="sobol",
        n=1024,
        dist=dist,
        inputs=("position",),
        seed=3,
        perturbation=ONLY_STATED,
    )
    assert r.names == list(EXPECTED_S)
    assert r.evaluations == 1024 * (3 + 2)
    d = r.indices["x"]
    for j, name in enumerate(r.names):
        assert d["S1"][j] == pytest.approx(EXPECTED_S[name], abs=0.02)
        assert d["ST"][j] == pytest.approx(EXPECTED_S[name], abs=0.02)
    assert r.ranking("x")[-1][0] == "B.x.position"


def test_morris_mu_star_of_a_linear_model(linear_scenario: Scenario) -> None:
    # Uniform factors on mean +/- 2 sd: one step across the whole range moves y by
    # c_a * 4 sd_a * span (span 100): A 0.5*0.16*100 = 8, B 0.25*0.24*100 = 6, C 8.
    # Elementary effects of a linear model are constant, so sigma = 0 (Morris 1991).
    r = sensitivity(
        linear_scenario,
        "compromise",
        method="morris",
        n=20,
        dist="uniform",
        inputs=("position",),
        seed=3,
        perturbation=ONLY_STATED,
    )
    d = r.indices["x"]
    np.testing.assert_allclose(d["mu_star"], [8.0, 6.0, 8.0], rtol=1e-9)
    np.testing.assert_allclose(d["mu"], [8.0, 6.0, 8.0], rtol=1e-9)
    np.testing.assert_allclose(d["sigma"], 0.0, atol=1e-9)
    assert r.evaluations == 20 * (3 + 1)


def _two_issues() -> Scenario:
    return make_scenario(
        [
            {"actor": "A", "issue": "x", "position": 40, "salience": 0.5, "uncertainty": {"position": 5}},
            {"actor": "B", "issue": "x", "position": 60, "salience": 0.5, "uncertainty": {"position": 5}},
            {"actor": "A", "issue": "y", "position": 30, "salience": 0.5, "uncertainty": {"position": 5}},
            {"actor": "B", "issue": "y", "position": 70, "salience": 0.5, "uncertainty": {"position": 10}},
        ]
    )


def test_grouped_by_issue_only_the_own_issue_matters() -> None:
    r = sensitivity(
        _two_issues(),
        method="sobol",
        n=512,
        group_by="issue",
        inputs=("position",),
        seed=1,
        perturbation=ONLY_STATED,
        dist="uniform",
    )
    assert r.names == ["x", "y"]
    # The forecast of x depends on x's stances only: ST(x) = 1, ST(y) = 0.
    assert r.indices["x"]["ST"] == pytest.approx([1.0, 0.0], abs=0.03)
    assert r.indices["y"]["ST"] == pytest.approx([0.0, 1.0], abs=0.03)


def test_grouped_by_actor() -> None:
    # On y: c = (0.5, 0.5), sds 5 and 10 -> S_A = 25 / 125 = 0.2, S_B = 0.8.
    r = sensitivity(
        _two_issues(),
        method="sobol",
        n=1024,
        group_by="actor",
        inputs=("position",),
        seed=2,
        perturbation=ONLY_STATED,
        dist="uniform",
    )
    assert r.names == ["A", "B"]
    assert r.indices["y"]["S1"] == pytest.approx([0.2, 0.8], abs=0.02)
    assert r.indices["x"]["S1"] == pytest.approx([0.5, 0.5], abs=0.02)


def test_same_seed_same_indices_and_backend_independent(linear_scenario: Scenario) -> None:
    kw = dict(method="sobol", n=64, seed=9)
    a = sensitivity(linear_scenario, "compromise", **kw).to_dict()
    b = sensitivity(linear_scenario, "compromise", chunk_size=128, **kw).to_dict()
    for d in (a, b):
        d.pop("seconds")
        d.pop("backend")
    assert a == b
    # Saliences are factors too (default sd), so 3 positions + 3 saliences.
    assert len(a["names"]) == 6


def test_sobol_sample_size_rounded_to_a_power_of_two(linear_scenario: Scenario) -> None:
    r = sensitivity(linear_scenario, method="sobol", n=100, seed=1)
    assert r.n == 128 and any("rounded up" in note for note in r.notes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "fast"}, "unknown method"),
        ({"group_by": "party"}, "unknown grouping"),
        ({"dist": "beta"}, "unknown distribution"),
        ({"inputs": ("capability",)}, "unknown input"),
        ({"n": 1}, "sample size"),
    ],
)
def test_bad_options(linear_scenario: Scenario, kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        sensitivity(linear_scenario, **kwargs)


def test_nothing_uncertain_is_an_error() -> None:
    sc = make_scenario([{"actor": "A", "issue": "x", "position": 5, "salience": 0.5}])
    with pytest.raises(ParameterError, match="no stance input is uncertain"):
        sensitivity(sc, perturbation=PerturbationSpec(0.0, 0.0))
