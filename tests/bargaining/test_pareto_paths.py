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

from negotia.bargaining.pareto import _front_3_sweep, pareto_mask, pareto_mask_bruteforce

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
