"""Pareto filtering against the definition (brute force), on random and grid data."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from negotia.bargaining.pareto import grid_frontier, pareto_mask, pareto_mask_bruteforce


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda p: arrays(
            float,
            st.tuples(st.just(p), st.integers(1, 60)),
            # Few distinct values: many ties and duplicates, the hard cases.
            elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
        )
    )
)
def test_pareto_mask_matches_definition_with_ties(U: np.ndarray) -> None:
    assert (pareto_mask(U) == pareto_mask_bruteforce(U)).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(1, 400), st.integers(0, 2**32 - 1))
def test_pareto_mask_matches_definition_continuous(P: int, n: int, seed: int) -> None:
    U = np.random.default_rng(seed).random((P, n))
    assert (pareto_mask(U) == pareto_mask_bruteforce(U)).all()


def test_two_party_scan_known_frontier() -> None:
    # Points (u1, u2): the staircase (3,1), (2,2), (1,3) and the copy of (2,2) are optimal.
    U = np.array([[3, 2, 1, 1, 2, 0, 2], [1, 2, 3, 1, 1, 0, 2]], dtype=float)
    assert pareto_mask(U).tolist() == [True, True, True, False, False, False, True]


def test_large_sets_use_the_prefilter_and_stay_exact() -> None:
    # Above the pre-filter threshold the result must equal the grid (Minkowski) frontier.
    rng = np.random.default_rng(3)
    P, K, n = 3, 5, 10
    x, s = rng.random((P, K)), rng.random((P, K))
    w = s / s.sum(axis=1, keepdims=True)
    v = np.linspace(0, 1, n)
    tables = [w[:, k : k + 1] * (1 - np.abs(v[None, :] - x[:, k : k + 1])) for k in range(K)]
    dense = np.zeros((P,) + (n,) * K)
    for k, t in enumerate(tables):
        dense += t.reshape((P,) + (1,) * k + (n,) + (1,) * (K - k - 1))
    dense = dense.reshape(P, -1)
    mask = pareto_mask(dense)
    opts, F = grid_frontier(tables)
    idx = np.ravel_multi_index(tuple(opts.T), (n,) * K)
    assert sorted(idx.tolist()) == np.flatnonzero(mask).tolist()
    assert np.allclose(F, dense[:, idx])


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_grid_frontier_equals_dense_filter(P: int, K: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, size=K)
    tables = [rng.integers(0, 4, size=(P, m)) / 8.0 for m in sizes]  # exact binary fractions: ties
    allowed = [np.flatnonzero(rng.random(m) < 0.8) for m in sizes]
    dense = np.zeros((P, *sizes))
    for k, t in enumerate(tables):
        dense += t.reshape((P,) + (1,) * k + (sizes[k],) + (1,) * (K - k - 1))
    dense = dense.reshape(P, -1)
    grid = np.stack(np.unravel_index(np.arange(dense.shape[1]), tuple(sizes)), axis=1)
    inside = np.all([np.isin(grid[:, k], allowed[k]) for k in range(K)], axis=0)
    expected = np.flatnonzero(inside)[pareto_mask_bruteforce(dense[:, inside])]
    opts, _ = grid_frontier(tables, allowed)
    got = np.ravel_multi_index(tuple(opts.T), tuple(sizes)) if len(opts) else np.zeros(0, int)
    assert sorted(got.tolist()) == sorted(expected.tolist())


def test_sums_in_another_order_count_as_equal() -> None:
    a = 0.1 + 0.2 + 0.3
    b = 0.3 + 0.2 + 0.1
    assert a != b  # the float sums differ in the last bit ...
    U = np.array([[a, b], [1.0, 1.0]])
    assert pareto_mask(U).tolist() == [True, True]  # ... but neither package dominates
