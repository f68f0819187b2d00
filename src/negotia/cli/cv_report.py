"""``negotia evaluate TABLE --cv grouped``: the cross-validated comparison with intervals.

Called by the ``evaluate`` command of :mod:`negotia.cli.core`; it renders what
:mod:`negotia.evaluate.cv` computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from negotia.cli.common import OutputFormat, console, emit
from negotia.errors import ParameterError
from negotia.evaluate.cv import CVResult, CVScore, cross_validate, summarise, summarise_by
from negotia.scenario.schema import Scenario

REFERENCE = "compromise"


def _ci(x: Any) -> str:
    return "—" if x is None or x.estimate != x.estimate else f"{x.estimate:.2f} [{x.low:.2f}, {x.high:.2f}]"


@dataclass(frozen=True)
class _Report:
    """What the three formats show: the run, its overall scores and those by group."""

    source: str
    cv: CVResult
    n_boot: int
    level: float
    overall: list[CVScore]
    groups: dict[str, dict[str, list[CVScore]]]


def cv_report(
    table: Scenario,
    specs: list[str],
    *,
    source: str,
    method: str,
    folds: int,
    repeats: int,
    n_boot: int,
    level: float,
    seed: int,
    by: tuple[str, ...],
    format: OutputFormat,
) -> None:
    """Run grouped CV over ``specs`` (plus the compromise model as reference) and print it."""
    if method != "grouped":
        raise ParameterError(f"--cv {method!r}: the only cross-validation scheme is 'grouped' (by proposal)")
    specs = list(dict.fromkeys([*specs, REFERENCE]))
    cv = cross_validate(table, specs, folds=folds, repeats=repeats, seed=seed, source=source)
    kw = {"reference": REFERENCE, "n_boot": n_boot, "level": level, "seed": seed}
    overall = summarise(cv, **kw)
    groups = {key: summarise_by(cv, key, **kw) for key in by}
    r = _Report(source, cv, n_boot, level, overall, {k: v for k, v in groups.items() if v})
    emit(format, json=lambda: _json(r), csv=lambda: _csv(r), table=lambda: _tables(r))


def _json(r: _Report) -> dict[str, Any]:
    return {
        "source": r.source,
        "cv": {**r.cv.settings, "bootstrap": r.n_boot, "level": r.level, "reference": REFERENCE},
        "models": _by_label(r.overall),
        "by": {
            k: {v: {s.label: s.to_dict() for s in scores} for v, scores in d.items()}
            for k, d in r.groups.items()
        },
    }


def _by_label(scores: list[CVScore]) -> dict[str, Any]:
    return {s.label: s.to_dict() for s in scores}


def _csv(r: _Report) -> Iterator[list[Any]]:
    head = ["model", "group", "value", "mae", "mae_low", "mae_high", "rmse", "median_ae", "n"]
    yield [*head, "mae_diff_vs_compromise", "diff_low", "diff_high"]
    rows: list[tuple[str, str, CVScore]] = [("all", "", s) for s in r.overall]
    rows += [(k, v, s) for k, d in r.groups.items() for v, scores in d.items() for s in scores]
    for key, value, s in rows:
        diff = s.diff
        yield (
            [s.label, key, value, s.mae.estimate, s.mae.low, s.mae.high, s.rmse.estimate]
            + [s.median_ae.estimate, s.n]
            + ([diff.estimate, diff.low, diff.high] if diff else ["", "", ""])
        )


def _tables(r: _Report) -> None:
    """The overall table, one table per grouping, then each model's verdict against the reference."""
    pct = f"{r.level:.0%}"
    st = r.cv.settings
    t = Table(
        title=(
            f"Cross-validated accuracy on {r.source}: {st['repeats']}x repeated {st['folds']}-fold CV "
            f"grouped by proposal ({st['issues']} issues, {st['proposals']} proposals); "
            f"[{pct} bootstrap intervals by proposal, {r.n_boot} resamples]"
        ),
        title_justify="left",
    )
    t.add_column("model", no_wrap=True)
    for c in ("MAE", "RMSE", "median AE", "n", f"Δ MAE vs {REFERENCE}", "sd over repeats"):
        t.add_column(c, justify="right")
    for s in sorted(r.overall, key=lambda s: s.mae.estimate):
        t.add_row(
            s.label,
            _ci(s.mae),
            _ci(s.rmse),
            _ci(s.median_ae),
            str(s.n),
            _ci(s.diff),
            f"{s.mae_sd_repeats:.2f}",
        )
    console.print(t)
    for key, d in r.groups.items():
        console.print(_group_table(key, d, [s.label for s in r.overall], pct))
    for s in r.overall:
        if s.diff is not None and s.label != REFERENCE:
            verdict = "excludes" if s.diff.excludes_zero() else "includes"
            console.print(f"{s.label} − {REFERENCE}: Δ MAE {_ci(s.diff)}; the {pct} interval {verdict} zero.")


def _group_table(key: str, d: dict[str, list[CVScore]], labels: list[str], pct: str) -> Table:
    g = Table(title=f"By {key}: MAE and Δ MAE vs {REFERENCE} [{pct} intervals]", title_justify="left")
    g.add_column("model", no_wrap=True)
    for value in d:
        g.add_column(f"{key}={value} (n={d[value][0].n})", justify="right")
    for label in labels:
        cells = []
        for scores in d.values():
            s = next(x for x in scores if x.label == label)
            cells.append(_ci(s.mae) + ("" if s.diff is None else f"\nΔ {_ci(s.diff)}"))
        g.add_row(label, *cells)
    return g
