"""Core commands: forecast, validate, convert, evaluate, models, scenarios."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    FORMAT_OPTION,
    KNOWN_BY_OPTION,
    OutputFormat,
    console,
    dated_title,
    emit,
    err_console,
    fmt_num,
    handle_errors,
    json_text,
)
from negotia.errors import InputError, ParameterError, Problem

# The libraries are imported inside the commands, so that `negotia --help` and every
# other command's start-up do not pay for them (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from negotia.evaluate.backtest import Evaluation
    from negotia.evaluate.intervals import ForecastInterval
    from negotia.models.base import Forecast
    from negotia.scenario.arrays import ScenarioArrays
    from negotia.scenario.schema import Scenario

EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}

# negotia.scenario.formats.FORMATS, written out so that the help does not import the
# scenario schema (tests/test_startup.py checks that the two agree).
_FORMATS = ("yaml", "json", "csv", "dem", "deu")


def parse_extra_params(args: list[str]) -> dict[str, str]:
    """``["--rounds", "10", "--variant=paper"]`` -> ``{"rounds": "10", "variant": "paper"}``."""
    out: dict[str, str] = {}
    k = 0
    while k < len(args):
        arg = args[k]
        if not arg.startswith("--") or len(arg) < 3:
            raise ParameterError(f"unexpected argument {arg!r}")
        name, eq, value = arg[2:].partition("=")
        if not eq:
            if k + 1 < len(args) and not args[k + 1].startswith("--"):
                value = args[k + 1]
                k += 1
            else:
                value = "true"
        out[name.replace("-", "_")] = value
        k += 1
    return out


def model_runs(specs: list[str], extra: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, model name, params) for each spec; ``extra`` options go to models that know them."""
    from negotia.models import get_model, parse_model_spec

    runs = []
    used: set[str] = set()
    for spec in specs:
        name, params = parse_model_spec(spec)
        known = {p.name for p in get_model(name).MODEL_INFO.params}
        for key, value in extra.items():
            if key in known and key not in params:
                params[key] = value
                used.add(key)
        runs.append((spec, name, params))
    unused = sorted(set(extra) - used)
    if unused:
        raise ParameterError(
            f"no selected model has the option(s) {', '.join('--' + u.replace('_', '-') for u in unused)}; "
            "see `negotia models` for each model's parameters"
        )
    return runs


def forecast_rows(
    scenario: Scenario,
    forecasts: dict[str, Forecast],
    intervals: dict[str, ForecastInterval] | None = None,
) -> list[dict[str, Any]]:
    """One row per issue and model: value, its interval, nearest anchor, red lines crossed."""
    rows = []
    intervals = intervals or {}
    for issue in scenario.issues:
        for label, fc in forecasts.items():
            k = fc.issue_ids.index(issue.id)
            value = float(fc.on_scale()[0, k])
            iv = intervals.get(label)
            rows.append(
                {
                    "issue": issue.id,
                    "model": label,
                    "forecast": value,
                    "interval": None
                    if iv is None
                    else {
                        "low": float(iv.low[k]),
                        "high": float(iv.high[k]),
                        "level": iv.level,
                        "carries": iv.carries,
                    },
                    "anchor": issue.nearest_anchor(value),
                    "crosses_red_lines_of": scenario.red_line_crossings(issue.id, value),
                }
            )
    return rows


def _refuse_missing(sc: Scenario, rows: list[dict[str, Any]], source: str) -> None:
    """An issue no model could forecast is an error naming it, never ``nan`` with exit 0."""
    import math

    with_stance = {s.issue for s in sc.stances}
    problems = []
    for iid in dict.fromkeys(r["issue"] for r in rows if not math.isfinite(r["forecast"])):
        if iid not in with_stance:
            problems.append(
                Problem(
                    f"issue {iid!r}",
                    "has no stances, so no model can forecast it; give it stances or leave it out",
                )
            )
        else:
            bad = [r["model"] for r in rows if r["issue"] == iid and not math.isfinite(r["forecast"])]
            problems.append(
                Problem(
                    f"issue {iid!r}",
                    f"{', '.join(bad)} gave no finite forecast (numbers too "
                    "large to compute with, or no actor with weight on the issue)",
                )
            )
    if problems:
        raise InputError(source, problems)


def _refuse_unweighted(
    arrays: ScenarioArrays, runs: list[tuple[str, str, dict[str, Any]]], source: str
) -> None:
    """An issue on which no actor has any weight is an error naming it (issue 16 item 3).

    Every model weights the actors by capability x salience; where all of them are 0 the
    models would silently count the actors equally, an answer nobody asked for.  Allowed
    when every selected model is told to weight equally (``weights=equal``).
    """
    import numpy as np

    if all(params.get("weights") == "equal" for _, _, params in runs):
        return
    present, weight = arrays.present[0], arrays.weight[0]  # (A, I)
    taking_part = present.any(axis=0)
    weighted = (np.where(present, weight, 0.0) > 0).any(axis=0)
    problems = [
        Problem(
            f"issue {iid!r}",
            "every stance on it has salience 0 (or its actor capability 0), so no actor gives it "
            "any weight and the models could only count the actors equally; give the actors who "
            "care about it a salience above 0, leave the issue out, or run the models with "
            "weights=equal",
        )
        for iid, part, w in zip(arrays.issue_ids, taking_part, weighted, strict=True)
        if part and not w
    ]
    if problems:
        raise InputError(source, problems)


def _forecast_json(
    sc: Scenario, rows: list[dict[str, Any]], forecasts: dict[str, Forecast] | None, known_by: Date | None
) -> dict[str, Any]:
    """The forecast's JSON: the rows, and every model's full result when asked for (``--trace``)."""
    return {
        "scenario": sc.name,
        "date": sc.date,
        "known_by": known_by,
        "forecasts": rows,
        "models": None if forecasts is None else {label: fc.to_dict() for label, fc in forecasts.items()},
    }


def _forecast_csv(rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
    yield ["issue", "model", "forecast", "interval_low", "interval_high", "anchor", "crosses_red_lines_of"]
    for r in rows:
        iv = r["interval"]
        yield [
            r["issue"],
            r["model"],
            repr(r["forecast"]),
            "" if iv is None else repr(iv["low"]),
            "" if iv is None else repr(iv["high"]),
            r["anchor"] or "",
            ";".join(r["crosses_red_lines_of"]),
        ]


def _forecast_table(
    sc: Scenario,
    rows: list[dict[str, Any]],
    forecasts: dict[str, Forecast],
    trace: bool,
    as_of: Date | None,
    known_by: Date | None,
) -> None:
    """The forecasts by issue, their footnotes, the models' notes and (``--trace``) their rounds."""
    from negotia.cli import traces

    title = dated_title(sc.name, sc.date, as_of, known_by)
    t = Table(title=f"Forecasts: {title}", title_justify="left")
    t.add_column("issue", style="bold", max_width=28)
    t.add_column("model", no_wrap=True)
    t.add_column("forecast", justify="right", no_wrap=True)
    t.add_column("80%¹", justify="right", no_wrap=True)
    t.add_column("nearest anchor", ratio=1)
    t.add_column("red lines crossed", style="red", no_wrap=True)
    by_issue: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_issue.setdefault(r["issue"], []).append(r)
    for issue in sc.issues:
        for k, r in enumerate(by_issue[issue.id]):
            scale = f"[dim]{issue.scale.min:g}–{issue.scale.max:g}[/dim]"
            t.add_row(
                f"{issue.label}\n{scale}" if k == 0 else "",
                r["model"],
                f"{r['forecast']:.1f}" + (" [red]⚠[/red]" if r["crosses_red_lines_of"] else ""),
                "—" if r["interval"] is None else f"{r['interval']['low']:.0f}–{r['interval']['high']:.0f}",
                r["anchor"] or "—",
                ", ".join(r["crosses_red_lines_of"]) or "—",
                end_section=k == len(by_issue[issue.id]) - 1,
            )
    console.print(t)
    level = next((r["interval"]["level"] for r in rows if r["interval"]), None)
    if level is not None:
        console.print(
            f"[dim]¹ {level:.0%} interval for model error, calibrated on the outcomes of EU "
            "decisions (DEU III; docs/intervals.md): how far such forecasts have missed, not "
            "uncertainty about the positions (negotia montecarlo).[/dim]"
        )
    if any(r["crosses_red_lines_of"] for r in rows):
        console.print("[dim]⚠ the forecast lies outside the red line of the actors named.[/dim]")
    for fc in forecasts.values():
        for note in fc.notes:
            console.print(f"[yellow]note[/yellow] ({fc.model}): {note}")
    if trace:
        for fc in forecasts.values():
            traces.render(fc, sc, console)


def _evaluation_csv(result: Evaluation) -> Iterator[list[Any]]:
    yield ["model", "group", "value", "mae", "rmse", "median_ae", "n"]
    for m in result.models:
        yield [m.label, "all", "", m.scores.mae, m.scores.rmse, m.scores.median_ae, m.scores.n]
        for key, groups in m.by.items():
            for value, s in groups.items():
                yield [m.label, key, value, s.mae, s.rmse, s.median_ae, s.n]


def _evaluation_table(result: Evaluation, table: str, specs: list[str], predictions: Path | None) -> None:
    """The scores, best first, with one MAE column per group; then the in-sample notes."""
    from negotia.api import in_sample_models

    tab = Table(
        title=f"Back-test on {table} ({len(result.issue_ids)} issues with an outcome)",
        title_justify="left",
    )
    tab.add_column("model", no_wrap=True)
    for c in ("MAE", "RMSE", "median AE", "n"):
        tab.add_column(c, justify="right")
    groups = sorted({(k, v) for m in result.models for k, d in m.by.items() for v in d})
    for _, v in groups:
        tab.add_column(f"MAE {v}", justify="right")
    for m in sorted(result.models, key=lambda m: m.scores.mae):
        s = m.scores
        extra = [fmt_num(m.by.get(k, {}).get(v).mae) if v in m.by.get(k, {}) else "—" for k, v in groups]
        tab.add_row(m.label, fmt_num(s.mae), fmt_num(s.rmse), fmt_num(s.median_ae), str(s.n), *extra)
    console.print(tab)
    if predictions is not None:
        console.print(f"predictions written to {predictions}")
    for spec in in_sample_models(table, specs):
        console.print(
            f"[yellow]note[/yellow]: {spec} was fitted on this very table, so its score here is "
            "in-sample (optimistic); use --cv grouped for an out-of-sample estimate."
        )


@handle_errors
def forecast(
    ctx: typer.Context,
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled scenario."),
    model: list[str] = typer.Option(
        None, "--model", "-m", help="Model (repeatable; default: all). Options as name:key=value."
    ),
    format: OutputFormat = FORMAT_OPTION,
    seed: int = typer.Option(0, "--seed", help="Seed for stochastic models."),
    trace: bool = typer.Option(False, "--trace", help="Print per-round tables of dynamic models."),
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
    record: bool = typer.Option(
        False, "--record", help="Keep this run in the database (see `negotia db runs`)."
    ),
) -> None:
    """Forecast every issue of SCENARIO with one or more models.

    Model parameters may follow as options (e.g. --rounds 10); each goes to the
    selected models that have it.
    """
    from negotia import seeding
    from negotia.api import forecast_intervals, scenario_as_of
    from negotia.models import model_names, run_model
    from negotia.scenario.arrays import ScenarioArrays

    sc = scenario_as_of(scenario, as_of, known_by=known_by)
    runs = model_runs(model or model_names(), parse_extra_params(list(ctx.args)))
    arrays = ScenarioArrays.from_scenario(sc)
    _refuse_unweighted(arrays, runs, scenario)
    forecasts = {}
    from negotia import progress
    from negotia.ensemble.backends import thread_map

    # A model can take seconds on a large scenario: a bar on a terminal's stderr says
    # which one runs and, for a dynamic model, its rounds (negotia.progress).
    with thread_map() as mapper:
        for k, (label, name, params) in enumerate(runs, 1):
            with progress.steps(f"forecast {label} ({k}/{len(runs)})", console=err_console) as report:
                forecasts[label] = run_model(
                    name, arrays, rng=seeding.rng(seed), mapper=mapper, progress=report, **params
                )
    rows = forecast_rows(sc, forecasts, forecast_intervals(sc, forecasts))
    _refuse_missing(sc, rows, scenario)
    if record:
        _record(sc, scenario, runs, seed, rows, forecasts, known_by)
    emit(
        format,
        json=lambda: _forecast_json(sc, rows, forecasts if trace else None, known_by),
        csv=lambda: _forecast_csv(rows),
        table=lambda: _forecast_table(sc, rows, forecasts, trace, as_of, known_by),
    )


@handle_errors
def validate(
    files: list[str] = typer.Argument(..., help="Scenario or table files (or bundled scenario names)."),
) -> None:
    """Check files and list every problem in each (exit 2 if any file has one)."""
    from negotia.api import load_scenario

    failed = False
    for f in files:
        try:
            sc = load_scenario(f)
        except InputError as e:
            failed = True
            err_console.print(f"[red]✗[/red] {e.render()}")
            continue
        console.print(
            f"[green]✓[/green] {f}: {len(sc.actors)} actors, {len(sc.issues)} issues, "
            f"{len(sc.stances)} stances, {len(sc.red_lines)} red lines"
        )
    if failed:
        raise typer.Exit(2)


@handle_errors
def convert(
    source: str = typer.Argument(..., help="Input file (or bundled scenario name)."),
    dest: Path = typer.Argument(..., help="Output file; its ending picks the format unless --to is given."),
    to: str = typer.Option(None, "--to", help=f"Output format: {', '.join(_FORMATS)}."),
    from_: str = typer.Option(None, "--from", help="Input format (detected when omitted)."),
    force: bool = typer.Option(
        False, "--force", help="Replace an existing OUT, and write even if its format drops data."
    ),
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Convert a scenario between formats (nothing is written if the input is invalid).

    An existing OUT is replaced only with --force, and never when it is the input
    itself.  YAML to YAML keeps the input's comments where the values allow.
    With --as-of or --known-by, the snapshot of that day is written (without revisions).
    """
    from negotia.api import load_scenario, scenario_as_of
    from negotia.scenario.formats import format_for_output, lost_in, save_scenario, source_path
    from negotia.scenario.yamljson import read_text

    src = source_path(source)
    if src is not None and dest.exists() and dest.resolve() == src.resolve():
        raise InputError(
            str(dest),
            Problem("", "this is the input file: converting onto it would replace it; write to another file"),
        )
    sc = load_scenario(source, format=from_)
    if as_of is not None or known_by is not None:
        sc = scenario_as_of(sc, as_of, known_by=known_by)
    fmt = format_for_output(dest, to)
    lost = lost_in(sc, fmt)
    if lost and not force:
        raise InputError(
            str(dest),
            Problem(
                "",
                f"the {fmt} format cannot hold {', '.join(lost)} of this scenario; use --force to drop them",
            ),
        )
    original = None
    if fmt == "yaml" and src is not None and src.suffix.lower() in (".yaml", ".yml"):
        original = read_text(src)
    save_scenario(sc, dest, fmt, overwrite=force, keep_comments_from=original)
    console.print(
        f"wrote {dest} ({fmt}: {len(sc.actors)} actors, {len(sc.issues)} issues, {len(sc.stances)} stances)"
    )
    if lost:
        console.print(f"[yellow]dropped[/yellow]: {', '.join(lost)}")


@handle_errors
def evaluate_cmd(
    table: str = typer.Argument(..., help="A table of decisions with known outcomes (DEU-style)."),
    model: list[str] = typer.Option(
        None,
        "--model",
        "-m",
        help="Model spec or baseline (status-quo, constant-50, actor-com); repeatable.",
    ),
    format: OutputFormat = FORMAT_OPTION,
    predictions: Path = typer.Option(None, "--predictions", help="Write per-issue predictions as CSV here."),
    by: list[str] = typer.Option(None, "--by", help="Issue attributes to break scores down by."),
    seed: int = typer.Option(0, "--seed"),
    cv: str = typer.Option(
        None, "--cv", help="'grouped': repeated cross-validation grouped by proposal, with intervals."
    ),
    folds: int = typer.Option(10, "--folds", help="CV folds (with --cv)."),
    repeats: int = typer.Option(5, "--repeats", help="CV repeats (with --cv)."),
    bootstrap: int = typer.Option(2000, "--bootstrap", help="Bootstrap resamples of proposals (--cv)."),
    level: float = typer.Option(0.9, "--level", help="Coverage of the intervals (with --cv)."),
    intervals: bool = typer.Option(
        False, "--intervals", help="Measure the forecast intervals' coverage and width (grouped CV)."
    ),
    coverage: float = typer.Option(0.8, "--coverage", help="Nominal coverage of --intervals."),
) -> None:
    """Score models against known outcomes: MAE, RMSE, median AE and n, overall and by group.

    With --cv grouped, models that learn from outcomes (calibrated) are refitted inside
    every training fold, and every figure gets a bootstrap interval by proposal.
    """
    from negotia.api import load_scenario
    from negotia.evaluate.backtest import DEFAULT_BREAKDOWN
    from negotia.models import model_names

    t = load_scenario(table)
    specs = model or model_names()
    breakdown = tuple(by) if by else DEFAULT_BREAKDOWN
    if intervals:
        from negotia.cli.intervals_report import intervals_report

        intervals_report(
            t,
            specs,
            source=table,
            coverage=coverage,
            folds=folds,
            repeats=repeats,
            seed=seed,
            by=breakdown,
            format=format,
        )
    elif cv is not None:
        from negotia.cli.cv_report import cv_report

        cv_report(
            t,
            specs,
            source=table,
            method=cv,
            folds=folds,
            repeats=repeats,
            n_boot=bootstrap,
            level=level,
            seed=seed,
            by=breakdown,
            format=format,
        )
    else:
        _backtest(t, specs, table, breakdown, seed, predictions, format)


def _backtest(
    t: Scenario,
    specs: list[str],
    table: str,
    breakdown: tuple[str, ...],
    seed: int,
    predictions: Path | None,
    format: OutputFormat,
) -> None:
    """Score ``specs`` on the whole table (in sample for models fitted on it) and print it."""
    from negotia.evaluate import evaluate as run_evaluation

    result = run_evaluation(t, specs, source=table, breakdown=breakdown, seed=seed)
    if predictions is not None:
        predictions.parent.mkdir(parents=True, exist_ok=True)
        predictions.write_text(result.predictions_csv(), encoding="utf-8")
    emit(
        format,
        json=result.to_dict,
        csv=lambda: _evaluation_csv(result),
        table=lambda: _evaluation_table(result, table, specs, predictions),
    )


@handle_errors
def models(detail: bool = typer.Option(False, "--detail", help="Show each parameter's help.")) -> None:
    """List the registered models with their citation and parameters."""
    from negotia.models import REGISTRY

    t = Table(title="Registered models", title_justify="left", show_lines=True)
    t.add_column("name", style="bold")
    t.add_column("model")
    t.add_column("parameters (default)")
    t.add_column("citation", overflow="fold")
    for name, module in REGISTRY.items():
        info = module.MODEL_INFO
        params = "\n".join(f"{p.name}={p.default!r}" + (f": {p.help}" if detail else "") for p in info.params)
        kind = " (dynamic)" if info.dynamic else ""
        kind += " (stochastic)" if info.stochastic else ""
        t.add_row(name, f"{info.title}{kind}\n[dim]{info.summary}[/dim]", params or "—", info.citation)
    console.print(t)
    if detail:
        for module in REGISTRY.values():
            describe = getattr(module, "describe", None)
            if describe is not None:
                console.print(describe())


@handle_errors
def scenarios() -> None:
    """List the scenarios bundled with negotia."""
    from negotia.api import load_scenario
    from negotia.scenario.formats import bundled_names

    t = Table(title="Bundled scenarios", title_justify="left")
    for c in ("name", "title", "date", "actors", "issues"):
        t.add_column(c)
    for name in bundled_names():
        sc = load_scenario(name)
        t.add_row(name, sc.name, str(sc.date or ""), str(len(sc.actors)), str(len(sc.issues)))
    console.print(t)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app, in the order of `negotia --help`."""
    app.command(context_settings=EXTRA_ARGS)(forecast)
    app.command()(validate)
    app.command()(convert)
    app.command("evaluate")(evaluate_cmd)
    app.command()(models)
    app.command()(scenarios)


def _record(
    sc: Scenario,
    source: str,
    runs: list[tuple[str, str, dict[str, Any]]],
    seed: int,
    rows: list[dict[str, Any]],
    forecasts: dict[str, Forecast],
    known_by: Date | None,
) -> None:
    """Keep the run's full JSON output in the database; its id goes to stderr so that
    stdout stays the forecast itself."""
    from negotia.api import record_run

    payload = _forecast_json(sc, rows, forecasts, known_by)  # the JSON output, with every model's detail
    run_id = record_run(
        sc,
        source,
        command="forecast",
        models=[label for label, _, _ in runs],
        parameters={label: params for label, _, params in runs},
        seed=seed,
        outputs=json_text(payload),
    )
    err_console.print(f"recorded as run {run_id} (show it again: negotia db runs --show {run_id})")
