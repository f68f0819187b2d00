"""Time commands: ``history`` (the revisions as a table) and ``diff`` (what moved between
two days).  Both present typed results of the library (:mod:`negotia.scenario.history`,
:func:`negotia.api.diff`); nothing is computed here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date as Date
from typing import TYPE_CHECKING, Any

import typer
from rich import box
from rich.table import Table

from negotia.cli.common import (
    FORMAT_OPTION,
    KNOWN_BY_OPTION,
    OutputFormat,
    console,
    dated_title,
    emit,
    handle_errors,
    parse_day,
)

if TYPE_CHECKING:
    from negotia.scenario.history import History

SCENARIO_ARG = typer.Argument(..., help="Scenario file, or the name of a bundled scenario.")


#: Parts of an uncertainty, abbreviated in tables.
_ABBR = {"position": "pos", "salience": "sal", "capability": "cap"}


def show(x: Any) -> str:
    """A value for a table cell, without losing digits (floats in their shortest exact form)."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    if isinstance(x, dict):
        return ", ".join(f"{_ABBR.get(k, k)} {show(v)}" for k, v in x.items())
    if isinstance(x, list):
        return ", ".join(show(v) for v in x) or "[]"
    return str(x)


def _cell(x: Any) -> str:
    """A value for a CSV cell: numbers exact, structures as JSON, missing as empty."""
    if x is None:
        return ""
    if isinstance(x, float):
        return repr(x)
    if isinstance(x, dict | list):
        return json.dumps(x, sort_keys=True)
    return str(x)


def _csv_rows(header: list[str], rows: list[dict[str, Any]]) -> Iterator[list[str]]:
    yield header
    for r in rows:
        yield [_cell(r[h]) for h in header]


def _change(old: Any, new: Any) -> str:
    """``old → new``; for a structure (an uncertainty's sds), only the parts that moved."""
    if isinstance(old, dict) and isinstance(new, dict):
        moved = [
            f"{_ABBR.get(k, k)} {show(old.get(k))} → {show(new.get(k))}"
            for k in new
            if old.get(k) != new.get(k)
        ]
        return "; ".join(moved) or "unchanged"
    return f"{show(old)} → {show(new)}"


#: Shorter names of fields for the 80-column table (the JSON and CSV keep the real ones).
_SHORT = {"uncertainty": "sd", "status_quo": "status quo", "exists": "exists"}


def _history(
    scenario: str, actor: str | None, issue: str | None, proposed: bool, format: OutputFormat
) -> None:
    from negotia.api import load_scenario
    from negotia.scenario.history import history

    sc = load_scenario(scenario)
    h = history(sc, actor, issue, include_proposed=proposed)
    header = ["valid_from", "recorded", "known", "item", "actor", "issue", "field", "old", "new"]
    emit(
        format,
        json=h.to_dict,
        csv=lambda: _csv_rows([*header, "source", "status", "note"], [r.to_dict() for r in h.rows]),
        table=lambda: _history_table(sc.name, h),
    )


def _history_table(name: str, h: History) -> None:
    """The revisions, one row per field changed, oldest first."""
    scope = " · ".join(x for x in (h.actor, h.issue) if x)
    t = Table(
        title=f"Revisions: {name}" + (f" ({scope})" if scope else ""),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    t.add_column("valid from", no_wrap=True)
    t.add_column("recorded", no_wrap=True)
    t.add_column("actor", no_wrap=True)
    # A long issue id folds rather than squeeze "100 → 100" off its line.
    t.add_column("issue", overflow="fold", max_width=12)
    t.add_column("field", no_wrap=True)
    t.add_column("old → new", overflow="fold", ratio=1, min_width=9)
    t.add_column("source", overflow="fold")
    for r in h.rows:
        recorded = str(r.recorded) if r.recorded else "—"
        field = _SHORT.get(r.field, r.field)
        what = field if r.item in ("stance", "actor", "issue") else f"red line {field}"
        status = "" if r.status == "accepted" else f" [yellow]({r.status})[/yellow]"
        t.add_row(
            str(r.valid_from),
            recorded,
            r.actor or "—",
            r.issue or "—",
            what,
            _change(r.old, r.new) + status,
            r.source or "—",
        )
    console.print(t)
    if not h.rows:
        console.print("no revisions" + (f" for {scope}" if scope else "") + ".")
    elif any(r.recorded is None for r in h.rows):
        console.print(
            "[dim]recorded —: not given; taken as known from valid_from or its source's date "
            "(the JSON and CSV have it as 'known').[/dim]"
        )


def _render_diff(d: Any, known_by: Date | None) -> None:
    title = dated_title(d.scenario, None, None, known_by).rstrip()
    console.print(f"[bold]{title}[/bold]: {d.start} → {d.end}", highlight=False)
    t = Table(title="Inputs that changed", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("item", "actor", "issue", "field"):
        t.add_column(col, overflow="fold")
    t.add_column("old → new", overflow="fold", ratio=1)
    for c in d.inputs.changes:
        field = _SHORT.get(c.field, c.field)
        t.add_row(c.item.replace("_", " "), c.actor or "—", c.issue or "—", field, _change(c.old, c.new))
    console.print(t if d.inputs.changes else "No input changed between the two days.")
    sources = sorted({r.source for r in d.inputs.revisions if r.source})
    if d.inputs.revisions:
        console.print(
            f"{len({r.revision for r in d.inputs.revisions})} revision(s) in between"
            + (f"; sources: {', '.join(sources)}" if sources else "")
            + " (negotia history lists them).",
            highlight=False,
        )
    f = Table(title="Forecasts (issue scale)", title_justify="left")
    f.add_column("issue", overflow="fold")
    f.add_column("model", no_wrap=True)
    for col in (str(d.start), str(d.end), "change"):
        f.add_column(col, justify="right", no_wrap=True)
    last = None
    for r in d.forecasts:
        f.add_row(
            r.issue if r.issue != last else "",
            r.model,
            f"{r.old:.1f}",
            f"{r.new:.1f}",
            f"{r.delta:+.1f}" if abs(r.delta) >= 0.05 else "·",
        )
        last = r.issue
    console.print(f)
    if d.space_from is not None and d.space_to is not None:
        _render_space(d.start, d.end, d.space_from, d.space_to)
    if d.agreement is not None:
        _render_agreement(d.start, d.end, d.agreement)
    if d.treaties:
        what = "; ".join(f"{t.id} ({t.reason.split(',')[0]})" for t in d.treaties)
        console.print(f"Treaty catalogue: between the two days came {what}.", highlight=False)
    for n in d.notes:
        console.print(f"[dim]note: {n}[/dim]", highlight=False)


def _render_agreement(start: Date, end: Date, g: Any) -> None:
    t = Table(
        title=f"Probability of agreement (whole package; {g.n:,} variants, seed {g.seed})",
        title_justify="left",
    )
    t.add_column("", no_wrap=True)
    t.add_column(str(start), justify="right")
    t.add_column(str(end), justify="right")

    def pct(p: float, lo: float, hi: float) -> str:
        return f"{100 * p:.1f}% ({100 * lo:.1f}-{100 * hi:.1f})"

    a, b = g.start, g.end
    t.add_row("a zone of agreement exists", pct(a.p_zone, a.low, a.high), pct(b.p_zone, b.low, b.high))
    ca, cb = a.combined, b.combined
    t.add_row(
        "agreement (with the prior)",
        pct(ca.probability, ca.low, ca.high),
        pct(cb.probability, cb.low, cb.high),
    )
    console.print(t)


def _render_space(start: Date, end: Date, a: Any, b: Any) -> None:
    s = Table(title=f"Bargaining space of {', '.join(b.parties)}", title_justify="left")
    s.add_column("", no_wrap=True)
    s.add_column(str(start), justify="right")
    s.add_column(str(end), justify="right")
    s.add_row("packages in the zone", f"{a.zopa_size:,}", f"{b.zopa_size:,}")
    s.add_row("within every red line", f"{a.within_red_lines:,}", f"{b.within_red_lines:,}")
    if a.ignored or b.ignored:
        s.add_row("Nash package ignores", ", ".join(a.ignored) or "—", ", ".join(b.ignored) or "—")
    for issue in a.nash or b.nash or {}:
        s.add_row(f"Nash package: {issue}", show((a.nash or {}).get(issue)), show((b.nash or {}).get(issue)))
    console.print(s)
    for line in b.summary[:1]:
        console.print(f"On {end}: {line}", highlight=False)


@handle_errors
def history_cmd(
    scenario: str = SCENARIO_ARG,
    actor: str = typer.Option(None, "--actor", help="Only this actor's revisions (id or name)."),
    issue: str = typer.Option(None, "--issue", help="Only the revisions on this issue."),
    proposed: bool = typer.Option(False, "--proposed", help="Also list revisions awaiting review."),
    format: OutputFormat = FORMAT_OPTION,
) -> None:
    """The dated revisions of SCENARIO, field by field: when, what changed, on whose report.

    Rows are in the order the revisions apply (valid_from, then the day each became
    known); 'old' is the value just before the revision.
    """
    _history(scenario, actor, issue, proposed, format)


@handle_errors
def diff_cmd(
    scenario: str = SCENARIO_ARG,
    start: Date = typer.Option(
        ..., "--from", metavar="DATE", parser=parse_day, help="The earlier day (YYYY-MM-DD)."
    ),
    end: Date | None = typer.Option(
        None,
        "--to",
        metavar="DATE",
        parser=parse_day,
        help="The later day (YYYY-MM-DD; default: the scenario's own date).",
    ),
    model: list[str] = typer.Option(None, "--model", "-m", help="Model (repeatable; default: all)."),
    known_by: Date | None = KNOWN_BY_OPTION,
    seed: int = typer.Option(0, "--seed", help="Seed for stochastic models (the same on both days)."),
    variants: int = typer.Option(
        1000, "-n", "--variants", min=1, help="Monte Carlo variants for the probability of agreement."
    ),
    format: OutputFormat = FORMAT_OPTION,
) -> None:
    """What changed in SCENARIO between two days: its inputs, every model's forecast,
    the bargaining space and the probability of agreement."""
    from negotia.api import diff

    d = diff(scenario, start, end, models=model or None, known_by=known_by, seed=seed, variants=variants)
    header = ["issue", "model", "old", "new", "delta", "old_anchor", "new_anchor"]
    emit(
        format,
        json=d.to_dict,
        csv=lambda: _csv_rows(header, [r.to_dict() for r in d.forecasts]),
        table=lambda: _render_diff(d, known_by),
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app, in the order of `negotia --help`."""
    app.command("history")(history_cmd)
    app.command("diff")(diff_cmd)
