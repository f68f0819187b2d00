"""The treaty catalogue as of a day: nothing signed or reported after it enters an
analysis, and what was left out is said.  Dates are the catalogue's own, each sourced
there: the Paris Declaration and the Multinational Force letter of intent were signed on
6 January 2026; the US Article-5-like draft was first reported with the 28-point plan
(20 November 2025); the G7 Vilnius declaration dates from 12 July 2023."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.errors import UnknownNameError
from negotia.guarantees import catalogue, compare_arrangements
from negotia.guarantees.catalogue import Catalogue
from negotia.guarantees.link import scenario_instruments, scenario_left_out
from negotia.scenario.formats import load_scenario
from tests.conftest import run_cli

D = date.fromisoformat
PARIS = {"paris-declaration-2026", "mnf-intent-2026"}


def test_berlin_leaves_out_the_paris_declaration() -> None:
    full = catalogue()
    berlin = catalogue(D("2025-12-14"))
    assert set(full.instruments) >= PARIS
    assert not PARIS & set(berlin.instruments)
    assert set(berlin.left_out) == PARIS
    assert berlin.left_out["paris-declaration-2026"].known_from == D("2026-01-06")
    assert berlin.left_out["paris-declaration-2026"].reason == "signed 2026-01-06, after 2025-12-14"
    # The draft under discussion in Berlin is known from 20 November.
    assert "us-ukr-draft-2025" in berlin.instruments
    # Arrangements keep what was known and say what they lost.
    art5 = berlin.arrangements["art5-like-binding"]
    assert not PARIS & set(art5.instruments) and "us-ukr-draft-2025" in art5.instruments
    assert art5.bindingness == full.arrangements["art5-like-binding"].bindingness
    assert {x.id for x in berlin.left_out_of("art5-like-binding")} == PARIS
    assert berlin.left_out_of("bilateral-2024") == []
    assert berlin.arrangements["none"].instruments == []


def test_the_day_before_the_draft_and_the_day_paris_was_signed() -> None:
    early = catalogue(D("2025-11-19"))
    assert early.left_out["us-ukr-draft-2025"].reason == "reported 2025-11-20, after 2025-11-19"
    assert "us-ukr-draft-2025" not in early.arrangements["draft-2025-european"].instruments
    assert set(catalogue(D("2026-01-06")).instruments) == set(catalogue().instruments)
    # Before the G7 declaration of 12 July 2023 the 2024 arrangement is gone entirely.
    old = catalogue(D("2023-07-11"))
    assert "bilateral-2024" not in old.arrangements
    assert old.left_out["bilateral-2024"].kind == "arrangement"


def test_looking_up_what_was_left_out_names_the_reason() -> None:
    berlin = catalogue(D("2025-12-14"))
    with pytest.raises(
        UnknownNameError, match=r"left out of an analysis as of 2025-12-14: signed 2026-01-06"
    ):
        berlin.instrument("paris-declaration-2026")
    with pytest.raises(UnknownNameError, match="none of its instruments was known by 2023-07-11"):
        catalogue(D("2023-07-11")).arrangement("bilateral-2024")


@settings(max_examples=40)
@given(st.integers(min_value=0, max_value=30_000))
def test_a_dated_catalogue_keeps_exactly_what_was_known(offset: int) -> None:
    day = date(1940, 1, 1) + timedelta(days=offset)
    full, dated = catalogue(), catalogue(day)
    assert set(dated.instruments) | {k for k, v in dated.left_out.items() if v.kind == "instrument"} == set(
        full.instruments
    )
    for inst in dated.instruments.values():
        assert inst.known_from is None or inst.known_from <= day
    for ident, gone in dated.left_out.items():
        assert gone.known_from is not None and gone.known_from > day, ident
    for arr in dated.arrangements.values():
        assert set(arr.instruments) <= set(dated.instruments)
    # Dating twice is dating once at the earlier day.
    later = day + timedelta(days=400)
    assert set(catalogue(later).as_of(day).instruments) == set(dated.instruments)


def test_undated_instruments_are_kept() -> None:
    inst = catalogue().instruments["us-ukr-draft-2025"].model_copy(update={"reported": None, "id": "x"})
    assert Catalogue({"x": inst}).as_of(D("1900-01-01")).instruments == {"x": inst}


def test_scenario_guarantees_and_comparison_say_what_was_left_out() -> None:
    sc = load_scenario("ukraine-2025")
    early = catalogue(D("2025-11-19"))
    insts = {i.id for i in scenario_instruments(sc, cat=early)}
    assert "us-ukr-draft-2025" not in insts and "budapest-1994" in insts
    assert [x.id for x in scenario_left_out(sc, early)] == ["us-ukr-draft-2025"]
    comp = compare_arrangements(["bilateral-2024", "art5-like-binding"], n_draws=200, cat=catalogue(sc.date))
    assert comp.as_of == sc.date
    assert {x.id for x in comp.left_out["art5-like-binding"]} == PARIS
    assert "bilateral-2024" not in comp.left_out
    assert comp.to_dict()["left_out"]["art5-like-binding"][0]["known_from"] == "2026-01-06"


def test_compare_cli_uses_the_scenarios_date_and_notes_the_omission() -> None:
    args = ("guarantees", "compare", "--scenario", "ukraine-2025", "--draws", "500")
    r = run_cli(*args, "-f", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["as_of"] == "2025-12-14"
    assert {x["id"] for x in out["left_out"]["art5-like-binding"]} == PARIS
    later = json.loads(run_cli(*args, "-f", "json", "--as-of", "2026-01-31").stdout)
    assert later["left_out"] == {}
    table = run_cli(*args)
    text = " ".join(table.stdout.split())
    assert "note: as of 2025-12-14, left out of art5-like-binding: paris-declaration-2026" in text
    r = run_cli("guarantees", "assess", "paris-declaration-2026", "--scenario", "ukraine-2025")
    assert r.returncode == 2 and "signed 2026-01-06" in " ".join(r.stderr.split())
