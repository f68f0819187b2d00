"""The report's charts about deal or no deal: P(agreement), what blocks it, over time.

They read :class:`negotia.agreement.analysis.AgreementAnalysis` (and the probabilities
as of each revision date in :class:`~negotia.report.data.ForecastTimeline`) and only
place marks.
"""

from __future__ import annotations

from negotia.report.chart import Bars, Chart, Interval, Line, Points, colour
from negotia.report.data import ReportData


def p_agreement(data: ReportData) -> list[Chart]:
    """P(agreement) of the whole package and of each issue, with intervals."""
    a = data.agreement
    if a is None:
        return []
    sc = data.scenario
    rows = [("whole package", a.package.combined)] + [
        (sc.issue(i.issue).label if i.issue in sc.issue_ids else i.issue, i.partial) for i in a.issues
    ]
    rows.reverse()  # the package at the top
    ys = tuple(float(k) for k in range(len(rows)))
    zone = [a.package.p_zone] + [i.p_zone for i in a.issues]
    zone.reverse()
    layers = (
        Interval(
            ys,
            tuple(c.probability for _, c in rows),
            tuple(c.low for _, c in rows),
            tuple(c.high for _, c in rows),
            "P(agreement): bargaining space combined with the prior from history",
            colour(0),
        ),
        Points(tuple(zone), ys, "share of variants with a zone of agreement", colour(1), symbol="x"),
    )
    return [
        Chart(
            id="agreement",
            title=f"Deal or no deal: the probability of agreement ({a.n:,} variants)",
            layers=layers,
            x_title="probability",
            x_range=(0, 1),
            y_ticks=(ys, tuple(name for name, _ in rows)),
            height=max(300, 34 * len(rows) + 130),
            caption="Issues are settled in the largest partial package the parties can accept; the "
            "whole package needs every issue at once. Intervals carry the prior's and the Monte "
            "Carlo's uncertainty, not that of the combination's assumptions (docs/agreement.md).",
        )
    ]


def blockers(data: ReportData, top: int = 10) -> list[Chart]:
    """What blocks the whole package, as the share of variants without a zone."""
    a = data.agreement
    if a is None or not a.package.blockers:
        return []
    shown = sorted(a.package.blockers, key=lambda b: -b.share)[:top]
    shown.reverse()
    return [
        Chart(
            id="agreement-blockers",
            title=f"What blocks the whole package ({a.package.failures:,} variants without a zone)",
            layers=(
                Bars(
                    tuple(b.sentence() for b in shown),
                    tuple(b.share for b in shown),
                    "share of the variants without a zone",
                    colour(1),
                    horizontal=True,
                ),
            ),
            x_title="share of the variants in which no package satisfies everyone",
            x_range=(0, 1),
            height=max(260, 30 * len(shown) + 110),
        )
    ]


def agreement_over_time(data: ReportData) -> list[Chart]:
    """P(agreement) of the package and of each issue as of each revision date."""
    tl = data.timeline
    if tl is None or not tl.agreement:
        return []
    days = tuple(float(d.toordinal()) for d in tl.dates)
    layers = []
    for k, (key, values) in enumerate(tl.agreement.items()):
        package = key == "package"
        label = "whole package" if package else data.scenario.issue(key).label
        ys = tuple(float(v) for v in values)
        hover = tuple(f"{label}, {d.isoformat()}: {v:.0%}" for d, v in zip(tl.dates, ys, strict=True))
        layers.append(
            Line(
                days,
                ys,
                label,
                "#000000" if package else colour(k),
                "solid" if package else "dot",
                3.0 if package else 1.5,
                markers=True,
                hover=hover,
            )
        )
    return [
        Chart(
            id="timeline-agreement",
            title="P(agreement) as of each revision date",
            layers=tuple(layers),
            y_title="probability",
            y_range=(0, 1),
            x_ticks=(days, tuple(d.strftime("%d %b") for d in tl.dates)),
            height=380,
            caption=f"{tl.agreement_n:,} variants at each date." if tl.agreement_n else "",
        )
    ]
