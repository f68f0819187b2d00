"""Issue 16 item 1: the exchange model reached 8-9 GB within 90 s on 200 actors x 100
issues, with no warning, and the default `forecast` runs it.  Its memory is now
estimated before the run and a run above ``max_gb`` (4 GB) is refused with the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from negotia.errors import ParameterError
from negotia.models import run_model
from negotia.models.exchange import BYTES_PER_EXCHANGE, size_estimate
from negotia.scenario.arrays import ScenarioArrays
from tests.conftest import run_cli


def synthetic(n_actors: int, n_issues: int) -> ScenarioArrays:
    rng = np.random.default_rng(0)
    shape = (1, n_actors, n_issues)
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(n_actors)),
        issue_ids=tuple(f"I{k}" for k in range(n_issues)),
        position=rng.random(shape),
        salience=rng.uniform(0.05, 1.0, shape),
        capability=np.ones(shape),
        present=np.ones(shape, dtype=bool),
        scale_min=np.zeros(n_issues),
        scale_max=np.full(n_issues, 100.0),
        status_quo=np.full((1, n_issues), np.nan),
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
