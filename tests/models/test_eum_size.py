"""Issue 16 item 1: the EUM on 1,000 actors x 100 issues ran for over 240 s without a
word.  Its time is estimated before the run and a run above ``max_seconds`` (120 s) is
refused with the figures and how to go ahead."""

from __future__ import annotations

import numpy as np
import pytest

from negotia.errors import ParameterError
from negotia.models import run_model
from negotia.models.eum import (
    BYTES_PER_ACTOR_ROUND,
    BYTES_PER_PAIR_IN_CHUNK,
    SECONDS_PER_PAIR_ROUND,
    memory_estimate,
    time_estimate,
)
from negotia.scenario.arrays import ScenarioArrays
from tests.conftest import run_cli


def synthetic(n_actors: int, n_issues: int, batch: int = 1) -> ScenarioArrays:
    rng = np.random.default_rng(0)
    shape = (batch, n_actors, n_issues)
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(n_actors)),
        issue_ids=tuple(f"I{k}" for k in range(n_issues)),
        position=rng.random(shape),
        salience=rng.uniform(0.05, 1.0, shape),
        capability=np.ones(shape),
        present=np.ones(shape, dtype=bool),
        scale_min=np.zeros(n_issues),
        scale_max=np.full(n_issues, 100.0),
        status_quo=np.full((batch, n_issues), np.nan),
    )


def test_estimate_is_linear_in_issues_rounds_and_batch() -> None:
    one = time_estimate(synthetic(50, 10), 10)
    assert one == pytest.approx(SECONDS_PER_PAIR_ROUND * 2500 * 10 * 10)  # the bench's own case
    assert time_estimate(synthetic(50, 20), 10) == pytest.approx(2 * one)
    assert time_estimate(synthetic(50, 10), 20) == pytest.approx(2 * one)
    assert time_estimate(synthetic(50, 10, batch=3), 10) == pytest.approx(3 * one)


def test_the_case_of_the_issue_is_refused_before_it_runs() -> None:
    with pytest.raises(ParameterError) as e:
        run_model("eum", synthetic(1000, 100))
    text = str(e.value)
    assert "1,000 actors x 100 issues, 10 rounds" in text and "about 189 s" in text
    assert "--max-seconds" in text


def test_cli_max_seconds_refuses_and_goes_ahead() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "eum", "--max-seconds", "0")
    assert r.returncode == 2 and "would take about" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("forecast", "ukraine-2025", "-m", "eum", "--max-seconds", "10")
    assert r.returncode == 0, r.stderr


def test_memory_estimate_counts_the_trace_and_each_threads_chunk() -> None:
    # 1,000 actors on one issue: one run, doubled to a chunk of two (A*A*2 pair elements)
    one = synthetic(1000, 1)
    assert memory_estimate(one, 2) == pytest.approx(
        BYTES_PER_ACTOR_ROUND * 3 * 1000 + BYTES_PER_PAIR_IN_CHUNK * 1000**2 * 2
    )
    # a thread holds one chunk at a time; a second thread only helps with a second run
    assert memory_estimate(one, 2, threads=2) == memory_estimate(one, 2)
    two = synthetic(1000, 2)
    assert memory_estimate(two, 2, threads=2) - memory_estimate(two, 2) == pytest.approx(
        BYTES_PER_PAIR_IN_CHUNK * 1000**2 * 2
    )
    # the trace grows with rounds x runs x actors
    big = synthetic(10, 10, batch=100)
    assert memory_estimate(big, 21) - memory_estimate(big, 10) == pytest.approx(
        BYTES_PER_ACTOR_ROUND * 11 * 1000 * 10
    )


def test_memory_estimate_bounds_the_measured_peak() -> None:
    """The estimate is an upper bound of tracemalloc's peak, within a factor 2."""
    import tracemalloc

    arrays = synthetic(150, 2, batch=2)
    tracemalloc.start()
    try:
        run_model("eum", arrays, rounds=3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    need = memory_estimate(arrays, 3)
    assert peak <= need <= 2 * peak


def test_a_run_above_the_memory_limit_is_refused_with_the_figure() -> None:
    arrays = synthetic(10, 10, batch=5000)  # 20 rounds: about 0.7 GB of trace
    need = memory_estimate(arrays, 20)
    with pytest.raises(ParameterError) as e:
        run_model("eum", arrays, rounds=20, max_gb=0.5)
    assert f"about {need / 1e9:,.1f} GB of memory" in str(e.value) and "--max-gb 2" in str(e.value)


def test_cli_max_gb_refuses_with_exit_status_2() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "eum", "--max-gb", "0")
    assert r.returncode == 2 and "GB of memory" in r.stderr and "Traceback" not in r.stderr
