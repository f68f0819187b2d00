"""The scenario link: guarantees entries and the guarantee issue's anchors."""

from __future__ import annotations

import pytest

from negotia.errors import InputError
from negotia.guarantees.link import anchor_arrangements, arrangement_for_value, scenario_instruments
from negotia.scenario.schema import Issue


class FakeScenario:
    def __init__(self, anchors, metadata=None, guarantees=None):
        self.issues = [Issue(id="guarantees", scale={"min": 0, "max": 100}, anchors=anchors)]
        self.metadata = metadata or {}
        self.guarantees = guarantees or []


ANCHORS = {
    0: "no guarantee",
    20: "Budapest-style assurances",
    40: "2024-style bilateral security agreements",
    70: "legally binding bilateral Article-5-like guarantees",
    100: "NATO membership (Article 5)",
}


def test_anchor_labels_map_to_arrangements():
    got = {a.value: a.arrangement for a in anchor_arrangements(FakeScenario(ANCHORS))}
    assert got == {
        0: "none",
        20: "budapest",
        40: "bilateral-2024",
        70: "art5-like-binding",
        100: "nato-membership",
    }


def test_value_reads_as_nearest_anchor():
    sc = FakeScenario(ANCHORS)
    assert arrangement_for_value(sc, 62).arrangement == "art5-like-binding"
    assert arrangement_for_value(sc, 30).arrangement == "budapest"  # tie goes to the weaker promise
    assert arrangement_for_value(sc, 96).arrangement == "nato-membership"


def test_metadata_mapping_overrides_labels():
    sc = FakeScenario(ANCHORS, metadata={"guarantee_arrangements": {70: "draft-2025-european"}})
    assert arrangement_for_value(sc, 70).arrangement == "draft-2025-european"
    bad = FakeScenario(ANCHORS, metadata={"guarantee_arrangements": {70: "warsaw-pact"}})
    with pytest.raises(InputError, match=r"guarantee_arrangements\.70"):
        anchor_arrangements(bad)


def test_scenario_entries_refs_arrangements_and_inline():
    insts = scenario_instruments(
        [
            {"ref": "nato-art5", "join": ["UKR"]},
            {"arrangement": "bilateral-2024"},
            {"ref": "us_ukr_draft_2025", "bindingness": "ratified_treaty"},
        ]
    )
    by_id = {i.id: i for i in insts}
    assert "UKR" in by_id["nato-art5"].parties
    assert "gbr-ukr-2024" in by_id and "jpn-ukr-2024" in by_id
    assert by_id["us-ukr-draft-2025"].ratified


def test_scenario_entry_errors_name_the_field():
    with pytest.raises(InputError) as e:
        scenario_instruments(
            [{"ref": "nato-art6"}, {"arrangement": "x"}, {"ref": "nato-art5", "jion": ["UKR"]}, 3]
        )
    text = str(e.value)
    assert "guarantees[0].ref: unknown instrument 'nato-art6'" in text
    assert "guarantees[1].arrangement" in text
    assert "guarantees[2].jion" in text
    assert "guarantees[3]" in text


def test_bundled_scenario_links():
    from negotia.scenario.formats import load_scenario

    sc = load_scenario("ukraine-2025")
    mapped = {a.value: a.arrangement for a in anchor_arrangements(sc)}
    assert mapped[100.0] == "nato-membership" and mapped[20.0] == "budapest"
    assert sc.metadata["guarantee_arrangements"]  # the mapping is explicit in the file
    assert [a.arrangement for a in anchor_arrangements(sc)] == [
        "none",
        "budapest",
        "bilateral-2024",
        "art5-like-binding",
        "nato-membership",
    ]
    ids = {i.id for i in scenario_instruments(sc)}
    # in force or under negotiation on 14 Dec 2025 (nothing dated after the snapshot)
    assert {"budapest-1994", "g7-vilnius-2023", "usa-ukr-2024", "us-ukr-draft-2025"} <= ids
    assert "paris-declaration-2026" not in ids
    # the status quo of the issue (40) reads as the 2024 agreements
    assert arrangement_for_value(sc, sc.issue("guarantees").status_quo).arrangement == "bilateral-2024"


def test_scenario_file_reports_bad_guarantee_entries(tmp_path):
    """The facade checks the entries against the catalogue; the scenario layer, which
    knows no application, keeps them as plain data."""
    from negotia.api import load_scenario
    from negotia.scenario import formats

    p = tmp_path / "sc.yaml"
    p.write_text(
        "name: t\n"
        "actors:\n  - {id: UKR, capability: 1}\n"
        "issues:\n  - {id: guarantees}\n"
        "stances:\n  - {actor: UKR, issue: guarantees, position: 50, salience: 0.5}\n"
        "guarantees:\n"
        "  - {ref: nato-art5, join: [UKR]}\n"
        "  - {ref: nato-art6}\n"
        "  - {ref: budapest-1994, notices: {USA: soon}}\n"
    )
    assert formats.load_scenario(p).guarantees[1] == {"ref": "nato-art6"}
    with pytest.raises(InputError) as e:
        load_scenario(p)
    text = str(e.value)
    assert "line 10, guarantees[1]: ref: unknown instrument 'nato-art6'" in text
    assert "line 11, guarantees[2]: notices.USA" in text
    good = p.read_text().replace("  - {ref: nato-art6}\n", "").replace("{USA: soon}", "{USA: 2026-03-01}")
    p.write_text(good)
    sc = load_scenario(p)
    assert sc.guarantees[0] == {"ref": "nato-art5", "join": ["UKR"]}  # entries stay plain mappings
    insts = {i.id: i for i in scenario_instruments(sc)}
    assert "UKR" in insts["nato-art5"].parties
    assert str(insts["budapest-1994"].notices["USA"]) == "2026-03-01"
