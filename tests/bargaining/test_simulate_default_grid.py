"""``negotia simulate`` on a case with many issues: the default options of the bundled
12-issue ukraine-2025 make 292,968,750 packages (5^12-ish), beyond what the agents hold,
and the command used to stop with "lower --resolution".  It now coarsens the largest
issues first and says so; these tests pin that behaviour."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.api import simulate
from negotia.bargaining.simulation import fitting_resolution
from negotia.bargaining.space import OutcomeSpace, grid_options
from tests.conftest import run_cli


def _space(sizes: list[int]) -> OutcomeSpace:
    return OutcomeSpace(tuple(grid_options(f"i{k}", f"i{k}", 0, 100, n) for k, n in enumerate(sizes)))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(2, 30), min_size=1, max_size=14), st.integers(1, 10**7))
def test_fitting_resolution_fits_and_only_coarsens(sizes: list[int], limit: int) -> None:
    out = fitting_resolution(_space(sizes), limit)
    final = [out.get(f"i{k}", n) for k, n in enumerate(sizes)]
    assert all(2 <= f <= n for f, n in zip(final, sizes, strict=True))
    assert set(out) == {f"i{k}" for k, (f, n) in enumerate(zip(final, sizes, strict=True)) if f < n}
    # fits whenever two options per issue fit at all
    if 2 ** len(sizes) <= limit:
        assert math.prod(final) <= limit
    # the largest issue is coarsened first, so a coarsened issue ends within one option of
    # the largest remaining one (no issue is cut far below the others)
    for key in out:
        assert out[key] >= max(final) - 1


def test_fitting_resolution_leaves_a_small_space_alone() -> None:
    assert fitting_resolution(_space([5, 7, 11]), 1000) == {}


def test_simulate_on_the_bundled_12_issue_case_runs_on_a_coarser_grid() -> None:
    run = simulate("ukraine-2025")
    note = next(n for n in run.notes if "coarser grid" in n)
    assert "292,968,750 packages" in note and "--resolution to choose" in note
    # an explicit resolution is the user's choice and is not coarsened
    res = run_cli("simulate", "ukraine-2025", "--resolution", "anchors")
    assert res.returncode == 2 and "lower --resolution" in " ".join(res.stderr.split())
