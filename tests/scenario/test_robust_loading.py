"""Issue 16, items 1, 2 and 5: what a scenario file can do to the loader.

An alias bomb is refused without being expanded; values a parser cannot construct (an
impossible date, a 5,000-digit number, data nested thousands deep) are input errors with
their line; JSON is parsed once and its positions are found only for a message; the
reference check is linear in the scenario's size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from negotia import load_scenario
from negotia.errors import InputError
from negotia.scenario import yamljson
from negotia.scenario.schema import Actor, Issue, Scenario, Stance, reference_problems

TAIL = (
    "actors: [{id: A, capability: 1}]\n"
    "issues: [{id: x}]\n"
    "stances: [{actor: A, issue: x, position: 1, salience: 0.5}]\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        load_scenario(path)
    return [str(p) for p in e.value.problems]


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs" document: 9 references to 9 references ... (9**levels values)."""
    lines = ["name: bomb", "a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    lines.append(f"metadata: {{x: *a{levels - 1}}}")
    return "\n".join(lines) + "\n" + TAIL


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    # Issue 16 item 1: 9**9 = 387,420,489 values written as 82 lines; the old line walk
    # followed every alias and reached 4.5 GB.
    found = problems_of(write(tmp_path, "bomb.yaml", alias_bomb()))
    assert len(found) == 1
    assert "aliases (*name) expand this document" in found[0]
    assert "at most 1,000,000 values added by aliases" in found[0]


def test_alias_bomb_line_map_visits_each_written_node_once() -> None:
    # The line map of a document within the limit is as small as its text, not its data.
    text = alias_bomb(levels=5)  # 9**5 = 59,049 values: under the limit
    lines = yamljson._compose_lines(text)
    assert len(lines) < 200
    assert lines[("a4",)] == 6 and lines[("metadata", "x")] == 7


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "rec.yaml", "name: r\nmetadata: &m {self: *m}\n" + TAIL))
    assert found == [
        "line 2: an alias refers to a value that contains the alias itself (a recursive alias); "
        "write the data out instead"
    ]


def test_ordinary_aliases_still_load_and_report_their_line(tmp_path: Path) -> None:
    text = (
        "name: shared stance fields\n"
        "actors: [{id: A, capability: 1}, {id: B, capability: 2}]\n"
        "issues: [{id: x}]\n"
        "stances:\n"
        "  - &s {actor: A, issue: x, position: 10, salience: 0.5}\n"
        "  - {<<: *s, actor: B}\n"
        "  - *s\n"
    )
    found = problems_of(write(tmp_path, "alias.yaml", text))
    # The third stance is the first again; PyYAML's node for an alias is the anchored
    # node itself, so the line is the one where the shared value is written.
    assert found == ["line 5, stances[2]: a second stance of 'A' on 'x' (first at stances[0])"]
    sc = load_scenario(write(tmp_path, "ok.yaml", text.replace("  - *s\n", "")))
    assert [s.actor for s in sc.stances] == ["A", "B"]


def test_impossible_date_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    # Issue 16 item 2: 2025-02-30 raised ValueError from the YAML constructor.
    found = problems_of(write(tmp_path, "d.yaml", "name: x\ndate: 2025-02-30\n" + TAIL))
    assert found == ["line 2, column 7: cannot read the value '2025-02-30': day is out of range for month"]
    # In JSON a date is a string, checked by the schema.
    data = {"name": "x", "date": "2025-02-30", **yaml.safe_load(TAIL)}
    found = problems_of(write(tmp_path, "d.json", json.dumps(data, indent=1)))
    assert len(found) == 1 and found[0].startswith("line 3, date: Input should be a valid date")


def test_five_thousand_digit_number_is_an_input_error(tmp_path: Path) -> None:
    # Issue 16 item 2: int() refuses more than 4,300 digits with a ValueError.
    big = "9" * 5000
    found = problems_of(write(tmp_path, "n.yaml", TAIL.replace("capability: 1", f"capability: {big}")))
    assert found == [
        "line 1, column 30: cannot read the value '99999999999999999999...(5000 characters)': "
        "a number with more digits than any scenario needs"
    ]
    data = yaml.safe_load(TAIL)
    text = json.dumps(data, indent=1).replace('"capability": 1', f'"capability": {big}')
    found = problems_of(write(tmp_path, "n.json", text))
    assert found == ["line 5: cannot read a number: a number with more digits than any scenario needs"]


def test_a_number_too_large_for_a_float_is_refused(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "f.yaml", TAIL.replace("capability: 1", "capability: " + "9" * 400)))
    assert found[0].startswith("line 1, actors[0].capability: Input should be a valid number")


@pytest.mark.parametrize(
    ("name", "text"),
    [("deep.json", "[" * 100_000 + "]" * 100_000), ("deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000)],
)
def test_deeply_nested_data_is_an_input_error(tmp_path: Path, name: str, text: str) -> None:
    found = problems_of(write(tmp_path, name, text))
    assert len(found) == 1 and ("nested too deeply" in found[0] or "maximum nesting depth" in found[0])


def test_deeply_nested_block_yaml_is_an_input_error(tmp_path: Path) -> None:
    text = "".join(" " * k + f"k{k}:\n" for k in range(3000))
    found = problems_of(write(tmp_path, "deep-block.yaml", text))
    assert len(found) == 1


def test_valid_json_is_read_once_without_positions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 16 item 5: 97% of the time of a 1,000 x 100 JSON went into re-reading it with
    # a pure-Python YAML parser only for line numbers.  They are now found on demand.
    def no_scan(text: str) -> dict[Any, int]:
        raise AssertionError("positions computed for a valid file")

    monkeypatch.setattr(yamljson, "json_lines", no_scan)
    monkeypatch.setattr(yamljson, "_compose_lines", no_scan)
    data = yaml.safe_load(TAIL)
    sc = load_scenario(write(tmp_path, "ok.json", json.dumps(data)))
    assert len(sc.stances) == 1
    sc = load_scenario(write(tmp_path, "ok.yaml", TAIL))
    assert len(sc.stances) == 1


def test_json_problem_still_names_its_line(tmp_path: Path) -> None:
    data = yaml.safe_load(TAIL)
    data["stances"].append({"actor": "Z", "issue": "x", "position": 2, "salience": 0.1})
    found = problems_of(write(tmp_path, "bad.json", json.dumps(data, indent=2)))
    assert found == ["line 21, stances[1].actor: unknown actor 'Z'"]


_KEYS = st.text(alphabet="abcxyz_-09 ", min_size=1, max_size=6)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=25,
)


@given(doc=_JSON, indent=st.sampled_from([None, 1, 2]))
def test_json_positions_equal_the_yaml_composer_positions(doc: Any, indent: int | None) -> None:
    # The JSON scan must give the lines the YAML composer gave before it (JSON text is
    # YAML): the composer is an independent reading of the same text.
    text = json.dumps(doc, indent=indent)
    assert yamljson.json_lines(text) == yamljson._line_map(yaml.compose(text, Loader=yaml.SafeLoader))


class _CountingList(list):  # type: ignore[type-arg]
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).walks += 1
        return super().__iter__()


@pytest.mark.parametrize("n_stances", [10, 1000])
def test_reference_check_walks_the_actors_a_fixed_number_of_times(n_stances: int) -> None:
    # Issue 16 item 5: a linear actor look-up per stance made 60,000 actors take 150 s.
    # The number of walks over the actor list must not grow with the number of stances.
    actors = _CountingList(Actor(id=f"A{k}") for k in range(n_stances))
    stances = [Stance(actor=f"A{k}", issue="x", position=1.0, salience=0.5) for k in range(n_stances)]
    sc = Scenario.model_construct(actors=actors, issues=[Issue(id="x")], stances=stances)
    for field in ("sources", "red_lines", "required_parties", "ratifications", "revisions", "guarantees"):
        setattr(sc, field, {} if field == "sources" else [])
    sc.decision_rule = None
    _CountingList.walks = 0
    problems = reference_problems(sc)
    assert len(problems) == n_stances  # every stance lacks a capability
    assert _CountingList.walks <= 8
