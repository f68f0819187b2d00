"""The bundled scenario ``ukraine-2025`` (the Berlin talks of 14 December 2025).

Checks that the file a user copies is complete and honest: it loads through the real
loader, every stance and red line names a known source dated no later than the
snapshot, every stance carries an uncertainty, every issue has labelled anchors and a
status quo (the no-deal outcome), the agreed issue ids, actors and red lines are there,
the actors' capabilities are the SIPRI figures of the project's reference table (and
the EU's issue-specific capability follows from them), and no sentence of the news
report it cites was copied into the project.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from negotia.models import run_model
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import bundled_names, bundled_path, dump_scenario, load_scenario
from negotia.scenario.roles import consents_on, effective_roles, rule_for
from negotia.scenario.schema import Scenario
from tests.conftest import reference

ISSUES = (
    *("nato", "guarantees", "territory", "army_limits", "sanctions", "eu_accession", "sequencing"),
    # added with the news up to 14 Dec 2025 (issue 12, item 7)
    *("zaporizhzhia_npp", "elections", "foreign_troops", "assets", "territory_form"),
)
ACTORS = (
    *("UKR", "RUS", "USA", "DEU", "FRA", "GBR", "POL", "ITA", "EU"),
    *("HUN", "SVK", "BEL", "JPN", "CAN", "TUR", "CHN"),
)
#: Sources that are not news reports: SIPRI's database and the analysts' own estimates.
NOT_REPORTS = {"sipri", "analyst"}

#: SIPRI 2024 military expenditure (current US$ m) of the three EU members that are not in
#: the project's reference table: SIPRI Military Expenditure Database 1949-2024, sheet
#: "Current US$" (the release whose other rows capabilities.csv holds).
SIPRI_NOT_IN_TABLE = {"HUN": 4734.7, "SVK": 2849.2, "BEL": 8561.5}
#: EU members listed as actors of their own (the EU institutions speak for the others).
EU_MEMBERS_LISTED = ("DEU", "FRA", "POL", "ITA", "HUN", "SVK", "BEL")

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


#: The day the 28-point draft was on the table, before Geneva.
NOV21 = date(2025, 11, 21)


@pytest.fixture(scope="module")
def raw() -> Scenario:
    """The file as written: the plain entries and the dated revisions."""
    return load_scenario("ukraine-2025")


@pytest.fixture(scope="module")
def sc(raw: Scenario) -> Scenario:
    """The snapshot every analysis runs on by default: as of the scenario's date."""
    return raw.as_of()


def _days(raw: Scenario) -> list[Scenario]:
    """The file's plain state and its snapshots before, during and at the end of the talks."""
    return [raw, raw.as_of(date(2025, 11, 1)), raw.as_of(NOV21), raw.as_of()]


def test_loads_by_name_and_by_path(raw: Scenario, sc: Scenario) -> None:
    assert "ukraine-2025" in bundled_names()
    by_path = load_scenario(bundled_path("ukraine-2025"))
    assert by_path == raw
    assert str(raw.date) == str(sc.date) == "2025-12-14"
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


def test_every_stance_cites_a_known_source_with_a_note_and_uncertainty(raw: Scenario) -> None:
    assert {"berlin", "analyst", "sipri"} <= set(raw.sources)
    assert raw.sources["analyst"].title == "negotia analyst estimate"
    berlin = raw.sources["berlin"]
    assert berlin.title.startswith("Ukraine Drops NATO Ambition")
    assert berlin.publisher and "Raja Awais Ali" in berlin.publisher
    assert str(berlin.date) == "2025-12-14"
    # On every day of the timeline, not only in the file's plain entries.
    for state in _days(raw):
        for s in state.stances:
            where = f"{state.date}: {s.actor}/{s.issue}"
            assert s.source in raw.sources and s.source != "sipri", where
            assert s.note and s.note.strip(), where
            assert s.uncertainty is not None and s.uncertainty.position > 0, where
            assert s.uncertainty.salience > 0, where
            assert 0 < s.salience <= 1, where  # written on 0-100, normalised on load
        for r in state.red_lines:
            assert r.source in raw.sources and r.source != "sipri" and r.note, f"{r.actor}/{r.issue}"


def test_no_source_is_later_than_the_snapshot(raw: Scenario) -> None:
    # The scenario is a snapshot of 14 December 2025: a stance, red line or revision
    # resting on a report published later would leak the future into back-tests (issue 14).
    cited = (
        {s.source for s in raw.stances}
        | {r.source for r in raw.red_lines}
        | {v.source for v in raw.revisions}
        | {x.source for x in raw.ratifications}
    )
    for key in cited:
        src = raw.sources[key]
        assert src.date is not None and src.date <= raw.date, key
    for v in raw.revisions:
        assert v.valid_from <= raw.date and v.status == "accepted", v


def test_as_of_an_earlier_day_gives_the_earlier_stances(raw: Scenario, sc: Scenario) -> None:
    # 21 November: the 28-point draft (600,000 troops, a constitutional bar on NATO, land
    # recognised as Russian de facto, EU membership allowed); 14 December: the texts
    # after Geneva and the December package. Expected figures: the anchors the reports
    # name (see the docs page's timeline).
    nov21 = raw.as_of(NOV21)
    assert nov21.date == NOV21
    expected = {
        ("USA", "army_limits"): (50, 25),
        ("USA", "nato"): (95, 80),
        ("USA", "territory"): (70, 60),
        ("USA", "eu_accession"): (25, 5),
        ("UKR", "nato"): (25, 70),
    }
    for (actor, issue), (then, now) in expected.items():
        assert nov21.stance(actor, issue).position == then, (actor, issue)
        assert sc.stance(actor, issue).position == now, (actor, issue)
    assert nov21.stance("USA", "army_limits").source == "us-28pt"
    assert sc.stance("USA", "army_limits").source == "ft-800k"
    # Before the draft the US had stated no position on the army (none is recorded) ...
    assert raw.as_of(date(2025, 11, 19)).stance("USA", "army_limits") is None
    # ... and the reports of the draft were published on 21 November: what was known on
    # the 20th does not include it.
    assert raw.as_of(NOV21, known_by=date(2025, 11, 20)).stance("USA", "army_limits") is None
    # Stances without revisions hold over the whole period.
    assert nov21.stance("RUS", "territory") == sc.stance("RUS", "territory")


def test_every_news_report_is_citable(sc: Scenario) -> None:
    # A reader must be able to find each report: title, publisher, date and address.
    reports = {k: v for k, v in sc.sources.items() if k not in NOT_REPORTS}
    assert len(reports) >= 15
    for key, src in reports.items():
        assert src.title and src.publisher and src.date, key
        if key != "berlin":  # the reference copy of the Berlin report is in the project's data
            assert src.url and src.url.startswith("https://"), key
        assert src.note and src.note.strip(), key


def test_analyst_estimates_are_less_certain_than_report_based_stances(sc: Scenario) -> None:
    report, analyst = [], []
    for s in sc.stances:
        (analyst if s.source == "analyst" else report).append(s.uncertainty.position)
    assert report and analyst
    assert np.mean(analyst) > np.mean(report)
    assert min(analyst) >= 8
    assert max(report) <= 10  # the file's rule of thumb: report-based sd 5-10


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
    # Every issue has a no-deal outcome: what holds if the talks fail (issue 12).
    for issue in sc.issues:
        assert issue.status_quo is not None, issue.id
    # Guarantees in force on 14 Dec 2025: the 2024 bilateral agreements (anchor 40).
    assert sc.issue("guarantees").status_quo == 40
    # The front: the current line of contact, not recognised (anchor 40).
    assert sc.issue("territory").status_quo == 40
    # No limits on Ukraine's forces were in force.
    assert sc.issue("army_limits").status_quo == 0
    # The report is explicit that Ukraine is dropping a goal it held: the status quo sits
    # on the membership side of the scale.
    assert sc.issue("nato").status_quo < 50
    # No ceasefire was in force: the fighting goes on while terms are discussed.
    assert sc.issue("sequencing").status_quo == 75


def test_roles(sc: Scenario) -> None:
    # Who must consent (issue 12): the belligerents; the EU, Hungary and Slovakia on what
    # the Union decides by unanimity; Belgium on the assets (held at Euroclear). The US
    # brokers; the states Kyiv asks for guarantees back the deal; Turkey and China observe.
    roles = effective_roles(sc)
    assert {a for a, r in roles.items() if r == "party"} == {"UKR", "RUS"}
    assert roles["USA"] == "mediator"
    assert {a for a, r in roles.items() if r == "veto"} == {"EU", "HUN", "SVK", "BEL"}
    assert {a for a, r in roles.items() if r == "guarantor"} == {
        "DEU",
        "FRA",
        "GBR",
        "POL",
        "ITA",
        "JPN",
        "CAN",
    }
    assert {a for a, r in roles.items() if r == "observer"} == {"TUR", "CHN"}
    veto_on = {a.id: a.veto_on for a in sc.actors}
    for actor in ("EU", "HUN", "SVK"):
        assert consents_on("veto", veto_on[actor], "eu_accession"), actor
        assert consents_on("veto", veto_on[actor], "sanctions"), actor
        assert not consents_on("veto", veto_on[actor], "territory"), actor
    assert consents_on("veto", veto_on["BEL"], "sanctions")
    assert not consents_on("veto", veto_on["BEL"], "eu_accession")
    # One rule for the whole package: every party and veto player must accept.
    assert all(rule_for(sc, i).rule == "unanimity" for i in sc.issue_ids)


def test_a_referendum_ratifies_the_territorial_terms(sc: Scenario) -> None:
    # Zelensky, 11 Dec 2025: Ukrainians decide any territorial concession (reuters-dec11);
    # KIIS, Sep-Oct 2025: 71% reject handing over land Ukraine holds (kiis-oct), so the
    # vote accepts no more than the current line (anchor 40).
    (ref,) = sc.ratifications
    assert (ref.actor, ref.kind, ref.source) == ("UKR", "referendum", "reuters-dec11")
    assert ref.covers("territory") and not ref.covers("nato")
    bound = ref.accepts["territory"]
    assert bound.max == 40 and bound.sd and bound.sd > 0
    assert str(sc.sources["kiis-oct"].date) <= str(sc.date)


def test_red_lines_say_how_sure_they_are(sc: Scenario) -> None:
    # sd 5 where the report states the limit, 10 where the threshold is ours.
    for r in sc.red_lines:
        assert r.sd in (5, 10), f"{r.actor}/{r.issue}"
        assert (r.sd == 10) == ("threshold: analyst" in (r.note or "")), f"{r.actor}/{r.issue}"


def _capability_rows() -> dict[str, dict[str, str]]:
    path = reference("guarantees", "capabilities.csv")
    with path.open(newline="", encoding="utf-8") as f:
        return {row["actor"]: row for row in csv.DictReader(f)}


def test_capabilities_match_sipri_2024() -> None:
    """Actor capability = SIPRI 2024 military expenditure, current US$ bn, rounded to 0.1.

    Expected figures: ``capabilities.csv`` of the project's reference data (SIPRI Military
    Expenditure Database 1949-2024, sheet "Current US$"; see its README, section 5). For
    the EU institutions the CSV's notes give the European Defence Fund line ($1.188bn).
    Hungary, Slovakia and Belgium are not in that table: their figures are those of the
    same SIPRI release (:data:`SIPRI_NOT_IN_TABLE`), also quoted in the source's note.
    """
    rows = _capability_rows()
    sc = load_scenario("ukraine-2025")
    sipri_note = sc.sources["sipri"].note or ""
    for actor in sc.actors:
        assert actor.capability_source == "sipri", actor.id
        if actor.id == "EU":
            notes = rows["EU27 (sum of member states)"]["notes"]
            found = re.search(r"European Defence Fund\)\s*=\s*\$([\d.]+)bn", notes)
            assert found, notes
            expected = round(float(found.group(1)), 1)
        elif actor.id in SIPRI_NOT_IN_TABLE:
            millions = SIPRI_NOT_IN_TABLE[actor.id]
            assert f"{millions:,.1f} m" in sipri_note or f"{millions:,.1f}" in sipri_note, actor.id
            expected = round(millions / 1e3, 1)
        else:
            row = rows[CSV_NAME[actor.id]]
            assert row["year"] == "2024"
            expected = round(float(row["milex_usd"]) / 1e9, 1)
        assert actor.capability == pytest.approx(expected, abs=1e-9), actor.id
    assert "SIPRI" in sc.sources["sipri"].title


def test_eu_capability_on_sanctions_and_accession_is_the_unlisted_members_spending(sc: Scenario) -> None:
    # Where leverage is not military the EU carries, on the issues the Union decides for
    # all its members, the summed 2024 spending of the members not listed as actors:
    # EU-27 (reference table) minus the seven listed members (reference table, and the
    # SIPRI figures above for the three it lacks).
    rows = _capability_rows()
    eu27 = float(rows["EU27 (sum of member states)"]["milex_usd"]) / 1e9
    listed = sum(
        SIPRI_NOT_IN_TABLE[a] / 1e3
        if a in SIPRI_NOT_IN_TABLE
        else float(rows[CSV_NAME[a]]["milex_usd"]) / 1e9
        for a in EU_MEMBERS_LISTED
    )
    expected = round(eu27 - listed, 1)
    for issue in ("sanctions", "eu_accession", "assets"):
        s = sc.stance("EU", issue)
        assert s is not None and s.capability == pytest.approx(expected, abs=1e-9), issue
        assert s.uncertainty.capability > 0, issue  # an estimate, and the file says so
    # Elsewhere the EU keeps its own small defence line.
    assert sc.stance("EU", "nato").capability is None


def test_veto_players_on_eu_decisions(sc: Scenario) -> None:
    # Hungary blocks Ukraine's accession clusters (Euractiv, June 2025): its red line
    # keeps the outcome at or beyond the present deadlock (anchor 50); Slovakia supports
    # accession (Fico, 11 Dec 2025); Belgium, home of Euroclear, keeps the assets frozen.
    hun = next(r for r in sc.red_lines if (r.actor, r.issue) == ("HUN", "eu_accession"))
    assert hun.min == 50 and not hun.accepts(25)
    assert sc.stance("HUN", "eu_accession").position > 75
    assert sc.stance("SVK", "eu_accession").position < 50
    assert sc.stance("BEL", "assets").source == "dewever"
    assert consents_on("veto", next(a for a in sc.actors if a.id == "BEL").veto_on, "assets")
    # The asset freeze moved to a qualified majority on 12 Dec 2025 (eu-assets-dec12):
    # Hungary and Slovakia can no longer block it.
    for actor in ("HUN", "SVK"):
        assert not consents_on("veto", next(a for a in sc.actors if a.id == actor).veto_on, "assets")


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


def test_the_timeline_reaches_every_analysis(raw: Scenario, sc: Scenario) -> None:
    # Analyses given the file (with revisions) must see the 14 December snapshot: the
    # Monte Carlo sds of a stance a revision created or changed, and bargaining over a
    # subset of issues whose revisions touch issues left out.
    from negotia.bargaining.utility import restrict_issues
    from negotia.ensemble.perturb import Perturbation

    a, b = Perturbation.from_scenario(raw), Perturbation.from_scenario(sc)
    for name in ("position_sd", "salience_sd", "capability_sd"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    k = (ACTORS.index("USA"), ISSUES.index("army_limits"))
    assert a.position_sd[k] == pytest.approx(6 / 100)  # set by the revision of 25 November
    two = restrict_issues(raw, ["nato", "guarantees"])
    assert two.issue_ids == ["nato", "guarantees"]
    assert two.stance("USA", "nato").position == 80


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_copy_written_by_negotia_loads_back_unchanged(raw: Scenario, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"copy.{fmt}"
    path.write_text(dump_scenario(raw, fmt), encoding="utf-8")
    assert load_scenario(path) == raw


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
