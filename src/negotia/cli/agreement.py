"""``negotia agreement``: deal or no deal, and what holds without one."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date as Date
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    FORMAT_OPTION,
    KNOWN_BY_OPTION,
    OutputFormat,
    console,
    dated_title,
    handle_errors,
    print_json,
)
from negotia.errors import ParameterError

if TYPE_CHECKING:
    from negotia.agreement.analysis import AgreementAnalysis

CSV_COLUMNS = (
    "issue",
    "model",
    "p_zone_alone",
    "p_zone_partial",
    "p_zone_package",
    "p_agreement",
    "agreed_variants",
    "no_deal",
    "if_agreed",
    "if_agreed_low",
    "if_agreed_high",
    "median",
    "low",
    "high",
)


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _csv(result: AgreementAnalysis) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    by_issue = {i.issue: i for i in result.issues}
    for o in result.outcomes:
        i = by_issue[o.issue]
        vals = (
            i.alone.p_zone,
            i.p_partial,
            result.package.p_zone,
            o.p_agreement,
            o.agreed_variants,
            o.no_deal,
            o.if_agreed,
            o.if_agreed_low,
            o.if_agreed_high,
            o.median,
            o.low,
            o.high,
        )
        w.writerow(
            [
                o.issue,
                o.model,
                *("" if v is None else repr(v) if isinstance(v, int) else repr(float(v)) for v in vals),
            ]
        )
    return out.getvalue()


def render(result: AgreementAnalysis, as_of: Date | None = None, known_by: Date | None = None) -> None:
    """The analysis as tables that fit 80 columns."""
    r = result
    pkg = r.package
    console.print(
        f"[bold]Agreement: {dated_title(r.scenario, r.date, as_of, known_by)}[/bold]  "
        f"[dim]{r.n} variants, seed {r.seed}"
        f"{', nothing agreed until all is' if r.all_or_nothing else ''}[/dim]"
    )
    console.print(
        f"Whole package: zone of agreement in {_pct(pkg.p_zone)} of variants "
        f"[{_pct(pkg.low)}, {_pct(pkg.high)}]; P(agreement) {_pct(pkg.combined.probability)} "
        f"[{_pct(pkg.combined.low)}, {_pct(pkg.combined.high)}] with the prior "
        f"{_pct(r.prior.probability)} ({r.prior.model})."
    )
    t = Table(title="Per issue: P(zone) and P(agreement)", title_justify="left")
    t.add_column("issue", style="bold", ratio=1)
    t.add_column("zone\nalone", justify="right", no_wrap=True)
    t.add_column("zone\npartial", justify="right", no_wrap=True)
    t.add_column("P(agree)", justify="right", no_wrap=True)
    t.add_column("no deal", justify="right", no_wrap=True)
    t.add_column("blocked alone by", ratio=2)
    for i in r.issues:
        top = i.alone.blockers[:2]
        blocks = "; ".join(f"{b.sentence()} ({_pct(b.count / r.n)})" for b in top) or "—"
        t.add_row(
            i.issue, _pct(i.alone.p_zone), _pct(i.p_partial), _pct(i.p_agreement), _num(i.status_quo), blocks
        )
    console.print(t)
    trivial = [i for i in r.issues if i.status_quo_acceptable > 0]
    if trivial:
        console.print(
            "Status quo acceptable to every party and veto player (share of variants; a zone "
            "there is trivial, no deal needed): "
            + ", ".join(f"{i.issue} {_pct(i.status_quo_acceptable)}" for i in trivial)
            + "."
        )
    o = Table(
        title="Forecast if agreed (over the variants that settle the issue), and overall (median [90%])",
        title_justify="left",
    )
    o.add_column("issue", style="bold", ratio=1)
    o.add_column("model", no_wrap=True)
    o.add_column("if agreed", justify="right", no_wrap=True)
    o.add_column("overall", justify="right", no_wrap=True)
    settle_in: dict[str, int] = {}
    for x in r.outcomes:
        overall = "—" if x.median is None else f"{x.median:.1f} [{x.low:.1f}, {x.high:.1f}]"
        if x.if_agreed is None:
            agreed = "no variant agrees"
        else:
            agreed = f"{x.if_agreed:.1f} [{x.if_agreed_low:.1f}, {x.if_agreed_high:.1f}]"
        o.add_row(x.issue, x.model, agreed, overall)
        settle_in[x.issue] = x.agreed_variants
    console.print(o)
    console.print(
        f"Variants that settle each issue (of {r.n}; the forecast if agreed is over these): "
        + ", ".join(f"{i} {c}" for i, c in settle_in.items())
        + "."
    )
    if pkg.blockers:
        console.print(f"[bold]What blocks the whole package[/bold] (of {pkg.failures} failed variants):")
        for b in pkg.blockers[:6]:
            console.print(f"  {_pct(b.share):>6}  {b.sentence()}")
    if r.partial_sets:
        console.print("[bold]Largest partial packages[/bold] (share of variants):")
        for issues, share in r.partial_sets[:4]:
            console.print(f"  {_pct(share):>6}  {', '.join(issues) or '(none)'}")
    for w in r.warnings:
        console.print(f"[yellow]warning[/yellow]: {w}")
    for note in r.notes:
        console.print(f"[dim]note: {note}[/dim]")


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def agreement(
        scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled scenario."),
        n: int = typer.Option(1000, "-n", "--variants", help="Number of Monte Carlo variants."),
        seed: int = typer.Option(0, "--seed", help="Seed of the run (default 0)."),
        model: list[str] = typer.Option(
            None,
            "--model",
            "-m",
            help="Model whose forecast is the settlement (repeatable; default compromise).",
        ),
        as_of: Date | None = AS_OF_OPTION,
        known_by: Date | None = KNOWN_BY_OPTION,
        all_or_nothing: bool = typer.Option(
            False, "--all-or-nothing", help="Nothing is agreed until everything is agreed."
        ),
        format: OutputFormat = FORMAT_OPTION,
    ) -> None:
        """Will they agree? P(zone of agreement) for the package, each issue and partial
        packages, what blocks it, and each forecast with and without a deal."""
        from negotia.api import agreement_analysis as run

        if seed < 0:
            raise ParameterError(f"--seed must be a non-negative integer, got {seed}")
        result = run(
            scenario,
            n,
            seed=seed,
            all_or_nothing=all_or_nothing,
            models=model or ["compromise"],
            as_of=as_of,
            known_by=known_by,
        )
        if format is OutputFormat.json:
            print_json(result.to_dict())
        elif format is OutputFormat.csv:
            sys.stdout.write(_csv(result))
        else:
            render(result, as_of, known_by)
