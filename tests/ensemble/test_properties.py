"""Property tests (hypothesis) of the invariants the ensemble relies on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.ensemble.montecarlo import plan_tasks
from negotia.ensemble.perturb import BLOCK, Perturbation, PerturbationSpec, truncated_normal
from tests.ensemble.conftest import make_scenario

unit = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(
    mean=unit,
    sd=st.floats(0.0, 10.0),
    u=st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=2, max_size=20),
)
def test_truncated_normal_stays_in_range_and_is_monotone(mean: float, sd: float, u: list[float]) -> None:
    uu = np.sort(np.array(u))
    x = truncated_normal(np.array(mean), np.array(sd), 0.0, 1.0, uu)
    assert np.all((x >= 0) & (x <= 1))
    assert np.all(np.diff(x) >= 0)  # the inverse CDF is non-decreasing in u
    if sd == 0:
        assert np.all(x == mean)


@settings(max_examples=100, deadline=None)
@given(mean=st.floats(0.0, 1e6), sd=st.floats(0.0, 1e6), u=st.floats(0.0, 1.0, exclude_max=True))
def test_capability_draws_are_finite_and_non_negative(mean: float, sd: float, u: float) -> None:
    x = truncated_normal(np.array(mean), np.array(sd), 0.0, np.inf, np.array([u]))
    assert np.isfinite(x).all() and (x >= 0).all()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 4 * BLOCK), chunk=st.integers(1, 5000))
def test_tasks_cover_every_variant_once_in_whole_blocks(n: int, chunk: int) -> None:
    for tasks in (plan_tasks(n), plan_tasks(n, chunk)):
        assert tasks[0][0] == 0 and tasks[-1][1] * BLOCK >= n > (tasks[-1][1] - 1) * BLOCK
        assert all(a < b for a, b in tasks)
        assert all(tasks[k][1] == tasks[k + 1][0] for k in range(len(tasks) - 1))


SC = make_scenario(
    [
        {"actor": "A", "issue": "x", "position": 10, "salience": 0.2},
        {"actor": "B", "issue": "x", "position": 90, "salience": 0.9, "uncertainty": {"position": 30}},
        {"actor": "B", "issue": "y", "position": 40, "salience": 0.5},
    ]
)
# Blocks of BLOCK variants (not the default for so small a scenario), so a run spans three.
PERT = replace(
    Perturbation.from_scenario(SC, PerturbationSpec(dropout=0.2, capability_noise=0.3)), block=BLOCK
)
WHOLE = PERT.draw(np.random.SeedSequence(42), 0, 3 * BLOCK)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_slice_of_a_run_equals_the_same_variants_of_the_whole_run(data: st.DataObject) -> None:
    a = data.draw(st.integers(0, 3 * BLOCK - 1))
    b = data.draw(st.integers(a + 1, 3 * BLOCK))
    part = PERT.draw(np.random.SeedSequence(42), a, b)
    for name in ("position", "salience", "capability", "present"):
        np.testing.assert_array_equal(getattr(part, name), getattr(WHOLE, name)[a:b])


@settings(max_examples=40, deadline=None)
@given(
    position=st.floats(0.0, 100.0),
    sd=st.floats(1e-3, 500.0),
    capability=st.floats(0.0, 100.0),
    cap_sd=st.floats(0.0, 100.0),
)
def test_drawn_values_stay_in_their_range(
    position: float, sd: float, capability: float, cap_sd: float
) -> None:
    # Either method (rejection or inverse CDF, chosen by the mass in range) keeps every
    # value in range, and a stance with sd 0 keeps its value.
    sc = make_scenario(
        [
            {
                "actor": "A",
                "issue": "x",
                "position": position,
                "salience": 0.5,
                "uncertainty": {"position": sd, "capability": cap_sd},
            },
            {"actor": "B", "issue": "x", "position": 50, "salience": 0.5, "uncertainty": {"salience": 0}},
        ],
        actors=[{"id": "A", "capability": capability}, {"id": "B", "capability": 1.0}],
    )
    arrays = replace(Perturbation.from_scenario(sc), block=BLOCK).draw(np.random.SeedSequence(1), 0, BLOCK)
    assert np.all((arrays.position >= 0) & (arrays.position <= 1))
    assert np.all((arrays.salience >= 0) & (arrays.salience <= 1))
    assert np.all(np.isfinite(arrays.capability) & (arrays.capability >= 0))
    assert np.all(arrays.salience[:, 1, 0] == 0.5)
