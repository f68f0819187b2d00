"""The one seed rule (ARCHITECTURE.md, "The seed rule"; negotia.seeding): default 0
everywhere, None means the default, bad seeds are a ParameterError, and child streams are
the ones ``SeedSequence.spawn`` would make."""

from __future__ import annotations

import numpy as np
import pytest

from negotia import seeding
from negotia.api import compare_models, forecast, load_scenario, monte_carlo
from negotia.errors import ParameterError
from negotia.models import run_model
from negotia.scenario.arrays import ScenarioArrays


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True, -(2**70)])
def test_bad_seeds_are_refused(bad: object) -> None:
    with pytest.raises(ParameterError, match="seed"):
        seeding.check_seed(bad)  # type: ignore[arg-type]


def test_none_means_the_default_seed() -> None:
    assert seeding.check_seed(None) == seeding.DEFAULT_SEED == 0
    a = seeding.rng(None).random(5)
    assert np.array_equal(a, np.random.default_rng(0).random(5))
    ss = np.random.SeedSequence(12)
    assert seeding.seed_sequence(ss) is ss


def test_child_streams_are_what_spawn_makes() -> None:
    root = np.random.SeedSequence(42)
    spawned = np.random.SeedSequence(42).spawn(3)[2]
    assert seeding.child(42, 2, 0).spawn_key == (2, 0)
    # spawn makes keys (k,); a purpose adds one level below, the same for a seed or its sequence.
    assert (
        seeding.child(root, 2, 5).generate_state(4).tolist()
        == seeding.child(42, 2, 5).generate_state(4).tolist()
    )
    assert spawned.spawn_key == (2,)


def test_a_stochastic_model_without_seed_equals_seed_zero() -> None:
    sc = load_scenario("ukraine-2025")
    arrays = ScenarioArrays.from_scenario(sc)
    spec = {"ties": "random", "p": 0.2}
    a = run_model("exchange", arrays, **spec)
    b = run_model("exchange", arrays, seed=0, **spec)
    c = run_model("exchange", arrays, seed=1, **spec)
    assert np.array_equal(a.outcome, b.outcome)
    assert a.events == b.events
    assert not (np.array_equal(a.outcome, c.outcome) and a.events == c.events)
    assert np.array_equal(forecast(sc, "exchange", **spec).outcome, b.outcome)
    assert np.array_equal(
        compare_models(sc, ["exchange"])["exchange"].outcome, forecast(sc, "exchange").outcome
    )


def test_monte_carlo_without_seed_equals_seed_zero() -> None:
    a = monte_carlo("ukraine-2025", "compromise", n=200)
    b = monte_carlo("ukraine-2025", "compromise", n=200, seed=0)
    assert a.seed == 0
    strip = ("seconds",)
    da = {k: v for k, v in a.to_dict().items() if k not in strip}
    db = {k: v for k, v in b.to_dict().items() if k not in strip}
    assert da == db
    c = monte_carlo("ukraine-2025", "compromise", n=200, seed=1).to_dict()
    assert c["issues"][0]["mean"] != da["issues"][0]["mean"]


def test_negative_seed_in_a_library_call_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="0 or more"):
        forecast("ukraine-2025", "exchange", seed=-1)
