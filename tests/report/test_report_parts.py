"""Parts of the report on scenarios other than the bundled one."""

from __future__ import annotations

from negotia.bargaining.negotiation import MAX_AGENT_SPACE
from negotia.report import all_charts, collect
from tests.bargaining.bargaining_helpers import make_scenario


def test_agents_over_a_space_too_large_run_on_a_coarser_grid():
    issues = [f"i{k}" for k in range(12)]
    sc = make_scenario(
        {"A": dict.fromkeys(issues, 0.0), "B": dict.fromkeys(issues, 100.0)},
        status_quo=dict.fromkeys(issues, 50.0),
    )
    data = collect(sc, models=["compromise"], montecarlo=0)
    run = data.negotiation
    assert run is not None and "agent negotiation" not in data.skipped
    # From 11 grid points per issue, the largest issue loses one option at a time until
    # the grid fits: 4**9 * 3**3 = 7,077,888 <= 8e6 < 4**10 * 3**2 = 9,437,184.
    assert sorted(run.space.shape) == [3] * 3 + [4] * 9
    assert 4**9 * 3**3 <= MAX_AGENT_SPACE < 4**10 * 3**2
    title = next(c.title for c in all_charts(data) if c.id == "concessions")
    assert "7,077,888 packages, 3–4 options per issue" in title
    assert any("coarser grid" in n for n in run.notes)


def test_a_scenario_without_guarantees_or_revisions_says_so():
    sc = make_scenario({"A": {"x": 0.0}, "B": {"x": 100.0}}, status_quo={"x": 50.0})
    data = collect(sc, models=["compromise"], montecarlo=0)
    assert set(data.skipped) == {"uncertainty", "guarantees", "over time"}
    assert "no security-guarantee issue" in data.skipped["guarantees"]
    assert data.skipped["over time"] == "the scenario has no dated revisions"
