"""The agreement analysis: the analytic cases of issue 12 and its properties.

Sources of the expected figures: analytic (interval logic and the status-quo reservation
of a quadratic loss, worked out in each test's docstring), not output of this code.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.agreement.analysis import analyse_agreement
from negotia.agreement.nodeal import mixture_quantiles
from negotia.ensemble.perturb import PerturbationSpec
from negotia.scenario.schema import Scenario

CERTAIN = PerturbationSpec(position_sd=0.0, salience_sd=0.0)


def scenario(
    actors: list[dict[str, Any]],
    positions: dict[str, dict[str, float]],
    *,
    red_lines: list[dict[str, Any]] | None = None,
    status_quo: dict[str, float | None] | None = None,
    ratifications: list[dict[str, Any]] | None = None,
    salience: dict[str, dict[str, float]] | None = None,
) -> Scenario:
    issues = sorted({i for p in positions.values() for i in p})
    sq = status_quo or {}
    return Scenario.model_validate(
        {
            "name": "case",
            "actors": [{"capability": 1.0, **a} for a in actors],
            "issues": [{"id": i, "status_quo": sq.get(i, 50)} for i in issues],
            "stances": [
                {"actor": a, "issue": i, "position": p, "salience": (salience or {}).get(a, {}).get(i, 0.5)}
                for a, ps in positions.items()
                for i, p in ps.items()
            ],
            "red_lines": red_lines or [],
            "ratifications": ratifications or [],
        }
    )


PARTIES = [{"id": "A", "role": "party"}, {"id": "B", "role": "party"}]


def test_disjoint_red_lines_give_zero() -> None:
    """A accepts at most 30 on x, B at least 70: no package, in any variant (the
    red lines carry no sd), so P(zone) = 0 for the package, the issue and every partial."""
    sc = scenario(
        PARTIES,
        {"A": {"x": 20}, "B": {"x": 90}},
        red_lines=[{"actor": "A", "issue": "x", "max": 30}, {"actor": "B", "issue": "x", "min": 70}],
    )
    r = analyse_agreement(sc, 200)
    assert r.package.p_zone == 0.0
    assert r.issue("x").alone.p_zone == 0.0 and r.issue("x").p_partial == 0.0
    names = {(b.kind, b.who) for b in r.package.blockers}
    assert names == {("red_line", "A"), ("red_line", "B")}
    assert all(b.count == 200 for b in r.package.blockers)


def test_nested_acceptable_sets_give_one() -> None:
    """B's acceptable interval [40, 60] lies inside A's [20, 80], and the status quo 50 lies
    in both: the status quo itself is acceptable to both in every variant, so P = 1."""
    sc = scenario(
        PARTIES,
        {"A": {"x": 30, "y": 70}, "B": {"x": 60, "y": 20}},
        red_lines=[
            {"actor": "A", "issue": "x", "min": 20, "max": 80},
            {"actor": "B", "issue": "x", "min": 40, "max": 60},
        ],
    )
    r = analyse_agreement(sc, 500, seed=4)
    assert r.package.p_zone == 1.0
    assert [i.alone.p_zone for i in r.issues] == [1.0, 1.0]
    assert r.package.blockers == ()


def test_a_veto_players_red_line_outside_the_others_blocks_only_where_it_vetoes() -> None:
    """The parties accept [0, 60] and [20, 80] on x; veto player V (on x only) needs at
    least 90 there: the package fails in every variant, V's red line blocks; V's red line
    on y, an issue it cannot veto, blocks nothing."""
    actors = [*PARTIES, {"id": "V", "role": "veto", "veto_on": ["x"]}]
    red = [
        {"actor": "A", "issue": "x", "max": 60},
        {"actor": "B", "issue": "x", "min": 20},
        {"actor": "V", "issue": "x", "min": 90},
        {"actor": "V", "issue": "y", "min": 95},
    ]
    positions = {"A": {"x": 30, "y": 50}, "B": {"x": 50, "y": 50}, "V": {"x": 95, "y": 99}}
    r = analyse_agreement(scenario(actors, positions, red_lines=red), 200)
    assert r.package.p_zone == 0.0
    assert ("red_line", "V", "veto", "x") in {(b.kind, b.who, b.role, b.issue) for b in r.package.blockers}
    assert r.issue("x").alone.p_zone == 0.0
    assert r.issue("y").alone.p_zone == 1.0
    without = analyse_agreement(scenario(actors, positions, red_lines=red[:2] + red[3:]), 200)
    assert without.package.p_zone == 1.0


def test_a_ratification_step_acts_as_a_veto_player() -> None:
    """A referendum of A accepts at most 40 on x; B needs at least 50: nothing passes."""
    steps = [
        {"id": "ref", "actor": "A", "kind": "referendum", "issues": ["x"], "accepts": {"x": {"max": 40}}}
    ]
    red = [{"actor": "B", "issue": "x", "min": 50}]
    sc = scenario(
        PARTIES, {"A": {"x": 30}, "B": {"x": 70}}, red_lines=red, ratifications=steps, status_quo={"x": None}
    )
    r = analyse_agreement(sc, 100)
    assert r.package.p_zone == 0.0
    assert ("red_line", "ref", "ratification", "x") in {
        (b.kind, b.who, b.role, b.issue) for b in r.package.blockers
    }


@pytest.mark.parametrize("role", ["mediator", "observer", "guarantor"])
def test_a_non_voting_actor_changes_no_probability(role: str) -> None:
    """Moving a mediator (observer, guarantor) from one end of every scale to the other,
    and giving it a red line, changes no probability: it does not vote."""
    red = [{"actor": "A", "issue": "x", "min": 40, "sd": 15}, {"actor": "B", "issue": "y", "max": 70}]
    out = []
    for m_pos in (0, 100):
        actors = [*PARTIES, {"id": "M", "role": role}]
        pos = {"A": {"x": 80, "y": 30}, "B": {"x": 20, "y": 60}, "M": {"x": m_pos, "y": m_pos}}
        m_red = [{"actor": "M", "issue": "x", "max": 5}] if m_pos == 0 else []
        sc = scenario(actors, pos, red_lines=red + m_red, status_quo={"x": 20, "y": 40})
        r = analyse_agreement(sc, 400, seed=2)
        out.append((r.package.p_zone, [i.alone.p_zone for i in r.issues], [i.p_partial for i in r.issues]))
    assert out[0] == out[1]
    assert 0 < out[0][0] < 1  # the case is not trivial: some variants settle, some not


def test_a_partial_package_settles_while_the_whole_fails() -> None:
    """x: red lines 20 points apart (never settles); y: the status quo 20 lies below A's
    red line (min 40) and B, who prefers 30, loses little by 40 (salience 0.1 on y): y
    settles alone, the whole package never does."""
    sc = scenario(
        PARTIES,
        {"A": {"x": 10, "y": 80}, "B": {"x": 90, "y": 45}},
        red_lines=[
            {"actor": "A", "issue": "x", "max": 30},
            {"actor": "B", "issue": "x", "min": 50},
            {"actor": "A", "issue": "y", "min": 40},
        ],
        status_quo={"x": 50, "y": 20},
    )
    r = analyse_agreement(sc, 300, spec=CERTAIN)
    assert r.package.p_zone == 0.0
    assert r.issue("y").p_partial == 1.0 and r.issue("x").p_partial == 0.0
    assert r.partial_sets == ((("y",), 1.0),)
    aon = analyse_agreement(sc, 300, spec=CERTAIN, all_or_nothing=True)
    assert aon.issue("y").p_zone == 0.0


def test_same_seed_same_result_and_strict_json() -> None:
    sc = scenario(
        PARTIES,
        {"A": {"x": 80}, "B": {"x": 20}},
        red_lines=[{"actor": "A", "issue": "x", "min": 40, "sd": 10}],
    )
    a, b = analyse_agreement(sc, 300, seed=5), analyse_agreement(sc, 300, seed=5)
    assert a.to_dict() == b.to_dict()
    text = json.dumps(a.to_dict(), allow_nan=False)
    assert json.loads(text)["variants"] == 300
    # The first variants do not depend on how many are drawn (the seed rule).
    c = analyse_agreement(sc, 1500, seed=5)
    assert 0 < c.package.p_zone < 1


def test_mixture_quantiles_analytic() -> None:
    """P = 0.3 on samples 60..69 (each 0.03), 0.7 at the status quo 10: the median and the
    5% quantile are the status quo; the 95% quantile is the sample reaching 0.95 (68)."""
    q = mixture_quantiles(np.arange(60.0, 70.0), 0.3, 10.0)
    assert q.tolist() == [10.0, 10.0, 68.0]
    q = mixture_quantiles(np.arange(60.0, 70.0), 1.0, 10.0)
    assert q.tolist() == [60.0, 64.0, 69.0]


def test_issue_without_status_quo_warns() -> None:
    sc = scenario(PARTIES, {"A": {"x": 80}, "B": {"x": 20}}, status_quo={"x": None})
    r = analyse_agreement(sc, 50)
    assert any("no status quo" in w for w in r.warnings)
    assert r.outcomes[0].median is None


@settings(max_examples=25)
@given(
    st.integers(0, 100),
    st.integers(0, 100),
    st.integers(0, 40),
    st.integers(0, 100),
    st.sampled_from([0, 5, 15]),
)
def test_probabilities_in_range_and_monotone_as_a_red_line_widens(a_max, b_min, widen, sq, sd) -> None:
    """Widening A's red line (raising its max) with the same seed can only add packages:
    every variant's bounds move by the same draw, so each P is monotone."""

    def run(m: float):
        red = [
            {"actor": "A", "issue": "x", "max": min(m, 100), **({"sd": sd} if sd else {})},
            {"actor": "B", "issue": "x", "min": b_min},
        ]
        pos = {"A": {"x": 10, "y": 70}, "B": {"x": 90, "y": 30}}
        return analyse_agreement(
            scenario(PARTIES, pos, red_lines=red, status_quo={"x": sq, "y": 50}), 120, seed=1
        )

    narrow, wide = run(a_max), run(a_max + widen)
    for r in (narrow, wide):
        for p in [r.package.p_zone, r.package.combined.probability] + [i.p_partial for i in r.issues]:
            assert 0.0 <= p <= 1.0
    assert wide.package.p_zone >= narrow.package.p_zone
    assert wide.issue("x").alone.p_zone >= narrow.issue("x").alone.p_zone


def test_the_forecast_if_agreed_counts_only_the_variants_that_settle() -> None:
    """x alone, status quo 0; A (at 80) needs at least 60, B (at 30) accepts what lies no
    farther from it than the status quo, |v - b| <= b (quadratic loss, one issue): a zone
    exists exactly when 2b >= 0.6, i.e. when B's drawn position is at least 30 -- about
    half the variants. The compromise (equal weights) is about (a + b) / 2, 55 over all
    variants; over those with b >= 30 only, E[b | b >= 30] = 30 + 5 x 0.80 = 34 (normal,
    sd 5), so the median if agreed lies near 57, above 56."""
    sc = scenario(
        PARTIES,
        {"A": {"x": 80}, "B": {"x": 30}},
        red_lines=[{"actor": "A", "issue": "x", "min": 60}],
        status_quo={"x": 0},
    )
    r = analyse_agreement(sc, 400, seed=0)
    o = r.outcomes[0]
    assert o.agreed_variants == round(r.issue("x").p_partial * 400)
    assert 120 < o.agreed_variants < 280
    assert o.if_agreed is not None and o.if_agreed > 56.0


def test_no_variant_agrees_gives_no_forecast_if_agreed() -> None:
    """Disjoint red lines on x: no variant settles it; there is no forecast if agreed and
    the outcome is the status quo (50) for certain."""
    sc = scenario(
        PARTIES,
        {"A": {"x": 20}, "B": {"x": 90}},
        red_lines=[{"actor": "A", "issue": "x", "max": 30}, {"actor": "B", "issue": "x", "min": 70}],
    )
    r = analyse_agreement(sc, 100)
    o = r.outcomes[0]
    assert o.agreed_variants == 0 and o.if_agreed is None and o.if_agreed_low is None
    assert (o.median, o.low, o.high) == (50.0, 50.0, 50.0)
    assert o.to_dict()["if_agreed"] == {"median": None, "interval": [None, None], "variants": 0}


def test_an_issue_whose_status_quo_all_accept_is_reported_and_adds_nothing() -> None:
    """z: the status quo 50 lies inside every red line and both parties sit at it, so it is
    acceptable to all in every variant (a trivial zone: no deal needed). y is contested:
    A (at 80) needs at least 40 (sd 15), the status quo is 20. Adding z changes neither
    the package's P(zone) nor its P(deal): settling z at the status quo changes no loss."""
    red = [{"actor": "A", "issue": "y", "min": 40, "sd": 15}, {"actor": "B", "issue": "z", "max": 90}]
    pos = {"A": {"y": 80, "z": 50}, "B": {"y": 30, "z": 50}}
    with_z = analyse_agreement(
        scenario(PARTIES, pos, red_lines=red, status_quo={"y": 20, "z": 50}), 300, spec=CERTAIN, seed=1
    )
    assert with_z.issue("z").status_quo_acceptable == 1.0 and with_z.issue("z").zone_trivial
    # A's red line on y is drawn below the status quo 20 with P(N(40, 15) <= 20) = 9%.
    y = with_z.issue("y")
    assert 0.03 < y.status_quo_acceptable < 0.2 and not y.zone_trivial
    assert with_z.to_dict()["issues"][1]["zone_trivial"] is True
    red_y = [red[0], {"actor": "B", "issue": "y", "max": 100}]  # as many bounds: the same draws
    without = analyse_agreement(
        scenario(PARTIES, {"A": {"y": 80}, "B": {"y": 30}}, red_lines=red_y, status_quo={"y": 20}),
        300,
        spec=CERTAIN,
        seed=1,
    )
    assert 0 < without.package.p_zone < 1
    assert with_z.package.p_zone == without.package.p_zone
    assert with_z.package.combined.probability == without.package.combined.probability
