"""`negotia guarantees ...` through the real entry point."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_list_and_show():
    r = run_cli("guarantees", "list")
    assert r.returncode == 0, r.stderr
    assert "nato-art5" in r.stdout and "budapest-1994" in r.stdout and "nato-membership" in r.stdout
    r = run_cli("guarantees", "list", "--format", "json")
    data = json.loads(r.stdout)
    assert {i["id"] for i in data["instruments"]} >= {"us-japan-1960", "rus-blr-2024"}
    r = run_cli("guarantees", "show", "usa-ukr-2024")
    assert r.returncode == 0, r.stderr
    assert "24 h" in r.stdout and "executive_agreement" in r.stdout and "lawfaremedia" in r.stdout
    r = run_cli("guarantees", "show", "nato-art7")
    assert r.returncode == 2 and "no instrument 'nato-art7'" in r.stderr and "Traceback" not in r.stderr


def test_check_with_options_and_file(tmp_path):
    r = run_cli(
        "guarantees", "check", "--attacker", "RUS", "--target", "UKR", "--date", "2026-06-01",
        "--instruments", "bilateral-2024", "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["results"]
    de = next(x for x in rows if x["instrument"] == "deu-ukr-2024")
    assert de["status"] == "triggered" and de["deadline_hours"] == 24
    ev = tmp_path / "ev.yaml"
    ev.write_text("attacker: BLR\ntarget: UKR\ndate: 2026-06-01\n")
    r = run_cli("guarantees", "check", str(ev), "-i", "deu-ukr-2024")
    assert r.returncode == 0, r.stderr
    assert "not_triggered" in r.stdout and "applies only against RUS" in r.stdout


def test_bad_event_names_the_field(tmp_path):
    r = run_cli("guarantees", "check", "--attacker", "RUS", "--target", "UKR", "--date", "2026-06-01",
                "--kind", "invasion")  # fmt: skip
    assert r.returncode == 2
    assert "kind" in r.stderr and "invasion" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("guarantees", "check", "--attacker", "RUS")
    assert r.returncode == 2 and "target" in r.stderr and "date" in r.stderr
    bad = tmp_path / "t.yaml"
    bad.write_text("instruments:\n  - id: X Y\n    name: n\n")
    r = run_cli("guarantees", "list", "--treaties", str(bad))
    assert r.returncode == 2 and "instruments[0].id" in r.stderr and "line 2" in r.stderr


def test_assess_and_compare_json():
    r = run_cli("guarantees", "assess", "art5-like-binding", "--draws", "2000", "--salience", "USA=0.9",
                "--model", "--format", "json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    usa = next(
        c for c in out["credibility"] if c["guarantor"] == "USA" and c["instrument"] == "us-ukr-draft-2025"
    )
    sal = next(f for f in usa["factors"] if f["name"] == "salience for beneficiary")
    assert sal["log_odds"] > 0
    assert out["model"]["fit"]["n"] == 137
    r = run_cli("guarantees", "compare", "--draws", "2000", "--format", "json")
    assert r.returncode == 0, r.stderr
    comp = json.loads(r.stdout)
    assert len(comp["arrangements"]) == 5 and comp["explanations"]
    r = run_cli("guarantees", "compare", "budapest", "nato-membership", "--draws", "2000")
    assert r.returncode == 0, r.stderr
    assert "ranks above" in r.stdout
    r = run_cli("guarantees", "assess", "budapest", "--salience", "USA")
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr


def test_assess_table_shows_factors():
    r = run_cli("guarantees", "assess", "nato-membership", "--draws", "1000", "--model")
    assert r.returncode == 0, r.stderr
    for text in (
        "p(honour)",
        "legal form",
        "Leeds & Anac origtar1",
        "Leave-one-out Brier",
        "P(response > attacker)",
    ):
        assert text in r.stdout


def test_scenario_link_commands():
    r = run_cli("guarantees", "assess", "--scenario", "ukraine-2025", "--value", "62", "--draws", "500",
                "--format", "json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["anchor"]["value"] == 70 and out["arrangement"]["id"] == "art5-like-binding"
    r = run_cli("guarantees", "compare", "--scenario", "ukraine-2025", "--draws", "500", "--format", "json")
    assert r.returncode == 0, r.stderr
    ids = [a["id"] for a in json.loads(r.stdout)["arrangements"]]
    assert ids == ["none", "budapest", "bilateral-2024", "art5-like-binding", "nato-membership"]
    r = run_cli("guarantees", "assess", "--value", "62")
    assert r.returncode == 2 and "--scenario" in r.stderr


def test_weights_and_scenario_saliences():
    # The ukraine-2025 scenario gives the US a salience of 55 (of 100) on the guarantee
    # issue: with the default weight 2.0 that adds 2.0 x (0.55 - 0.5) = +0.1 log-odds.
    r = run_cli("guarantees", "assess", "--scenario", "ukraine-2025", "--value", "70", "--draws", "200",
                "--weight", "salience=2.0", "--format", "json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    usa = next(c for c in out["credibility"] if c["guarantor"] == "USA" and c["obligation"] == "us")
    sal = next(f for f in usa["factors"] if f["name"] == "salience for beneficiary")
    assert abs(sal["log_odds"] - 0.1) < 1e-9
    r = run_cli("guarantees", "assess", "budapest", "--weight", "legal_form.draft=x")
    assert r.returncode == 2 and "weights.legal_form.draft" in r.stderr


def test_compare_table_names_the_expected_strength_column(cli) -> None:
    # rich reads an unescaped "[strength]" as a style tag, which printed the header as "E".
    r = cli("guarantees", "compare", "--draws", "100")
    assert r.returncode == 0, r.stderr
    assert "E[strength]" in r.stdout
