"""Export then import gives back exactly what was stored (the bundled case, a small
scenario with every kind of revision, and generated scenarios)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotia.api import load_scenario
from negotia.scenario.formats import save_scenario
from negotia.scenario.schema import Scenario
from negotia.scenario.yamljson import dump_json, dump_yaml


def test_the_bundled_case_comes_back_field_for_field(store) -> None:
    sc = load_scenario("ukraine-2025")
    store.import_scenario(sc, "ukr")
    back = store.load("ukr")
    assert back == sc
    assert dump_json(back) == dump_json(sc)
    # The timeline survives: the snapshot of any day is the same as from the file.
    for day in ("2025-11-19", "2025-11-25", "2025-12-11", "2025-12-14"):
        assert back.as_of(_day(day)) == sc.as_of(_day(day))


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_export_then_import_round_trips_exactly(store, small, tmp_path: Path) -> None:
    store.import_scenario(small, "small")
    out = tmp_path / "small.yaml"
    save_scenario(store.load("small"), out)
    again = load_scenario(out)
    store.import_scenario(again, "small-again")
    back = store.load("small-again")
    assert back == small
    assert dump_yaml(back) == dump_yaml(small) == out.read_text(encoding="utf-8")
    # The revision that clears nothing but withdraws, and the one recorded late, are kept.
    kinds = [(r.item, getattr(r, "withdrawn", False), r.recorded) for r in back.revisions]
    assert ("red_line", True, None) in kinds
    assert any(r.recorded is not None and r.recorded > r.valid_from for r in back.revisions)


# -- generated scenarios --------------------------------------------------------------
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_id = st.from_regex(r"[A-Z][A-Z0-9]{0,3}", fullmatch=True)
_num = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    actors = draw(st.lists(_id, min_size=1, max_size=4, unique=True))
    issues = draw(st.lists(_id.map(str.lower), min_size=1, max_size=3, unique=True))
    scales = {i: sorted(draw(st.lists(_num, min_size=2, max_size=2, unique=True))) for i in issues}
    stances = []
    for a in actors:
        for i in issues:
            if draw(st.booleans()):
                lo, hi = scales[i]
                stances.append(
                    {
                        "actor": a,
                        "issue": i,
                        "position": draw(st.floats(lo, hi)),
                        "salience": draw(st.floats(0, 1)),
                        "note": draw(st.none() | _text),
                        "uncertainty": draw(st.none() | st.fixed_dictionaries({"position": _num})),
                        "source": draw(st.none() | st.just("memo")),
                    }
                )
    red_lines = []
    for s in stances:
        if draw(st.booleans()):
            lo, hi = scales[s["issue"]]
            bound = draw(st.floats(lo, hi))
            side = draw(st.sampled_from(["min", "max"]))
            red_lines.append(
                {"actor": s["actor"], "issue": s["issue"], side: bound, "sd": draw(st.none() | _num)}
            )
    revisions = [*_item_revisions(draw, stances, "stance"), *_item_revisions(draw, red_lines, "red_line")]
    for i in issues:
        if draw(st.booleans()):
            lo, hi = scales[i]
            revisions.append(
                {
                    "item": "issue",
                    "issue": i,
                    "valid_from": draw(st.dates()),
                    "set": {"status_quo": draw(st.floats(lo, hi))},
                }
            )
    for a in actors:
        if draw(st.booleans()):
            revisions.append(
                {
                    "item": "actor",
                    "actor": a,
                    "valid_from": draw(st.dates()),
                    "set": {"capability": draw(_num)},
                }
            )
    data = {
        "name": draw(_text.filter(str.strip)),
        "date": draw(st.none() | st.dates()),
        "sources": {"memo": {"title": draw(_text.filter(str.strip))}},
        "actors": [
            {
                "id": a,
                "capability": draw(_num),
                "name": draw(st.none() | _text),
                "aliases": draw(st.lists(_text, max_size=2)),
            }
            for a in actors
        ],
        "issues": [
            {
                "id": i,
                "scale": {"min": scales[i][0], "max": scales[i][1]},
                "anchors": {scales[i][0]: draw(_text)} if draw(st.booleans()) else {},
                "attributes": draw(st.dictionaries(_text, st.integers() | _text, max_size=2)),
            }
            for i in issues
        ],
        "stances": stances,
        "red_lines": red_lines,
        "revisions": revisions,
    }
    return Scenario.model_validate(data)


def _item_revisions(draw: st.DrawFn, items: list[dict], kind: str) -> list[dict]:
    """At most one revision of each stance or red line: withdrawn, or a note set (or
    cleared: an explicit null must survive), some recorded after the fact."""
    out = []
    for item in items:
        if not draw(st.booleans()):
            continue
        day = draw(st.dates())
        rev = {"item": kind, "actor": item["actor"], "issue": item["issue"], "valid_from": day}
        late = draw(st.none() | st.dates(min_value=day))
        if late is not None:
            rev["recorded"] = late
        if draw(st.booleans()):
            rev["source"] = "memo"
        if draw(st.booleans()):
            rev["withdrawn"] = True
        else:
            rev["set"] = {"note": draw(st.none() | _text)}
        out.append(rev)
    return out


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_any_scenario_round_trips(store, sc: Scenario) -> None:
    store.import_scenario(sc, "gen", replace=True)
    back = store.load("gen")
    assert back == sc
    assert dump_json(back) == dump_json(sc)
