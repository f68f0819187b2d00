"""The report's charts about moves and deals: dynamics, bargaining, guarantees.

EUM rounds as trajectories, the exchange model's trades as a network, an agent
negotiation's concession curves, two parties' utility plane with the Pareto frontier,
Nash and Kalai packages and reservation lines, and the guarantee comparison.  Each
function reads typed results and returns :class:`~negotia.report.chart.Chart` objects.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from negotia.report.chart import GREY, Bars, Chart, Interval, Line, Points, Rule, Segments, colour
from negotia.report.data import ReportData
from negotia.scenario.scale import to_scale


def eum_rounds(data: ReportData) -> list[Chart]:
    """Per issue: every actor's position after each EUM round, and the forecast."""
    fc = next((f for f in data.forecasts.values() if f.model == "eum" and "position" in f.trace), None)
    if fc is None:
        return []
    charts = []
    rounds = tuple(float(r) for r in range(fc.trace["position"].shape[0]))
    for k, issue_id in enumerate(fc.issue_ids):
        issue = data.scenario.issue(issue_id)
        lo, hi = issue.scale.min, issue.scale.max
        layers: list = []
        for a, actor in enumerate(fc.actor_ids):
            ys = fc.trace["position"][:, 0, a, k]
            if not np.all(np.isfinite(ys)):
                continue
            layers.append(
                Line(rounds, tuple(float(to_scale(v, lo, hi)) for v in ys), actor, colour(a), width=1.2)
            )
        ends = [(a, fc.trace["position"][-1, 0, a, k]) for a in range(len(fc.actor_ids))]
        ends = [(a, v) for a, v in ends if np.isfinite(v)]
        # Names at the last round: sixteen actors share eight colours.
        layers.append(
            Points(
                tuple(rounds[-1] for _ in ends),
                tuple(float(to_scale(v, lo, hi)) for _, v in ends),
                "actor at the last round",
                "#333333",
                tuple(4.0 for _ in ends),
                tuple(fc.actor_ids[a] for a, _ in ends),
                legend=False,
            )
        )
        out = fc.trace["outcome"][:, 0, k]
        layers.append(
            Line(
                rounds,
                tuple(float(to_scale(v, lo, hi)) for v in out),
                "forecast (median voter)",
                "#000000",
                "dash",
                3.0,
            )
        )
        charts.append(
            Chart(
                id=f"eum-{issue_id}",
                title=f"{issue.label}: positions round by round (EUM)",
                layers=tuple(layers),
                x_title="round",
                x_range=(-0.2, rounds[-1] + 0.6),
                y_title=f"position ({issue.scale.min:g}–{issue.scale.max:g})",
                y_range=(issue.scale.min - 2, issue.scale.max + 2),
                height=360,
            )
        )
    return charts


def exchange_network(data: ReportData) -> list[Chart]:
    """Who traded with whom in the exchange model (edge width: number of trades)."""
    fc = next((f for f in data.forecasts.values() if f.model == "exchange"), None)
    if fc is None or not fc.events:
        return []
    pairs: Counter[tuple[str, str]] = Counter()
    issues: dict[tuple[str, str], set[str]] = {}
    for e in fc.events:
        i, j = e["i"], e["j"]
        key = tuple(sorted((i["actor"], j["actor"])))
        pairs[key] += 1  # type: ignore[index]
        issues.setdefault(key, set()).update({i["supply"], j["supply"]})  # type: ignore[arg-type]
    actors = sorted({a for p in pairs for a in p}, key=lambda a: -sum(n for p, n in pairs.items() if a in p))
    n = len(actors)
    # Actors on a circle, the busiest traders first from the top, clockwise.
    place = {a: (math.sin(2 * math.pi * k / n), math.cos(2 * math.pi * k / n)) for k, a in enumerate(actors)}
    most = max(pairs.values())
    edges = sorted(pairs.items(), key=lambda kv: kv[1])
    seg = Segments(
        tuple(place[a][0] for (a, _), _ in edges),
        tuple(place[a][1] for (a, _), _ in edges),
        tuple(place[b][0] for (_, b), _ in edges),
        tuple(place[b][1] for (_, b), _ in edges),
        tuple(1.0 + 7.0 * c / most for _, c in edges),
        "trades (width: number of exchanges)",
        GREY,
        tuple(f"{a}–{b}: {c} exchanges on {', '.join(sorted(issues[(a, b)]))}" for (a, b), c in edges),
    )
    volume = {a: sum(c for p, c in pairs.items() if a in p) for a in actors}
    nodes = Points(
        tuple(place[a][0] for a in actors),
        tuple(place[a][1] for a in actors),
        "actors (size: exchanges taken part in)",
        colour(0),
        tuple(10.0 + 20.0 * math.sqrt(volume[a] / max(volume.values())) for a in actors),
        tuple(actors),
        tuple(f"{a}: {volume[a]} exchanges" for a in actors),
    )
    return [
        Chart(
            id="exchange-network",
            title=f"Exchange model: who traded with whom ({len(fc.events)} exchanges, batch element 0)",
            layers=(seg, nodes),
            x_range=(-1.35, 1.35),
            y_range=(-1.3, 1.35),
            hide_y=True,
            x_ticks=((), ()),
            equal_axes=True,
            height=520,
        )
    ]


def concessions(data: ReportData) -> list[Chart]:
    """Each party's utility of its own offers, step by step (an agent negotiation)."""
    run = data.negotiation
    if run is None or not run.history:
        return []
    layers: list = []
    for p, party in enumerate(run.parties):
        own = [o for o in run.history if o.proposer == party]
        if not own:
            continue
        xs = tuple(float(o.step) for o in own)
        layers.append(
            Line(xs, tuple(o.utilities[p] for o in own), f"{party}: own offers, to itself", colour(p))
        )
        layers.append(
            Line(
                xs,
                tuple(o.utilities[1 - p] if len(run.parties) == 2 else np.nan for o in own),
                f"{party}'s offers, to the other side",
                colour(p),
                "dot",
            )
        )
    strategies = ", ".join(f"{p} {s}" for p, s in zip(run.parties, run.strategies, strict=False))
    grid = ""
    if run.space is not None:
        lo, hi = min(run.space.shape), max(run.space.shape)
        grid = f"; {run.space.size:,} packages, " + (
            f"{lo} options per issue" if lo == hi else f"{lo}–{hi} options per issue"
        )
    return [
        Chart(
            id="concessions",
            title=f"Agent negotiation ({run.protocol}; {strategies}{grid}): {run.reason}",
            layers=tuple(layers),
            x_title="step",
            y_title="utility (0–1)",
            y_range=(0, 1.02),
            height=360,
        )
    ]


def bargaining_plane(data: ReportData) -> list[Chart]:
    """Two parties' utilities: packages, frontiers, Nash, Kalai, reservation lines."""
    pl = data.plane
    if pl is None:
        return []
    a, b = pl.parties
    U = pl.utilities
    inside, outside = pl.within, ~pl.within
    layers: list = [
        Points(
            tuple(U[0, outside]), tuple(U[1, outside]), "packages breaking a red line", GREY, opacity=0.25
        ),
        Points(
            tuple(U[0, inside]), tuple(U[1, inside]), "packages inside every red line", colour(2), opacity=0.6
        ),
        Line(
            tuple(pl.frontier[0]), tuple(pl.frontier[1]), "Pareto frontier, ignoring red lines", GREY, "dash"
        ),
    ]
    if pl.frontier_within.shape[1]:
        layers.append(
            Line(
                tuple(pl.frontier_within[0]),
                tuple(pl.frontier_within[1]),
                "Pareto frontier inside red lines",
                colour(2),
                markers=True,
            )
        )
    layers += [
        Rule(
            "x",
            float(pl.reservation[0]),
            f"{a}'s reservation (status quo) {pl.reservation[0]:.3f}",
            colour(0),
        ),
        Rule(
            "y",
            float(pl.reservation[1]),
            f"{b}'s reservation (status quo) {pl.reservation[1]:.3f}",
            colour(1),
        ),
    ]
    for sol, sym, col in ((pl.nash, "star", "#000000"), (pl.kalai, "diamond", colour(3))):
        if sol is not None:
            name = "Nash" if sol.name == "nash" else "Kalai-Smorodinsky"
            layers.append(
                Points((sol.utilities[0],), (sol.utilities[1],), f"{name} package", col, (16.0,), symbol=sym)
            )  # type: ignore[arg-type]
    what = (
        f"a sample of {U.shape[1]:,} of {pl.n_packages:,} packages"
        if pl.sampled
        else f"all {pl.n_packages:,} packages"
    )
    ignored = f"; solutions found ignoring {pl.ignored}" if pl.ignored else ""
    return [
        Chart(
            id="bargaining-plane",
            title=f"What {a} and {b} could accept ({what}{ignored})",
            layers=tuple(layers),
            x_title=f"utility of {a}",
            y_title=f"utility of {b}",
            height=520,
        )
    ]


def guarantees(data: ReportData) -> list[Chart]:
    """Response capability against the attacker's, then credibility factor by factor."""
    comp = data.guarantees
    if comp is None:
        return []
    rows = list(reversed(comp.assessments))
    ys = tuple(float(k) for k in range(len(rows)))
    d0 = comp.assessments[0].deterrence
    layers: list = [
        Interval(
            ys,
            tuple(a.deterrence.expected_response for a in rows),
            tuple(a.deterrence.quantiles["p05"] for a in rows),
            tuple(a.deterrence.quantiles["p95"] for a in rows),
            "expected response (5–95% of draws)",
            colour(0),
        ),
    ]
    if d0.attacker_capability is not None:
        layers.append(
            Rule(
                "x",
                d0.attacker_capability,
                f"{d0.attacker}'s capability {d0.attacker_capability:.4g}",
                colour(1),
            )
        )
    labels = tuple(f"{a.arrangement.id} (P > attacker {a.deterrence.p_outweighs:.0%})" for a in rows)
    charts = [
        Chart(
            id="guarantees-response",
            title=f"Who would respond to: {comp.event.description or 'the event'} ({comp.event.date})",
            layers=tuple(layers),
            x_title=f"responding capability ({d0.measure})",
            y_ticks=(ys, labels),
            height=max(300, 50 * len(rows) + 120),
        )
    ]
    for k, a in enumerate(comp.assessments):
        if not a.credibility:
            continue
        lead = max(a.credibility, key=lambda c: c.probability)
        applied = [f for f in lead.factors if f.applied]
        # The value without its parenthesised detail keeps the axis labels short.
        names = ("base rate", *(f"{f.name}: {f.value.split(' (')[0]}" for f in applied))
        base = math.log(lead.base.rate / (1 - lead.base.rate)) if 0 < lead.base.rate < 1 else 0.0
        values = (base, *tuple(f.log_odds for f in applied))
        charts.append(
            Chart(
                id=f"credibility-{a.arrangement.id}",
                title=f"{a.arrangement.id}: why {lead.guarantor} would honour {lead.instrument} "
                f"with probability {lead.probability:.0%}",
                layers=(
                    Bars(
                        tuple(reversed(names)),
                        tuple(reversed(values)),
                        "log-odds",
                        colour(k),
                        horizontal=True,
                    ),
                ),
                x_title="contribution to the log-odds of honouring",
                height=max(280, 24 * len(names) + 110),
                caption=f"Base rate {lead.base.rate:.0%} ({lead.base.label}; {lead.base.source}).",
            )
        )
    return charts
