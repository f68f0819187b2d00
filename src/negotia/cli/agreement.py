"""``negotia agreement``: deal or no deal, and what holds without one."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Annotated

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
    handle_errors,
)
from negotia.cli.options import annotated, group, option_groups

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


def _csv_rows(result: AgreementAnalysis) -> Iterator[list[str]]:
    """The CSV's header, then one row per issue and model, every digit kept (``repr``)."""
    yield list(CSV_COLUMNS)
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
        yield [
            o.issue,
            o.model,
            *("" if v is None else repr(v) if isinstance(v, int) else repr(float(v)) for v in vals),
        ]


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


@dataclass(frozen=True)
class AgreementOptions:
    """One agreement analysis as ``agreement`` and ``outlook`` take it from the command line."""

    scenario: Annotated[str, typer.Argument(help="Scenario file, or the name of a bundled scenario.")]
    n: Annotated[int, typer.Option("-n", "--variants", help="Number of Monte Carlo variants.")] = 1000
    seed: Annotated[int, typer.Option("--seed", help="Seed of the run (default 0).")] = 0
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", help="Model whose forecast is the settlement (repeatable; default compromise)."
        ),
    ] = None
    as_of: Annotated[Date | None, annotated(AS_OF_OPTION)] = None
    known_by: Annotated[Date | None, annotated(KNOWN_BY_OPTION)] = None
    all_or_nothing: Annotated[
        bool, typer.Option("--all-or-nothing", help="Nothing is agreed until everything is agreed.")
    ] = False

    def analyse(self, models: Sequence[str]) -> AgreementAnalysis:
        """The analysis, with ``models`` unless --model names others."""
        from negotia.api import agreement_analysis

        return agreement_analysis(
            self.scenario,
            self.n,
            seed=self.seed,
            all_or_nothing=self.all_or_nothing,
            models=list(self.model or models),
            as_of=self.as_of,
            known_by=self.known_by,
        )


def print_analysis(
    result: AgreementAnalysis, format: OutputFormat, run: AgreementOptions, draw: Callable[..., None]
) -> None:
    """JSON, CSV, or the tables ``draw`` prints."""
    emit(
        format,
        json=result.to_dict,
        csv=lambda: _csv_rows(result),
        table=lambda: draw(result, run.as_of, run.known_by),
    )


@handle_errors
@option_groups
def agreement(run: AgreementOptions = group(), format: OutputFormat = FORMAT_OPTION) -> None:
    """Will they agree? P(zone of agreement) for the package, each issue and partial
    packages, what blocks it, and each forecast with and without a deal."""
    print_analysis(run.analyse(["compromise"]), format, run, render)


def register(app: typer.Typer) -> None:
    """Add the ``agreement`` command to the root app."""
    app.command()(agreement)
