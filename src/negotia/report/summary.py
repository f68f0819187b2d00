"""The report's summary: plain sentences generated from the typed results.

Every number in a sentence is read from a result of :class:`ReportData`; a sentence
about a part that was not computed is not written.
"""

from __future__ import annotations

from dataclasses import dataclass

from negotia.report.data import ReportData


@dataclass(frozen=True)
class IssueSummary:
    """The sentences about one issue."""

    issue: str
    label: str
    sentences: tuple[str, ...]


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _pct(p: float) -> str:
    return f"{p:.0%}" if p >= 0.01 or p == 0 else "under 1%"


def _agreement_sentences(data: ReportData, issue_id: str) -> list[str]:
    """P(agreement), the forecast if agreed and without a deal, and what blocks (the
    agreement analysis)."""
    a = data.agreement
    if a is None:
        return []
    try:
        ia = a.issue(issue_id)
    except KeyError:
        return []
    out = [
        f"Probability of agreement: {_pct(ia.p_agreement)} "
        f"(a zone of agreement on this issue alone exists in {_pct(ia.alone.p_zone)} of {a.n:,} variants)."
    ]
    mixed = [o for o in a.outcomes if o.issue == issue_id]
    if mixed:
        o = mixed[0]
        if o.if_agreed is None:
            text = "No variant of the analysis settles it"
        else:
            text = (
                f"If agreed ({o.agreed_variants:,} of {a.n:,} variants settle it), {o.model} puts it at "
                f"{_fmt(o.if_agreed)} ({_fmt(o.if_agreed_low)}–{_fmt(o.if_agreed_high)})"
            )
        if o.no_deal is not None and o.median is not None:
            text += (
                f"; counting the chance of no deal, the median outcome is {_fmt(o.median)} "
                f"(90%: {_fmt(o.low)}–{_fmt(o.high)})"
            )
        out.append(text + ".")
    blocks = sorted(ia.alone.blockers, key=lambda b: -b.share)[:3]
    if blocks:
        out.append("Blocked by " + "; ".join(f"{b.sentence()} ({_pct(b.share)})" for b in blocks) + ".")
    return out


def _issue_sentences(data: ReportData, issue_id: str) -> list[str]:
    sc = data.scenario
    issue = sc.issue(issue_id)
    values = {
        name: float(fc.on_scale()[0, fc.issue_ids.index(issue_id)]) for name, fc in data.forecasts.items()
    }
    out = _agreement_sentences(data, issue_id)
    lo_m, hi_m = min(values, key=values.__getitem__), max(values, key=values.__getitem__)
    if len(values) > 1:
        out.append(
            f"If the parties settle, the {len(values)} models put the outcome between "
            f"{_fmt(values[lo_m])} ({lo_m}) and {_fmt(values[hi_m])} ({hi_m}) on a "
            f"{issue.scale.min:g}–{issue.scale.max:g} scale."
        )
    lead = next(iter(values))
    v = values[lead]
    anchor = issue.nearest_anchor(v)
    text = f"The {lead} model forecasts {_fmt(v)}" + (f", nearest to “{anchor}”" if anchor else "")
    mc = data.montecarlo.get(lead)
    if mc is not None:
        s = mc.issue(issue_id)
        text += f"; 90% of {mc.n:,} perturbed variants fall between {_fmt(s.q05)} and {_fmt(s.q95)}"
    out.append(text + ".")
    if issue.status_quo is not None:
        sq = issue.nearest_anchor(issue.status_quo)
        out.append(
            f"Without a deal the status quo holds: {issue.status_quo:g}" + (f" (“{sq}”)." if sq else ".")
        )
    crossed = sorted(set(sc.red_line_crossings(issue_id, v)))
    if crossed:
        out.append(f"That forecast lies outside the red line of {', '.join(crossed)}.")
    if mc is not None:
        risks = [r for r in mc.issue(issue_id).red_lines if r.probability > 0]
        if risks:
            parts = ", ".join(f"{r.actor}'s {r.probability:.0%}" for r in risks)
            out.append(f"Chance that the {lead} outcome crosses a red line: {parts}.")
    return out


def issue_summaries(data: ReportData) -> list[IssueSummary]:
    """Sentences per issue, in the scenario's order."""
    return [IssueSummary(i.id, i.label, tuple(_issue_sentences(data, i.id))) for i in data.scenario.issues]


def headline(data: ReportData) -> list[str]:
    """Sentences about the negotiation as a whole: the zone of agreement, the agents, the
    guarantees and how the forecasts moved over time."""
    out = []
    a = data.agreement
    if a is not None:
        c = a.package.combined
        out.append(
            f"Probability of agreement on the whole package: {_pct(c.probability)} "
            f"({_pct(c.low)}–{_pct(c.high)}), from a zone of agreement in {_pct(a.package.p_zone)} of "
            f"{a.n:,} variants combined with the prior from history ({_pct(a.prior.probability)})."
        )
        blocks = sorted(a.package.blockers, key=lambda b: -b.share)[:3]
        if blocks:
            out.append(
                "What blocks it most often: "
                + "; ".join(f"{b.sentence()} ({_pct(b.share)})" for b in blocks)
                + "."
            )
        if a.partial_sets:
            issues, share = a.partial_sets[0]
            labels = ", ".join(data.scenario.issue(i).label for i in issues)
            out.append(f"The partial package settled most often ({_pct(share)} of variants): {labels}.")
        out.append("Without a deal the status quo holds on every issue.")
    if data.bargaining is not None:
        out.extend(data.bargaining.zopa.sentences()[:2])
    pl = data.plane
    if pl is not None and pl.nash is not None:
        a, b = pl.parties
        out.append(
            f"The Nash bargaining package gives {a} a utility of {pl.nash.utilities[0]:.3f} and {b} "
            f"{pl.nash.utilities[1]:.3f}, against {pl.reservation[0]:.3f} and {pl.reservation[1]:.3f} "
            "without a deal" + (f" (found ignoring {pl.ignored})." if pl.ignored else ".")
        )
    run = data.negotiation
    if run is not None:
        out.append(f"Simulated agents ({', '.join(run.strategies) or run.protocol}): {run.reason}.")
    comp = data.guarantees
    if comp is not None and comp.ranking:
        # The comparison's own sentences about the arrangement it ranks first.
        best = next(a for a in comp.assessments if a.arrangement.id == comp.ranking[0])
        name = best.arrangement.name or best.arrangement.id
        out.extend(e for e in comp.explanations if e.startswith((f"{name}:", f"{name} ranks above")))
    tl = data.timeline
    if tl is not None and len(tl.dates) > 1 and tl.forecasts:
        model, values = next(iter(tl.forecasts.items()))
        moved = abs(values[-1] - values[0])
        k = int(moved.argmax())
        issue = data.scenario.issue(tl.issue_ids[k])
        out.append(
            f"Between {tl.dates[0]:%d %b %Y} and {tl.dates[-1]:%d %b %Y} the {model} forecast moved most "
            f"on {issue.label}: from {_fmt(values[0, k])} to {_fmt(values[-1, k])}."
        )
    return out
