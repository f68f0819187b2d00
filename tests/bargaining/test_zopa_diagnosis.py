"""The ZOPA diagnosis in every documented case, worked by hand (bargaining/zopa.py).

Mutation testing found these paths of the diagnosis unchecked: more than one red line to
relax, a grid too coarse for the red lines, the relaxation search's budget, three
parties, red lines that only touch, and the JSON form.  All cases are on
0-100 scales with 11 grid points (step 10) unless said otherwise.
"""

from __future__ import annotations

import json

import pytest

from negotia.bargaining import utility_model, zopa
from tests.bargaining.bargaining_helpers import make_scenario


def two_deadlocks():
    """A and B are 40 points apart on x (A max 30, B min 70) and on y (A min 70, B max 30):
    no single relaxation helps; each of the four pairs (one line on x, one on y) does,
    each line moving 40 points."""
    sc = make_scenario(
        {"A": {"x": 20, "y": 80}, "B": {"x": 90, "y": 10}},
        red_lines=[
            {"actor": "A", "issue": "x", "max": 30},
            {"actor": "B", "issue": "x", "min": 70},
            {"actor": "A", "issue": "y", "min": 70},
            {"actor": "B", "issue": "y", "max": 30},
        ],
        reservation={"A": 0.0, "B": 0.0},
    )
    return utility_model(sc, resolution=11)


def test_two_red_lines_must_move() -> None:
    z = zopa(two_deadlocks())
    assert z.empty and z.n_within_red_lines == 0 and not z.reservation_blocks
    assert {(c.issue, c.gap) for c in z.conflicts} == {("x", 40), ("y", 40)}
    pairs = {tuple(sorted((r.party, r.issue) for r in x.red_lines)) for x in z.relaxations}
    assert pairs == {
        (("A", "x"), ("A", "y")),
        (("A", "x"), ("B", "y")),
        (("A", "y"), ("B", "x")),
        (("B", "x"), ("B", "y")),
    }
    for x in z.relaxations:
        assert [m.distance for m in x.moves] == pytest.approx([40, 40])
        assert x.zopa_size > 0
    text = z.sentences()
    assert text[0].startswith("No package satisfies both A and B: ")
    assert text[1].startswith("Relaxing 2 red lines would open a zone of agreement: ")
    assert " — or — " in text[1]
    assert z.notes == ()


def test_the_relaxation_search_stops_at_its_budget_and_says_so() -> None:
    """Four single lines are tried first; with a budget of 2 checks the search stops there,
    finds nothing and notes it."""
    z = zopa(two_deadlocks(), max_checks=2)
    assert z.empty and z.relaxations == ()
    assert z.notes == ("relaxation search stopped after 2 checks",)
    assert not any(s.startswith("Relaxing") for s in z.sentences())
    # and with room for one line at a time only (max_relaxed=1) nothing is found either
    assert zopa(two_deadlocks(), max_relaxed=1).relaxations == ()


def test_a_grid_too_coarse_for_the_red_lines() -> None:
    """A min 41 and B max 49 on x overlap, but no point of the 0, 10, ..., 100 grid lies in
    [41, 49]: the diagnosis names the issue and suggests a finer resolution; relaxing
    either line opens the ZOPA: A's min 41 moves 1 point, to 40, or B's max 49 moves 1
    point, to 50."""
    sc = make_scenario(
        {"A": {"x": 60}, "B": {"x": 30}},
        red_lines=[{"actor": "A", "issue": "x", "min": 41}, {"actor": "B", "issue": "x", "max": 49}],
        reservation={"A": 0.0, "B": 0.0},
    )
    z = zopa(utility_model(sc, resolution=11))
    assert z.empty and z.conflicts == () and z.issues_without_option == ("x",)
    assert z.options_within_red_lines == {"x": 0}
    assert "no option on x lies inside every red line (try a finer --resolution)" in z.sentences()[0]
    moves = {(m.party, m.bound, m.limit, m.to) for x in z.relaxations for m in x.moves}
    assert moves == {("A", "min", 41, 40), ("B", "max", 49, 50)}
    # on a grid that holds 45 the same lines leave a ZOPA
    assert not zopa(utility_model(sc, resolution=21)).empty


def test_touching_red_lines_are_no_conflict() -> None:
    """A max 50 and B min 50: the package at 50 satisfies both (1 package)."""
    sc = make_scenario(
        {"A": {"x": 0}, "B": {"x": 100}},
        red_lines=[{"actor": "A", "issue": "x", "max": 50}, {"actor": "B", "issue": "x", "min": 50}],
        reservation={"A": 0.0, "B": 0.0},
    )
    z = zopa(utility_model(sc, resolution=11))
    assert z.conflicts == () and z.size == 1 and z.n_within_red_lines == 1
    assert z.sentences() == ["1 of 11 packages are acceptable to A and B (1 respect every red line)."]


def test_reservation_sentence_says_how_many_packages_respect_the_lines() -> None:
    sc = make_scenario({"A": {"x": 0}, "B": {"x": 100}}, reservation={"A": 0.7, "B": 0.7})
    z = zopa(utility_model(sc, resolution=11))
    assert z.sentences() == [
        "No package satisfies both A and B: 11 packages respect every red line, but none gives "
        "each party at least its reservation value.",
        "Even without red lines no package gives every party its reservation value (the value of no "
        "agreement).",
    ]


def test_three_parties_and_a_line_that_need_not_move() -> None:
    """C (max 30 on x) conflicts with B (min 70); A's line (max 80) is compatible with both.
    Relaxing B's line lets the package x = 30 through (B's min moves 40 points); relaxing
    C's, x = 70 (40 points).  Sentences address "all of A, B and C"."""
    sc = make_scenario(
        {"A": {"x": 50}, "B": {"x": 90}, "C": {"x": 10}},
        red_lines=[
            {"actor": "A", "issue": "x", "max": 80},
            {"actor": "B", "issue": "x", "min": 70},
            {"actor": "C", "issue": "x", "max": 30},
        ],
        reservation={"A": 0.0, "B": 0.0, "C": 0.0},
        required=["A", "B", "C"],
    )
    z = zopa(utility_model(sc, resolution=11))
    assert z.parties == ("A", "B", "C")
    assert z.sentences()[0].startswith("No package satisfies all of A, B and C: ")
    assert [(c.high_party, c.low_party, c.gap) for c in z.conflicts] == [("B", "C", 40)]
    single = {x.red_lines[0].party: x.moves[0] for x in z.relaxations}
    assert set(single) == {"B", "C"}
    assert (single["B"].to, single["B"].distance) == (30, 40)
    assert (single["C"].to, single["C"].distance) == (70, 40)


def test_to_dict_carries_the_diagnosis() -> None:
    z = zopa(two_deadlocks())
    d = json.loads(z.to_json())
    assert d["empty"] is True and d["size"] == 0 and d["parties"] == ["A", "B"]
    assert sorted((c["issue"], c["gap"]) for c in d["conflicts"]) == [("x", 40), ("y", 40)]
    assert all("points apart" in c["sentence"] for c in d["conflicts"])
    assert len(d["relaxations"]) == 4
    first = d["relaxations"][0]
    assert [m["distance"] for m in first["moves"]] == [40, 40]
    assert first["zopa_size"] == z.relaxations[0].zopa_size and first["package"] == z.relaxations[0].package
    assert len(first["red_lines"]) == 2
    assert d["sentences"] == z.sentences()
