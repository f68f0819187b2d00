"""Issue 16 item 1: the exchange model reached 8-9 GB within 90 s on 200 actors x 100
issues, with no warning and no progress, and the default `forecast` runs it.  Its memory
and time are now estimated before the run, a run above ``max_gb`` (4 GB) or
``max_seconds`` (120 s) is refused with the numbers, and it reports each round."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from negotia.errors import ParameterError
from negotia.models import run_model
from negotia.models.exchange import (
    BYTES_PER_EXCHANGE,
    SECONDS_PER_CANDIDATE_ROUND,
    size_estimate,
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


def test_estimate_of_a_full_table() -> None:
    # Every actor on every issue: C(I, 2) pairs of issues, A**2 / 8 exchanges on each.
    n, need = size_estimate(synthetic(10, 4))
    assert n == 6 * 100 // 8 and need == n * BYTES_PER_EXCHANGE


def test_the_case_of_the_issue_is_refused_before_it_runs() -> None:
    with pytest.raises(ParameterError) as e:
        run_model("exchange", synthetic(200, 100))
    text = str(e.value)
    assert "200 actors x 100 issues" in text and "24,750,000 candidate exchanges" in text
    assert "5.0 GB" in text and "--max-gb" in text


def test_cli_refuses_with_the_numbers_and_max_gb_goes_ahead(tmp_path: Path) -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "exchange", "--max-gb", "0")
    assert r.returncode == 2 and "candidate exchanges a round" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    r = run_cli("forecast", "ukraine-2025", "-m", "exchange", "--max-gb", "1", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["forecasts"]


def test_time_estimate_counts_every_candidate_of_every_round_and_variant() -> None:
    # 10 x 4, every actor on every issue: 6 pairs of issues x 100 / 8 candidates a round.
    one = time_estimate(synthetic(10, 4), 10)
    assert one == pytest.approx(SECONDS_PER_CANDIDATE_ROUND * 75 * 10)
    assert time_estimate(synthetic(10, 4), 20) == pytest.approx(2 * one)
    assert time_estimate(synthetic(10, 4, batch=3), 10) == pytest.approx(3 * one)


def test_a_run_longer_than_max_seconds_is_refused_with_the_numbers() -> None:
    # 100 x 30: 435 pairs of issues x 1,250 candidates, 10 rounds: about 5 s at 1 us each.
    with pytest.raises(ParameterError) as e:
        run_model("exchange", synthetic(100, 30), max_seconds=1)
    text = str(e.value)
    assert "100 actors x 30 issues, 10 rounds" in text and "about 5 s" in text
    assert "--max-seconds 11" in text


def test_progress_hears_after_every_round() -> None:
    heard: list[tuple[int, int]] = []
    run_model("exchange", synthetic(6, 3), rounds=3, progress=lambda k, n: heard.append((k, n)))
    assert heard == [(1, 3), (2, 3), (3, 3)]


def test_cli_max_seconds_refuses_before_the_run() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "exchange", "--max-seconds", "0")
    assert r.returncode == 2 and "would take about" in r.stderr and "--max-seconds" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
