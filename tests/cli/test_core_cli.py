"""The core commands through the installed ``negotia`` entry point, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import reference, run_cli


def test_version_and_help() -> None:
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("negotia ")
    r = run_cli("--help")
    assert r.returncode == 0
    for command in ("forecast", "validate", "convert", "evaluate", "models", "scenarios"):
        assert command in r.stdout
        sub = run_cli(command, "--help")
        assert sub.returncode == 0, sub.stderr


def test_models_lists_registry_with_citations() -> None:
    from negotia.models import model_names

    r = run_cli("models", "--detail")
    assert r.returncode == 0
    for name in model_names():
        assert name in r.stdout
    assert "Achen" in r.stdout and "Nash" in r.stdout


def test_scenarios_lists_bundled() -> None:
    r = run_cli("scenarios")
    assert r.returncode == 0 and "ukraine-2025" in r.stdout


def test_forecast_bundled_table_json_csv() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "compromise", "-m", "median")
    assert r.returncode == 0, r.stderr
    assert "NATO" in r.stdout and "compromise" in r.stdout and "median" in r.stdout
    r = run_cli("forecast", "ukraine-2025", "-m", "compromise", "--format", "json")
    data = json.loads(r.stdout)
    rows = {row["issue"]: row for row in data["forecasts"]}
    assert set(rows) >= {
        "nato",
        "guarantees",
        "territory",
        "army_limits",
        "sanctions",
        "eu_accession",
        "sequencing",
    }
    from negotia import forecast

    fc = forecast("ukraine-2025", "compromise")
    k = fc.issue_ids.index("nato")
    assert rows["nato"]["forecast"] == pytest.approx(float(fc.on_scale()[0, k]))
    # The red-line flag agrees with the scenario's own red lines.
    from negotia import load_scenario

    sc = load_scenario("ukraine-2025")
    for issue_id, row in rows.items():
        expected = [r.actor for r in sc.red_lines if r.issue == issue_id and not r.accepts(row["forecast"])]
        assert row["crosses_red_lines_of"] == expected
    r = run_cli("forecast", "ukraine-2025", "-m", "median", "--format", "csv")
    assert (
        r.stdout.splitlines()[0]
        == "issue,model,forecast,interval_low,interval_high,anchor,crosses_red_lines_of"
    )


def test_forecast_model_options() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "nash", "--loss", "linear", "--format", "json")
    assert r.returncode == 0, r.stderr
    r = run_cli("forecast", "ukraine-2025", "-m", "compromise", "--loss", "linear")
    assert r.returncode == 2 and "no selected model has the option(s) --loss" in r.stderr
    r = run_cli("forecast", "ukraine-2025", "-m", "nash:loss=cubic")
    assert r.returncode == 2 and "must be one of linear, quadratic" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_model_and_scenario_are_clear() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "oracle")
    assert r.returncode == 2 and "unknown model 'oracle'" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("forecast", "no-such-scenario")
    assert r.returncode == 2 and "no bundled scenario" in r.stderr
    r = run_cli("forecast", "missing/file.yaml")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_validate_lists_every_error_of_the_broken_reference_file() -> None:
    path = reference("exchange", "copenhagen_with_errors.csv")
    r = run_cli("validate", str(path))
    assert r.returncode == 2
    assert "2 problems" in r.stderr
    assert "line 86" in r.stderr and "position 160 is outside the scale of issue 'Control'" in r.stderr
    assert "line 87" in r.stderr and "power -0.247 is negative" in r.stderr
    assert "Traceback" not in r.stderr
    ok = run_cli("validate", str(reference("exchange", "copenhagen.csv")))
    assert ok.returncode == 0 and "11 actors, 7 issues" in ok.stdout


def test_convert_round_trip_and_nothing_written_on_error(tmp_path: Path) -> None:
    out = tmp_path / "u.json"
    r = run_cli("convert", "ukraine-2025", str(out))
    assert r.returncode == 0, r.stderr and out.exists()
    back = tmp_path / "u.yaml"
    assert run_cli("convert", str(out), str(back)).returncode == 0
    from negotia import load_scenario

    assert load_scenario(back) == load_scenario("ukraine-2025")
    # The flat CSV format would drop red lines and names: refused unless --force.
    flat = tmp_path / "u.csv"
    r = run_cli("convert", "ukraine-2025", str(flat))
    assert r.returncode == 2 and "cannot hold" in r.stderr and not flat.exists()
    assert run_cli("convert", "ukraine-2025", str(flat), "--force").returncode == 0 and flat.exists()
    bad = tmp_path / "never.yaml"
    r = run_cli("convert", str(reference("exchange", "copenhagen_with_errors.csv")), str(bad))
    assert r.returncode == 2 and not bad.exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_evaluate_reproduces_the_deu_figures(tmp_path: Path) -> None:
    # ../shared/reference/README.md: compromise 23.74, unweighted mean 24.19, plain median 28.80.
    table = reference("deu3", "deu3_dev.tsv")
    preds = tmp_path / "p.csv"
    r = run_cli(
        "evaluate", str(table), "-m", "compromise", "-m", "compromise:weights=equal",
        "-m", "median:weights=equal", "--format", "json", "--predictions", str(preds),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    models = json.loads(r.stdout)["models"]
    assert models["compromise"]["mae"] == pytest.approx(23.74, abs=0.005)
    assert models["compromise:weights=equal"]["mae"] == pytest.approx(24.19, abs=0.005)
    assert models["median:weights=equal"]["mae"] == pytest.approx(28.80, abs=0.005)
    assert models["compromise"]["n"] == 252
    assert set(models["compromise"]) >= {"mae", "rmse", "median_ae", "n"}
    lines = preds.read_text().splitlines()
    assert len(lines) == 253 and lines[0].startswith("issue,group,proc,counvte,outcome,compromise")
    table_out = run_cli("evaluate", str(table), "-m", "compromise", "-m", "status-quo")
    assert table_out.returncode == 0 and "23.74" in table_out.stdout and "49.71" in table_out.stdout


def test_evaluate_needs_outcomes() -> None:
    r = run_cli("evaluate", "ukraine-2025", "-m", "compromise")
    assert r.returncode == 2 and "no issue has a known outcome" in r.stderr
