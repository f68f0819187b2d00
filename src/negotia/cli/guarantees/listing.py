"""``negotia guarantees list`` and ``show``: the treaty catalogue and one entry in detail."""

from __future__ import annotations

from datetime import date as Date
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    FORMAT_OPTION,
    OutputFormat,
    console,
    emit,
    handle_errors,
    records,
)
from negotia.cli.guarantees.shared import (
    CatalogueOptions,
    _print_left_out,
)
from negotia.cli.options import group, option_groups

# negotia.guarantees is imported inside the commands: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from negotia.guarantees.catalogue import LeftOut
    from negotia.guarantees.schema import Arrangement, Instrument


# -- list / show ------------------------------------------------------------------------


@handle_errors
@option_groups
def list_(
    format: OutputFormat = FORMAT_OPTION,
    treaties: CatalogueOptions = group(),
    as_of: Date | None = AS_OF_OPTION,
) -> None:
    """List the instruments and arrangements in the catalogue (with --as-of: those
    signed or reported by that day)."""
    cat = treaties.catalogue(as_of)
    rows = [
        {
            "id": i.id,
            "name": i.label,
            "signed": i.date_signed.isoformat() if i.date_signed else None,
            "bindingness": i.bindingness.value,
            "parties": len(i.parties),
            "strongest": max(o.response_strength for o in i.obligations),
            "types": ",".join(dict.fromkeys(o.atop_type.value for o in i.obligations)),
            "verification": i.verification.value,
        }
        for i in cat.instruments.values()
    ]
    arrs = [
        {"id": a.id, "name": a.name, "instruments": list(a.instruments), "join": a.join}
        for a in cat.arrangements.values()
    ]
    emit(
        format,
        json=lambda: {
            "as_of": as_of,
            "instruments": rows,
            "arrangements": arrs,
            "left_out": [x.to_dict() for x in cat.left_out.values()],
        },
        csv=lambda: records(rows),
        table=lambda: _print_catalogue(rows, arrs, as_of, list(cat.left_out.values())),
    )


def _print_catalogue(
    rows: list[dict[str, Any]], arrs: list[dict[str, Any]], as_of: Date | None, left: list[LeftOut]
) -> None:
    """The instruments and the arrangements as two tables, then what the day left out."""
    t = Table(title="Instruments (response strength 0 assurance ... 5 automatic defence)")
    # Ids are what a user types next (`guarantees show ID`): never cut them.
    t.add_column("id", no_wrap=True, style="bold")
    for col in ("name", "signed", "bindingness", "parties", "strongest", "types", "verification"):
        t.add_column(col, justify="right" if col in ("parties", "strongest") else "left")
    for r in rows:
        t.add_row(*(str(r[c]) if r[c] is not None else "—" for c in r))
    console.print(t)
    t2 = Table(title="Arrangements (for assess / compare)")
    t2.add_column("id", no_wrap=True, style="bold")
    t2.add_column("name")
    t2.add_column("instruments")
    for a in arrs:
        extra = "".join(f" (+{', '.join(v)} join {k})" for k, v in a["join"].items())
        t2.add_row(a["id"], a["name"], ", ".join(a["instruments"]) + extra or "—")
    console.print(t2)
    _print_left_out(as_of, left)


@handle_errors
@option_groups
def show(
    ident: str = typer.Argument(..., metavar="ID", help="Instrument or arrangement id."),
    format: OutputFormat = FORMAT_OPTION,
    treaties: CatalogueOptions = group(),
) -> None:
    """Show one instrument (obligations, conditions, sources) or one arrangement."""
    from negotia.guarantees.compare import resolve_arrangement

    cat = treaties.catalogue()
    key = ident.lower().replace("_", "-")
    if key in cat.arrangements and key not in cat.instruments:
        arr, insts = resolve_arrangement(key, cat)
        # An arrangement has no rows to write: with -f csv, its table is printed, as always.
        emit(
            format if format is OutputFormat.json else OutputFormat.table,
            json=lambda: {"arrangement": arr.model_dump(mode="json"), "instruments": [i.id for i in insts]},
            table=lambda: _show_arrangement(arr, insts),
        )
        return
    inst = cat.instrument(ident)
    emit(
        format,
        json=lambda: inst.model_dump(mode="json", exclude_defaults=True),
        csv=lambda: records(
            [
                {
                    "instrument": inst.id,
                    "obligation": ob.id or str(k),
                    "guarantors": " ".join(ob.guarantors),
                    "beneficiaries": " ".join(ob.beneficiaries),
                    "atop_type": ob.atop_type.value,
                    "response_strength": ob.response_strength,
                    "kinds": " ".join(x.value for x in ob.kinds),
                    "conditions": " ".join(c.type for c in ob.conditions),
                    "deadline_hours": ob.deadline_hours if ob.deadline_hours is not None else "",
                    "aid_usd_bn": ob.aid_usd_bn if ob.aid_usd_bn is not None else "",
                    "requires": ob.requires,
                }
                for k, ob in enumerate(inst.obligations)
            ]
        ),
        table=lambda: _show_instrument(inst),
    )


def _show_arrangement(arr: Arrangement, insts: list[Instrument]) -> None:
    console.print(f"[bold]{arr.name}[/bold] ({arr.id})\n{arr.description or ''}")
    for i in insts:
        console.print(f"  - {i.id}: {i.name}")


def _show_instrument(inst: Instrument) -> None:
    from negotia.guarantees.schema import RESPONSE_STRENGTH

    console.print(f"[bold]{inst.name}[/bold] ({inst.id})")
    facts = [
        ("parties", ", ".join(inst.parties)),
        ("signed", inst.date_signed),
        ("in force", inst.starts or "not in force"),
        ("legal form", inst.bindingness.value + (" (ratified)" if inst.ratified else "")),
        ("note on legal form", inst.bindingness_note),
        (
            "term",
            f"{inst.duration_years:g} years, to {inst.expires}" if inst.duration_years else inst.renewal,
        ),
        (
            "exit",
            f"{inst.exit_notice_months} months' notice" if inst.exit_notice_months is not None else None,
        ),
        ("ATOP", f"atopid {inst.atop_id}" if inst.atop_id else None),
        ("coded by", inst.coded_by),
        ("status", inst.status),
        (
            "verification",
            inst.verification.value + (f" - {inst.verification_note}" if inst.verification_note else ""),
        ),
    ]
    for k, v in facts:
        if v not in (None, ""):
            console.print(f"  [cyan]{k}[/cyan]: {v}", highlight=False)
    t = Table(title="Obligations (guarantor -> beneficiary)")
    for col in ("id", "guarantors -> beneficiaries", "type", "strength", "covers", "conditions", "requires"):
        t.add_column(col, overflow="fold")
    for k, ob in enumerate(inst.obligations):
        conds = []
        for c in ob.conditions:
            detail = {
                "location": lambda c: (
                    ", ".join(c.areas) + (" +ceasefire line" if c.beneficiary_side_of_line else "")
                ),
                "named_adversary": lambda c: ", ".join(c.adversaries),
                "specific_conflict": lambda c: c.conflict,
                "number_of_adversaries": lambda c: f">= {c.min_adversaries}",
                "intensity": lambda c: (
                    c.min_scale
                    + (", deliberate" if c.deliberate else "")
                    + (", sustained" if c.sustained else "")
                ),
            }.get(c.type, lambda c: "")(c)
            conds.append(f"{c.type}" + (f" ({detail})" if detail else ""))
        req = ob.requires + (f" [deadline {ob.deadline_hours:g} h]" if ob.deadline_hours else "")
        if ob.aid:
            req += " Aid: " + "; ".join(
                (a.description or "aid") + (f" = US${a.usd_bn:g}bn" if a.usd_bn is not None else "")
                for a in ob.aid
            )
        t.add_row(
            ob.id or str(k),
            f"{', '.join(ob.guarantors)} -> {', '.join(ob.beneficiaries)}",
            ob.atop_type.value,
            f"{ob.response_strength} {RESPONSE_STRENGTH[ob.response_strength].split(' (')[0]}",
            ", ".join(k.value for k in ob.kinds),
            "; ".join(conds) or "none",
            req,
        )
    console.print(t)
    console.print("  [cyan]sources[/cyan]:", highlight=False)
    for s in inst.sources:
        console.print(f"    - {s}", highlight=False, soft_wrap=True)
