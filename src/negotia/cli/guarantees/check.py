"""``negotia guarantees check``: what an attack triggers, instrument by instrument."""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    FORMAT_OPTION,
    KNOWN_BY_OPTION,
    OutputFormat,
    console,
    handle_errors,
    print_json,
)
from negotia.cli.guarantees.shared import (
    AREA,
    ATTACKER,
    CEASEFIRE,
    CO_ATTACKER,
    CONFLICT,
    DATE,
    DELIBERATE,
    INSIDE,
    KIND,
    PROVOKED,
    REPLACE,
    REQUESTED,
    SCALE,
    SCENARIO,
    SIDE,
    SUSTAINED,
    TARGET,
    TREATIES,
    _catalogue,
    _day,
    _event_data,
    _print_left_out,
    _scenario,
    _write_csv,
)
from negotia.errors import InputError, Problem

# negotia.guarantees is imported inside the commands: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    pass


# -- check ------------------------------------------------------------------------------


@handle_errors
def check(
    event_file: Path | None = typer.Argument(None, metavar="[EVENT]", help="Event file (YAML or JSON)."),
    instruments: str = typer.Option(
        "all", "--instruments", "-i", help="Arrangement id, instrument ids joined by '+', or 'all'."
    ),
    attacker: str | None = ATTACKER,
    target: str | None = TARGET,
    kind: str | None = KIND,
    date: str | None = DATE,
    scale: str | None = SCALE,
    area: list[str] | None = AREA,
    inside_area: bool | None = INSIDE,
    ceasefire_side: str | None = SIDE,
    provoked: bool | None = PROVOKED,
    ceasefire_in_force: bool | None = CEASEFIRE,
    help_requested: bool | None = REQUESTED,
    deliberate: bool | None = DELIBERATE,
    sustained: bool | None = SUSTAINED,
    co_attackers: list[str] | None = CO_ATTACKER,
    conflict: str | None = CONFLICT,
    assume_in_force: bool = typer.Option(False, "--assume-in-force", help="Treat drafts as in force."),
    show_all: bool = typer.Option(False, "--all", help="Also list obligations that owe the target nothing."),
    treaties: Path | None = TREATIES,
    replace: bool = REPLACE,
    scenario: str | None = SCENARIO,
    format: OutputFormat = FORMAT_OPTION,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Which obligations EVENT triggers, why (or why not), and what each requires.

    Give the event as a file or with options (--attacker RUS --target UKR --date 2026-06-01 ...).
    With --scenario, check the guarantees the scenario carries.
    """
    from negotia.guarantees.compare import resolve_arrangement
    from negotia.guarantees.link import scenario_instruments, scenario_left_out
    from negotia.guarantees.triggers import check_event

    ev = _event_data(
        event_file,
        None,
        attacker=attacker,
        target=target,
        kind=kind,
        date=date,
        scale=scale,
        area=area,
        inside_area=inside_area,
        ceasefire_side=ceasefire_side,
        provoked=provoked,
        ceasefire_in_force=ceasefire_in_force,
        help_requested=help_requested,
        deliberate=deliberate,
        sustained=sustained,
        co_attackers=co_attackers,
        conflict=conflict,
    )
    sc = _scenario(scenario, as_of, known_by)
    cat = _catalogue(treaties, _day(sc, as_of), replace=replace)
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
    results = check_event(ev, insts, assume_in_force=assume_in_force)
    if not show_all:
        results = [r for r in results if r.beneficiary == ev.target]
    if format is OutputFormat.json:
        print_json(
            {
                "event": ev.model_dump(mode="json"),
                "as_of": cat.day,
                "results": [r.to_dict() for r in results],
                "left_out": [x.to_dict() for x in left],
            }
        )
        return
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
    if format is OutputFormat.csv:
        _write_csv(rows)
        return
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
    _print_left_out(cat.day, left)
