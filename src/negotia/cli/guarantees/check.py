"""``negotia guarantees check``: what an attack triggers, instrument by instrument."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from negotia.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    emit,
    handle_errors,
    records,
)
from negotia.cli.guarantees.shared import (
    SCENARIO,
    CatalogueOptions,
    EventOptions,
    _day,
    _print_left_out,
    _scenario,
)
from negotia.cli.options import ScenarioTime, group, option_groups
from negotia.errors import InputError, Problem

# negotia.guarantees is imported inside the command: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from datetime import date as Date

    from negotia.guarantees.catalogue import Catalogue, LeftOut
    from negotia.guarantees.schema import Event, Instrument
    from negotia.guarantees.triggers import TriggerResult


# -- check ------------------------------------------------------------------------------


@handle_errors
@option_groups
def check(
    instruments: str = typer.Option(
        "all", "--instruments", "-i", help="Arrangement id, instrument ids joined by '+', or 'all'."
    ),
    event: EventOptions = group(
        replace={"file": typer.Argument(None, metavar="[EVENT]", help="Event file (YAML or JSON).")}
    ),
    assume_in_force: bool = typer.Option(False, "--assume-in-force", help="Treat drafts as in force."),
    show_all: bool = typer.Option(False, "--all", help="Also list obligations that owe the target nothing."),
    treaties: CatalogueOptions = group(),
    scenario: str | None = SCENARIO,
    format: OutputFormat = FORMAT_OPTION,
    time: ScenarioTime = group(),
) -> None:
    """Which obligations EVENT triggers, why (or why not), and what each requires.

    Give the event as a file or with options (--attacker RUS --target UKR --date 2026-06-01 ...).
    With --scenario, check the guarantees the scenario carries.
    """
    from negotia.guarantees.triggers import check_event

    ev = event.event()
    sc = _scenario(scenario, time)
    cat = treaties.catalogue(_day(sc, time.as_of))
    insts, left = _instruments(sc, scenario, instruments, cat)
    results = check_event(ev, insts, assume_in_force=assume_in_force)
    if not show_all:
        results = [r for r in results if r.beneficiary == ev.target]
    rows = [
        {
            "instrument": r.instrument,
            "obligation": r.obligation,
            "guarantor": r.guarantor,
            "beneficiary": r.beneficiary,
            "type": r.atop_type,
            "strength": r.response_strength,
            "status": r.status,
            "reason": r.reason,
            "requires": r.requires if r.status == "triggered" else "",
        }
        for r in results
    ]
    emit(
        format,
        json=lambda: {
            "event": ev.model_dump(mode="json"),
            "as_of": cat.day,
            "results": [r.to_dict() for r in results],
            "left_out": [x.to_dict() for x in left],
        },
        csv=lambda: records(rows),
        table=lambda: _print_results(ev, results, rows, cat.day, left),
    )


def _instruments(
    sc: Any, scenario: str | None, instruments: str, cat: Catalogue
) -> tuple[list[Instrument], list[LeftOut]]:
    """The instruments checked (the scenario's, an arrangement's or all) and those left out."""
    from negotia.guarantees.compare import resolve_arrangement
    from negotia.guarantees.link import scenario_instruments, scenario_left_out

    if sc is not None:
        insts = scenario_instruments(sc, source=str(scenario), cat=cat)
        left = scenario_left_out(sc, cat)
        if not insts:
            raise InputError(
                str(scenario),
                Problem("guarantees", f"the scenario carries no guarantees known by {cat.day}"),
            )
    elif instruments == "all":
        insts = list(cat.instruments.values())
        left = list(cat.left_out.values())
    else:
        arr, insts = resolve_arrangement(instruments, cat)
        left = cat.left_out_of(arr.id)
    return insts, left


def _print_results(
    ev: Event, results: list[TriggerResult], rows: list[dict[str, Any]], day: Date | None, left: list[LeftOut]
) -> None:
    """The results as a table, with a count of each status."""
    console.print(
        f"[bold]Event[/bold]: {ev.attacker} -> {ev.target}, {ev.kind.value}, {ev.scale}, {ev.date}"
        f"{' (ceasefire in force)' if ev.ceasefire_in_force else ''}",
        highlight=False,
    )
    t = Table()
    for col in ("instrument", "obligation", "guarantor", "status", "reason", "requires"):
        t.add_column(col, overflow="fold")
    styles = {"triggered": "green", "breached": "red", "undetermined": "yellow", "not_triggered": "dim"}
    for r, row in zip(results, rows, strict=True):
        req = row["requires"]
        if r.status == "triggered" and r.deadline_hours:
            req = f"within {r.deadline_hours:g} h: {req}"
        t.add_row(
            r.instrument,
            r.obligation,
            r.guarantor,
            f"[{styles[r.status]}]{r.status}[/]",
            r.reason + (f" (exit effective {r.exit_pending})" if r.exit_pending else ""),
            req,
        )
    console.print(t)
    counts = {s: sum(1 for r in results if r.status == s) for s in styles}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items() if n), highlight=False)
    _print_left_out(day, left)
