"""``negotia evaluate TABLE --intervals``: measured coverage and width of forecast intervals.

Renders what :func:`negotia.evaluate.intervals.cross_validate_intervals` computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.table import Table

from negotia.cli.common import OutputFormat, console, emit
from negotia.evaluate.cv import CVResult, cross_validate
from negotia.evaluate.intervals import IntervalScore, cross_validate_intervals
from negotia.scenario.schema import Scenario

#: The target of issue 12: coverage inside this band in every subgroup...
TARGET_BAND = (0.75, 0.85)
#: ...with a mean width of at most this many points.
TARGET_WIDTH = 65.0


def intervals_report(
    table: Scenario,
    specs: list[str],
    *,
    source: str,
    coverage: float,
    folds: int,
    repeats: int,
    seed: int,
    by: tuple[str, ...],
    format: OutputFormat,
) -> None:
    """Cross-validate ``specs`` grouped by proposal and print their intervals' coverage."""
    cv = cross_validate(table, specs, folds=folds, repeats=repeats, seed=seed, source=source)
    scores = cross_validate_intervals(cv, level=coverage, by=by)
    emit(
        format,
        json=lambda: {"source": source, "cv": cv.settings, "intervals": [s.to_dict() for s in scores]},
        csv=lambda: _csv(scores),
        table=lambda: _table(cv, scores, source, coverage),
    )


def _csv(scores: list[IntervalScore]) -> Iterator[list[Any]]:
    yield ["model", "group", "value", "level", "coverage", "mean_width", "n"]
    for s in scores:
        yield [s.label, "all", "", s.level, repr(s.overall.coverage), repr(s.overall.width), s.overall.n]
        for key, value, c in s.subgroups():
            yield [s.label, key, value, s.level, repr(c.coverage), repr(c.width), c.n]


def _table(cv: CVResult, scores: list[IntervalScore], source: str, coverage: float) -> None:
    """Coverage and mean width per model and subgroup, against the target."""
    st = cv.settings
    t = Table(
        title=(
            f"{coverage:.0%} intervals on {source}, out of sample ({st['repeats']}x "
            f"{st['folds']}-fold CV by proposal): coverage, and mean width in points"
        ),
        title_justify="left",
    )
    t.add_column("model")
    t.add_column("all", justify="right", no_wrap=True)
    cells = sorted({(k, v) for s in scores for k, v, _ in s.subgroups()})
    for _, v in cells:
        t.add_column(v, justify="right", no_wrap=True)
    t.add_column("target")
    for s in sorted(scores, key=lambda s: s.overall.width):
        sub = {(k, v): c for k, v, c in s.subgroups()}
        row = [f"{sub[c].coverage:.1%}\n{sub[c].width:.1f}" if c in sub else "—" for c in cells]
        ok = s.meets(TARGET_BAND, TARGET_WIDTH)
        t.add_row(
            s.label,
            f"{s.overall.coverage:.1%}\n{s.overall.width:.1f}",
            *row,
            "[green]met[/green]" if ok else "not met",
        )
    console.print(t)
    console.print(
        f"[dim]target: coverage {TARGET_BAND[0]:.0%}–{TARGET_BAND[1]:.0%} overall and in every "
        f"subgroup, mean width ≤ {TARGET_WIDTH:g} points. Intervals: split-conformal by voting "
        "rule, clipped to the range of positions (docs/intervals.md).[/dim]"
    )
