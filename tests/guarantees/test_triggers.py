"""Trigger evaluation: one test per condition type plus the edge cases of the issue.

Expected verdicts follow from the treaty texts as coded in the catalogue (e.g. NATO
Art. 6 limits Art. 5 to Europe and North America; the 2024 agreements name Russia; the
US draft needs a "significant, deliberate, and sustained" attack across the line).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.errors import InputError
from negotia.guarantees.catalogue import catalogue, validate_model
from negotia.guarantees.schema import Event, Instrument
from negotia.guarantees.triggers import check_event


def ev(**kw) -> Event:
    base = {"attacker": "RUS", "target": "UKR", "date": "2026-06-01"}
    return validate_model(Event, {**base, **kw}, "<event>")


def inst(ident: str) -> Instrument:
    return catalogue().instrument(ident)


def verdicts(
    event: Event, *instruments: Instrument, assume: bool = False
) -> dict[tuple[str, str, str], object]:
    return {
        (r.instrument, r.obligation, r.guarantor): r
        for r in check_event(event, list(instruments), assume_in_force=assume)
        if r.beneficiary == event.target
    }


def mini(**changes) -> Instrument:
    """A small defence pact A -> B to exercise one condition at a time."""
    data = {
        "id": "test-pact",
        "name": "Test pact",
        "parties": ["AAA", "BBB"],
        "date_signed": "2000-01-01",
        "bindingness": "ratified_treaty",
        "ratified": True,
        "verification": "verified",
        "sources": ["unit test"],
        "obligations": [
            {
                "guarantor": "AAA",
                "beneficiary": "BBB",
                "atop_type": "defense",
                "response_strength": 4,
                "requires": "defend",
                "conditions": changes.pop("conditions", []),
                **changes.pop("ob", {}),
            }
        ],
        **changes,
    }
    return validate_model(Instrument, data, "<test>")


def one(event: Event, instrument: Instrument):
    (r,) = [r for r in check_event(event, [instrument]) if r.guarantor != "—"]
    return r


# -- the edge cases ---------------------------------------------------------------


def test_attack_outside_the_treaty_area():
    # NATO Art. 5 covers Europe and North America (Art. 6): an attack on a member's
    # territory elsewhere does not trigger it.
    nato = inst("nato-art5")
    attack = ev(attacker="CHN", target="USA", location={"areas": ["pacific"]})
    r = verdicts(attack, nato)[("nato-art5", "art5", "GBR")]
    assert r.status == "not_triggered"
    assert "outside the treaty area" in r.reason
    inside = verdicts(ev(attacker="RUS", target="EST"), nato)  # EST lies in Europe
    assert inside[("nato-art5", "art5", "USA")].status == "triggered"
    assert "EST lies in the treaty area (europe)" in inside[("nato-art5", "art5", "USA")].reason


def test_every_nato_member_lies_in_the_treaty_area():
    from negotia.guarantees.catalogue import tags_of

    for member in inst("nato-art5").parties:
        assert tags_of([member]) & {"europe", "north_america"}, member


def test_explicit_inside_treaty_area_overrides_tags():
    nato = inst("nato-art5")
    r = verdicts(
        ev(attacker="CHN", target="USA", location={"areas": ["pacific"], "inside_treaty_area": True}), nato
    )
    assert r[("nato-art5", "art5", "GBR")].status == "triggered"
    r = verdicts(ev(attacker="RUS", target="EST", location={"inside_treaty_area": False}), nato)
    assert r[("nato-art5", "art5", "USA")].status == "not_triggered"


def test_attack_after_expiry():
    # The UK-Ukraine agreement runs 10 years from 12 Jan 2024.
    uk = inst("gbr-ukr-2024")
    assert uk.expires == dt.date(2034, 1, 12)
    before = verdicts(ev(date="2034-01-11"), uk)[("gbr-ukr-2024", "consult", "GBR")]
    after = verdicts(ev(date="2034-01-12"), uk)[("gbr-ukr-2024", "consult", "GBR")]
    assert before.status == "triggered"
    assert after.status == "not_triggered" and "expired on 2034-01-12" in after.reason


def test_attack_during_and_after_exit_notice():
    # The US-Ukraine agreement can be ended on six months' notice.
    us = inst("usa-ukr-2024").model_copy(update={"notices": {"USA": dt.date(2026, 3, 1)}})
    during = verdicts(ev(date="2026-06-01"), us)[("usa-ukr-2024", "consult", "USA")]
    assert during.status == "triggered"
    assert during.exit_pending == dt.date(2026, 9, 1)
    assert "gave notice" in " ".join(c.reason for c in during.checks)
    after = verdicts(ev(date="2026-09-01"), us)[("usa-ukr-2024", "consult", "USA")]
    assert after.status == "not_triggered" and "left on 2026-09-01" in after.reason


def test_condition_on_named_adversary():
    # The 2024 agreements name Russia; the US 2024 text does not.
    event = ev(attacker="BLR")
    v = verdicts(event, inst("deu-ukr-2024"), inst("usa-ukr-2024"))
    assert v[("deu-ukr-2024", "consult", "DEU")].status == "not_triggered"
    assert "applies only against RUS" in v[("deu-ukr-2024", "consult", "DEU")].reason
    assert v[("usa-ukr-2024", "consult", "USA")].status == "triggered"
    # a co-attacker that is named also counts
    both = verdicts(ev(attacker="BLR", co_attackers=["RUS"]), inst("deu-ukr-2024"))
    assert both[("deu-ukr-2024", "consult", "DEU")].status == "triggered"


def test_consultation_only_obligation_requires_consultation():
    r = verdicts(ev(), inst("jpn-ukr-2024"))[("jpn-ukr-2024", "consult", "JPN")]
    assert r.status == "triggered"
    assert r.atop_type == "consultation" and r.response_strength == 1
    assert r.deadline_hours == 24
    assert "24 hours" in r.requires and "non-lethal" in r.requires


def test_attack_below_the_intensity_threshold():
    draft = inst("us-ukr-draft-2025")
    base = {"ceasefire_in_force": True, "location": {"ceasefire_side": "beneficiary"}}
    small = verdicts(ev(scale="limited", **base), draft, assume=True)[("us-ukr-draft-2025", "us", "USA")]
    assert small.status == "not_triggered" and "below the threshold 'significant'" in small.reason
    brief = verdicts(ev(sustained=False, **base), draft, assume=True)[("us-ukr-draft-2025", "us", "USA")]
    assert brief.status == "not_triggered" and "not sustained" in brief.reason
    full = verdicts(ev(**base), draft, assume=True)[("us-ukr-draft-2025", "us", "USA")]
    assert full.status == "triggered"
    unknown = verdicts(ev(deliberate=None, **base), draft, assume=True)[("us-ukr-draft-2025", "us", "USA")]
    assert unknown.status == "undetermined"


# -- every condition type -----------------------------------------------------------------


def test_ceasefire_line_side():
    draft = inst("us-ukr-draft-2025")
    key = ("us-ukr-draft-2025", "us", "USA")
    assert (
        verdicts(ev(location={"ceasefire_side": "attacker"}), draft, assume=True)[key].status
        == "not_triggered"
    )
    assert (
        verdicts(ev(location={"ceasefire_side": "none"}), draft, assume=True)[key].status == "not_triggered"
    )
    assert verdicts(ev(), draft, assume=True)[key].status == "undetermined"


def test_draft_is_not_in_force_unless_assumed():
    r = verdicts(ev(location={"ceasefire_side": "beneficiary"}), inst("us-ukr-draft-2025"))
    assert r[("us-ukr-draft-2025", "us", "USA")].status == "not_triggered"
    assert "draft, not in force" in r[("us-ukr-draft-2025", "us", "USA")].reason


def test_not_yet_in_force():
    r = verdicts(ev(date="2025-12-14", ceasefire_in_force=True), inst("paris-declaration-2026"))
    assert r[("paris-declaration-2026", "support", "GBR")].status == "not_triggered"
    assert "applies only from 2026-01-06" in r[("paris-declaration-2026", "support", "GBR")].reason


def test_ceasefire_in_force_condition():
    paris = inst("paris-declaration-2026")
    key = ("paris-declaration-2026", "support", "FRA")
    assert verdicts(ev(ceasefire_in_force=True), paris)[key].status == "triggered"
    no = verdicts(ev(ceasefire_in_force=False), paris)[key]
    assert no.status == "not_triggered" and "no ceasefire" in no.reason
    assert verdicts(ev(ceasefire_in_force=None), paris)[key].status == "undetermined"


def test_on_request_condition():
    key = ("usa-ukr-2024", "consult", "USA")
    assert verdicts(ev(help_requested=False), inst("usa-ukr-2024"))[key].status == "not_triggered"
    assert verdicts(ev(help_requested=True), inst("usa-ukr-2024"))[key].status == "triggered"


def test_non_provocation_condition():
    pact = mini(conditions=[{"type": "non_provocation"}])
    assert one(ev(attacker="CCC", target="BBB", provoked=False), pact).status == "triggered"
    assert one(ev(attacker="CCC", target="BBB", provoked=True), pact).status == "not_triggered"
    assert one(ev(attacker="CCC", target="BBB", provoked=None), pact).status == "undetermined"


def test_specific_conflict_condition():
    pact = mini(conditions=[{"type": "specific_conflict", "conflict": "border war"}])
    assert one(ev(attacker="CCC", target="BBB", conflict="border war"), pact).status == "triggered"
    assert one(ev(attacker="CCC", target="BBB", conflict="other"), pact).status == "not_triggered"
    assert one(ev(attacker="CCC", target="BBB"), pact).status == "undetermined"


def test_number_of_adversaries_condition():
    pact = mini(conditions=[{"type": "number_of_adversaries", "min_adversaries": 2}])
    assert one(ev(attacker="CCC", target="BBB"), pact).status == "not_triggered"
    assert one(ev(attacker="CCC", target="BBB", co_attackers=["DDD"]), pact).status == "triggered"


def test_event_kind_not_covered():
    # Budapest para 4 (UN Security Council) covers nuclear aggression only.
    b = inst("budapest-1994")
    conventional = verdicts(ev(attacker="CHN"), b)[("budapest-1994", "unsc", "USA")]
    assert conventional.status == "not_triggered" and "covers only nuclear_use" in conventional.reason
    nuclear = verdicts(ev(attacker="CHN", kind="nuclear_use"), b)[("budapest-1994", "unsc", "USA")]
    assert nuclear.status == "triggered"


def test_non_aggression_is_breached_by_its_own_guarantor():
    v = verdicts(ev(), inst("budapest-1994"))
    assert v[("budapest-1994", "respect", "RUS")].status == "breached"
    assert v[("budapest-1994", "respect", "USA")].status == "not_triggered"
    assert v[("budapest-1994", "unsc", "RUS")].status == "not_triggered"  # guarantor is the attacker


def test_target_not_a_beneficiary_is_accounted_for():
    rows = check_event(ev(target="UKR"), [inst("nato-art5")])
    assert {r.status for r in rows} == {"not_triggered"}
    assert all("not a beneficiary" in r.reason for r in rows)
    assert len(rows) == len(inst("nato-art5").obligations)


def test_mutual_treaty_expands_to_directed_pairs():
    nato = inst("nato-art5")
    pairs = nato.directed()
    assert len(pairs) == 2 * 32 * 31  # two obligations, every ordered pair of members
    joined = nato.with_parties(["UKR"])
    assert sum(1 for k, _, b in joined.directed() if k == 0 and b == "UKR") == 32


def test_event_validation_names_the_field():
    with pytest.raises(InputError) as e:
        validate_model(
            Event, {"attacker": "RUS", "target": "UKR", "kind": "invasion", "date": "soon"}, "<event>"
        )
    text = str(e.value)
    assert "kind" in text and "date" in text
    with pytest.raises(InputError, match="attacker and target are the same"):
        validate_model(Event, {"attacker": "RUS", "target": "RUS", "date": "2026-01-01"}, "<event>")


CONDITIONS = [
    {"type": "location", "areas": ["europe"]},
    {"type": "location", "beneficiary_side_of_line": True},
    {"type": "named_adversary", "adversaries": ["CCC"]},
    {"type": "specific_conflict", "conflict": "x"},
    {"type": "number_of_adversaries", "min_adversaries": 2},
    {"type": "non_provocation"},
    {"type": "on_request"},
    {"type": "ceasefire_in_force"},
    {"type": "intensity", "min_scale": "significant", "deliberate": True, "sustained": True},
]
RANK = {"triggered": 2, "undetermined": 1, "not_triggered": 0}


@settings(max_examples=60, deadline=None)
@given(
    subset=st.lists(st.sampled_from(range(len(CONDITIONS))), unique=True),
    extra=st.sampled_from(range(len(CONDITIONS))),
    scale=st.sampled_from(["incident", "limited", "significant", "major"]),
    flags=st.tuples(*(st.sampled_from([True, False, None]) for _ in range(5))),
    side=st.sampled_from(["beneficiary", "attacker", "none", None]),
    area=st.sampled_from(["BBB", "POL", "JPN"]),
)
def test_adding_a_condition_never_widens_the_trigger(subset, extra, scale, flags, side, area):
    provoked, ceasefire, requested, deliberate, sustained = flags
    event = ev(
        attacker="CCC",
        target="BBB",
        scale=scale,
        provoked=provoked,
        ceasefire_in_force=ceasefire,
        help_requested=requested,
        deliberate=deliberate,
        sustained=sustained,
        location={"areas": [area], "ceasefire_side": side},
    )
    fewer = one(event, mini(conditions=[CONDITIONS[i] for i in subset]))
    more = one(event, mini(conditions=[CONDITIONS[i] for i in [*subset, extra]]))
    assert RANK[more.status] <= RANK[fewer.status]


def test_us_japan_in_force_in_japanese_administered_territory():
    # Art. V: an armed attack in the territories under the administration of Japan; the
    # treaty has a 10-year minimum term and then runs until a year after notice.
    usj = inst("us-japan-1960")
    r = verdicts(ev(attacker="CHN", target="JPN", date="2026-06-01"), usj)[("us-japan-1960", "art5", "USA")]
    assert r.status == "triggered" and "japan_administered" in r.reason
    assert "constitutional" in r.requires
    # Japan owes the US no defence (asymmetric, as ATOP codes it)
    assert ("us-japan-1960", "art5", "JPN") not in verdicts(ev(attacker="CHN", target="USA"), usj)


def test_exit_notice_before_the_minimum_term_runs_from_its_end():
    # NATO Art. 13: a party may leave one year after notice, once the treaty has been in
    # force 20 years (24 Aug 1969).
    nato = inst("nato-art5")
    early = nato.model_copy(update={"notices": {"FRA": dt.date(1966, 3, 7)}})
    assert early.exit_date("FRA") == dt.date(1970, 8, 24)
    late = nato.model_copy(update={"notices": {"FRA": dt.date(2026, 3, 1)}})
    assert late.exit_date("FRA") == dt.date(2027, 3, 1)


def test_every_condition_type_of_the_schema_has_its_check() -> None:
    # The checks are a table by condition type: a type added to the schema without a
    # check would otherwise surface only when an event reaches it.
    from negotia.guarantees.schema import CONDITION_TYPES
    from negotia.guarantees.triggers import _CONDITIONS

    assert sorted(_CONDITIONS) == sorted(CONDITION_TYPES)
