"""Bargaining commands: ``bargain`` (the bargaining space) and ``simulate`` (agents negotiating)."""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.panel import Panel
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    KNOWN_BY_OPTION,
    TableOrJson,
    console,
    emit,
    format_option,
    handle_errors,
    print_day,
    with_day,
)
from negotia.errors import ParameterError

# negotia.bargaining is imported inside the commands, so that `negotia --help` and the
# other commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from negotia.bargaining.negotiation import NegotiationRun
    from negotia.bargaining.report import BargainingResult, PackageReport
    from negotia.bargaining.space import OutcomeSpace, Resolution

# negotia.bargaining.simulation's PROTOCOLS and RED_LINES, written out for the help
# (tests/test_startup.py checks that they agree).
_PROTOCOLS = ("offers", "majority", "mediator")
_RED_LINES = ("keep", "relax", "ignore")

# Neither result is a flat table of records: no CSV.
TABLE_OR_JSON = format_option(TableOrJson)


def _source(scenario: str, as_of: Date | None, known_by: Date | None) -> Any:
    """The snapshot of a negotia scenario on the day asked, or a GENIUS file's path."""
    from negotia.api import scenario_as_of
    from negotia.bargaining import genius

    if genius.is_genius_file(scenario):
        if as_of is not None or known_by is not None:
            raise ParameterError(
                "--as-of and --known-by need a negotia scenario; a GENIUS domain has no dates"
            )
        return scenario
    return scenario_as_of(scenario, as_of, known_by=known_by)


def _day(source: Any) -> Date | None:
    """The day of a scenario snapshot (None for a GENIUS file)."""
    return getattr(source, "date", None)


def _split(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


def _resolution(text: str | None) -> Resolution:
    """``"7"`` -> 7, ``"anchors"``, or ``"nato=anchors,territory=11"``."""
    if text is None:
        return None
    text = text.strip()
    if "=" not in text:
        if text == "anchors":
            return "anchors"
        try:
            return int(text)
        except ValueError:
            raise ParameterError(
                f"--resolution must be a number, 'anchors' or issue=N,...; got {text!r}"
            ) from None
    out: dict[str, int | str] = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        value = value.strip()
        out[key.strip()] = value if value == "anchors" else _int(value, key)
    return out


def _int(value: str, key: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ParameterError(
            f"--resolution {key}={value!r}: expected a number of points or 'anchors'"
        ) from None


def _short(p: PackageReport, ordered: dict[str, bool]) -> str:
    return "\n".join(
        f"{issue}: {p.values[issue]:g}" if ordered.get(issue, True) else f"{issue}: {p.labels[issue]}"
        for issue in p.values
    )


def _render_bargain(
    r: BargainingResult, day: Date | None, as_of: Date | None, known_by: Date | None, exported: Path | None
) -> None:
    """The space, its solutions, the top packages, the Nash package in words, the notes."""
    console.print(
        Panel(
            "\n".join(r.summary()),
            title=f"[bold]Bargaining space: {r.name}",
            title_align="left",
            border_style="red" if r.zopa.empty else "green",
        )
    )
    console.print(_space_table(r))
    ordered = {i: r.reference.get(i) is not None for i in r.issue_ids}
    s = Table(title="Solutions", title_justify="left", show_lines=True)
    s.add_column("solution", style="bold")
    s.add_column("package")
    for p in r.parties:
        s.add_column(p, justify="right")
    s.add_column("who concedes where")
    for name, sol in (("Nash", r.nash), ("Kalai-Smorodinsky", r.kalai), ("utilitarian", r.utilitarian)):
        if sol is None:
            s.add_row(name, "—", *["—"] * len(r.parties), "no package")
            continue
        flag = "\n[red]⚠ crosses " + "; ".join(sol.crosses) + "[/red]" if sol.crosses else ""
        s.add_row(
            name,
            _short(sol, ordered),
            *[f"{sol.utilities[p]:.3f}" for p in r.parties],
            sol.trade() + flag,
        )
    console.print(s)
    top = Table(title=f"Top {len(r.top)} packages by Nash product", title_justify="left", show_lines=True)
    top.add_column("#", justify="right")
    top.add_column("package")
    for p in r.parties:
        top.add_column(p, justify="right")
    top.add_column("Nash product", justify="right")
    top.add_column("trade")
    for p in r.top:
        flag = "\n[red]⚠ crosses " + "; ".join(p.crosses) + "[/red]" if p.crosses else ""
        top.add_row(
            str(p.rank),
            _short(p, ordered),
            *[f"{p.utilities[q]:.3f}" for q in r.parties],
            f"{p.nash_product:.4f}",
            p.trade() + flag,
        )
    console.print(top)
    if r.nash is not None:
        labels = "\n".join(f"[bold]{k}[/bold]: {v}" for k, v in r.nash.labels.items())
        console.print(Panel(labels, title="The Nash package in the issues' own words", title_align="left"))
    for note in r.notes:
        console.print(f"[yellow]note[/yellow]: {note}")
    print_day(day, as_of, known_by)
    if exported is not None:
        console.print(f"wrote the GENIUS domain and profiles to {exported}")


def _space_table(r: BargainingResult) -> Table:
    """The size of the space: parties, issues, packages, the zone, the frontier, reservations."""
    t = Table(title="The space", title_justify="left", show_header=False)
    t.add_column("what", style="bold")
    t.add_column("value")
    t.add_row("parties (consent required)", ", ".join(r.parties))
    t.add_row(
        "issues (options)", ", ".join(f"{i} ({n})" for i, n in zip(r.issue_ids, r.options, strict=True))
    )
    t.add_row("packages", str(r.n_packages))
    t.add_row("within every red line", str(r.zopa.n_within_red_lines))
    detail = r.zopa.size_detail
    t.add_row(
        "zone of possible agreement",
        (str(r.zopa.size) if detail is None else f"about {detail.value:.4g} (estimate)")
        + (" [red](empty)[/red]" if r.zopa.empty else ""),
    )
    cut = r.pareto_size_all is not None and r.pareto_size_all != r.pareto_size
    if cut:
        t.add_row("Pareto frontier, all packages", f"{r.pareto_size_all} packages")
    t.add_row(
        ("Pareto frontier, acceptable to every party" if cut else "Pareto frontier")
        + (" [yellow](ignoring " + ", ".join(r.ignored) + ")[/yellow]" if r.ignored else ""),
        f"{r.pareto_size} packages",
    )
    t.add_row("reservation values", ", ".join(f"{p} {v:.3f}" for p, v in r.reservation.items()))
    return t


def _compact(space: OutcomeSpace, index: int) -> str:
    """Option values (ordered issues) or option numbers (categorical) joined by '/'."""
    opt = space.decode(index)[0]
    return "/".join(
        f"{o.values[j]:g}" if o.ordered else str(int(j) + 1) for o, j in zip(space.issues, opt, strict=True)
    )


def _render_run(
    run: NegotiationRun,
    trace: bool,
    space: OutcomeSpace | None,
    day: Date | None,
    as_of: Date | None,
    known_by: Date | None,
) -> None:
    """How the run ended, the agreement (or final text), and with ``trace`` every offer."""
    ok = run.agreement is not None
    lines = [run.reason]
    if run.utilities is not None:
        lines.append(
            ("agreement" if ok else "final text")
            + ": "
            + ", ".join(f"{p} {u:.3f}" for p, u in zip(run.parties, run.utilities, strict=True))
        )
    if run.frontier_gap is not None:
        lines.append(
            f"distance to the Pareto frontier: every party could still gain {run.frontier_gap:.4f} at once"
            if run.frontier_gap > 1e-9
            else "the result lies on the Pareto frontier (no package is better for every party)"
        )
    lines.extend(run.notes)
    strategies = f" ({', '.join(run.strategies)})" if run.strategies else ""
    console.print(
        Panel(
            "\n".join(lines),
            title=f"[bold]{run.protocol}{strategies}, seed {run.seed}, {run.steps} of {run.max_steps} steps",
            title_align="left",
            border_style="green" if ok else "red",
        )
    )
    if run.labels:
        t = Table(title="Agreement" if ok else "Final text", title_justify="left")
        t.add_column("issue", style="bold")
        t.add_column("option")
        for k, v in run.labels.items():
            t.add_row(k, v)
        console.print(t)
    if trace:
        h = Table(title="Offer history", title_justify="left")
        h.add_column("step", justify="right")
        h.add_column("by")
        h.add_column("package", justify="right")
        if space is not None:
            h.add_column("/".join(space.issue_ids))
        for p in run.parties:
            h.add_column(p, justify="right")
        h.add_column("accepted by")
        for o in run.history:
            h.add_row(
                str(o.step),
                o.proposer,
                str(o.index),
                *([_compact(space, o.index)] if space is not None else []),
                *[f"{u:.3f}" for u in o.utilities],
                (", ".join(o.accepted_by) or "—") + (" ✓" if o.agreed else ""),
            )
        console.print(h)
    print_day(day, as_of, known_by)


@handle_errors
def bargain(
    scenario: str = typer.Argument(
        ..., help="Scenario file or bundled name, or a GENIUS domain .xml (profiles beside it)."
    ),
    parties: str = typer.Option(
        None,
        "--parties",
        help="Parties whose consent is required, e.g. UKR,RUS (default: the scenario's).",
    ),
    resolution: str = typer.Option(
        None, "--resolution", help="Options per issue: a number of grid points, 'anchors', or issue=N,..."
    ),
    top: int = typer.Option(5, "--top", min=1, help="Number of top packages to show."),
    issues: str = typer.Option(
        None, "--issues", help="Bargain over these issues only, e.g. nato,guarantees."
    ),
    format: TableOrJson = TABLE_OR_JSON,
    export_genius: Path = typer.Option(
        None,
        "--export-genius",
        help="Also write the domain and profiles (GENIUS XML + GeniusWeb JSON) here.",
    ),
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Packages the required parties could accept, the red lines that block a deal, the Nash package."""
    from negotia.api import bargaining_space

    source = _source(scenario, as_of, known_by)
    result = bargaining_space(
        source, _split(parties), resolution=_resolution(resolution), top=top, issues=_split(issues)
    )
    if export_genius is not None:
        _export(source, _split(parties), _resolution(resolution), export_genius, _split(issues))
    emit(
        format,
        json=lambda: with_day(result.to_dict(), _day(source), known_by),
        table=lambda: _render_bargain(result, _day(source), as_of, known_by, export_genius),
    )


@handle_errors
def simulate_cmd(
    scenario: str = typer.Argument(..., help="Scenario file or bundled name, or a GENIUS domain .xml."),
    protocol: str = typer.Option("offers", "--protocol", help=f"One of {', '.join(_PROTOCOLS)}."),
    strategy: str = typer.Option(
        "boulware",
        "--strategy",
        help="boulware, linear, conceder, time:e=X, aspiration[:rate=X], tit-for-tat; "
        "one, or one per party (comma-separated).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the run."),
    steps: int = typer.Option(100, "--steps", min=1, help="Maximum number of offers (or texts)."),
    parties: str = typer.Option(None, "--parties", help="Negotiating parties, e.g. UKR,RUS."),
    resolution: str = typer.Option(None, "--resolution", help="Options per issue (as for bargain)."),
    issues: str = typer.Option(None, "--issues", help="Negotiate over these issues only."),
    quota: float = typer.Option(0.5, "--quota", help="majority: share of votes needed (0.5 = over half)."),
    veto: str = typer.Option(None, "--veto", help="majority: parties that must accept, e.g. UKR,RUS."),
    weights: str = typer.Option("equal", "--weights", help="majority: equal or capability votes."),
    red_lines: str = typer.Option(
        "keep", "--red-lines", help=f"{', '.join(_RED_LINES)}: relax drops the lines that block the ZOPA."
    ),
    start: str = typer.Option(
        "reference", "--start", help="mediator: first text (reference, worst, random or an index)."
    ),
    trace: bool = typer.Option(False, "--trace", help="Print every offer (JSON always has them all)."),
    format: TableOrJson = TABLE_OR_JSON,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Agents negotiate: alternating offers, a (qualified) majority, or a mediator's single text."""
    from negotia.api import simulate

    source = _source(scenario, as_of, known_by)
    run = simulate(
        source,
        protocol=protocol,
        strategy=strategy,
        seed=seed,
        steps=steps,
        parties=_split(parties),
        resolution=_resolution(resolution),
        quota=quota,
        veto=_split(veto),
        weights=weights,
        red_lines=red_lines,
        start=start,
        issues=_split(issues),
    )
    emit(
        format,
        json=lambda: with_day(run.to_dict(), _day(source), known_by),  # with every offer
        table=lambda: _render_run(run, trace, run.space, _day(source), as_of, known_by),
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app, in the order of `negotia --help`."""
    app.command()(bargain)
    app.command("simulate")(simulate_cmd)


def _export(
    scenario: Any, parties: list[str] | None, resolution: Resolution, dest: Path, issues: list[str] | None
) -> None:
    from negotia.api import export_genius

    export_genius(scenario, dest, parties, resolution=resolution, issues=issues)
