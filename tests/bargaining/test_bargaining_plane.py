"""Two parties' utility plane: an analytic logroll, and agreement with `bargain`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.bargaining import bargaining_space
from negotia.bargaining.plane import utility_plane
from negotia.bargaining.utility import utility_model
from negotia.errors import ParameterError
from tests.bargaining.bargaining_helpers import make_scenario


def test_nash_is_the_logroll():
    # Two issues, each party cares 0.8 about one and 0.2 about the other, ideals at the
    # opposite ends, status quo in the middle, linear loss.  Trading the issues (each
    # side wins the one it cares about) gives both 1 - 0.2 = 0.8 against 0.5 without a
    # deal: the logroll of Coleman (1966, Am. Pol. Sci. Rev. 60: 1105-1122), which is
    # the Nash and the Kalai-Smorodinsky package by symmetry.
    sc = make_scenario(
        {"A": {"x": 0, "y": 0}, "B": {"x": 100, "y": 100}},
        {"A": {"x": 0.8, "y": 0.2}, "B": {"x": 0.2, "y": 0.8}},
        status_quo={"x": 50, "y": 50},
    )
    p = utility_plane(sc)
    assert p.n_packages == 25 and not p.sampled and p.ignored == ""
    np.testing.assert_allclose(p.reservation, [0.5, 0.5])
    for sol in (p.nash, p.kalai):
        assert sol is not None
        np.testing.assert_allclose(sol.utilities, [0.8, 0.8])
    space = utility_model(sc, ["A", "B"]).space
    assert space.decode(p.nash.index).tolist() == [[0, 4]]  # x at A's 0, y at B's 100


def test_agrees_with_the_bargaining_space_on_the_bundled_case():
    import negotia

    # The seven issues of the Berlin talks; the whole bundled case is drawn too (its
    # frontier fits the construction's budget).
    full = negotia.load_scenario("ukraine-2025")
    whole = utility_plane(full)
    assert len(full.issues) >= 12 and whole.frontier.shape[1] > 0 and whole.nash is not None
    keep = {"nato", "guarantees", "territory", "army_limits", "sanctions", "eu_accession", "sequencing"}
    sc = full.model_copy(
        update={
            "issues": [i for i in full.issues if i.id in keep],
            "stances": [x for x in full.stances if x.issue in keep],
            "red_lines": [x for x in full.red_lines if x.issue in keep],
            "revisions": [],
        }
    )
    p = utility_plane(sc)
    r = bargaining_space(sc)
    assert p.parties == r.parties
    assert p.nash.index == r.nash.index and p.kalai.index == r.kalai.index
    # The plane relaxes the same red lines as `negotia bargain`.
    assert sorted(p.ignored.split(", ")) == sorted(r.ignored)
    assert p.sampled and p.utilities.shape == (2, 4000)


@settings(max_examples=30)
@given(
    st.lists(st.integers(0, 100), min_size=4, max_size=4),
    st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4),
    st.integers(0, 3),
)
def test_frontier_dominates_every_package(pos, sal, seed):
    sc = make_scenario(
        {"A": {"x": pos[0], "y": pos[1]}, "B": {"x": pos[2], "y": pos[3]}},
        {"A": {"x": sal[0], "y": sal[1]}, "B": {"x": sal[2], "y": sal[3]}},
        status_quo={"x": 50, "y": 50},
    )
    p = utility_plane(sc, sample=10, seed=seed)
    # No package is better for both parties than every frontier point is.
    for u in p.utilities.T:
        assert np.any(np.all(p.frontier >= u[:, None] - 1e-12, axis=0))
    assert p.utilities.shape[1] == min(10, p.n_packages)


def test_needs_two_parties():
    sc = make_scenario({"A": {"x": 0}, "B": {"x": 100}})
    with pytest.raises(ParameterError, match="exactly two parties"):
        utility_plane(sc, ["A"])


def test_a_frontier_too_large_to_build_is_refused_not_built():
    # Opposite ideals, equal saliences, linear loss: every one of the 5**12 packages
    # trades one party's gain for the other's loss, so every one is on the frontier.
    issues = [f"i{k}" for k in range(12)]
    sc = make_scenario({"A": dict.fromkeys(issues, 0.0), "B": dict.fromkeys(issues, 100.0)})
    with pytest.raises(ParameterError, match="Pareto frontier is too large to draw"):
        utility_plane(sc)
