"""The `bargain` and `simulate` commands through the installed entry point."""

from __future__ import annotations

import json

from tests.conftest import reference, run_cli


def test_bargain_ukraine_shows_deadlock_and_trade_in_plain_words() -> None:
    r = run_cli("bargain", "ukraine-2025")
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.replace("│", " ").split())  # undo rich's line wrapping and the panel
    # Two deadlocks since issue 12 (item 7) added the form of a territorial arrangement:
    # the land itself (40 vs 60) and its status (Ukraine max 60, Russia min 70).
    assert (
        "No package satisfies both UKR and RUS: RUS's red line on territory (min 60) and UKR's (max 40) "
        "are 20 points apart; RUS's red line on territory_form (min 70) and UKR's (max 60) are 10 "
        "points apart" in out
    )
    assert "Relaxing 2 red lines would open a zone of agreement" in out
    # The NATO-for-guarantees trade, in the issues' own words.
    assert "on nato: UKR gives ground to RUS" in out and "on guarantees: RUS gives ground to UKR" in out
    assert "permanent neutrality" in out and "Article-5-like guarantees" in out
    assert "ignoring UKR's red line on territory" in out and "RUS's red line on territory_form" in out
    assert "⚠ crosses" in out  # flagged packages


def test_bargain_json_is_machine_readable() -> None:
    r = run_cli("bargain", "ukraine-2025", "--format", "json", "--top", "3")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["parties"] == ["UKR", "RUS"]
    assert data["zopa"]["empty"] is True and data["zopa"]["conflicts"][0]["gap"] == 20
    assert len(data["top"]) == 3 and data["nash"]["values"]["nato"] == 100
    assert "nato" in data["nash"]["concedes"]["UKR"] and "guarantees" in data["nash"]["concedes"]["RUS"]


def test_bargain_genius_domain() -> None:
    path = reference("bargaining", "EnglandZimbabwe_domain.xml")
    r = run_cli("bargain", str(path), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["n_packages"] == 576 and data["pareto_size"] == 25
    assert round(data["nash"]["utilities"]["England"], 4) == 0.9109


def test_bargain_export_then_reimport(tmp_path) -> None:
    r = run_cli("bargain", "ukraine-2025", "--export-genius", str(tmp_path), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "negotia_domain.xml").exists() and (tmp_path / "UKR.json").exists()
    back = run_cli("bargain", str(tmp_path / "negotia_domain.xml"), "--format", "json")
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["n_packages"] == 6 * 5**11  # 12 issues (issue 12, item 7)


def test_bargain_options_and_errors() -> None:
    r = run_cli("bargain", "ukraine-2025", "--parties", "UKR,USA", "--resolution", "3", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["n_packages"] == 3**12  # 12 issues since issue 12 (item 7)
    bad = run_cli("bargain", "ukraine-2025", "--parties", "UKR,XYZ")
    assert bad.returncode == 2 and "unknown party 'XYZ'" in bad.stderr
    bad = run_cli("bargain", "ukraine-2025", "--resolution", "nato=lots")
    assert bad.returncode == 2 and "nato" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_simulate_trace_and_json() -> None:
    # Three options per issue: the agents enumerate their outcome space (at most 8e6
    # packages) and the 12 issues of ukraine-2025 have 2.9e8 at the anchors.
    r = run_cli(
        "simulate", "ukraine-2025", "--resolution", "3", "--protocol", "offers",
        "--strategy", "boulware,conceder", "--seed", "3", "--red-lines", "relax", "--trace",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Offer history" in r.stdout and "agreement at step" in r.stdout
    j1 = run_cli(
        "simulate",
        "ukraine-2025",
        "--resolution",
        "3",
        "--protocol",
        "mediator",
        "--seed",
        "1",
        "--format",
        "json",
        "--trace",
    )
    j2 = run_cli(
        "simulate",
        "ukraine-2025",
        "--resolution",
        "3",
        "--protocol",
        "mediator",
        "--seed",
        "1",
        "--format",
        "json",
        "--trace",
    )
    assert j1.returncode == 0 and j1.stdout == j2.stdout
    assert json.loads(j1.stdout)["protocol"] == "mediator"
    m = run_cli(
        "simulate",
        "ukraine-2025",
        "--resolution",
        "3",
        "--protocol",
        "majority",
        "--quota",
        "0.6",
        "--format",
        "json",
    )
    assert m.returncode == 0, m.stderr
    assert len(json.loads(m.stdout)["parties"]) == 16
    bad = run_cli("simulate", "ukraine-2025", "--resolution", "3", "--strategy", "stubborn")
    assert bad.returncode == 2 and "unknown strategy" in bad.stderr


def test_nato_for_guarantees_alone_has_a_zone_of_agreement() -> None:
    # Without territory (the deadlock), the two issues of the December move leave
    # packages both accept, and the Nash package is the trade itself.
    r = run_cli("bargain", "ukraine-2025", "--issues", "nato,guarantees", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["zopa"]["empty"] is False and data["ignored"] == []
    assert data["nash"]["values"] == {"nato": 100, "guarantees": 70}
    assert data["nash"]["trade"] == "UKR concedes on nato; RUS concedes on guarantees"
    bad = run_cli("bargain", "ukraine-2025", "--issues", "nato,crimea")
    assert bad.returncode == 2 and "unknown issue(s) crimea" in bad.stderr


def test_large_space_is_answered_not_refused() -> None:
    # 101 options on each of the case's issues (over 10^14 packages; the enumeration
    # refused anything over 5*10^7): the zone and its blockers without listing packages.
    # With 101 options the territory lines still sit on grid points, so the diagnosis
    # reads as at the anchors: the lines are 20 points apart and either moves 20.
    r = run_cli("bargain", "ukraine-2025", "--resolution", "101", "--format", "json", "--top", "1")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    z = data["zopa"]
    assert z["n_packages"] == 101 ** len(data["issues"]) and z["empty"]
    # Since issue 12 (item 7) the form of the arrangement is a second deadlock: each
    # relaxation moves a territory line 20 points and a territory_form line 10.
    moves = [[(m["party"], m["issue"], m["distance"]) for m in x["moves"]] for x in z["relaxations"]]
    assert moves == [
        [("UKR", "territory", 20.0), ("UKR", "territory_form", 10.0)],
        [("UKR", "territory", 20.0), ("RUS", "territory_form", 10.0)],
        [("RUS", "territory", 20.0), ("UKR", "territory_form", 10.0)],
        [("RUS", "territory", 20.0), ("RUS", "territory_form", 10.0)],
    ]
