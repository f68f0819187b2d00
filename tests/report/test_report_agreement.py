"""Deal or no deal in the report: every probability is the agreement analysis's own."""

from __future__ import annotations

from negotia.report import all_charts
from negotia.report.summary import headline, issue_summaries


def test_summary_leads_with_the_probability_of_agreement(ukraine_report):
    data = ukraine_report
    a = data.agreement
    assert a is not None and a.n == 200
    lead = headline(data)
    assert lead[0].startswith(
        f"Probability of agreement on the whole package: {a.package.combined.probability:.0%}"
    )
    by_issue = {s.issue: s.sentences for s in issue_summaries(data)}
    for ia in a.issues:
        first = by_issue[ia.issue][0]
        assert first.startswith("Probability of agreement: ")
        if ia.p_agreement >= 0.01:
            assert f"{ia.p_agreement:.0%}" in first
    # The bundled case: RUS's and UKR's red lines on territory do not meet, so the
    # territory issue is blocked by them (the scenario file's red lines: min 60, max 40).
    territory = " ".join(by_issue["territory"])
    assert "RUS: red line on territory" in territory


def test_deal_or_no_deal_charts(ukraine_report):
    ids = {c.id for c in all_charts(ukraine_report)}
    assert {"agreement", "agreement-blockers", "timeline-agreement"} <= ids
    # The positions chart shows each Monte Carlo model's outcome counting no deal.
    positions = next(c for c in all_charts(ukraine_report) if c.id == "positions-territory")
    labels = positions.y_ticks[1]
    assert "compromise, deal or no deal" in labels


def test_agreement_over_time_matches_the_analysis_at_each_date(ukraine_report):
    from negotia.api import agreement_analysis

    data = ukraine_report
    tl = data.timeline
    assert tl is not None and tl.agreement_n == 200
    day = tl.dates[0]
    again = agreement_analysis(data.history, tl.agreement_n, seed=data.seed, models=(), as_of=day)
    assert tl.agreement["package"][0] == again.package.combined.probability
    assert tl.agreement["territory"][0] == again.issue("territory").p_agreement
