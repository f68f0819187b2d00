"""Qualified-majority rules in the agreement analysis: analytic cases and properties.

Sources of the expected figures: analytic (interval logic and weighted voting, worked out
in each docstring) and brute force written out here (every coalition of the parties, not
only the minimal winning ones the module enumerates); no output of the code under test.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.agreement.analysis import analyse_agreement
from negotia.bargaining.consent import consent_of, consent_rows
from negotia.bargaining.feasible import settle
from negotia.bargaining.majority import (
    MAX_PARTIES,
    Voting,
    majority_issue_zones,
    minimal_winning,
    neutralise,
    settle_majority,
)
from negotia.errors import ParameterError
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario
from tests.agreement.test_analysis import scenario

THREE = [{"id": "A", "role": "party"}, {"id": "B", "role": "party"}, {"id": "C", "role": "party"}]


def with_rule(sc: Scenario, rule: dict[str, Any] | None) -> Scenario:
    data = sc.model_dump()
    if rule is not None:
        data["decision_rule"] = rule
    return Scenario.model_validate(data)


def qmv(threshold: float, weights: Any = "equal") -> dict[str, Any]:
    return {"rule": "qualified_majority", "threshold": threshold, "weights": weights}


def outlier_case() -> Scenario:
    """A and B accept at most 60 on x, C at least 90: no package for all three. The status
    quo 50 lies in A's and B's red lines, and with their default reservation (the status
    quo's utility) both accept it."""
    red = [
        {"actor": "A", "issue": "x", "max": 60},
        {"actor": "B", "issue": "x", "max": 60},
        {"actor": "C", "issue": "x", "min": 90},
    ]
    pos = {"A": {"x": 40, "y": 50}, "B": {"x": 55, "y": 45}, "C": {"x": 95, "y": 60}}
    return scenario(THREE, pos, red_lines=red, status_quo={"x": 50, "y": 50})


def test_an_outlier_red_line_blocks_unanimity_but_not_two_thirds() -> None:
    """Unanimity: C's red line and A's/B's do not overlap, P = 0 in every variant. Two
    thirds of equal weights: A and B (2/3 of the weight) both accept the status quo, so a
    zone exists in every variant: P = 1."""
    base = outlier_case()
    una = analyse_agreement(base, 200)
    assert una.package.p_zone == 0.0 and una.issue("x").alone.p_zone == 0.0
    two_thirds = analyse_agreement(with_rule(base, qmv(2 / 3)), 200)
    assert two_thirds.package.p_zone == 1.0
    assert two_thirds.issue("x").alone.p_zone == 1.0
    assert two_thirds.issue("x").p_partial == 1.0
    # 0.7 of the weight needs all three again.
    strict = analyse_agreement(with_rule(base, qmv(0.7)), 200)
    assert strict.package.p_zone == 0.0
    assert ("red_line", "C", "x") in {(b.kind, b.who, b.issue) for b in strict.package.blockers}


def test_explicit_weights_decide_which_coalition_wins() -> None:
    """Weights A 1, B 1, C 3 with threshold 0.7: A and B hold 2/5 and C 3/5, so every
    winning coalition holds C and one of A and B, whose red lines do not meet: no zone.
    With threshold 0.4, A and B together win and accept the status quo: a zone."""
    sc = with_rule(outlier_case(), qmv(0.7, {"A": 1, "B": 1, "C": 3}))
    assert analyse_agreement(sc, 100).package.p_zone == 0.0
    sc = with_rule(outlier_case(), qmv(0.4, {"A": 1, "B": 1, "C": 3}))
    assert analyse_agreement(sc, 100).package.p_zone == 1.0


def test_minimal_winning_coalitions_analytic() -> None:
    """Weights 2, 1, 1 and threshold 1/2 (of 4): minimal winning are {A} and {B, C}."""
    voting = Voting(
        weight=np.array([[2.0], [1.0], [1.0]]),
        threshold=np.array([0.5]),
        required=np.zeros((3, 1), dtype=bool),
        qualified=np.array([True]),
        party=np.array([True, True, True]),
    )
    got = {tuple(np.flatnonzero(c).tolist()) for c in minimal_winning(voting, np.array([True]))}
    assert got == {(0,), (1, 2)}


def test_a_veto_player_must_still_accept_under_a_majority() -> None:
    """V vetoes x and needs at least 90 there: two thirds of the parties cannot pass 50.
    On x alone the point agreed by the most has V's consent first (it is required) and
    then C's; A and B, whose red lines reject it, are named as the blockers."""
    actors = [*THREE, {"id": "V", "role": "veto", "veto_on": ["x"]}]
    red = [*outlier_case().model_dump()["red_lines"], {"actor": "V", "issue": "x", "min": 90}]
    pos = {"A": {"x": 40, "y": 50}, "B": {"x": 55, "y": 45}, "C": {"x": 95, "y": 60}, "V": {"x": 95}}
    sc = with_rule(scenario(actors, pos, red_lines=red, status_quo={"x": 50, "y": 50}), qmv(2 / 3))
    r = analyse_agreement(sc, 100)
    assert r.package.p_zone == 0.0
    assert r.issue("x").alone.p_zone == 0.0 and r.issue("y").alone.p_zone == 1.0
    assert ("veto", "V") in {(b.role, b.who) for b in r.package.blockers}
    alone = {(b.kind, b.who) for b in r.issue("x").alone.blockers}
    assert alone == {("red_line", "A"), ("red_line", "B")}


def test_too_many_parties_is_a_clear_error() -> None:
    n = MAX_PARTIES + 1
    actors = [{"id": f"P{j}", "role": "party"} for j in range(n)]
    pos = {f"P{j}": {"x": 50} for j in range(n)}
    sc = with_rule(scenario(actors, pos), qmv(0.5))
    with pytest.raises(ParameterError, match=f"{n} parties"):
        analyse_agreement(sc, 10)


def test_the_cli_refuses_too_many_parties_with_exit_status_2(tmp_path) -> None:
    n = MAX_PARTIES + 1
    actors = [{"id": f"P{j}", "role": "party"} for j in range(n)]
    sc = with_rule(scenario(actors, {f"P{j}": {"x": 50} for j in range(n)}), qmv(0.5))
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(sc.model_dump(mode="json", exclude_none=True)))
    r = subprocess.run(
        [sys.executable, "-m", "negotia", "agreement", str(path), "-n", "10"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2, r.stderr
    assert "parties" in r.stderr and "Traceback" not in r.stderr


@st.composite
def cases(draw, max_issues: int = 2):
    n_issues = draw(st.integers(1, max_issues))
    issues = [f"i{k}" for k in range(n_issues)]
    pos = st.integers(0, 100)
    positions = {a["id"]: {i: draw(pos) for i in issues} for a in THREE}
    salience = {a["id"]: {i: draw(st.integers(1, 10)) / 10 for i in issues} for a in THREE}
    red = []
    for a in positions:
        for i in issues:
            kind = draw(st.sampled_from(["none", "min", "max"]))
            if kind != "none":
                red.append({"actor": a, "issue": i, kind: draw(pos), "sd": draw(st.sampled_from([0, 10]))})
    sq = {i: draw(pos) for i in issues}
    weights = {a: draw(st.integers(1, 5)) for a in positions}
    sc = scenario(THREE, positions, red_lines=red, status_quo=sq, salience=salience)
    return sc, weights


def summary(sc: Scenario) -> tuple[float, list[float]]:
    r = analyse_agreement(sc, 40, seed=3)
    return r.package.p_zone, [i.alone.p_zone for i in r.issues]


@settings(max_examples=20, deadline=None)
@given(cases())
def test_a_threshold_of_one_is_unanimity(case) -> None:
    """With every weight positive, 100% of the weight is every party: the same zone in
    every variant as under unanimity (package, each issue alone, partial packages)."""
    sc, weights = case
    una = analyse_agreement(sc, 40, seed=3)
    full = analyse_agreement(with_rule(sc, qmv(1.0, weights)), 40, seed=3)
    assert full.package.p_zone == una.package.p_zone
    assert [i.alone.p_zone for i in full.issues] == [i.alone.p_zone for i in una.issues]
    assert [i.p_partial for i in full.issues] == pytest.approx([i.p_partial for i in una.issues])


@settings(max_examples=20, deadline=None)
@given(cases(), st.floats(0.05, 1.0), st.floats(0.05, 1.0))
def test_p_never_rises_with_the_threshold(case, t1, t2) -> None:
    """A coalition winning at the higher threshold wins at the lower one: with the same
    seed, P(zone) of the package and of each issue alone cannot rise with the threshold."""
    sc, weights = case
    lo, hi = sorted((t1, t2))
    p_lo, alone_lo = summary(with_rule(sc, qmv(lo, weights)))
    p_hi, alone_hi = summary(with_rule(sc, qmv(hi, weights)))
    assert 0.0 <= p_hi <= p_lo <= 1.0
    assert all(h <= low for h, low in zip(alone_hi, alone_lo, strict=True))


@settings(max_examples=20, deadline=None)
@given(cases(max_issues=3), st.floats(0.05, 1.0))
def test_the_package_against_every_winning_coalition(case, threshold) -> None:
    """Brute force: a zone exists exactly when some winning coalition (any subset of the
    parties reaching the threshold, not only the minimal ones) has a unanimity zone."""
    sc, weights = case
    sc = with_rule(sc, qmv(threshold, weights))
    consent = consent_of(sc)
    rows = consent_rows(consent, ScenarioArrays.from_scenario(sc))
    w = np.array([weights[a] for a in consent.labels], dtype=float)
    brute = False
    single = {k: False for k in range(rows.n_issues)}
    for size in range(1, 4):
        for members in itertools.combinations(range(3), size):
            if w[list(members)].sum() < threshold * w.sum() - 1e-12:
                continue
            keep = np.zeros((1, 3), dtype=bool)
            keep[0, list(members)] = True
            brute |= bool(settle(neutralise(rows, keep)).feasible[0])
            for k in single:
                sub = np.zeros(rows.n_issues, dtype=bool)
                sub[k] = True
                single[k] |= bool(settle(neutralise(rows, keep), sub).feasible[0])
    assert bool(settle_majority(rows, consent.voting).feasible[0]) == brute
    zones = majority_issue_zones(rows, consent.voting)
    assert zones.exists[0].tolist() == [single[k] for k in single]
