"""Perturbation: truncation to the valid range, the sd of each input, seeded streams."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from negotia.ensemble.perturb import (
    BLOCK,
    BLOCK_CELLS,
    BLOCK_MAX,
    Perturbation,
    PerturbationSpec,
    block_size,
    perturb,
    truncated_normal,
)
from negotia.errors import InputError, ParameterError
from negotia.scenario.schema import Scenario
from tests.ensemble.conftest import make_scenario


def test_truncated_normal_matches_scipy_truncnorm() -> None:
    # Expected distribution: scipy.stats.truncnorm (an independent implementation).
    # Mean 0.9 with sd 0.3 on [0, 1]: a heavily truncated case.
    u = np.random.default_rng(1).random(20_000)
    x = truncated_normal(np.array(0.9), np.array(0.3), 0.0, 1.0, u)
    assert x.min() >= 0.0 and x.max() <= 1.0
    ref = stats.truncnorm((0 - 0.9) / 0.3, (1 - 0.9) / 0.3, loc=0.9, scale=0.3)
    assert stats.kstest(x, ref.cdf).pvalue > 0.01
    assert abs(x.mean() - ref.mean()) < 4 * ref.std() / np.sqrt(x.size)


def test_zero_sd_gives_the_value_exactly() -> None:
    u = np.random.default_rng(2).random((5, 3))
    mean = np.array([0.0, 0.37, 1.0])
    np.testing.assert_array_equal(truncated_normal(mean, np.zeros(3), 0.0, 1.0, u), np.tile(mean, (5, 1)))


def test_capability_truncated_at_zero_only() -> None:
    u = np.random.default_rng(3).random(10_000)
    x = truncated_normal(np.array(1.0), np.array(5.0), 0.0, np.inf, u)
    assert x.min() >= 0.0 and x.max() > 5.0


def _one_stance(position: float, sd: float, capability: float = 1.0, cap_sd: float = 0.0) -> Perturbation:
    """One actor on one 0-100 issue, with a position sd (and a capability sd) stated."""
    sc = make_scenario(
        [
            {
                "actor": "A",
                "issue": "x",
                "position": position,
                "salience": 0.5,
                "uncertainty": {"position": sd, "salience": 0.0, "capability": cap_sd},
            }
        ],
        actors=[{"id": "A", "capability": capability}],
    )
    return Perturbation.from_scenario(sc)


@pytest.mark.parametrize(
    ("position", "sd", "method"),
    [
        # 30 +- 20 on 0-100: 93 % of the normal's mass is in range -> rejection.
        (30.0, 20.0, "rejection"),
        # 97 +- 5: 73 % in range -> the inverse CDF.
        (97.0, 5.0, "inverse"),
        # On the bound: half the mass -> the inverse CDF.
        (0.0, 10.0, "inverse"),
    ],
)
def test_drawn_positions_follow_scipy_truncnorm(position: float, sd: float, method: str) -> None:
    # Expected distribution: scipy.stats.truncnorm (an independent implementation), by a
    # Kolmogorov-Smirnov test at a fixed seed (20,000 draws, about 1,000 ppm resolution).
    pert = _one_stance(position, sd)
    plan = pert._plan[0]
    assert (plan.rej_cells.size, plan.inv_cells.size) == ((1, 0) if method == "rejection" else (0, 1))
    x = 100 * pert.draw(np.random.SeedSequence(2024), 0, 20_000).position[:, 0, 0]
    assert x.min() >= 0.0 and x.max() <= 100.0
    ref = stats.truncnorm(-position / sd, (100 - position) / sd, loc=position, scale=sd)
    assert stats.kstest(x, ref.cdf).pvalue > 0.01
    assert abs(x.mean() - ref.mean()) < 4 * ref.std() / np.sqrt(x.size)


def test_drawn_capabilities_follow_scipy_truncnorm_on_the_half_line() -> None:
    # Capability 10 +- 4, truncated at 0 only (99.4 % in range -> rejection); expected:
    # scipy.stats.truncnorm with an infinite upper bound.
    pert = _one_stance(50.0, 0.0, capability=10.0, cap_sd=4.0)
    assert pert._plan[2].rej_cells.size == 1
    x = pert.draw(np.random.SeedSequence(7), 0, 20_000).capability[:, 0, 0]
    ref = stats.truncnorm(-2.5, np.inf, loc=10.0, scale=4.0)
    assert x.min() >= 0.0
    assert stats.kstest(x, ref.cdf).pvalue > 0.01


def test_only_perturbed_stances_are_drawn() -> None:
    sc = make_scenario(
        [
            {"actor": "A", "issue": "x", "position": 20, "salience": 0.4, "uncertainty": {"position": 5}},
            {"actor": "B", "issue": "x", "position": 70, "salience": 0.6, "uncertainty": {"position": 0}},
            {"actor": "A", "issue": "y", "position": 30, "salience": 0.5},
        ]
    )
    pert = Perturbation.from_scenario(sc, PerturbationSpec(position_sd=0.0, salience_sd=0.0))
    # Only A's position on x is drawn; B is absent from y.
    assert [p.rej_cells.size + p.inv_cells.size for p in pert._plan] == [1, 0, 0]
    arrays = pert.draw(np.random.SeedSequence(3), 0, 3000)
    assert arrays.position[:, 0, 0].std() > 0.01
    np.testing.assert_array_equal(arrays.position[:, 1, 0], 0.7)
    np.testing.assert_array_equal(arrays.position[:, 0, 1], 0.3)
    np.testing.assert_array_equal(arrays.salience[:, :, 0], np.tile([0.4, 0.6], (3000, 1)))
    assert not arrays.present[:, 1, 1].any() and np.all(arrays.position[:, 1, 1] == 0)


def test_turning_other_noise_on_keeps_the_position_draws() -> None:
    ss = np.random.SeedSequence(12)
    plain = Perturbation.from_scenario(_wide()).draw(ss, 0, 2000)
    noisy = Perturbation.from_scenario(_wide(), PerturbationSpec(capability_noise=0.3, dropout=0.2))
    other = noisy.draw(ss, 0, 2000)
    assert not np.array_equal(other.capability, plain.capability)
    kept = other.present
    np.testing.assert_array_equal(other.position[kept], plain.position[kept])
    np.testing.assert_array_equal(other.salience[kept], plain.salience[kept])


def test_block_size_follows_the_scenario_shape() -> None:
    # ukraine-2025 is 16 actors x 12 issues: 2048 variants keep 393,216 cells an array.
    assert block_size(16, 12) == 2048
    assert block_size(1, 1) == BLOCK_MAX
    assert block_size(100, 50) == BLOCK  # never below the smallest block
    for a, i in ((1, 1), (3, 2), (16, 12), (40, 30)):
        size = block_size(a, i)
        assert size & (size - 1) == 0 and BLOCK <= size <= BLOCK_MAX
        assert size == BLOCK or size * a * i <= BLOCK_CELLS


def _wide() -> Scenario:
    return make_scenario(
        [
            {"actor": "A", "issue": "x", "position": 0, "salience": 1.0, "uncertainty": {"position": 80}},
            {"actor": "B", "issue": "x", "position": 200, "salience": 0.0, "uncertainty": {"salience": 0.9}},
            {"actor": "A", "issue": "y", "position": 5, "salience": 0.5, "uncertainty": {"capability": 50}},
        ],
        issues=[{"id": "x", "scale": {"min": 0, "max": 200}}, {"id": "y", "scale": {"min": 0, "max": 10}}],
    )


def test_every_draw_stays_in_the_valid_range() -> None:
    arrays = perturb(_wide(), 3000, seed=4, spec=PerturbationSpec(position_sd=0.5, salience_sd=0.5))
    p = arrays.present
    assert np.all((arrays.position[p] >= 0) & (arrays.position[p] <= 1))
    assert np.all((arrays.salience[p] >= 0) & (arrays.salience[p] <= 1))
    assert np.all(arrays.capability[p] >= 0)
    # Draws actually spread (the sds are large), and B absent from y stays absent.
    assert arrays.position[:, 0, 0].std() > 0.1
    assert not p[:, 1, 1].any() and np.all(arrays.position[:, 1, 1] == 0)


def test_stance_uncertainty_on_the_issue_scale_is_divided_by_the_span() -> None:
    pert = Perturbation.from_scenario(_wide(), PerturbationSpec(position_sd=0.01, salience_sd=0.02))
    # A on x states a position sd of 80 on a 0-200 scale -> 0.4; no salience sd -> default.
    assert pert.position_sd[0, 0] == pytest.approx(0.4)
    assert pert.salience_sd[0, 0] == pytest.approx(0.02)
    # B on x states only a salience sd: position takes the default.
    assert pert.position_sd[1, 0] == pytest.approx(0.01)
    assert pert.salience_sd[1, 0] == pytest.approx(0.9)
    # Capability sd where stated, else capability_noise (0) x capability.
    assert pert.capability_sd[0, 1] == pytest.approx(50.0)
    assert pert.capability_sd[0, 0] == 0.0


def test_salience_uncertainty_on_0_100_is_normalised() -> None:
    sc = Scenario.model_validate(
        {
            "salience_scale": 100,
            "actors": [{"id": "A", "capability": 1}],
            "issues": [{"id": "x"}],
            "stances": [
                {"actor": "A", "issue": "x", "position": 50, "salience": 60, "uncertainty": {"salience": 10}}
            ],
        }
    )
    assert Perturbation.from_scenario(sc).salience_sd[0, 0] == pytest.approx(0.10)


def test_capability_noise_is_relative() -> None:
    sc = make_scenario(
        [{"actor": "A", "issue": "x", "position": 50, "salience": 0.5}],
        actors=[{"id": "A", "capability": 40.0}],
    )
    pert = Perturbation.from_scenario(sc, PerturbationSpec(capability_noise=0.1))
    assert pert.capability_sd[0, 0] == pytest.approx(4.0)
    arrays = pert.draw(np.random.SeedSequence(5), 0, 5000)
    assert arrays.capability[:, 0, 0].std() == pytest.approx(4.0, rel=0.05)


def test_draws_do_not_depend_on_how_the_run_is_split() -> None:
    # Small blocks, so that the run spans three of them.
    pert = replace(Perturbation.from_scenario(_wide()), block=BLOCK)
    ss = np.random.SeedSequence(6)
    n = 2 * BLOCK + 37
    whole = pert.draw(ss, 0, n)
    # A shorter run is a prefix of a longer one, and any slice equals the same draws.
    np.testing.assert_array_equal(pert.draw(ss, 0, 100).position, whole.position[:100])
    for a, b in ((0, 1), (BLOCK - 3, BLOCK + 5), (BLOCK, 2 * BLOCK), (700, n)):
        part = pert.draw(ss, a, b)
        for name in ("position", "salience", "capability", "present"):
            np.testing.assert_array_equal(getattr(part, name), getattr(whole, name)[a:b])
    # Another seed gives other draws.
    assert not np.array_equal(pert.draw(np.random.SeedSequence(7), 0, 100).position, whole.position[:100])


def test_dropout_rate_and_no_issue_left_empty() -> None:
    sc = make_scenario(
        [{"actor": f"A{k}", "issue": "x", "position": 10 * k, "salience": 0.5} for k in range(4)]
        + [{"actor": "A0", "issue": "y", "position": 30, "salience": 0.5}]
    )
    arrays = perturb(sc, 4000, seed=8, spec=PerturbationSpec(dropout=0.3))
    # y has one actor: dropping it would empty the issue, so it always stays.
    assert arrays.present[:, 0, 1].all()
    # On x (4 actors) the chance that all four drop is 0.3^4, and then all are kept;
    # so an actor is absent with probability 0.3 - 0.3^4.
    absent = 1 - arrays.present[:, :, 0].mean()
    assert absent == pytest.approx(0.3 - 0.3**4, abs=4 * np.sqrt(0.3 * 0.7 / 16000))
    assert arrays.present[:, :, 0].any(axis=1).all()
    gone = ~arrays.present
    assert np.all(arrays.position[gone] == 0) and np.all(arrays.salience[gone] == 0)


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_number_of_draws(n: object) -> None:
    with pytest.raises(ParameterError, match="positive integer"):
        perturb(_wide(), n)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spec",
    [
        PerturbationSpec(position_sd=-0.1),
        PerturbationSpec(dropout=1.0),
        PerturbationSpec(salience_sd=float("nan")),
    ],
)
def test_bad_perturbation_options(spec: PerturbationSpec) -> None:
    with pytest.raises(InputError, match="perturbation options"):
        perturb(_wide(), 10, spec=spec)


def test_negative_stance_uncertainty_is_rejected_by_the_schema() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        make_scenario(
            [{"actor": "A", "issue": "x", "position": 5, "salience": 0.5, "uncertainty": {"position": -1}}]
        )
