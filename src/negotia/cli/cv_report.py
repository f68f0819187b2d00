"""``negotia evaluate TABLE --cv grouped``: the cross-validated comparison with intervals.

Called by the ``evaluate`` command of :mod:`negotia.cli.core`; it renders what
:mod:`negotia.evaluate.cv` computes.
"""

from __future__ import annotations

import csv
import sys
from typing import Any

from rich.table import Table

from negotia.cli.common import OutputFormat, console, print_json
from negotia.errors import ParameterError
from negotia.evaluate.cv import CVScore, cross_validate, summarise, summarise_by
from negotia.scenario.schema import Scenario

REFERENCE = "compromise"


def _ci(x: Any) -> str:
    return "—" if x is None or x.estimate != x.estimate else f"{x.estimate:.2f} [{x.low:.2f}, {x.high:.2f}]"


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
    groups = {k: v for k, v in groups.items() if v}
    pct = f"{level:.0%}"
    if format is OutputFormat.json:
        print_json(
            {
                "source": source,
                "cv": {**cv.settings, "bootstrap": n_boot, "level": level, "reference": REFERENCE},
                "models": {s.label: s.to_dict() for s in overall},
                "by": {
                    k: {v: {s.label: s.to_dict() for s in scores} for v, scores in d.items()}
                    for k, d in groups.items()
                },
            }
        )
        return
    if format is OutputFormat.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        head = ["model", "group", "value", "mae", "mae_low", "mae_high", "rmse", "median_ae", "n"]
        w.writerow([*head, "mae_diff_vs_compromise", "diff_low", "diff_high"])
        rows: list[tuple[str, str, CVScore]] = [("all", "", s) for s in overall]
        rows += [(k, v, s) for k, d in groups.items() for v, scores in d.items() for s in scores]
        for key, value, s in rows:
            diff = s.diff
            w.writerow(
                [s.label, key, value, s.mae.estimate, s.mae.low, s.mae.high, s.rmse.estimate]
                + [s.median_ae.estimate, s.n]
                + ([diff.estimate, diff.low, diff.high] if diff else ["", "", ""])
            )
        return
    st = cv.settings
    t = Table(
        title=(
            f"Cross-validated accuracy on {source}: {st['repeats']}x repeated {st['folds']}-fold CV "
            f"grouped by proposal ({st['issues']} issues, {st['proposals']} proposals); "
            f"[{pct} bootstrap intervals by proposal, {n_boot} resamples]"
        ),
        title_justify="left",
    )
    t.add_column("model", no_wrap=True)
    for c in ("MAE", "RMSE", "median AE", "n", f"Δ MAE vs {REFERENCE}", "sd over repeats"):
        t.add_column(c, justify="right")
    for s in sorted(overall, key=lambda s: s.mae.estimate):
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
    for key, d in groups.items():
        g = Table(title=f"By {key}: MAE and Δ MAE vs {REFERENCE} [{pct} intervals]", title_justify="left")
        g.add_column("model", no_wrap=True)
        for value in d:
            g.add_column(f"{key}={value} (n={d[value][0].n})", justify="right")
        labels = [s.label for s in overall]
        for label in labels:
            cells = []
            for scores in d.values():
                s = next(x for x in scores if x.label == label)
                cells.append(_ci(s.mae) + ("" if s.diff is None else f"\nΔ {_ci(s.diff)}"))
            g.add_row(label, *cells)
        console.print(g)
    for s in overall:
        if s.diff is not None and s.label != REFERENCE:
            verdict = "excludes" if s.diff.excludes_zero() else "includes"
            console.print(f"{s.label} − {REFERENCE}: Δ MAE {_ci(s.diff)}; the {pct} interval {verdict} zero.")
