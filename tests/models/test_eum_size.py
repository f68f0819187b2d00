"""Issue 16 item 1: the EUM on 1,000 actors x 100 issues ran for over 240 s without a
word.  Its time is estimated before the run and a run above ``max_seconds`` (120 s) is
refused with the figures and how to go ahead."""

from __future__ import annotations

import numpy as np
import pytest

from negotia.errors import ParameterError
from negotia.models import run_model
from negotia.models.eum import SECONDS_PER_PAIR_ROUND, time_estimate
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
