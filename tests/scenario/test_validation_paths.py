"""scenario/validation.py: the paths mutation testing found unchecked after
test_validation_edges.py -- saliences of revisions on 0-100, entries that failed
validation and the references to them, where a bad revision is reported, checks that
read the scenario, the order of problems without a line, and the bounds of 0-100."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from negotia import load_scenario
from negotia.errors import InputError
from negotia.scenario.validation import run_checks, scenario_from_data
from tests.scenario.test_validation_edges import BASE, problems

REVISION = {"item": "stance", "actor": "A", "issue": "x", "valid_from": "2025-11-21"}


def _load(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    return [str(p) for p in e.value.problems]


def test_revision_saliences_stay_as_written_on_a_0_1_file() -> None:
    sc = scenario_from_data({**BASE, "revisions": [{**REVISION, "set": {"salience": 0.8}}]}, "f.yaml")
    assert sc.revisions[0].set.salience == pytest.approx(0.8)  # not divided by 100


def test_a_revision_salience_outside_0_100_is_named_at_its_line(tmp_path: Path) -> None:
    found = _load(
        tmp_path,
        """\
        name: t
        salience_scale: 100
        actors: [{id: A, capability: 1}, {id: B, capability: 2}]
        issues: [{id: x}]
        stances:
          - {actor: A, issue: x, position: 10, salience: 50}
          - {actor: B, issue: x, position: 90, salience: 100.5}
        revisions:
          - item: stance
            actor: A
            issue: x
            valid_from: 2025-11-21
            set: {salience: 150}
        """,
    )
    assert found == [
        "line 7, stances[1].salience: salience 100.5 is outside 0-100",
        "line 13, revisions[0].set.salience: salience 150 is outside 0-100",
    ]


def test_a_bad_revision_is_named_by_its_own_fields_at_its_line(tmp_path: Path) -> None:
    found = _load(
        tmp_path,
        """\
        name: t
        actors: [{id: A, capability: 1}, {id: B, capability: 2}]
        issues: [{id: x}]
        stances:
          - {actor: A, issue: x, position: 10, salience: 0.5}
          - {actor: B, issue: x, position: 90, salience: 0.5}
        revisions:
          - item: stance
            actor: A
            issue: x
            valid_from: 2025-11-21
            set: {position: high}
        """,
    )
    # the field path as written in the file: no union tag ("stance") and no validator
    # wrapper ("function-after") in it
    assert len(found) == 1 and found[0].startswith("line 12, revisions[0].set.position: ")


def test_references_to_an_entry_that_failed_are_not_reported_again() -> None:
    """Actor C and issue y are in the file but invalid (a negative capability, a scale
    whose max is below its min): their own problems are reported, and the stance on them
    is not called an "unknown actor" or "unknown issue" as well."""
    data = {
        **BASE,
        "actors": [*BASE["actors"], {"id": "C", "capability": -1}],
        "issues": [*BASE["issues"], {"id": "y", "scale": {"min": 5, "max": 1}}],
        "stances": [
            *BASE["stances"],
            {"actor": "C", "issue": "x", "position": 5, "salience": 0.5},
            {"actor": "A", "issue": "y", "position": 3, "salience": 0.5},
        ],
    }
    found = problems(data)
    assert [p.split(":")[0] for p in found] == ["actors[2].capability", "issues[1].scale"]
    assert not any("unknown" in p for p in found)


def test_a_file_that_is_not_a_mapping_has_no_place() -> None:
    with pytest.raises(InputError) as e:
        scenario_from_data("text", "f.yaml")
    assert [p.where for p in e.value.problems] == [""]


def test_checks_see_the_scenario_and_report_at_its_lines() -> None:
    """A check reads the validated scenario (here its name) and its problem is placed at
    the line of the field it names."""

    def name_check(sc: object) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("name",), f"the name {sc.name!r} is taken")]  # type: ignore[attr-defined]

    lines = {("name",): 1}
    with pytest.raises(InputError) as e:
        scenario_from_data(BASE, "f.yaml", line_of=lambda loc: lines.get(tuple(loc)), checks=[name_check])
    assert [str(p) for p in e.value.problems] == ["line 1, name: the name 't' is taken"]
    sc = scenario_from_data(BASE, "f.yaml")
    with pytest.raises(InputError) as e:
        run_checks(sc, [name_check], "built.csv")
    assert [str(p) for p in e.value.problems] == ["name: the name 't' is taken"]


def test_problems_without_a_line_come_after_those_with_one(tmp_path: Path) -> None:
    """A reader's problems without a line (extra_problems) are listed after every problem
    the file's lines place."""
    from negotia.errors import Problem

    with pytest.raises(InputError) as e:
        scenario_from_data(
            {**BASE, "salience_scale": 3},
            "f.yaml",
            line_of=lambda loc: 9 if tuple(loc) == ("salience_scale",) else None,
            extra_problems=[Problem("", "a reader's note without a line")],
        )
    assert [str(p) for p in e.value.problems] == [
        "line 9, salience_scale: must be 1 or 100, got 3",
        "a reader's note without a line",
    ]


def test_a_bad_source_is_named_at_its_line(tmp_path: Path) -> None:
    found = _load(
        tmp_path,
        """\
        name: t
        actors: [{id: A, capability: 1}, {id: B, capability: 2}]
        issues: [{id: x}]
        stances:
          - {actor: A, issue: x, position: 10, salience: 0.5}
          - {actor: B, issue: x, position: 90, salience: 0.5}
        sources:
          s1: {title: T, colour: red}
        """,
    )
    assert len(found) == 1 and found[0].startswith("line 8, sources.s1.colour: ")


def test_a_bad_top_level_field_is_reported_in_file_order(tmp_path: Path) -> None:
    """A top-level problem (an unknown loss, line 2) comes before a stance's bad position (line 7), and
    the error names the file."""
    path = tmp_path / "s.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            name: t
            loss: quartic
            actors: [{id: A, capability: 1}, {id: B, capability: 2}]
            issues: [{id: x}]
            stances:
              - {actor: A, issue: x, position: 10, salience: 0.5}
              - {actor: B, issue: x, position: high, salience: 0.5}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        load_scenario(path)
    assert e.value.source.endswith("s.yaml")
    where = [str(p).split(":")[0] for p in e.value.problems]
    assert where == ["line 2, loss", "line 7, stances[1].position"]
