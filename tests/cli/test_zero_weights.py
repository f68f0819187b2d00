"""Issue 16 item 3 (no silent wrong answer): an issue on which every salience is 0 was
forecast as the plain mean of the positions (every weight capability x salience 0, the
models fell back on equal weights) without a word.  The command line now refuses it,
naming the issue and the field; the library's forecasts say so in their notes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import negotia
from negotia.models import model_names, run_model
from negotia.scenario.arrays import ScenarioArrays
from tests.conftest import run_cli

SCENARIO = """\
name: zero saliences on y
actors: [{id: A, capability: 1}, {id: B, capability: 3}]
issues: [{id: x}, {id: y}]
stances:
  - {actor: A, issue: x, position: 20, salience: 0.5}
  - {actor: B, issue: x, position: 80, salience: 0.5}
  - {actor: A, issue: y, position: 20, salience: 0}
  - {actor: B, issue: y, position: 80, salience: 0}
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "zero.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


def test_cli_refuses_an_issue_nobody_weights(path: Path) -> None:
    for fmt in ("table", "csv", "json"):
        r = run_cli("forecast", str(path), "-m", "compromise", "--format", fmt)
        assert r.returncode == 2, fmt
        assert "issue 'y': every stance on it has salience 0" in r.stderr
        assert r.stdout == "" and "Traceback" not in r.stderr


def test_cli_goes_ahead_when_asked_for_equal_weights(path: Path) -> None:
    r = run_cli("forecast", str(path), "-m", "compromise:weights=equal", "--format", "csv")
    # the unweighted mean of 20 and 80 on both issues, by hand
    assert r.returncode == 0, r.stderr
    assert "x,compromise:weights=equal,50.0" in r.stdout and "y,compromise:weights=equal,50.0" in r.stdout


def test_every_model_names_the_issue_in_its_notes(path: Path) -> None:
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario(path))
    for name in model_names():
        fc = run_model(name, arrays)
        flagged = [n for n in fc.notes if "every actor's weight" in n]
        if name == "exchange":  # no fallback: nobody moves on an issue without salience
            continue
        assert len(flagged) == 1 and "issue 'y'" in flagged[0] and "'x'" not in flagged[0], name


def test_the_fallback_itself_is_the_plain_mean_and_median(path: Path) -> None:
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario(path))
    # positions 20 and 80 on 0-100: mean 50 (by hand); the median of two equal weights
    # splits the difference (the module's documented rule), 50 too
    for name in ("compromise", "median"):
        fc = run_model(name, arrays)
        assert fc.outcome[0, 1] * 100 == pytest.approx(50.0)


def test_no_note_with_equal_weights_or_weighted_issues(path: Path) -> None:
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario(path))
    assert run_model("compromise", arrays, weights="equal").notes == []
    sal = arrays.salience.copy()
    sal[..., 1] = 0.3
    assert run_model("median", arrays.replace(salience=sal)).notes == []


def test_a_batch_counts_the_runs(path: Path) -> None:
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario(path)).repeat(3)
    sal = arrays.salience.copy()
    sal[1, :, 1] = 0.5  # batch element 1 weights issue y
    fc = run_model("nash", arrays.replace(salience=sal))
    assert any("in 2 of 6 (batch element, issue) runs" in n for n in fc.notes)
    assert np.isfinite(fc.outcome).all()
