"""Roles, decision rules and ratification steps: defaults that keep old scenarios
meaning what they meant, explicit roles, and every problem reported with its line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from negotia import load_scenario
from negotia.errors import InputError
from negotia.scenario.formats import dump_scenario
from negotia.scenario.roles import consents_on, rule_for
from negotia.scenario.schema import Scenario
from tests.conftest import ROOT

BASE = textwrap.dedent(
    """\
    name: roles
    date: 2025-12-14
    required_parties: [A, B]
    actors:
      - {id: A, capability: 2}
      - {id: B, capability: 1}
      - {id: M, capability: 5, group: mediator}
      - {id: G, capability: 1, group: Guarantor}
      - {id: O, capability: 1, group: europe}
    issues:
      - {id: x}
      - {id: y}
    stances:
      - {actor: A, issue: x, position: 20, salience: 0.8}
      - {actor: B, issue: x, position: 80, salience: 0.4}
    """
)


def load(tmp_path: Path, text: str, name: str = "s.yaml") -> Scenario:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return load_scenario(p)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as e:
        load(tmp_path, text)
    return [str(p) for p in e.value.problems]


def test_default_roles_follow_required_parties_and_group(tmp_path: Path) -> None:
    sc = load(tmp_path, BASE)
    assert sc.roles == {"A": "party", "B": "party", "M": "mediator", "G": "guarantor", "O": "observer"}
    assert sc.parties == ["A", "B"]
    assert sc.mediators == ["M"]


def test_without_named_parties_everyone_but_a_mediator_is_a_party(tmp_path: Path) -> None:
    # A committee (or a DEU table): no required_parties, no roles -> every consent counts.
    sc = load(tmp_path, BASE.replace("required_parties: [A, B]\n", ""))
    assert sc.roles == {"A": "party", "B": "party", "M": "mediator", "G": "guarantor", "O": "party"}


def test_an_explicit_party_role_makes_the_others_observers(tmp_path: Path) -> None:
    text = BASE.replace("required_parties: [A, B]\n", "").replace(
        "{id: A, capability: 2}", "{id: A, capability: 2, role: party}"
    )
    assert load(tmp_path, text).roles["B"] == "observer"


def test_the_bundled_case_keeps_its_meaning() -> None:
    roles = load_scenario("ukraine-2025").roles
    assert roles["UKR"] == roles["RUS"] == "party"
    assert roles["USA"] == "mediator"
    assert roles["JPN"] == roles["CAN"] == "guarantor"
    # The file now declares its roles: Germany is among the guarantors Kyiv asks for
    # (docs/ukraine-2025.md); China has no vote.
    assert roles["DEU"] == "guarantor"
    assert roles["CHN"] == "observer"


def test_veto_players_and_rules_per_issue(tmp_path: Path) -> None:
    text = BASE.replace(
        "  - {id: O, capability: 1, group: europe}",
        "  - {id: O, capability: 1, group: europe}\n  - {id: H, capability: 1, role: veto, veto_on: [y]}\n"
        "  - {id: V, capability: 1, role: veto}",
    ).replace(
        "  - {id: y}",
        "  - {id: y, decision_rule: {rule: qualified_majority, threshold: 0.6, weights: equal}}",
    )
    text = text.replace("stances:", "decision_rule: {rule: unanimity, note: all must sign}\nstances:")
    sc = load(tmp_path, text)
    h = sc.actor("H")
    assert [consents_on("veto", h.veto_on, i) for i in ("x", "y")] == [False, True]
    assert consents_on("veto", [], "x")  # a veto player naming no issue can block all
    assert not consents_on("mediator", [], "x")
    assert rule_for(sc, "x").note == "all must sign"
    assert rule_for(sc, "y").rule == "qualified_majority"
    assert rule_for(sc, "y").weighting == "equal"
    assert rule_for(sc, "y").threshold == 0.6


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_roles_rules_and_ratification_round_trip(tmp_path: Path, fmt: str) -> None:
    text = BASE.replace("{id: M, capability: 5, group: mediator}", "{id: M, capability: 5, role: mediator}")
    text = text.replace(
        "  - {id: y}",
        "  - {id: y, decision_rule: {rule: qualified_majority, threshold: 0.5, weights: {A: 2, B: 1}}}",
    )
    text += textwrap.dedent(
        """\
        red_lines:
          - {actor: A, issue: x, max: 40, sd: 5}
        ratifications:
          - {id: parl, actor: A, kind: parliament, issues: [x], accepts: {x: {max: 30, sd: 4}}}
          - {id: vote, actor: B, kind: referendum}
        """
    )
    sc = load(tmp_path, text)
    assert sc.red_lines[0].sd == 5
    assert sc.ratifications[0].accepts["x"].max == 30
    assert sc.ratifications[1].covers("y") and not sc.ratifications[0].covers("y")
    again = load(tmp_path, dump_scenario(sc, fmt), f"again.{fmt}")
    assert again == sc


def test_every_problem_of_roles_and_rules_is_reported_with_its_line(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        name: bad roles
        required_parties: [A, B]
        decision_rule: {rule: qualified_majority, threshold: 0.6, weights: {A: 1, B: 1, Z: 2}}
        actors:
          - {id: A, capability: 2}
          - {id: B, capability: 1, role: mediator}
          - {id: H, capability: 1, role: veto, veto_on: [x, nope]}
          - {id: O, capability: 1, veto_on: [x], role: observer}
          - {id: P, capability: 1, role: party}
        issues:
          - {id: x}
          - {id: y, decision_rule: {rule: unanimity, threshold: 0.5}}
          - {id: z, decision_rule: {rule: qualified_majority}}
          - {id: w, decision_rule: {rule: qualified_majority, threshold: 1.5}}
        red_lines:
          - {actor: A, issue: x, max: 6, sd: -1}
        ratifications:
          - {id: rada, actor: A, kind: parliament, issues: [x], accepts: {x: {max: 40}}}
          - {id: rada, actor: Q, kind: referendum, issues: [q], accepts: {x: {max: 4}}}
          - {id: court, actor: A, kind: plebiscite}
          - {id: vote, actor: A, kind: referendum, accepts: {x: {min: 3, max: 1}}}
        """
    )
    found = problems(tmp_path, text)
    expected = [
        r"line 3, decision_rule\.weights\.B: 'B' \(mediator\) has no vote",
        r"line 3, decision_rule\.weights\.Z: unknown actor 'Z'",
        r"line 3, decision_rule\.weights: no weight for the voter\(s\) H, P",
        r"line 6, actors\[1\]\.role: required_parties lists 'B', whose role is mediator",
        r"line 7, actors\[2\]\.veto_on\[1\]: unknown issue 'nope'",
        r"line 8, actors\[3\]\.veto_on: veto_on is for actors with role veto",
        r"line 9, actors\[4\]\.role: 'P' has role party but required_parties does not list it",
        r"line 12, issues\[1\]\.decision_rule: threshold and weights apply to rule qualified_majority only",
        r"line 13, issues\[2\]\.decision_rule: a qualified_majority needs a threshold",
        r"line 14, issues\[3\]\.decision_rule\.threshold: .*less than or equal to 1",
        r"line 16, red_lines\[0\]\.sd: .*greater than or equal to 0",
        r"line 19, ratifications\[1\]\.id: duplicate id 'rada'",
        r"line 19, ratifications\[1\]\.actor: unknown actor 'Q'",
        r"line 19, ratifications\[1\]\.issues\[0\]: unknown issue 'q'",
        r"line 19, ratifications\[1\]\.accepts\.x: issue 'x' is not among the issues this step votes on",
        r"line 20, ratifications\[2\]\.kind: .*'parliament', 'referendum' or 'other'",
        r"line 21, ratifications\[3\]\.accepts\.x: min \(3\) is greater than max \(1\)",
    ]
    for pattern in expected:
        assert any(re.search(pattern, f) for f in found), (pattern, found)
    assert len(found) == len(expected), found


def test_a_veto_listed_in_required_parties_is_a_contradiction(tmp_path: Path) -> None:
    text = BASE.replace("{id: B, capability: 1}", "{id: B, capability: 1, role: veto, veto_on: [x]}")
    (found,) = problems(tmp_path, text)
    assert "actors[1].role" in found and "whose role is veto" in found


def test_the_worked_example_in_the_docs_loads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Roles, decision rules and ratification") :]
    start = section.index("```yaml") + len("```yaml")
    block = section[start : section.index("```\n", start)]
    sc = load(tmp_path, block)
    assert sc.roles == {
        "UKR": "party",
        "RUS": "party",
        "USA": "mediator",
        "HUN": "veto",
        "BEL": "veto",
        "DEU": "observer",
    }
    assert rule_for(sc, "assets").weighting == {"UKR": 1, "RUS": 1, "BEL": 1}
    assert [r.id for r in sc.ratifications] == ["rada", "referendum"]
