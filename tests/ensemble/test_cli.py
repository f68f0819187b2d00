"""The montecarlo and sensitivity commands through the installed entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

SCENARIO = """\
name: cli test
actors:
  - {id: A, capability: 2}
  - {id: B, capability: 1}
  - {id: C, capability: 1}
issues:
  - {id: x, scale: {min: 0, max: 100}}
stances:
  - {actor: A, issue: x, position: 40, salience: 0.5, uncertainty: {position: 4}}
  - {actor: B, issue: x, position: 50, salience: 0.5, uncertainty: {position: 6}}
  - {actor: C, issue: x, position: 60, salience: 0.5, uncertainty: {position: 8}}
red_lines:
  - {actor: C, issue: x, min: 50}
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_montecarlo_json(scenario_file: Path) -> None:
    args = ["montecarlo", str(scenario_file), "-m", "compromise", "-n", "5000", "--seed", "3"]
    r = run_cli(*args, "--salience-sd", "0", "--position-sd", "0", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    x = d["issues"][0]
    # Analytic case (see test_montecarlo): mean 47.5, sd sqrt(10.25) = 3.20.
    assert d["n"] == 5000 and d["seed"] == 3 and d["model"] == "compromise"
    assert abs(x["mean"] - 47.5) < 4 * x["se"]
    assert abs(x["sd"] - 3.2016) < 0.15
    assert x["red_lines"][0]["actor"] == "C"
    # Same seed through processes: the same summaries.
    r2 = run_cli(
        *args, "--salience-sd", "0", "--position-sd", "0", "--format", "json", "--backend", "processes"
    )
    d2 = json.loads(r2.stdout)
    assert d2["issues"] == d["issues"]


def test_montecarlo_table_on_the_bundled_scenario() -> None:
    # The "done" check: 100 000 variants of ukraine-2025 with the compromise model.
    r = run_cli("montecarlo", "ukraine-2025", "--model", "compromise", "-n", "100000")
    assert r.returncode == 0, r.stderr
    assert "100,000 variants" in r.stdout
    assert "5–95 %" in r.stdout and "Red lines" in r.stdout and "P(crossed)" in r.stdout


def test_model_options_pass_through(scenario_file: Path) -> None:
    r = run_cli("montecarlo", str(scenario_file), "-n", "50", "--weights", "equal", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["params"] == {"weights": "equal"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "positive"),
        (["-n", "-5"], "positive"),
        (["-m", "nope"], "unknown model 'nope'"),
        (["--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"], "tcp://127.0.0.1:9"),
        (["--dropout", "1.5"], "dropout"),
    ],
)
def test_montecarlo_bad_input_is_a_clear_error(scenario_file: Path, args: list[str], message: str) -> None:
    r = run_cli("montecarlo", str(scenario_file), *args)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout == ""


def test_negative_uncertainty_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "neg.yaml"
    path.write_text(SCENARIO.replace("uncertainty: {position: 6}", "uncertainty: {position: -6}"))
    r = run_cli("montecarlo", str(path), "-n", "10")
    assert r.returncode == 2
    assert "stances[1].uncertainty.position" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_sensitivity_table_and_json(scenario_file: Path) -> None:
    r = run_cli(
        "sensitivity",
        str(scenario_file),
        "--method",
        "morris",
        "-n",
        "10",
        "--dist",
        "uniform",
        "--inputs",
        "position",
        "--position-sd",
        "0",
        "--salience-sd",
        "0",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    # Linear case of test_sensitivity: mu* = (8, 6, 8).
    assert [round(v, 6) for v in d["indices"]["x"]["mu_star"]] == [8.0, 6.0, 8.0]
    t = run_cli("sensitivity", str(scenario_file), "--method", "sobol", "-n", "64", "--group-by", "actor")
    assert t.returncode == 0, t.stderr
    assert "total ST" in t.stdout and "A" in t.stdout


def test_sensitivity_bad_method(scenario_file: Path) -> None:
    r = run_cli("sensitivity", str(scenario_file), "--method", "fast")
    assert r.returncode == 2 and "fast" in r.stderr
