"""Negotiation agents: strategies, alternating offers, majority rule, the mediator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from negotia.api import simulate
from negotia.bargaining import utility_model
from negotia.bargaining.mediator import run_mediator
from negotia.bargaining.offers import run_offers
from negotia.bargaining.strategies import parse_strategy
from negotia.errors import ParameterError
from tests.bargaining.bargaining_helpers import make_scenario
from tests.conftest import reference


def three_party(loss: str = "quadratic"):
    sc = make_scenario(
        {
            "A": {"x": 10, "y": 90, "z": 50},
            "B": {"x": 80, "y": 20, "z": 60},
            "C": {"x": 50, "y": 50, "z": 0},
        },
        {
            "A": {"x": 0.9, "y": 0.3, "z": 0.5},
            "B": {"x": 0.2, "y": 0.8, "z": 0.6},
            "C": {"x": 0.5, "y": 0.5, "z": 0.9},
        },
        loss=loss,
        reservation={"A": 0.3, "B": 0.3, "C": 0.3},
        required=["A", "B", "C"],
    )
    return utility_model(sc, resolution=11)


def test_time_based_targets_follow_the_exponent() -> None:
    b, lin, c = (parse_strategy(s) for s in ("boulware", "linear", "conceder"))
    for t in (0.25, 0.5, 0.75):
        tb, tl, tc = (s.target(t, 0, 1.0, 0.2) for s in (b, lin, c))
        assert tb > tl > tc  # Boulware holds firm, Conceder gives way early
        assert tl == pytest.approx(1.0 - 0.8 * t)  # linear: r + (1-r)(1-t)
    assert b.target(0.0, 0, 1.0, 0.2) == pytest.approx(1.0)
    assert b.target(1.0, 0, 1.0, 0.2) == pytest.approx(0.2)
    asp = parse_strategy("aspiration:rate=0.5")
    assert asp.target(0.0, 2, 1.0, 0.2) == pytest.approx(0.2 + 0.8 * 0.25)
    tft = parse_strategy("tit-for-tat:nice=0")
    assert tft.target(0.5, 3, 1.0, 0.2, received_first=0.3, received_best=0.45) == pytest.approx(0.85)


@pytest.mark.parametrize("bad", ["bogus", "time:e=0", "aspiration:rate=2", "boulware:x=1", "time:e=abc"])
def test_bad_strategy_specs_are_clear_errors(bad: str) -> None:
    with pytest.raises(ParameterError):
        parse_strategy(bad)


@pytest.mark.parametrize("strategy", ["boulware", "linear", "conceder", "aspiration", "tit-for-tat"])
def test_offers_reach_an_individually_rational_agreement(strategy: str) -> None:
    m = three_party()
    run = run_offers(m, [parse_strategy(strategy)] * 3, seed=1, steps=200)
    assert run.agreement is not None, run.reason
    assert np.all(np.array(run.utilities) >= m.reservation - 1e-12)
    last = run.history[-1]
    assert last.agreed and set(last.accepted_by) == {"A", "B", "C"}
    assert run.steps == len(run.history) <= 200
    # every offer respects its proposer's reservation value
    for o in run.history:
        p = m.parties.index(o.proposer)
        assert o.utilities[p] >= m.reservation[p] - 1e-12


def test_runs_are_deterministic_for_a_seed_and_vary_with_it() -> None:
    # Three options per issue: the agents enumerate their outcome space (at most 8e6
    # packages), and the 12 issues of ukraine-2025 have 2.9e8 at their anchors.
    kw = dict(protocol="offers", strategy="linear", steps=60, resolution=3)
    a = simulate("ukraine-2025", seed=5, red_lines="relax", **kw)
    b = simulate("ukraine-2025", seed=5, red_lines="relax", **kw)
    assert a.to_dict() == b.to_dict()
    runs = {simulate("ukraine-2025", seed=s, red_lines="relax", **kw).to_json() for s in range(4)}
    assert len(runs) == 4  # each of four seeds gives its own run
    m1 = simulate("ukraine-2025", protocol="mediator", seed=3, start="random", resolution=3)
    m2 = simulate("ukraine-2025", protocol="mediator", seed=3, start="random", resolution=3)
    assert m1.to_dict() == m2.to_dict()


def test_ukraine_with_red_lines_kept_ends_without_agreement_and_says_why() -> None:
    run = simulate("ukraine-2025", protocol="offers", strategy="conceder", seed=0, steps=50, resolution=3)
    assert run.agreement is None and run.steps == 50 and len(run.history) == 50
    assert any("territory" in n and "points apart" in n for n in run.notes)


def test_majority_rule_counts_votes_and_respects_vetoes() -> None:
    m = three_party()
    strategies = [parse_strategy("boulware")] * 3
    run = run_offers(m, strategies, seed=2, steps=200, quota=0.5, protocol="majority")
    assert run.agreement is not None
    agreed = run.history[-1]
    assert len(agreed.accepted_by) >= 2  # more than half of three parties
    # Before the agreement no offer had a majority.
    assert all(len(o.accepted_by) < 2 for o in run.history[:-1])
    # A veto party must be among the accepting ones.
    vetoed = run_offers(m, strategies, seed=2, steps=200, quota=0.5, veto=("C",), protocol="majority")
    assert vetoed.agreement is None or "C" in vetoed.history[-1].accepted_by
    # Weighted votes: A alone holds 60% of the votes, enough for a 0.6 quota.
    weighted = run_offers(
        m, strategies, seed=2, steps=200, quota=0.6, weights=np.array([6.0, 2.0, 2.0]), protocol="majority"
    )
    assert weighted.agreement is not None
    last = weighted.history[-1]
    assert last.proposer == "A" and [o.proposer for o in weighted.history].count("A") == 1  # A's first offer


def mediator_tolerance(m) -> float:
    """The largest utility any party gets from one grid step on every issue at once.

    The mediator stops where no joint move of one grid step per issue helps every party
    without hurting one.  With utilities concave in each issue (linear or quadratic
    loss) a text where no direction improves everyone is Pareto-optimal in the
    continuous problem; on a grid the stopping text lies within one grid cell of such a
    point, so the joint gain left is at most what one step on each issue together is
    worth to a party (the sum over issues of its largest one-step change).  A bound of
    one step on a single issue is too tight: hypothesis found a 3-issue linear case
    (seed 9338) that stops 1.28 single-issue steps from the frontier.
    """
    per_issue = np.array([np.abs(np.diff(t, axis=1)).max(axis=1) for t in m.tables])  # (issues, parties)
    return float(per_issue.sum(axis=0).max())


@pytest.mark.parametrize("loss", ["linear", "quadratic"])
@pytest.mark.parametrize("start", ["worst", "random", "reference"])
def test_mediator_ends_on_or_near_the_frontier(loss: str, start: str) -> None:
    m = three_party(loss).without_red_lines()
    run = run_mediator(m, seed=7, steps=500, start=start)
    assert run.steps < 500, "the mediator should stop by itself"
    assert run.frontier_gap <= mediator_tolerance(m)
    # each text is welcome to every party: no party's utility ever falls
    U = np.array([o.utilities for o in run.history])
    assert np.all(np.diff(U, axis=0) >= -1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["linear", "quadratic"]))
@example(9338, "linear")  # stops 1.28 single-issue steps from the frontier (see mediator_tolerance)
def test_mediator_gap_property(seed: int, loss: str) -> None:
    rng = np.random.default_rng(seed)
    actors = ["A", "B", "C"][: int(rng.integers(2, 4))]
    issues = ["x", "y", "z"][: int(rng.integers(1, 4))]
    pos = {a: {i: float(rng.integers(0, 101)) for i in issues} for a in actors}
    sal = {a: {i: float(rng.uniform(0.05, 1.0)) for i in issues} for a in actors}
    sc = make_scenario(pos, sal, loss=loss, reservation={a: 0.0 for a in actors}, required=actors)
    m = utility_model(sc, resolution=11)
    run = run_mediator(m, seed=seed, steps=1000, start="random")
    assert run.frontier_gap <= mediator_tolerance(m)


def test_mediator_on_the_genius_domain_reaches_the_frontier() -> None:
    path = reference("bargaining", "EnglandZimbabwe_domain.xml")
    run = simulate(path, protocol="mediator", start="worst", seed=0)
    assert run.agreement is not None and run.frontier_gap == pytest.approx(0.0, abs=1e-9)


def test_simulate_rejects_bad_options() -> None:
    with pytest.raises(ParameterError, match="protocol"):
        simulate("ukraine-2025", protocol="auction")
    with pytest.raises(ParameterError, match="strategies for 2 parties"):
        simulate("ukraine-2025", strategy="boulware,linear,conceder")
    with pytest.raises(ParameterError, match="quota"):
        simulate("ukraine-2025", protocol="majority", quota=1.5)
