"""scenario/validation.py: every documented way a file's data can be wrong, each with the
message and the place it names (found unchecked by mutation testing)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from negotia import load_scenario
from negotia.errors import InputError, Problem
from negotia.scenario.validation import run_checks, scenario_from_data

BASE = {
    "name": "t",
    "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 2}],
    "issues": [{"id": "x", "scale": {"min": 0, "max": 100}}],
    "stances": [
        {"actor": "A", "issue": "x", "position": 10, "salience": 0.5},
        {"actor": "B", "issue": "x", "position": 90, "salience": 0.25},
    ],
}


def problems(data: object, **kw: object) -> list[str]:
    with pytest.raises(InputError) as e:
        scenario_from_data(data, "f.yaml", **kw)
    assert e.value.source == "f.yaml"
    return [str(p) for p in e.value.problems]


def test_a_file_that_is_not_a_mapping() -> None:
    assert problems(["a", "list"]) == [
        "a scenario file must hold a mapping of fields (name, actors, issues, ...)"
    ]


def test_a_list_field_that_is_not_a_list() -> None:
    found = problems({**BASE, "red_lines": {"actor": "A"}})
    assert "red_lines: must be a list" in found


@pytest.mark.parametrize("scale", [0, 10, "100", True, 1.5])
def test_salience_scale_must_be_1_or_100(scale: object) -> None:
    """``true`` is not 1: YAML's boolean must not pass for a scale (it equals 1 in Python)."""
    assert f"salience_scale: must be 1 or 100, got {scale!r}" in problems({**BASE, "salience_scale": scale})


def test_sources_as_a_list_with_ids_or_a_mapping() -> None:
    listed = scenario_from_data({**BASE, "sources": [{"id": "s1", "title": "T"}]}, "f.yaml")
    assert listed.sources["s1"].title == "T"
    found = problems({**BASE, "sources": [{"title": "no id"}, "text"]})
    assert found == [
        "sources[0]: a source in a list needs an id",
        "sources[1]: a source in a list needs an id",
    ]
    assert problems({**BASE, "sources": "s1"}) == ["sources: must be a mapping of id -> source"]


def test_salience_on_0_100_is_rescaled_and_checked() -> None:
    """salience_scale 100: 50 -> 0.5 (and an uncertainty of 10 -> 0.1); 180, NaN refused."""
    data = {**BASE, "salience_scale": 100}
    data["stances"] = [
        {"actor": "A", "issue": "x", "position": 10, "salience": 50, "uncertainty": {"salience": 10}},
        {"actor": "B", "issue": "x", "position": 90, "salience": 100},
    ]
    sc = scenario_from_data(data, "f.yaml")
    assert [s.salience for s in sc.stances] == [0.5, 1.0]
    assert sc.stances[0].uncertainty.salience == pytest.approx(0.1)
    data["stances"] = [
        {"actor": "A", "issue": "x", "position": 10, "salience": 180},
        {"actor": "B", "issue": "x", "position": 90, "salience": float("nan")},
    ]
    assert problems(data) == [
        "stances[0].salience: salience 180 is outside 0-100",
        "stances[1].salience: salience must be a finite number, got nan",
    ]


def test_revisions_on_0_100_are_rescaled() -> None:
    data = {
        **BASE,
        "salience_scale": 100,
        "stances": [
            {"actor": "A", "issue": "x", "position": 10, "salience": 50},
            {"actor": "B", "issue": "x", "position": 90, "salience": 20},
        ],
        "revisions": [
            {
                "item": "stance",
                "actor": "A",
                "issue": "x",
                "valid_from": "2025-11-21",
                "set": {"salience": 80},
            }
        ],
    }
    sc = scenario_from_data(data, "f.yaml")
    assert sc.revisions[0].set.salience == pytest.approx(0.8)


def test_revision_without_or_with_an_unknown_item() -> None:
    rev = {"actor": "A", "issue": "x", "valid_from": "2025-11-21", "set": {"position": 3}}
    missing = problems({**BASE, "revisions": [rev]})
    assert missing == ["revisions[0]: a revision needs item (one of: stance, red_line, issue, actor)"]
    unknown = problems({**BASE, "revisions": [{**rev, "item": "mood"}]})
    assert unknown == [
        "revisions[0]: unknown item; a revision changes one of: stance, red_line, issue, actor"
    ]


def test_cross_references_name_the_files_own_index() -> None:
    """The first stance is invalid, so the valid ones are numbered 0 and 1 internally; the
    duplicate must still be reported at the file's indices 2 (first at stances[1])."""
    data = {
        **BASE,
        "stances": [
            {"actor": "A", "issue": "x", "position": "high", "salience": 0.5},
            {"actor": "A", "issue": "x", "position": 10, "salience": 0.5},
            {"actor": "A", "issue": "x", "position": 20, "salience": 0.5},
            {"actor": "B", "issue": "x", "position": 90, "salience": 0.5},
        ],
    }
    found = problems(data)
    assert any(p.startswith("stances[0].position:") for p in found)
    dup = [p for p in found if "first at" in p]
    assert len(dup) == 1 and dup[0].startswith("stances[2]") and dup[0].endswith("(first at stances[1])")


def test_problems_come_in_file_order_with_their_lines(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        name: t
        actors:
          - {id: A, capability: 1}
          - {id: A, capability: 2}
        issues:
          - {id: x, scale: {min: 0, max: 10}}
        stances:
          - {actor: C, issue: x, position: 5, salience: 0.5}
          - {actor: A, issue: x, position: 50, salience: 0.5}
        salience_scale: 3
        """
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as e:
        load_scenario(path)
    lines = [int(str(p).split(",")[0].removeprefix("line ")) for p in e.value.problems]
    assert lines == sorted(lines) and lines[0] == 4 and lines[-1] == 10
    text_of = "\n".join(str(p) for p in e.value.problems)
    assert "line 4, actors[1].id: duplicate id 'A'" in text_of
    assert "line 8, stances[0].actor: unknown actor 'C'" in text_of
    assert "line 10, salience_scale: must be 1 or 100, got 3" in text_of


def test_further_checks_are_reported_with_the_rest() -> None:
    """A higher layer's check (here: "B may not take part") joins the file's problems; run_checks
    applies the same checks to a scenario a reader already built."""

    def no_b(sc: object) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("actors", 1, "id"), "B may not take part")]

    assert problems(BASE, checks=[no_b]) == ["actors[1].id: B may not take part"]
    sc = scenario_from_data(BASE, "f.yaml")
    with pytest.raises(InputError) as e:
        run_checks(sc, [no_b], "built.csv")
    assert e.value.source == "built.csv" and [str(p) for p in e.value.problems] == [
        "actors[1].id: B may not take part"
    ]
    assert run_checks(sc, [], "built.csv") is sc


def test_a_readers_own_problems_are_not_repeated() -> None:
    """A reader that found every row bad reports those rows; "the scenario has no actors"
    would only repeat it."""
    found = problems({"name": "t"}, extra_problems=[Problem("line 2", "row 2: no actor id")])
    assert found == ["line 2: row 2: no actor id"]
    assert any("no actors" in p for p in problems({"name": "t"}))
