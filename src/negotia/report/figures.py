"""The report's charts about issues: positions, uncertainty, sensitivity, over time.

Each function turns typed results of :class:`~negotia.report.data.ReportData` into
:class:`~negotia.report.chart.Chart` objects (one per issue); nothing is computed
beyond placing marks.  Positions are on each issue's own scale throughout.
"""

from __future__ import annotations

import math

import numpy as np

from negotia.models.base import weights_for
from negotia.report.chart import GREY, RED, Band, Chart, Interval, Line, Points, Rule, colour
from negotia.report.data import ReportData
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Issue, Scenario

#: Marker diameters (px) of the smallest and the largest actor weight.
SIZE_MIN, SIZE_MAX = 8.0, 38.0


def _red_bands(sc: Scenario, issue: Issue) -> list[Band]:
    """The part of the scale each actor's red line excludes, shaded."""
    out = []
    for r in sc.red_lines:
        if r.issue != issue.id:
            continue
        if r.min is not None and r.min > issue.scale.min:
            out.append(Band("x", issue.scale.min, r.min, f"{r.actor} rejects below {r.min:g}", RED, 0.12))
        if r.max is not None and r.max < issue.scale.max:
            out.append(Band("x", r.max, issue.scale.max, f"{r.actor} rejects above {r.max:g}", RED, 0.12))
    return out


def _intervals(data: ReportData, issue_id: str) -> dict[str, tuple[float, float, float]]:
    """Each model's (forecast, low, high): its Monte Carlo 90% interval where one was run;
    then, from the agreement analysis, each model's outcome counting the chance of no deal
    (median and 90% interval of the settlement / status-quo mixture)."""
    out = {}
    if data.agreement is not None:
        for o in data.agreement.outcomes:
            if o.issue == issue_id and o.median is not None:
                out[f"{o.model}, deal or no deal"] = (o.median, o.low, o.high)
    for name, fc in data.forecasts.items():
        k = fc.issue_ids.index(issue_id)
        value = float(fc.on_scale()[0, k])
        mc = data.montecarlo.get(name)
        if mc is not None:
            s = mc.issue(issue_id)
            out[name] = (value, float(s.q05), float(s.q95))
        else:
            out[name] = (value, value, value)
    return out


def positions(data: ReportData) -> list[Chart]:
    """Per issue: actors on the scale (size = capability x salience), status quo, red
    lines shaded, each model's forecast with its interval."""
    sc = data.scenario
    arrays = ScenarioArrays.from_scenario(sc)
    weight = weights_for(arrays, "capability_salience")[0]  # (A, I)
    top = float(np.nanmax(weight)) if weight.size and np.nanmax(weight) > 0 else 1.0
    charts = []
    for k, issue in enumerate(sc.issues):
        actors = [
            (float(arrays.position[0, a, k] * (issue.scale.max - issue.scale.min) + issue.scale.min), a)
            for a in range(len(arrays.actor_ids))
            if arrays.present[0, a, k]
        ]
        actors.sort()
        rows = list(range(len(actors), 0, -1))
        sizes = tuple(SIZE_MIN + (SIZE_MAX - SIZE_MIN) * math.sqrt(weight[a, k] / top) for _, a in actors)
        ids = [arrays.actor_ids[a] for _, a in actors]
        hover = tuple(
            f"{arrays.actor_ids[a]}: position {x:g}, salience {arrays.salience[0, a, k]:.2f}, "
            f"capability {arrays.capability[0, a, k]:.4g}"
            for x, a in actors
        )
        layers: list = _red_bands(sc, issue)
        if issue.status_quo is not None:
            layers.append(Rule("x", issue.status_quo, f"status quo {issue.status_quo:g}", "#444444", "dash"))
        for value in issue.anchors:
            layers.append(Rule("x", value, "anchor", "#bbbbbb", "dot", legend=False))
        layers.append(
            Points(
                tuple(x for x, _ in actors),
                tuple(rows),
                "actors (size: capability × salience)",
                colour(0),
                sizes,
                None,  # the actors are named on the vertical axis
                hover,
                opacity=0.75,
            )
        )
        models = _intervals(data, issue.id)
        for j, (name, (mid, lo, hi)) in enumerate(models.items()):
            y = -(j + 1) * 0.9
            label = f"{name}" + (" (90% interval)" if hi > lo else "")
            layers.append(Interval((y,), (mid,), (lo,), (hi,), label, colour(j + 1), legend=False))
        model_rows = [-(j + 1) * 0.9 for j in range(len(models))]
        ticks = (tuple(rows) + tuple(model_rows), tuple(ids) + tuple(models))
        anchors = "; ".join(f"{v:g}: {t}" for v, t in sorted(issue.anchors.items()))
        charts.append(
            Chart(
                id=f"positions-{issue.id}",
                title=f"{issue.label}: positions and forecasts",
                layers=tuple(layers),
                x_title=f"{issue.label} ({issue.scale.min:g}–{issue.scale.max:g})",
                x_range=(issue.scale.min - 2, issue.scale.max + 2),
                y_ticks=ticks,
                height=max(360, 26 * (len(rows) + len(models)) + 120),
                caption=f"Anchors — {anchors}" if anchors else "",
            )
        )
    return charts


def montecarlo(data: ReportData) -> list[Chart]:
    """Per issue: each model's Monte Carlo distribution, its 90% interval, red lines."""
    if not data.montecarlo:
        return []
    sc = data.scenario
    charts = []
    for issue in sc.issues:
        layers: list = _red_bands(sc, issue)
        notes = []
        for j, (name, mc) in enumerate(data.montecarlo.items()):
            s = mc.issue(issue.id)
            edges = np.asarray(s.hist_edges, dtype=float)
            counts = np.asarray(s.hist_counts, dtype=float)
            share = counts / max(1.0, counts.sum())
            mids = tuple(float(x) for x in (edges[:-1] + edges[1:]) / 2)
            layers.append(Line(mids, tuple(float(v) for v in share), f"{name} (n = {mc.n:,})", colour(j + 1)))
            layers.append(Rule("x", s.q05, f"{name} 5%", colour(j + 1), "dot", legend=False))
            layers.append(Rule("x", s.q95, f"{name} 95%", colour(j + 1), "dot", legend=False))
            for r in s.red_lines:
                notes.append(f"{name}: P(outcome crosses {r.actor}'s red line) = {r.probability:.1%}")
            notes.append(f"{name}: 90% interval {s.q05:.4g}–{s.q95:.4g}, median {s.median:.4g}")
        charts.append(
            Chart(
                id=f"montecarlo-{issue.id}",
                title=f"{issue.label}: forecast distribution over perturbed stances",
                layers=tuple(layers),
                x_title=f"{issue.label} ({issue.scale.min:g}–{issue.scale.max:g})",
                y_title="share of variants",
                x_range=(issue.scale.min, issue.scale.max),
                height=340,
                notes=tuple(notes),
            )
        )
    return charts


def tornado(data: ReportData, top: int = 8) -> list[Chart]:
    """Per issue: the inputs whose change moves the forecast most (Morris mu*)."""
    from negotia.report.chart import Bars

    res = data.sensitivity
    if res is None:
        return []
    charts = []
    for issue in data.scenario.issues:
        if issue.id not in res.indices:
            continue
        ranked = [r for r in res.ranking(issue.id) if np.isfinite(r[1][res.key])][:top]
        ranked.reverse()  # largest at the top of a horizontal bar chart
        names = tuple(n for n, _ in ranked)
        values = tuple(float(v[res.key]) for _, v in ranked)
        conf_key = f"{res.key}_conf"
        conf = tuple(float(v.get(conf_key, 0.0)) for _, v in ranked)
        charts.append(
            Chart(
                id=f"sensitivity-{issue.id}",
                title=f"{issue.label}: what moves the {res.model} forecast most",
                layers=(
                    Bars(
                        names,
                        values,
                        f"Morris μ* (± 95% conf.), {res.n} trajectories",
                        colour(0),
                        horizontal=True,
                        error=conf,
                    ),
                ),
                x_title="mean absolute effect on the forecast (issue scale)",
                height=max(260, 30 * len(names) + 110),
            )
        )
    return charts


def over_time(data: ReportData) -> list[Chart]:
    """Per issue: each model's forecast as of every revision date."""
    tl = data.timeline
    if tl is None:
        return []
    days = tuple(float(d.toordinal()) for d in tl.dates)
    ticks = (days, tuple(d.strftime("%d %b") for d in tl.dates))
    charts = []
    for k, issue_id in enumerate(tl.issue_ids):
        issue = data.scenario.issue(issue_id)
        layers: list = []
        if issue.status_quo is not None:
            layers.append(Rule("y", issue.status_quo, f"status quo {issue.status_quo:g}", GREY, "dash"))
        for j, (name, values) in enumerate(tl.forecasts.items()):
            ys = tuple(float(v) for v in values[:, k])
            hover = tuple(f"{name}, {d.isoformat()}: {v:.4g}" for d, v in zip(tl.dates, ys, strict=True))
            layers.append(Line(days, ys, name, colour(j + 1), markers=True, hover=hover))
        charts.append(
            Chart(
                id=f"timeline-{issue_id}",
                title=f"{issue.label}: forecasts as of each revision date",
                layers=tuple(layers),
                y_title=f"forecast ({issue.scale.min:g}–{issue.scale.max:g})",
                y_range=(issue.scale.min, issue.scale.max),
                x_ticks=ticks,
                height=320,
            )
        )
    return charts
