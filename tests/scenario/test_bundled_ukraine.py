"""The bundled scenario ``ukraine-2025`` (the Berlin talks of 14 December 2025).

Checks that the file a user copies is complete and honest: it loads through the real
loader, every stance names a known source and carries an uncertainty, every issue has
labelled anchors, the agreed issue ids, actors and red lines are there, the actors'
capabilities are the SIPRI figures of the project's reference table, and no sentence of
the news report it cites was copied into the project.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from negotia.models import run_model
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import bundled_names, bundled_path, dump_scenario, load_scenario
from negotia.scenario.schema import Scenario
from tests.conftest import reference

ISSUES = ("nato", "guarantees", "territory", "army_limits", "sanctions", "eu_accession", "sequencing")
ACTORS = ("UKR", "RUS", "USA", "DEU", "FRA", "GBR", "POL", "ITA", "EU", "JPN", "CAN", "TUR", "CHN")

#: Rows of ../shared/reference/guarantees/capabilities.csv for each actor id.
CSV_NAME = {
    "UKR": "Ukraine",
    "RUS": "Russia",
    "USA": "USA",
    "DEU": "Germany",
    "FRA": "France",
    "GBR": "UK",
    "POL": "Poland",
    "ITA": "Italy",
    "JPN": "Japan",
    "CAN": "Canada",
    "TUR": "Turkey",
    "CHN": "China",
}

DOC = Path(__file__).resolve().parents[2] / "docs" / "ukraine-2025.md"


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return load_scenario("ukraine-2025")


def test_loads_by_name_and_by_path(sc: Scenario) -> None:
    assert "ukraine-2025" in bundled_names()
    by_path = load_scenario(bundled_path("ukraine-2025"))
    assert by_path == sc
    assert str(sc.date) == "2025-12-14"
    assert sc.required_parties == ["UKR", "RUS"]
    assert sc.loss == "quadratic"


def test_issue_ids_and_actors(sc: Scenario) -> None:
    assert sc.issue_ids == list(ISSUES)
    assert sc.actor_ids == list(ACTORS)


def test_every_issue_has_anchors_on_a_0_100_scale(sc: Scenario) -> None:
    for issue in sc.issues:
        assert (issue.scale.min, issue.scale.max) == (0, 100), issue.id
        assert len(issue.anchors) >= 3, issue.id
        # both ends of the scale are labelled, so the direction of the scale is stated
        assert {0.0, 100.0} <= set(issue.anchors), issue.id
        assert all(label.strip() for label in issue.anchors.values()), issue.id


def test_anchor_meanings_the_other_modules_rely_on(sc: Scenario) -> None:
    # The guarantees module maps these five points to treaty arrangements (issue 5 of the
    # foundation issue); their positions and meanings must not drift.
    g = sc.issue("guarantees").anchors
    assert sorted(g) == [0, 20, 40, 70, 100]
    assert "no guarantee" in g[0].lower()
    assert "budapest" in g[20].lower()
    assert "2024" in g[40]
    assert "article-5" in g[70].lower() and "binding" in g[70].lower()
    assert "nato" in g[100].lower()
    nato = sc.issue("nato").anchors
    assert "timetable" in nato[0].lower()
    assert "neutrality" in nato[100].lower() and "constitution" in nato[100].lower()


def test_every_stance_cites_a_known_source_with_a_note_and_uncertainty(sc: Scenario) -> None:
    assert {"berlin", "analyst", "sipri"} <= set(sc.sources)
    assert sc.sources["analyst"].title == "negotia analyst estimate"
    berlin = sc.sources["berlin"]
    assert berlin.title.startswith("Ukraine Drops NATO Ambition")
    assert berlin.publisher and "Raja Awais Ali" in berlin.publisher
    assert str(berlin.date) == "2025-12-14"
    for s in sc.stances:
        where = f"{s.actor}/{s.issue}"
        assert s.source in {"berlin", "analyst"}, where
        assert s.note and s.note.strip(), where
        assert s.uncertainty is not None and s.uncertainty.position > 0 and s.uncertainty.salience > 0, where
        assert 0 < s.salience <= 1, where  # written on 0-100, normalised on load
    for r in sc.red_lines:
        assert r.source in sc.sources and r.note, f"{r.actor}/{r.issue}"


def test_analyst_estimates_are_less_certain_than_report_based_stances(sc: Scenario) -> None:
    by_source: dict[str, list[float]] = {"berlin": [], "analyst": []}
    for s in sc.stances:
        by_source[s.source].append(s.uncertainty.position)
    assert by_source["berlin"] and by_source["analyst"]
    assert np.mean(by_source["analyst"]) > np.mean(by_source["berlin"])
    assert min(by_source["analyst"]) >= 8


def test_both_belligerents_state_a_position_on_every_issue(sc: Scenario) -> None:
    for issue in ISSUES:
        for actor in ("UKR", "RUS"):
            assert sc.stance(actor, issue) is not None, (actor, issue)


def test_red_lines(sc: Scenario) -> None:
    lines = {(r.actor, r.issue): r for r in sc.red_lines}
    # Ukraine: no territorial concession (report of 14 Dec 2025) -> nothing beyond the
    # current line of contact (anchor 40) is acceptable.
    ukr = lines[("UKR", "territory")]
    assert ukr.max is not None and ukr.max <= 40 and ukr.source == "berlin"
    assert not ukr.accepts(60)
    # Russia: permanent neutrality -> an outcome near the neutrality end only.
    rus = lines[("RUS", "nato")]
    assert rus.min is not None and rus.min >= 75 and rus.source == "berlin"
    assert not rus.accepts(50) and rus.accepts(100)
    assert ("RUS", "territory") in lines
    assert ("UKR", "army_limits") in lines


def test_every_actor_accepts_its_own_position(sc: Scenario) -> None:
    # A red line that excludes the actor's own ideal point would be a data error.
    for r in sc.red_lines:
        s = sc.stance(r.actor, r.issue)
        assert s is not None and r.accepts(s.position), f"{r.actor}/{r.issue}"


def test_status_quo_of_the_time(sc: Scenario) -> None:
    # Guarantees in force on 14 Dec 2025: the 2024 bilateral agreements (anchor 40).
    assert sc.issue("guarantees").status_quo == 40
    # The front: the current line of contact, not recognised (anchor 40).
    assert sc.issue("territory").status_quo == 40
    # No limits on Ukraine's forces were in force.
    assert sc.issue("army_limits").status_quo == 0
    # The report is explicit that Ukraine is dropping a goal it held: the status quo sits
    # on the membership side of the scale.
    assert sc.issue("nato").status_quo < 50


def test_capabilities_match_sipri_2024() -> None:
    """Actor capability = SIPRI 2024 military expenditure, current US$ bn, rounded to 0.1.

    Expected figures: ``capabilities.csv`` of the project's reference data (SIPRI Military
    Expenditure Database 1949-2024, sheet "Current US$"; see its README, section 5). For
    the EU institutions the CSV's notes give the European Defence Fund line ($1.188bn).
    """
    path = reference("guarantees", "capabilities.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = {row["actor"]: row for row in csv.DictReader(f)}
    sc = load_scenario("ukraine-2025")
    for actor in sc.actors:
        assert actor.capability_source == "sipri", actor.id
        if actor.id == "EU":
            notes = rows["EU27 (sum of member states)"]["notes"]
            found = re.search(r"European Defence Fund\)\s*=\s*\$([\d.]+)bn", notes)
            assert found, notes
            expected = round(float(found.group(1)), 1)
        else:
            row = rows[CSV_NAME[actor.id]]
            assert row["year"] == "2024"
            expected = round(float(row["milex_usd"]) / 1e9, 1)
        assert actor.capability == pytest.approx(expected, abs=1e-9), actor.id
    assert "SIPRI" in sc.sources["sipri"].title


def test_compromise_forecast_on_nato_lies_between_the_belligerents(sc: Scenario) -> None:
    # Sanity check, not a golden figure: the capability x salience weighted mean
    # (Achen 2006, eq. 4.9) should fall between Kyiv's offer (70) and Moscow's demand
    # (100). Ukraine has already moved most of the way, and the heaviest third parties
    # (the US, China) sit between the two; if edits push it outside, the estimates
    # deserve a second look.
    arrays = ScenarioArrays.from_scenario(sc)
    f = run_model("compromise", arrays)
    nato = f.on_scale()[0, sc.issue_ids.index("nato")]
    ukr = sc.stance("UKR", "nato").position
    rus = sc.stance("RUS", "nato").position
    assert ukr < nato < rus
    assert sc.issue("nato").nearest_anchor(nato) is not None


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_copy_written_by_negotia_loads_back_unchanged(sc: Scenario, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"copy.{fmt}"
    path.write_text(dump_scenario(sc, fmt), encoding="utf-8")
    assert load_scenario(path) == sc


def test_docs_page_covers_every_issue_and_actor(sc: Scenario) -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in (*sc.issue_ids, *sc.actor_ids):
        assert f"`{key}`" in text or f"| {key} |" in text, key


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[k : k + n]) for k in range(len(w) - n + 1)}


def test_no_sentence_of_the_news_report_is_copied() -> None:
    # The report may be cited, not copied (BRIEF): no run of 8 words from it may appear
    # in the scenario file or its documentation page. The article's title is exempt
    # (it is cited as the source's title).
    news = reference("news", "2025-12-14-berlin-talks.txt").read_text(encoding="utf-8")
    title = news.splitlines()[0]
    body = news[len(title) :]
    report = _shingles(body, 8)
    for path in (bundled_path("ukraine-2025"), DOC):
        if not path.exists():
            pytest.fail(f"{path.name} is missing")
        ours = path.read_text(encoding="utf-8").replace(title, "")
        copied = report & _shingles(ours, 8)
        assert not copied, f"{path.name} repeats the report: {[' '.join(c) for c in sorted(copied)][:3]}"
