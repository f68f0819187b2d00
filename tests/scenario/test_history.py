"""History and input diffs of a timeline: the revisions field by field with the value
each replaced, and what differs between two days.  Expected values are read off the
revisions written in the scenarios (the small timeline below, and the bundled
``ukraine-2025.yaml``, whose revisions each cite their report)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia import load_scenario
from negotia.errors import InputError
from negotia.scenario.history import history, input_changes
from tests.scenario.test_timeline import TIMELINE

D = date.fromisoformat


@pytest.fixture
def timeline(tmp_path: Path):
    p = tmp_path / "t.yaml"
    p.write_text(TIMELINE, encoding="utf-8")
    return load_scenario(p)


def test_history_rows_give_old_and_new_in_the_order_they_apply(timeline) -> None:
    h = history(timeline)
    rows = [(str(r.valid_from), r.item, r.actor, r.field, r.old, r.new) for r in h.rows]
    assert rows == [
        ("2025-11-21", "stance", "A", "position", 20.0, 30.0),
        # recorded on 20 December, valid from 25 November: it sorts by valid_from.
        ("2025-11-25", "stance", "B", "position", None, 70.0),
        ("2025-11-25", "stance", "B", "salience", None, 0.5),
        (
            "2025-11-25",
            "stance",
            "B",
            "uncertainty",
            None,
            {"position": 0.0, "salience": 0.1, "capability": 0.0},
        ),
        ("2025-12-01", "red_line", "A", "max", 60.0, 50.0),
        ("2025-12-01", "red_line", "A", "sd", None, 5.0),
        ("2025-12-10", "issue", None, "status_quo", 40.0, 45.0),
        ("2025-12-20", "red_line", "A", "exists", True, False),
        ("2026-01-06", "stance", "A", "position", 30.0, 35.0),
    ]
    late = h.rows[1]
    assert late.recorded == D("2025-12-20") and late.known == D("2025-12-20") and late.source == "late"
    # The proposed revision (M's capability) appears only when asked for.
    assert not any(r.actor == "M" for r in h.rows)
    proposed = [r for r in history(timeline, include_proposed=True).rows if r.actor == "M"]
    assert [(r.field, r.old, r.new, r.status) for r in proposed] == [("capability", 5.0, 6.0, "proposed")]


def test_history_filters_by_actor_and_issue_and_names_unknown_ones(timeline) -> None:
    assert {r.actor for r in history(timeline, actor="B").rows} == {"B"}
    assert {r.item for r in history(timeline, issue="x").rows} == {"stance", "red_line", "issue"}
    with pytest.raises(InputError, match=r"(?s)--actor: no actor 'Z'.*--issue: no issue 'y'") as e:
        history(timeline, actor="Z", issue="y")
    assert len(e.value.problems) == 2


def test_input_changes_with_knowledge_cut_off(timeline) -> None:
    d = input_changes(timeline, D("2025-11-22"), D("2025-12-14"))
    got = {(c.item, c.actor, c.field): (c.old, c.new) for c in d.changes}
    assert got == {
        ("stance", "B", "exists"): (False, True),
        ("stance", "B", "position"): (None, 70.0),
        ("stance", "B", "salience"): (None, 0.5),
        ("stance", "B", "uncertainty"): (None, {"position": 0.0, "salience": 0.1, "capability": 0.0}),
        ("red_line", "A", "max"): (60.0, 50.0),
        ("red_line", "A", "sd"): (None, 5.0),
        ("issue", None, "status_quo"): (40.0, 45.0),
    }
    # Known on 14 December, B's statement of 25 November had not been reported yet.
    known = input_changes(timeline, D("2025-11-22"), D("2025-12-14"), known_by=D("2025-12-14"))
    assert not any(c.actor == "B" for c in known.changes)
    assert not any(r.actor == "B" for r in known.revisions)
    assert {r.valid_from for r in d.revisions} == {D("2025-11-25"), D("2025-12-01"), D("2025-12-10")}


def test_ukraine_between_the_28_point_draft_and_berlin() -> None:
    # Each pair is the value of the revision in force on 20 November and on 14 December
    # in ukraine-2025.yaml (sources us-28pt, ft-800k, zn-dec11, reuters-dec11,
    # ft-eu2027, zelensky-dec9, berlin; since issue 12 item 7 also plan28-krone,
    # interfax-znpp-dec11, zmina-dec11, trump-politico); UKR's 25 on nato is its stance
    # before them, and the US stated no position on elections before 9 December.
    sc = load_scenario("ukraine-2025")
    d = input_changes(sc, D("2025-11-20"), D("2025-12-14"))
    positions = {(c.actor, c.issue): (c.old, c.new) for c in d.changes if c.field == "position"}
    assert positions == {
        ("USA", "army_limits"): (50.0, 25.0),
        ("USA", "nato"): (95.0, 80.0),
        ("USA", "territory"): (70.0, 60.0),
        ("USA", "eu_accession"): (25.0, 5.0),
        ("UKR", "nato"): (25.0, 70.0),
        ("USA", "zaporizhzhia_npp"): (50.0, 40.0),
        ("USA", "territory_form"): (75.0, 50.0),
        ("USA", "elections"): (None, 70.0),
    }
    assert {r.source for r in d.revisions} == {
        "interfax-znpp-dec11",
        "zmina-dec11",
        "trump-politico",
        "ft-800k",
        "zelensky-dec9",
        "zn-dec11",
        "reuters-dec11",
        "ft-eu2027",
        "berlin",
    }
    for c in d.changes:
        if c.field == "position" and c.old is not None:
            assert c.delta == c.new - c.old


@settings(max_examples=30)
@given(st.integers(0, 80), st.integers(0, 80))
def test_changes_run_both_ways_and_vanish_on_one_day(a: int, b: int) -> None:
    sc = load_scenario("ukraine-2025")
    d1, d2 = (
        D("2025-11-01").fromordinal(D("2025-11-01").toordinal() + a),
        D("2025-11-01").fromordinal(D("2025-11-01").toordinal() + b),
    )
    fwd = {(c.item, c.actor, c.issue, c.field): (c.old, c.new) for c in input_changes(sc, d1, d2).changes}
    back = {(c.item, c.actor, c.issue, c.field): (c.new, c.old) for c in input_changes(sc, d2, d1).changes}
    assert fwd == back
    if d1 == d2:
        assert not fwd
