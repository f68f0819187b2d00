"""``negotia history`` and ``negotia diff`` through the real entry point, and the typed
diff of the facade.  Expected stances are those of the revisions written in
``ukraine-2025.yaml``; the small timeline's compromise forecast is worked out by hand
(Achen's capability x salience weighted mean)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from negotia import forecast, load_scenario
from negotia.api import diff
from tests.cli.test_as_of import LATE
from tests.conftest import ROOT, run_cli

D = date.fromisoformat


def run80(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in an 80-column terminal."""
    exe = Path(sys.executable).with_name("negotia")
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def test_history_table_fits_80_columns_and_names_sources() -> None:
    r = run80("history", "ukraine-2025", "--actor", "USA", "--issue", "nato")
    assert r.returncode == 0, r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    text = " ".join(r.stdout.split())
    # us-28pt: the 28-point draft puts the US at 95; zn-dec11: the December package at 80.
    assert "2025-11-20" in text and "80 → 95" in text and "us-28pt" in text
    assert "2025-12-11" in text and "95 → 80" in text and "zn-dec11" in text


def test_history_json_and_csv_keep_every_digit() -> None:
    r = run_cli("history", "ukraine-2025", "--issue", "army_limits", "-f", "json")
    rows = json.loads(r.stdout)["rows"]
    usa = [(x["valid_from"], x["old"], x["new"]) for x in rows if x["field"] == "position"]
    assert usa == [("2025-11-20", None, 50.0), ("2025-11-25", 50.0, 25.0)]
    sal = next(x for x in rows if x["field"] == "salience")
    assert sal["new"] == 0.35 and sal["source"] == "us-28pt"
    c = run_cli("history", "ukraine-2025", "--issue", "army_limits", "-f", "csv")
    table = list(csv.DictReader(io.StringIO(c.stdout)))
    assert [float(x["new"]) for x in table if x["field"] == "salience"] == [0.35]
    assert table[0].keys() >= {"valid_from", "recorded", "actor", "issue", "field", "old", "new", "source"}


def test_history_unknown_actor_is_exit_2() -> None:
    r = run_cli("history", "ukraine-2025", "--actor", "Atlantis")
    assert r.returncode == 2 and "--actor: no actor 'Atlantis'" in r.stderr and "Traceback" not in r.stderr


def test_diff_of_the_facade_matches_forecasts_of_each_day(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(LATE, encoding="utf-8")
    d = diff(path, D("2025-11-24"), D("2025-12-01"), models=["compromise"])
    (row,) = d.forecasts
    with_b = (2 * 0.8 * 30 + 1 * 0.5 * 70) / (2 * 0.8 + 1 * 0.5)
    assert row.old == pytest.approx(30) and row.new == pytest.approx(with_b)
    assert row.delta == pytest.approx(with_b - 30)
    assert [(c.actor, c.field) for c in d.inputs.changes][:2] == [("B", "exists"), ("B", "position")]
    # The same knowledge cut-off on both days: B's statement was not known on 14 Dec.
    cut = diff(path, D("2025-11-24"), D("2025-12-01"), models=["compromise"], known_by=D("2025-12-14"))
    assert cut.forecasts[0].delta == 0 and not cut.inputs.changes
    # No red line in this file: every variant has a zone of agreement, on both days.
    assert d.agreement is not None and d.agreement.start.p_zone == d.agreement.end.p_zone == 1.0


def test_diff_ukraine_between_the_draft_and_berlin() -> None:
    r = run_cli("diff", "ukraine-2025", "--from", "2025-11-20", "-m", "median", "-f", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["from"], out["to"]) == ("2025-11-20", "2025-12-14")
    sc = load_scenario("ukraine-2025")
    for day, key in ((D("2025-11-20"), "old"), (D("2025-12-14"), "new")):
        fc = forecast(sc.as_of(day), "median", seed=0)
        on_scale = dict(zip(fc.issue_ids, fc.on_scale()[0].tolist(), strict=True))
        assert {x["issue"]: x[key] for x in out["forecasts"]} == on_scale
    changed = {(c["actor"], c["issue"]): (c["old"], c["new"]) for c in out["inputs"]["changes"]}
    assert changed[("USA", "army_limits")] == (50.0, 25.0)  # ft-800k, 25 November
    assert out["space"]["from"]["parties"] == ["UKR", "RUS"]
    assert {"zopa_size", "nash", "summary"} <= out["space"]["to"].keys()
    assert "agreement" in out


def test_diff_table_fits_80_columns_and_bad_dates_exit_2() -> None:
    r = run80("diff", "ukraine-2025", "--from", "2025-11-20", "-m", "compromise")
    assert r.returncode == 0, r.stderr
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    assert "Inputs that changed" in r.stdout and "Bargaining space" in r.stdout
    bad = run_cli("diff", "ukraine-2025", "--from", "2025-11-31")
    assert bad.returncode == 2 and "2025-11-31 is not a day of the calendar" in " ".join(bad.stderr.split())
    missing = run_cli("diff", "ukraine-2025")
    assert missing.returncode == 2 and "--from" in missing.stderr


def test_diff_names_the_treaties_that_came_between_the_days() -> None:
    # The catalogue dates both texts of the Paris meeting on 6 January 2026.
    d = diff("ukraine-2025", D("2025-12-14"), D("2026-01-10"), models=["median"])
    assert {t.id for t in d.treaties} == {"paris-declaration-2026", "mnf-intent-2026"}
    assert diff("ukraine-2025", D("2025-11-21"), D("2025-12-14"), models=["median"]).treaties == ()
    assert {t["id"] for t in d.to_dict()["treaties"]} == {"paris-declaration-2026", "mnf-intent-2026"}


def test_diff_carries_the_probability_of_agreement_of_both_days() -> None:
    from negotia.agreement.analysis import analyse_agreement

    sc = load_scenario("ukraine-2025")
    d = diff(sc, D("2025-11-20"), D("2025-12-14"), models=["median"], variants=200, seed=3)
    assert d.agreement is not None and (d.agreement.n, d.agreement.seed) == (200, 3)
    for day, got in ((D("2025-11-20"), d.agreement.start), (D("2025-12-14"), d.agreement.end)):
        ref = analyse_agreement(sc.as_of(day), 200, seed=3).package
        assert got.to_dict() == ref.to_dict()
    delta = d.agreement.end.combined.probability - d.agreement.start.combined.probability
    assert d.agreement.delta == pytest.approx(delta)
    out = d.to_dict()["agreement"]
    assert out["from"]["p_agreement"] == d.agreement.start.combined.probability and out["n"] == 200
