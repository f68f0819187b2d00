"""Revisions and ``as_of``: the snapshot valid on a day, the knowledge cut-off, items
that begin and end, round trips through YAML/JSON, and every problem with its line."""

from __future__ import annotations

import re
import textwrap
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from negotia import load_scenario
from negotia.errors import InputError
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import dump_scenario
from negotia.scenario.schema import Scenario
from tests.conftest import ROOT

D = date.fromisoformat

TIMELINE = textwrap.dedent(
    """\
    name: timeline
    date: 2025-12-14
    salience_scale: 100
    required_parties: [A, B]
    sources:
      plan: {title: the 28-point plan, date: 2025-11-21}
      late: {title: a report of a meeting on 25 November, date: 2025-12-20}
    actors:
      - {id: A, capability: 2}
      - {id: B, capability: 1}
      - {id: M, capability: 5, group: mediator}
    issues:
      - {id: x, status_quo: 40}
    stances:
      - {actor: A, issue: x, position: 20, salience: 80}
    red_lines:
      - {actor: A, issue: x, max: 60}
    revisions:
      - {item: stance, actor: A, issue: x, valid_from: 2025-11-21, set: {position: 30}, source: plan}
      - {item: stance, actor: B, issue: x, valid_from: 2025-11-25, recorded: 2025-12-20,
         set: {position: 70, salience: 50, uncertainty: {salience: 10}}, source: late,
         note: "first stated at a meeting on 25 November; reported (and entered) on 20 December"}
      - {item: red_line, actor: A, issue: x, valid_from: 2025-12-01, set: {max: 50, sd: 5}}
      - {item: issue, issue: x, valid_from: 2025-12-10, set: {status_quo: 45}}
      - {item: red_line, actor: A, issue: x, valid_from: 2025-12-20, withdrawn: true}
      - {item: actor, actor: M, valid_from: 2025-12-20, set: {capability: 6}, status: proposed}
      - {item: stance, actor: A, issue: x, valid_from: 2026-01-06, set: {position: 35, note: after Paris}}
    """
)


def load(tmp_path: Path, text: str, name: str = "s.yaml") -> Scenario:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_scenario(p)


def positions(sc: Scenario) -> dict[str, float]:
    return {s.actor: s.position for s in sc.stances}


def test_as_of_applies_the_revisions_valid_on_the_day(tmp_path: Path) -> None:
    sc = load(tmp_path, TIMELINE)
    before = sc.as_of(D("2025-11-20"))
    assert positions(before) == {"A": 20}
    assert before.red_lines[0].max == 60 and before.issues[0].status_quo == 40
    assert positions(sc.as_of(D("2025-11-21"))) == {"A": 30}
    # B's stance was recorded on 20 December but counts from 25 November.
    nov = sc.as_of(D("2025-11-26"))
    assert positions(nov) == {"A": 30, "B": 70}
    b = nov.stance("B", "x")
    assert b.salience == pytest.approx(0.5) and b.uncertainty.salience == pytest.approx(0.1)
    assert b.source == "late"
    dec = sc.as_of(D("2025-12-14"))
    assert (dec.red_lines[0].max, dec.red_lines[0].sd) == (50, 5)
    assert dec.issues[0].status_quo == 45
    assert dec.date == D("2025-12-14") and dec.revisions == []
    # The red line is withdrawn on 20 December; the January stance comes later still.
    assert sc.as_of(D("2025-12-20")).red_lines == []
    jan = sc.as_of(D("2026-01-07"))
    assert positions(jan)["A"] == 35 and jan.stance("A", "x").note == "after Paris"


def test_the_default_day_is_the_scenario_date(tmp_path: Path) -> None:
    sc = load(tmp_path, TIMELINE)
    assert sc.as_of() == sc.as_of(D("2025-12-14"))
    # The numeric view of a scenario with revisions is its snapshot on its own date.
    arrays = ScenarioArrays.from_scenario(sc)
    np.testing.assert_allclose(arrays.position[0, :2, 0], [0.30, 0.70])
    np.testing.assert_allclose(arrays.status_quo, [0.45])


def test_known_by_leaves_out_what_was_recorded_later(tmp_path: Path) -> None:
    sc = load(tmp_path, TIMELINE)
    # On 14 December B's stance of 25 November was true but not yet known.
    known = sc.as_of(D("2025-12-14"), known_by=D("2025-12-14"))
    assert positions(known) == {"A": 30}
    assert positions(sc.as_of(D("2025-12-14"), known_by=D("2025-12-20"))) == {"A": 30, "B": 70}
    # Without `recorded`, a revision is known from the later of valid_from and its source's date.
    assert positions(sc.as_of(D("2025-11-21"), known_by=D("2025-11-20"))) == {"A": 20}


def test_proposed_revisions_wait_for_review(tmp_path: Path) -> None:
    sc = load(tmp_path, TIMELINE)
    day = D("2025-12-21")
    assert sc.as_of(day).actor("M").capability == 5
    assert sc.as_of(day, include_proposed=True).actor("M").capability == 6
    rejected = load(tmp_path, TIMELINE.replace("status: proposed", "status: rejected"), "r.yaml")
    assert rejected.as_of(day, include_proposed=True).actor("M").capability == 5


def test_a_correction_recorded_later_wins_unless_the_cut_off_is_earlier(tmp_path: Path) -> None:
    text = TIMELINE + textwrap.indent(
        "- {item: stance, actor: A, issue: x, valid_from: 2025-11-21, recorded: 2025-11-28,\n"
        "   set: {position: 32}, note: the plan's text read again}\n",
        "  ",
    )
    sc = load(tmp_path, text)
    assert positions(sc.as_of(D("2025-11-22")))["A"] == 32
    assert positions(sc.as_of(D("2025-11-22"), known_by=D("2025-11-25")))["A"] == 30


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_revisions_round_trip(tmp_path: Path, fmt: str) -> None:
    text = TIMELINE + textwrap.indent(
        "- {item: red_line, actor: B, issue: x, valid_from: 2025-12-02, set: {min: 10}, id: r-b}\n"
        "- {item: red_line, actor: B, issue: x, valid_from: 2025-12-03, set: {min: null, max: 90}}\n"
        "- {item: actor, actor: B, valid_from: 2025-12-04, set: {aliases: [Bravo], role: party}}\n",
        "  ",
    )
    sc = load(tmp_path, text)
    assert sc.as_of(D("2025-12-05")).red_lines[-1].min is None
    again = load(tmp_path, dump_scenario(sc, fmt), f"again.{fmt}")
    assert again == sc
    assert again.revisions[-2].set.model_fields_set == {"min", "max"}
    for day in ("2025-11-01", "2025-11-26", "2025-12-03", "2026-02-01"):
        assert again.as_of(D(day)) == sc.as_of(D(day))


def test_other_formats_get_the_snapshot(tmp_path: Path) -> None:
    sc = load(tmp_path, TIMELINE)
    rows = dump_scenario(sc, "csv")
    assert "30" in rows and "70" in rows  # the positions valid on 14 December


def test_every_problem_of_revisions_is_reported_with_its_line(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        name: bad timeline
        date: 2025-12-14
        required_parties: [A]
        sources:
          plan: {title: the 28-point plan, date: 2025-11-21}
        actors:
          - {id: A, capability: 2}
          - {id: B}
        issues:
          - {id: x, status_quo: 40}
        stances:
          - {actor: A, issue: x, position: 20, salience: 0.8}
        red_lines:
          - {actor: A, issue: x, max: 60}
        revisions:
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-21, set: {positon: 30}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-21, recorded: 2025-11-20,
             set: {position: 30}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-22, set: {position: 30}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-22, set: {position: 35}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-23, set: {position: 300}}
          - {item: stance, actor: B, issue: x, valid_from: 2025-11-23, set: {position: 30, salience: 0.4}}
          - {item: stance, actor: C, issue: y, valid_from: 2025-11-23, set: {position: 30}}
          - {item: red_line, actor: A, issue: x, valid_from: 2025-11-23, set: {min: 70}}
          - {item: red_line, actor: B, issue: x, valid_from: 2025-11-23, withdrawn: true}
          - {item: issue, issue: x, valid_from: 2025-11-23, set: {status_quo: 140}}
          - {item: actor, actor: A, valid_from: 2025-11-23, set: {role: observer}}
          - {item: treaty, actor: A, valid_from: 2025-11-23}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-23, set: {position: 30}, withdrawn: true}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-24, set: {}}
          - {item: stance, actor: A, issue: x, valid_from: 11/24/2025, set: {position: 20}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-25, recorded: 2025-11-26, source: plan,
             set: {salience: 0.3}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-19, recorded: 2025-11-20, source: plan,
             set: {salience: 0.3}}
          - {item: stance, actor: B, issue: y, valid_from: 2025-11-25, set: {salience: 0.3}}
          - {item: stance, actor: A, issue: x, valid_from: 2025-11-26, source: nope, set: {salience: 0.3}}
          - {item: stance, actor: B, issue: x, valid_from: 2025-11-26, set: {salience: 0.3}}
        """
    )
    with pytest.raises(InputError) as e:
        load(tmp_path, text)
    found = [str(p) for p in e.value.problems]
    expected = [
        r"line 16, revisions\[0\]\.set\.positon: unknown field",
        r"line 17, revisions\[1\]: recorded \(2025-11-20\) is before valid_from \(2025-11-21\)",
        r"line 20, revisions\[3\]\.set\.position: disagrees with revisions\[2\]",
        r"line 21, revisions\[4\]\.set\.position: position 300 is outside the scale of issue 'x'",
        r"line 22, revisions\[5\]: from 2025-11-23 the stance of B on x, capability: no capability for 'B'",
        r"line 23, revisions\[6\]\.actor: unknown actor 'C'",
        r"line 23, revisions\[6\]\.issue: unknown issue 'y'",
        r"line 24, revisions\[7\]\.set: min \(70\) is greater than max \(60\)",
        r"line 25, revisions\[8\]\.withdrawn: there is no red line of B on x to withdraw",
        r"line 26, revisions\[9\]\.set: status_quo 140 is outside the issue scale",
        r"line 27, revisions\[10\]\.set\.role: required_parties lists 'A', whose role is observer",
        r"line 28, revisions\[11\]: unknown item; a revision changes one of: stance, red_line, issue, actor",
        r"line 29, revisions\[12\]: a revision either sets fields or withdraws the item",
        r"line 30, revisions\[13\]\.set: sets no field",
        r"line 31, revisions\[14\]\.valid_from: .*valid date",
        r"line 34, revisions\[16\]\.recorded: recorded \(2025-11-20\) before its source 'plan' was published",
        r"line 36, revisions\[17\]\.issue: unknown issue 'y'",
        r"line 37, revisions\[18\]\.source: unknown source 'nope'",
    ]
    for pattern in expected:
        assert any(re.search(pattern, f) for f in found), (pattern, found)
    assert len(found) == len(expected), found


def test_a_revision_of_one_of_two_red_lines_is_ambiguous(tmp_path: Path) -> None:
    text = TIMELINE.replace(
        "  - {actor: A, issue: x, max: 60}",
        "  - {actor: A, issue: x, max: 60}\n  - {actor: A, issue: x, min: 5}",
    )
    with pytest.raises(InputError) as e:
        load(tmp_path, text)
    assert any("has 2 red lines on 'x'" in str(p) for p in e.value.problems)


def test_a_stance_first_stated_later_needs_position_and_salience(tmp_path: Path) -> None:
    text = TIMELINE.replace(
        "set: {position: 70, salience: 50, uncertainty: {salience: 10}}", "set: {position: 70}"
    )
    with pytest.raises(InputError) as e:
        load(tmp_path, text)
    (problem,) = e.value.problems
    assert "revisions[1].set" in str(problem) and "must set position and salience" in str(problem)


# -- properties ------------------------------------------------------------------------

START = D("2025-11-01")
day_offsets = st.integers(min_value=0, max_value=60)


def _scenario(revisions: list[tuple[int, int, float]]) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "property",
            "date": START + timedelta(days=45),
            "actors": [{"id": "A", "capability": 1}],
            "issues": [{"id": "x"}],
            "stances": [{"actor": "A", "issue": "x", "position": 50, "salience": 0.5}],
            "revisions": [
                {
                    "item": "stance",
                    "actor": "A",
                    "issue": "x",
                    "valid_from": START + timedelta(days=v),
                    "recorded": START + timedelta(days=v + late),
                    "set": {"position": p},
                }
                for v, late, p in revisions
            ],
        }
    )


timelines = st.lists(
    st.tuples(day_offsets, st.integers(min_value=0, max_value=10), st.floats(min_value=0, max_value=100)),
    max_size=6,
    unique_by=lambda t: (t[0], t[1]),  # same day and same recorded day: they would have to agree
)


@given(day=day_offsets, known=st.none() | day_offsets)
def test_as_of_without_revisions_is_the_scenario_itself(day: int, known: int | None) -> None:
    sc = _scenario([])
    d = START + timedelta(days=day)
    cut = None if known is None else START + timedelta(days=known)
    assert sc.as_of(d, known_by=cut) == sc.model_copy(update={"date": d})
    assert sc.as_of() is sc


@given(timeline=timelines, day=day_offsets, known=st.none() | day_offsets)
def test_as_of_is_the_latest_known_revision_on_the_day(
    timeline: list[tuple[int, int, float]], day: int, known: int | None
) -> None:
    sc = _scenario(timeline)
    cut = None if known is None else known
    valid = [(v, v + late, p) for v, late, p in timeline if v <= day and (cut is None or v + late <= cut)]
    expected = max(valid)[2] if valid else 50.0
    d = START + timedelta(days=day)
    got = sc.as_of(d, known_by=None if cut is None else START + timedelta(days=cut))
    assert got.stances[0].position == expected


@given(timeline=timelines, day=day_offsets)
def test_as_of_is_piecewise_constant_between_revision_dates(
    timeline: list[tuple[int, int, float]], day: int
) -> None:
    sc = _scenario(timeline)
    starts = [v for v, _, _ in timeline if v <= day]
    last_change = START + timedelta(days=max(starts)) if starts else START - timedelta(days=1)
    d = START + timedelta(days=day)
    assert sc.as_of(d).stances == sc.as_of(last_change).stances


def test_the_example_in_the_docs_means_what_the_docs_say(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Revisions: a negotiation over time") :]
    start = section.index("```yaml") + len("```yaml")
    block = section[start : section.index("```\n", start)]
    head = textwrap.dedent(
        """\
        actors:
          - {id: USA, capability: 997.3}
          - {id: UKR, capability: 64.7}
          - {id: RUS, capability: 149.0}
          - {id: FRA, capability: 64.7}
        issues: [{id: army_limits}, {id: territory}, {id: guarantees}, {id: nato}]
        """
    )
    sc = load(tmp_path, head + block)
    now = sc.as_of()
    assert now.stance("USA", "army_limits").position == 25
    assert [(r.actor, r.issue) for r in now.red_lines] == [("RUS", "nato"), ("UKR", "territory")]
    assert now.stance("FRA", "guarantees") is None
    known = sc.as_of(known_by=D("2025-12-14"))
    assert [(r.actor, r.issue) for r in known.red_lines] == [("RUS", "nato")]
    later = sc.as_of(D("2026-02-01"), include_proposed=True)
    assert later.stance("FRA", "guarantees").position == 80
    assert [(r.actor, r.issue) for r in later.red_lines] == [("UKR", "territory")]
