"""Monte Carlo summaries against analytic cases, determinism across backends, errors."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest
from scipy import stats

from negotia.api import load_scenario
from negotia.ensemble import PerturbationSpec, monte_carlo
from negotia.ensemble.backends import DaskBackend
from negotia.errors import BackendError, ParameterError, UnknownNameError
from negotia.models import REGISTRY, get_model, model_names
from negotia.models.base import Forecast, ModelInfo
from negotia.scenario.schema import Scenario
from tests.ensemble.conftest import make_scenario

ONLY_STATED = PerturbationSpec(position_sd=0.0, salience_sd=0.0)

# The compromise forecast of `linear_scenario` is linear in positions:
# y = sum_a c_a x_a with c = (2, 1, 1) * 0.5 / 2 = (0.5, 0.25, 0.25), so under independent
# normal noise with sds (4, 6, 8) it is normal with mean 47.5 and
# sd = sqrt(0.5^2 4^2 + 0.25^2 6^2 + 0.25^2 8^2) = sqrt(10.25).  The positions are at
# least 5 sds from the scale bounds, so the truncation moves the mean by < 1e-4.
MU, SIGMA = 47.5, math.sqrt(10.25)
N = 20_000


@pytest.fixture
def linear_run(linear_scenario: Scenario):
    return monte_carlo(linear_scenario, "compromise", N, seed=11, perturbation=ONLY_STATED)


def test_mean_equals_unperturbed_forecast_within_sampling_error(linear_run) -> None:
    s = linear_run.issue("x")
    assert s.forecast == pytest.approx(MU)
    assert s.se == pytest.approx(s.sd / math.sqrt(N))
    assert abs(s.mean - MU) < 4 * s.se
    assert abs(s.median - MU) < 4 * 1.2533 * s.se  # se of a normal sample's median


def test_sd_and_interval_match_the_normal_distribution(linear_run) -> None:
    s = linear_run.issue("x")
    assert abs(s.sd - SIGMA) < 4 * SIGMA / math.sqrt(2 * (N - 1))
    z = stats.norm.ppf(0.95)
    # se of a sample quantile: sqrt(p (1 - p) / n) / density at the quantile.
    q_se = math.sqrt(0.05 * 0.95 / N) / (stats.norm.pdf(z) / SIGMA)
    assert abs(s.q05 - (MU - z * SIGMA)) < 4 * q_se
    assert abs(s.q95 - (MU + z * SIGMA)) < 4 * q_se


def test_histogram_covers_every_draw(linear_run) -> None:
    s = linear_run.issue("x")
    assert sum(s.hist_counts) == N == s.n_valid
    assert s.hist_edges[0] == 0.0 and s.hist_edges[-1] == 100.0
    assert len(s.hist_counts) == 20


def test_red_line_crossing_probability_is_the_normal_tail(linear_run) -> None:
    risks = {r.actor: r for r in linear_run.issue("x").red_lines}
    # C accepts >= 50: crossed when the outcome < 50.  A accepts <= 45: crossed when > 45.
    expect = {"C": stats.norm.cdf(50, MU, SIGMA), "A": stats.norm.sf(45, MU, SIGMA)}
    assert set(risks) == set(expect)
    for actor, p in expect.items():
        r = risks[actor]
        assert r.se == pytest.approx(math.sqrt(r.probability * (1 - r.probability) / N))
        assert abs(r.probability - p) < 4 * math.sqrt(p * (1 - p) / N)
    assert risks["C"].min == 50.0 and risks["C"].max is None


def test_no_uncertainty_gives_a_point_mass(linear_scenario: Scenario) -> None:
    r = monte_carlo(
        linear_scenario, "compromise", 100, seed=1, perturbation=PerturbationSpec(0.0, 0.0)
    ).to_dict()
    # The stances state a position sd, so only strip the scenario's own uncertainty:
    sc = linear_scenario.model_copy(
        update={"stances": [s.model_copy(update={"uncertainty": None}) for s in linear_scenario.stances]}
    )
    s = monte_carlo(sc, "compromise", 100, seed=1, perturbation=PerturbationSpec(0.0, 0.0)).issue("x")
    assert s.sd == 0 and s.q05 == s.q95 == s.forecast == pytest.approx(MU)
    assert r["issues"][0]["sd"] > 0


def _strip_timing(d: dict) -> dict:
    d = dict(d)
    d.pop("seconds")
    d.pop("backend")
    return d


def test_same_summaries_for_any_chunk_size(linear_scenario: Scenario, small_blocks: None) -> None:
    runs = [
        monte_carlo(linear_scenario, "compromise", 3000, seed=5, chunk_size=c) for c in (None, 1, 1024, 5000)
    ]
    first = _strip_timing(runs[0].to_dict(outcomes=True))
    for r in runs[1:]:
        np.testing.assert_array_equal(r.outcome, runs[0].outcome)
        assert _strip_timing(r.to_dict(outcomes=True)) == first


def test_same_summaries_serial_and_process_pool(linear_scenario: Scenario, small_blocks: None) -> None:
    serial = monte_carlo(linear_scenario, "median", 2500, seed=9, chunk_size=600)
    pool = monte_carlo(linear_scenario, "median", 2500, seed=9, backend="processes", workers=2)
    np.testing.assert_array_equal(serial.outcome, pool.outcome)
    assert _strip_timing(serial.to_dict()) == _strip_timing(pool.to_dict())
    assert pool.backend.startswith("processes")


@pytest.mark.dask
def test_same_summaries_on_a_local_dask_cluster(linear_scenario: Scenario, small_blocks: None) -> None:
    serial = monte_carlo(linear_scenario, "compromise", 2500, seed=9)
    with DaskBackend(workers=2, processes=True, timeout=30) as dask:
        one = monte_carlo(linear_scenario, "compromise", 2500, seed=9, backend=dask, chunk_size=512)
        other = monte_carlo(linear_scenario, "nash", 600, seed=9, backend=dask)
    np.testing.assert_array_equal(serial.outcome, one.outcome)
    assert _strip_timing(serial.to_dict()) == _strip_timing(one.to_dict())
    np.testing.assert_array_equal(other.outcome, monte_carlo(linear_scenario, "nash", 600, seed=9).outcome)


def test_default_blocks_of_the_bundled_scenario_are_the_same_on_every_backend() -> None:
    # ukraine-2025 (16 actors x 12 issues) draws blocks of 2048 variants: 5000 variants are
    # three blocks, run as one task, as tasks of one block each, and in a process pool.
    sc = load_scenario("ukraine-2025")
    one = monte_carlo(sc, "compromise", 5000, seed=3)
    split = monte_carlo(sc, "compromise", 5000, seed=3, chunk_size=1)
    pool = monte_carlo(sc, "compromise", 5000, seed=3, backend="processes", workers=2)
    for other in (split, pool):
        np.testing.assert_array_equal(other.outcome, one.outcome)
        assert _strip_timing(other.to_dict()) == _strip_timing(one.to_dict())


def test_other_seed_other_draws(linear_scenario: Scenario) -> None:
    a = monte_carlo(linear_scenario, "compromise", 200, seed=1)
    b = monte_carlo(linear_scenario, "compromise", 200, seed=2)
    assert not np.array_equal(a.outcome, b.outcome)
    assert a.seed == 1


@pytest.mark.parametrize("name", model_names())
def test_every_registered_model_runs_through_monte_carlo(name: str, linear_scenario: Scenario) -> None:
    info = get_model(name).MODEL_INFO
    r = monte_carlo(linear_scenario, name, 6, seed=3)
    assert r.outcome.shape == (6, 1)
    assert np.all((r.outcome >= 0) & (r.outcome <= 1))
    if info.dynamic:
        assert r.rounds is not None and r.rounds.shape == (6,)
        assert sum(r.rounds_summary.counts.values()) == 6


# A stochastic stand-in: outcome = weighted mean + rng noise, one rounds count per draw.
def _noisy_forecast(arrays, *, rng=None, **params):
    base = get_model("compromise").forecast(arrays)
    noise = rng.random(base.outcome.shape) * 1e-3
    return Forecast(
        model="noisy",
        issue_ids=arrays.issue_ids,
        outcome=np.clip(base.outcome + noise, 0, 1),
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        rounds=rng.integers(1, 5, size=arrays.batch),
    )


NOISY = types.SimpleNamespace(
    MODEL_INFO=ModelInfo("noisy", "t", "c", "s", stochastic=True, dynamic=True), forecast=_noisy_forecast
)


def test_stochastic_model_rng_is_per_block(
    linear_scenario: Scenario, monkeypatch, small_blocks: None
) -> None:
    monkeypatch.setitem(REGISTRY, "noisy", NOISY)
    a = monte_carlo(linear_scenario, "noisy", 2100, seed=4, chunk_size=512)
    b = monte_carlo(linear_scenario, "noisy", 2100, seed=4)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    assert a.rounds_summary.min >= 1 and a.rounds_summary.max <= 4
    assert sum(a.rounds_summary.counts.values()) == 2100


@pytest.mark.parametrize("n", [0, -10])
def test_non_positive_n_is_an_error(n: int, linear_scenario: Scenario) -> None:
    with pytest.raises(ParameterError, match="positive integer"):
        monte_carlo(linear_scenario, "compromise", n)


def test_unknown_model_is_an_error(linear_scenario: Scenario) -> None:
    with pytest.raises(UnknownNameError, match="unknown model 'nope'"):
        monte_carlo(linear_scenario, "nope", 10)


def test_bad_model_parameter_is_an_error(linear_scenario: Scenario) -> None:
    with pytest.raises(ParameterError, match="weights"):
        monte_carlo(linear_scenario, "compromise:weights=heavy", 10)


def test_unreachable_scheduler_is_a_backend_error(linear_scenario: Scenario) -> None:
    with pytest.raises(BackendError, match=r"tcp://127\.0\.0\.1:9"):
        monte_carlo(linear_scenario, "compromise", 10, scheduler="tcp://127.0.0.1:9", timeout=1)


def test_unknown_backend_is_an_error(linear_scenario: Scenario) -> None:
    with pytest.raises(ParameterError, match="unknown backend"):
        monte_carlo(linear_scenario, "compromise", 10, backend="gpu")


def test_dropout_changes_the_spread(linear_scenario: Scenario) -> None:
    plain = monte_carlo(linear_scenario, "compromise", 4000, seed=2, perturbation=ONLY_STATED)
    drop = monte_carlo(
        linear_scenario, "compromise", 4000, seed=2, perturbation=PerturbationSpec(0.0, 0.0, dropout=0.3)
    )
    assert drop.issue("x").sd > plain.issue("x").sd


def test_empty_scenario_uncertainty_uses_the_default(linear_scenario: Scenario) -> None:
    sc = make_scenario([{"actor": "A", "issue": "x", "position": 50, "salience": 0.5}])
    s = monte_carlo(sc, "compromise", 5000, seed=1, perturbation=PerturbationSpec(position_sd=0.1)).issue("x")
    # One actor: the forecast is its position, sd 0.1 of the 0-100 span = 10.
    assert abs(s.sd - 10.0) < 4 * 10 / math.sqrt(2 * 4999)


def test_progress_reports_every_variant_once(linear_scenario: Scenario, small_blocks: None) -> None:
    seen: list[int] = []
    monte_carlo(linear_scenario, "compromise", 2500, seed=1, chunk_size=1000, progress=seen.append)
    assert sum(seen) == 2500 and len(seen) == 3


@pytest.mark.dask
def test_existing_scheduler_by_address(linear_scenario: Scenario) -> None:
    from distributed import LocalCluster

    serial = monte_carlo(linear_scenario, "compromise", 1500, seed=4)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        remote = monte_carlo(
            linear_scenario, "compromise", 1500, seed=4, scheduler=cluster.scheduler_address, timeout=20
        )
    assert cluster.scheduler_address in remote.backend
    np.testing.assert_array_equal(serial.outcome, remote.outcome)
    assert _strip_timing(serial.to_dict()) == _strip_timing(remote.to_dict())
