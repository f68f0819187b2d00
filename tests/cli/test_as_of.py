"""``--as-of`` and ``--known-by`` on every command that takes a scenario, through the
real entry point.  Expected stances come from the revisions written in the bundled
``ukraine-2025.yaml`` (each names its report) and from the small timeline below, whose
compromise forecast is worked out by hand (Achen's capability x salience mean)."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer.main

from negotia.cli import app
from negotia.cli.common import AS_OF_OPTION, KNOWN_BY_OPTION
from negotia.scenario.formats import load_scenario
from tests.conftest import run_cli

D = date.fromisoformat

#: Top-level commands that take a scenario but no --as-of, and why.
NO_AS_OF = {
    "validate": "checks the whole timeline, every day of it, already",
    "evaluate": "takes a table of decisions with known outcomes, not a dated scenario",
    "history": "lists the revisions of every day",
    "diff": "takes its two days as --from and --to",
}
MUST = {"forecast", "convert", "bargain", "simulate", "montecarlo", "sensitivity"}
MUST |= {"guarantees check", "guarantees assess", "guarantees compare"}


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a group (typer may bring its own click)
            out += _commands(cmd, f"{prefix}{name} ")
        else:
            out.append((prefix + name, cmd))
    return out


def test_every_command_taking_a_scenario_has_the_shared_time_options() -> None:
    fix = "use `as_of: Date | None = AS_OF_OPTION` from negotia.cli.common"
    for name, cmd in _commands(typer.main.get_command(app)):
        opts = {p.name: p for p in cmd.params}
        args = [p for p in cmd.params if not getattr(p, "opts", ["-"])[0].startswith("-")]
        top_level_scenario = " " not in name and bool(args) and args[0].name == "scenario"
        if name in MUST or (top_level_scenario and name not in NO_AS_OF):
            assert "as_of" in opts, f"`negotia {name}` takes a scenario but has no --as-of: {fix}"
        # One shared definition, not copies: the same flag, parser and help everywhere.
        if "as_of" in opts:
            assert opts["as_of"].opts == ["--as-of"], name
            assert opts["as_of"].help == AS_OF_OPTION.help, f"`negotia {name}` defines its own --as-of: {fix}"
        if "known_by" in opts:
            assert opts["known_by"].help == KNOWN_BY_OPTION.help, name


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2025-02-30", "2025-02-30 is not a day of the calendar"),
        ("14/12/2025", "write it as YYYY-MM-DD"),
        ("20251214", "write it as YYYY-MM-DD"),
    ],
)
def test_a_bad_date_is_a_clear_error_with_exit_2(value: str, says: str) -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "compromise", "--as-of", value)
    assert r.returncode == 2
    assert "--as-of" in r.stderr and says in " ".join(r.stderr.split())
    assert "Traceback" not in r.stderr


def test_convert_writes_the_snapshot_of_the_day(tmp_path: Path) -> None:
    # ukraine-2025.yaml: the 28-point draft (20 Nov, source us-28pt) puts the US at 95 on
    # nato and 50 on army_limits; after Geneva (25 Nov, ft-800k) army_limits is 25; the
    # updated package of 11 Dec (zn-dec11) moves nato to 80.
    expected = {"2025-11-21": (95, 50), "2025-11-26": (95, 25), "2025-12-14": (80, 25)}
    for day, (nato, army) in expected.items():
        out = tmp_path / f"{day}.yaml"
        r = run_cli("convert", "ukraine-2025", str(out), "--as-of", day)
        assert r.returncode == 0, r.stderr
        sc = load_scenario(out)
        assert not sc.revisions and str(sc.date) == day
        assert sc.stance("USA", "nato").position == nato
        assert sc.stance("USA", "army_limits").position == army
    # Before the draft the US had stated no stance on army_limits.
    out = tmp_path / "early.yaml"
    assert run_cli("convert", "ukraine-2025", str(out), "--as-of", "2025-11-19").returncode == 0
    assert load_scenario(out).stance("USA", "army_limits") is None


LATE = textwrap.dedent(
    """\
    name: late news
    date: 2025-12-14
    salience_scale: 100
    actors:
      - {id: A, capability: 2}
      - {id: B, capability: 1}
    issues:
      - {id: x, status_quo: 40}
    stances:
      - {actor: A, issue: x, position: 30, salience: 80}
    revisions:
      - {item: stance, actor: B, issue: x, valid_from: 2025-11-25, recorded: 2025-12-20,
         set: {position: 70, salience: 50}, note: "said on 25 November, entered on 20 December"}
    """
)


def _compromise(path: Path, *opts: str) -> float:
    r = run_cli("forecast", str(path), "-m", "compromise", "-f", "json", *opts)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["forecasts"][0]["forecast"]


def test_known_by_leaves_out_a_revision_recorded_after_the_fact(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(LATE, encoding="utf-8")
    # Only A: the mean is A's position.
    assert _compromise(path, "--as-of", "2025-12-01", "--known-by", "2025-12-14") == pytest.approx(30)
    # With B (valid from 25 Nov though entered 20 Dec): (2*0.8*30 + 1*0.5*70) / (1.6 + 0.5).
    with_b = (2 * 0.8 * 30 + 1 * 0.5 * 70) / (2 * 0.8 + 1 * 0.5)
    assert _compromise(path, "--as-of", "2025-12-01", "--known-by", "2025-12-20") == pytest.approx(with_b)
    assert _compromise(path, "--as-of", "2025-12-01") == pytest.approx(with_b)
    # Before 25 November B had said nothing, whatever we know now.
    assert _compromise(path, "--as-of", "2025-11-24") == pytest.approx(30)


def test_default_day_is_the_scenarios_own_date() -> None:
    plain = run_cli("forecast", "ukraine-2025", "-m", "compromise", "-f", "csv")
    dated = run_cli("forecast", "ukraine-2025", "-m", "compromise", "-f", "csv", "--as-of", "2025-12-14")
    early = run_cli("forecast", "ukraine-2025", "-m", "compromise", "-f", "csv", "--as-of", "2025-11-21")
    assert plain.returncode == dated.returncode == early.returncode == 0
    assert plain.stdout == dated.stdout != early.stdout


def test_bargain_takes_the_day_and_a_genius_file_refuses_it(tmp_path: Path) -> None:
    r = run_cli("bargain", "ukraine-2025", "--as-of", "2025-11-21", "-f", "json", "--top", "1")
    assert r.returncode == 0, r.stderr
    xml = tmp_path / "d.xml"
    xml.write_text('<negotiation_template><utility_space type="domain"/></negotiation_template>')
    r = run_cli("bargain", str(xml), "--as-of", "2025-11-21")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "a GENIUS domain has no dates" in " ".join(r.stderr.split())


def test_the_facade_applies_the_day() -> None:
    import negotia
    from negotia.api import scenario_as_of

    day = D("2025-11-21")
    sc = negotia.load_scenario("ukraine-2025")
    snap = scenario_as_of("ukraine-2025", day)
    assert not snap.revisions and snap.date == day and snap == sc.as_of(day)
    via_api = negotia.forecast("ukraine-2025", "compromise", as_of=day)
    direct = negotia.forecast(sc.as_of(day), "compromise")
    assert via_api.outcome.tolist() == direct.outcome.tolist()
    assert via_api.outcome.tolist() != negotia.forecast(sc, "compromise").outcome.tolist()
    # known_by alone keeps the scenario's own day.
    assert scenario_as_of(sc, known_by=D("2025-11-30")).date == sc.date


@pytest.mark.parametrize(
    "args",
    [
        ("montecarlo", "ukraine-2025", "-n", "50", "--quiet"),
        ("simulate", "ukraine-2025", "--steps", "10", "--resolution", "3"),  # agents: at most 8e6 packages
        ("bargain", "ukraine-2025", "--top", "1"),
    ],
)
def test_results_say_which_day_they_are_for(args: tuple[str, ...]) -> None:
    r = run_cli(*args, "-f", "json", "--as-of", "2025-11-21", "--known-by", "2025-12-01")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["as_of"], out["known_by"]) == ("2025-11-21", "2025-12-01")
    table = run_cli(*args, "--as-of", "2025-11-21")
    assert "as of 2025-11-21." in table.stdout
