"""Every path of the Pareto filter equals the definition, including the large-set ones.

The 3-party block sweep and the pivot pre-filter only run above 20,000 and 50,000 points,
which the other tests reach once at most; mutation testing left them unchecked.  Here
the thresholds (and the sweep's block size) are lowered so that small, tie-rich cases
go through those paths and are compared with the brute-force definition: a point is
optimal iff no other point is at least as good for every party and better for one.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from negotia.bargaining.pareto import (
    FrontierTooLargeError,
    _front_3_sweep,
    grid_frontier,
    pareto_mask,
    pareto_mask_bruteforce,
)

pareto = importlib.import_module("negotia.bargaining.pareto")
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def utilities(parties: int) -> st.SearchStrategy[np.ndarray]:
    # few distinct values: ties and duplicates, the hard cases
    return arrays(
        float, st.tuples(st.just(parties), st.integers(1, 80)), elements=st.sampled_from([0.0, 0.5, 1.0, 2.0])
    )


@SETTINGS
@given(U=utilities(3), block=st.integers(1, 9))
def test_three_party_sweep_equals_the_definition(U: np.ndarray, block: int) -> None:
    """The sweep's input, as the exact filter prepares it: distinct points in descending
    lexicographic order; blocks of 1 to 9 points exercise the staircase between blocks."""
    S = U[:, pareto._lex_desc(U)]
    distinct = np.ones(S.shape[1], dtype=bool)
    distinct[1:] = np.any(S[:, 1:] != S[:, :-1], axis=0)
    R = S[:, distinct]
    assert (_front_3_sweep(R, block=block) == pareto_mask_bruteforce(R)).all()


@SETTINGS
@given(U=st.integers(2, 4).flatmap(utilities))
def test_prefilter_path_equals_the_definition(U: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pareto, "_PREFILTER", 0)  # every set goes through the pivots first
    monkeypatch.setattr(pareto, "_SWEEP", 0)  # and 3 parties through the sweep
    assert (pareto_mask(U) == pareto_mask_bruteforce(U)).all()


def test_pivots_remove_what_they_dominate() -> None:
    """The pivot of equal weights (3, 3) dominates (1, 1) and (2, 3) but not (0, 4)."""
    U = np.array([[3.0, 1.0, 2.0, 0.0], [3.0, 1.0, 3.0, 4.0]])
    alive = pareto._pivot_filter(U)
    assert alive.tolist() == [True, False, False, True]


def test_one_party_and_no_points() -> None:
    """With one party the optimal points are its maxima (every copy); with none, nothing."""
    assert pareto_mask(np.array([[1.0, 3.0, 2.0, 3.0]])).tolist() == [False, True, False, True]
    assert pareto_mask(np.zeros((2, 0))).tolist() == []
    with pytest.raises(ValueError, match="shape"):
        pareto_mask(np.zeros(3))


@SETTINGS
@given(U=st.integers(4, 5).flatmap(utilities), block=st.integers(1, 7))
def test_many_parties_in_small_blocks_equal_the_definition(
    U: np.ndarray, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 and 5 parties: the blockwise filter compares each block with the frontier of all
    earlier blocks; blocks of 1 to 7 points make that comparison happen."""
    monkeypatch.setattr(pareto, "_BLOCK", block)
    assert (pareto_mask(U) == pareto_mask_bruteforce(U)).all()


def _dense(tables: list[np.ndarray]) -> np.ndarray:
    P, sizes = tables[0].shape[0], [t.shape[1] for t in tables]
    dense = np.zeros((P, *sizes))
    for k, t in enumerate(tables):
        dense += t.reshape((P,) + (1,) * k + (sizes[k],) + (1,) * (len(tables) - k - 1))
    return dense.reshape(P, -1)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, 4), st.integers(0, 2**32 - 1), st.floats(0.0, 1.5))
def test_grid_frontier_with_a_floor_keeps_exactly_the_frontier_above_it(
    P: int, K: int, seed: int, level: float
) -> None:
    """``floor``: the frontier packages worth at least the floor to every party, no more and
    no fewer (filtering the dense frontier by the floor gives the same set)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=K)
    tables = [rng.integers(0, 4, size=(P, m)) / 8.0 for m in sizes]
    floor = np.full(P, level * K * 3 / 8 / 2)
    dense = _dense(tables)
    front = np.flatnonzero(pareto_mask_bruteforce(dense))
    expected = front[np.all(dense[:, front] >= floor[:, None] - 1e-10, axis=0)]
    opts, U = grid_frontier(tables, floor=floor)
    got = np.ravel_multi_index(tuple(opts.T), tuple(sizes)) if len(opts) else np.zeros(0, int)
    assert sorted(got.tolist()) == sorted(expected.tolist())
    np.testing.assert_allclose(U, dense[:, got])


def test_grid_frontier_budget_is_refused_with_the_sizes() -> None:
    """Three issues of 4 options for 2 parties with opposed utilities: every option is on
    its issue's frontier, so the second step compares 4 x 4 = 16 partial packages; a budget
    of 15 stops there (after 1 of 3 issues), a budget of 64 does not."""
    v = np.arange(4) / 3.0
    tables = [np.stack([v, 1 - v]) for _ in range(3)]
    with pytest.raises(FrontierTooLargeError) as e:
        grid_frontier(tables, budget=15)
    assert (e.value.size, e.value.merged, e.value.issues) == (15, 1, 3)
    assert str(e.value) == "more than 15 candidate packages to compare after 1 of 3 issues"
    opts, _ = grid_frontier(tables, budget=64)
    assert len(opts) == 64  # u1 + u2 = 3 for every package: none dominates another
