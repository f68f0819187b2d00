"""The largest settleable partial packages against an exhaustive search (small cases).

negotia.agreement.settle searches only the contested issues (module docstring: an issue
whose red lines do not overlap never settles; a free issue can always be added); trying
all 2^K subsets with the kernel must give the same sets.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.bargaining.feasible import settle
from tests.bargaining.test_feasible import rows_of, small_cases


@settings(max_examples=80)
@given(small_cases(max_issues=4), st.booleans())
def test_largest_partial_package_equals_the_search_over_every_subset(sc, reserve) -> None:
    """The largest settleable partial packages (negotia.agreement.settle, which searches
    only the contested issues) against trying every one of the 2^K subsets."""
    from itertools import combinations

    from negotia.agreement.settle import settled_sets

    if reserve:  # explicit reservation values above the status quo's utility
        data = sc.model_dump()
        data["metadata"] = {"reservation": {a: 0.55 for a in sc.required_parties}}
        sc = type(sc).model_validate(data)
    rows = rows_of(sc)
    K = rows.n_issues
    found: list[tuple[int, ...]] = []
    for size in range(K, 0, -1):
        for c in combinations(range(K), size):
            mask = np.zeros(K, dtype=bool)
            mask[list(c)] = True
            if settle(rows, mask).feasible[0]:
                found.append(c)
        if found:
            break
    expected = np.mean([np.isin(np.arange(K), c) for c in found], axis=0) if found else np.zeros(K)
    assert np.allclose(settled_sets(rows).inclusion[0], expected)
