"""``negotia guarantees``: the catalogue, trigger checks, credibility and comparisons."""
# Over 600 lines: one command group (list, show, check, assess, compare) sharing ~25 option definitions.

from __future__ import annotations

import csv
import sys
from datetime import date as Date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    FORMAT_OPTION,
    KNOWN_BY_OPTION,
    OutputFormat,
    console,
    err_console,
    fmt_num,
    handle_errors,
    print_json,
)
from negotia.errors import InputError, Problem
from negotia.guarantees.catalogue import (
    Catalogue,
    LeftOut,
    catalogue,
    load_event_file,
    load_guarantees_file,
    validate_model,
)
from negotia.guarantees.compare import (
    Assessment,
    assess_guarantees,
    compare_arrangements,
    guarantee_case,
    resolve_arrangement,
    summary,
)
from negotia.guarantees.credibility import CredibilitySettings, FactorWeights, model_report
from negotia.guarantees.link import (
    anchor_arrangements,
    arrangement_for_value,
    scenario_instruments,
    scenario_left_out,
    scenario_saliences,
)
from negotia.guarantees.schema import RESPONSE_STRENGTH, Event, Instrument
from negotia.guarantees.triggers import check_event

app = typer.Typer(
    name="guarantees",
    help="Security guarantees: the catalogue, what an attack triggers, credibility, deterrence.",
    no_args_is_help=True,
)

# -- shared options ---------------------------------------------------------------------

EVENT_FILE = typer.Option(
    None, "--event", "-e", help="Event file (YAML or JSON); options below override its fields."
)
ATTACKER = typer.Option(None, "--attacker", help="Attacker (actor code, e.g. RUS).")
TARGET = typer.Option(None, "--target", help="Target (actor code, e.g. UKR).")
KIND = typer.Option(None, "--kind", help="armed_attack, threat, hybrid or nuclear_use.")
DATE = typer.Option(None, "--date", help="Date of the event (YYYY-MM-DD).")
SCALE = typer.Option(None, "--scale", help="incident, limited, significant or major.")
AREA = typer.Option(None, "--area", help="Location tag (repeatable), e.g. UKR or europe.")
INSIDE = typer.Option(
    None, "--inside-area/--outside-area", help="State that the event is inside/outside treaty areas."
)
SIDE = typer.Option(
    None, "--ceasefire-side", help="beneficiary, attacker or none: where a ceasefire line was crossed."
)
PROVOKED = typer.Option(None, "--provoked/--unprovoked", help="Whether the target provoked the attack.")
CEASEFIRE = typer.Option(None, "--ceasefire/--no-ceasefire", help="Whether a ceasefire was in force.")
REQUESTED = typer.Option(None, "--requested/--not-requested", help="Whether the target asked for help.")
DELIBERATE = typer.Option(None, "--deliberate/--not-deliberate", help="Whether the attack is deliberate.")
SUSTAINED = typer.Option(None, "--sustained/--not-sustained", help="Whether the attack is sustained.")
CO_ATTACKER = typer.Option(None, "--co-attacker", help="Another attacking state (repeatable).")
CONFLICT = typer.Option(None, "--conflict", help="Name of the conflict (for specific-conflict conditions).")
TREATIES = typer.Option(
    None, "--treaties", "-t", help="A guarantees file whose instruments/arrangements are added."
)
REPLACE = typer.Option(
    False, "--replace", help="Let the --treaties file redefine catalogue entries with the same id."
)
SCENARIO = typer.Option(None, "--scenario", "-s", help="Scenario file or bundled name (e.g. ukraine-2025).")


def _scenario(name: str | None, as_of: Date | None, known_by: Date | None) -> Any:
    """The scenario's snapshot on the day asked (None without --scenario)."""
    from negotia.api import scenario_as_of

    if name is None:
        if known_by is not None:
            raise InputError(
                "--known-by", Problem("", "--known-by needs --scenario (whose revisions it filters)")
            )
        return None
    return scenario_as_of(name, as_of, known_by=known_by)


def _day(sc: Any, as_of: Date | None) -> Date | None:
    """The catalogue's day: --as-of, else the scenario's own date (else every instrument)."""
    return as_of if as_of is not None else getattr(sc, "date", None)


def _print_left_out(day: Date | None, left: list[LeftOut], where: str = "") -> None:
    if left:
        what = "; ".join(f"{x.id} ({x.reason})" for x in left)
        console.print(f"note: as of {day}, left out{where}: {what}.", highlight=False)


def _event_data(
    event_file: Path | None,
    defaults: dict[str, Any] | None,
    **opts: Any,
) -> Event:
    data: dict[str, Any] = dict(defaults or {})
    source = "<event options>"
    if event_file is not None:
        data = load_event_file(event_file).model_dump(mode="json", exclude_unset=True)
        source = str(event_file)
    loc = dict(data.get("location") or {})
    for key in ("area", "inside_area", "ceasefire_side"):
        v = opts.pop(key)
        if v is not None and v != []:
            loc[{"area": "areas", "inside_area": "inside_treaty_area"}.get(key, key)] = v
    if loc:
        data["location"] = loc
    for key, v in opts.items():
        if v is not None and v != []:
            data[key] = v
    return validate_model(Event, data, source)


def _catalogue(treaties: Path | None, day: Date | None = None, replace: bool = False) -> Catalogue:
    """The bundled catalogue, with a user's file added; a file that redefines an entry
    of the catalogue is refused unless ``replace`` (and then said on stderr)."""
    cat = catalogue()
    if not treaties:
        return cat.as_of(day)
    own = load_guarantees_file(treaties)
    clash = [
        f"{what} {ident!r}"
        for what, mine, theirs in (
            ("instrument", own.instruments, cat.instruments),
            ("arrangement", own.arrangements, cat.arrangements),
        )
        for ident in mine
        if ident in theirs
    ]
    if clash and not replace:
        raise InputError(
            str(treaties),
            Problem(
                "",
                f"redefines the catalogue's {', '.join(clash)}; give the entries ids of their own, "
                "or pass --replace to use this file's definitions instead",
            ),
        )
    if clash:
        err_console.print(f"[yellow]note[/yellow]: {treaties} replaces the catalogue's {', '.join(clash)}")
    return cat.merged(own).as_of(day)


def _kv(items: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        if not eq or not key or not value:
            raise InputError(
                f"--{what}", Problem(item, "expected KEY=VALUE (e.g. USA=0.8; '*' for every guarantor)")
            )
        out[key.strip()] = value.strip()
    return out


def _settings(
    era: str | None,
    salience: list[str] | None,
    troops: list[str] | None,
    capability_change: list[str] | None,
    institution_change: list[str] | None,
    bindingness: list[str] | None,
    logit_terms: str | None,
    no_logit: bool,
    measure: str | None,
    weight: list[str] | None = None,
    scenario_salience: dict[str, float] | None = None,
    original_target: bool | None = None,
) -> CredibilitySettings:
    data: dict[str, Any] = {}
    if original_target is not None:
        data["original_target"] = original_target
    if era:
        data["era"] = era
    sal: dict[str, Any] = dict(scenario_salience or {})
    sal.update(_kv(salience, "salience"))
    if sal:
        data["salience"] = sal
    if weight:
        w: dict[str, Any] = {}
        for key, value in _kv(weight, "weight").items():
            head, dot, form = key.partition(".")
            if dot:
                w.setdefault(head, dict(FactorWeights().legal_form))[form] = value
            else:
                w[key] = value
        data["weights"] = w
    if troops:
        data["troops"] = _kv(troops, "troops")
    if capability_change:
        data["capability_change"] = _kv(capability_change, "capability-change")
    if institution_change:
        data["institution_change"] = _kv(institution_change, "institution-change")
    if bindingness:
        data["bindingness"] = _kv(bindingness, "bindingness")
    if logit_terms is not None:
        data["logit_terms"] = [t for t in logit_terms.replace(" ", "").split(",") if t]
    if no_logit:
        data["use_logit"] = False
    if measure:
        data["measure"] = measure
    return validate_model(CredibilitySettings, data, "<credibility options>")


ERA = typer.Option(None, "--era", help="Base-rate era: all (default), post1945, pre1945 or llm.")
ORIGTAR = typer.Option(
    None,
    "--original-target/--not-original-target",
    help="Override Leeds & Anac's origtar1 (default: 1 if the attacker is an instrument's original target).",
)
WEIGHT = typer.Option(
    None,
    "--weight",
    help="Change a scenario-factor weight (log-odds): not_ratified=-0.5, legal_form.draft=-2, salience=1 ...",
)
SALIENCE = typer.Option(
    None, "--salience", help="Guarantor's salience for the beneficiary, 0-1: USA=0.8 (repeatable)."
)
TROOPS = typer.Option(
    None, "--troops", help="Guarantor troops on the beneficiary's soil: GBR=10000 (repeatable)."
)
CAPCH = typer.Option(
    None, "--capability-change", help="Guarantor's capability changed since signing: USA=yes."
)
INSTCH = typer.Option(
    None, "--institution-change", help="Guarantor's domestic institutions changed: USA=yes."
)
BINDING = typer.Option(None, "--bindingness", help="Assume a legal form: us-ukr-draft-2025=ratified_treaty.")
TERMS = typer.Option(
    None, "--logit-terms", help="Leeds & Anac terms applied (default chcap2d,dinstch2,origtar1)."
)
NOLOGIT = typer.Option(False, "--no-logit", help="Do not apply the Leeds & Anac logit shifts.")
MEASURE = typer.Option(None, "--measure", help="Capability measure: milex (SIPRI 2024, default) or cinc.")
DRAWS = typer.Option(20_000, "--draws", "-n", help="Monte Carlo draws.")
SEED = typer.Option(0, "--seed", help="Seed of the Monte Carlo draws.")
RHO = typer.Option(0.5, "--rho", help="Correlation of honouring decisions (0 independent, 1 all-or-nothing).")


def _write_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


# -- list / show ------------------------------------------------------------------------


@app.command("list")
@handle_errors
def list_(
    format: OutputFormat = FORMAT_OPTION,
    treaties: Path | None = TREATIES,
    replace: bool = REPLACE,
    as_of: Date | None = AS_OF_OPTION,
) -> None:
    """List the instruments and arrangements in the catalogue (with --as-of: those
    signed or reported by that day)."""
    cat = _catalogue(treaties, as_of, replace=replace)
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
    if format is OutputFormat.json:
        left = [x.to_dict() for x in cat.left_out.values()]
        print_json({"as_of": as_of, "instruments": rows, "arrangements": arrs, "left_out": left})
        return
    if format is OutputFormat.csv:
        _write_csv(rows)
        return
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
    _print_left_out(as_of, list(cat.left_out.values()))


@app.command()
@handle_errors
def show(
    ident: str = typer.Argument(..., metavar="ID", help="Instrument or arrangement id."),
    format: OutputFormat = FORMAT_OPTION,
    treaties: Path | None = TREATIES,
    replace: bool = REPLACE,
) -> None:
    """Show one instrument (obligations, conditions, sources) or one arrangement."""
    cat = _catalogue(treaties, replace=replace)
    key = ident.lower().replace("_", "-")
    if key in cat.arrangements and key not in cat.instruments:
        arr, insts = resolve_arrangement(key, cat)
        if format is OutputFormat.json:
            print_json({"arrangement": arr.model_dump(mode="json"), "instruments": [i.id for i in insts]})
            return
        console.print(f"[bold]{arr.name}[/bold] ({arr.id})\n{arr.description or ''}")
        for i in insts:
            console.print(f"  - {i.id}: {i.name}")
        return
    inst = cat.instrument(ident)
    if format is OutputFormat.json:
        print_json(inst.model_dump(mode="json", exclude_defaults=True))
        return
    if format is OutputFormat.csv:
        _write_csv(
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
        )
        return
    _show_instrument(inst)


def _show_instrument(inst: Instrument) -> None:
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


# -- check ------------------------------------------------------------------------------


@app.command()
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


# -- assess -----------------------------------------------------------------------------


@app.command()
@handle_errors
def assess(
    arrangement: str = typer.Argument(
        "nato-membership", help="Arrangement id or instrument ids joined by '+' (see `guarantees list`)."
    ),
    event_file: Path | None = EVENT_FILE,
    attacker: str | None = ATTACKER,
    target: str | None = TARGET,
    kind: str | None = KIND,
    date: str | None = DATE,
    scale: str | None = SCALE,
    ceasefire_side: str | None = SIDE,
    ceasefire_in_force: bool | None = CEASEFIRE,
    era: str | None = ERA,
    salience: list[str] | None = SALIENCE,
    troops: list[str] | None = TROOPS,
    capability_change: list[str] | None = CAPCH,
    institution_change: list[str] | None = INSTCH,
    bindingness: list[str] | None = BINDING,
    logit_terms: str | None = TERMS,
    no_logit: bool = NOLOGIT,
    measure: str | None = MEASURE,
    weight: list[str] | None = WEIGHT,
    original_target: bool | None = ORIGTAR,
    draws: int = DRAWS,
    seed: int = SEED,
    rho: float = RHO,
    model: bool = typer.Option(
        False, "--model", help="Also print the fitted Leeds & Anac logit and its LOO Brier."
    ),
    treaties: Path | None = TREATIES,
    replace: bool = REPLACE,
    scenario: str | None = SCENARIO,
    value: float | None = typer.Option(
        None, "--value", help="With --scenario: a point on the guarantee issue; assess its nearest anchor."
    ),
    format: OutputFormat = FORMAT_OPTION,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Credibility of each triggered obligation (factor by factor) and the simulated response.

    The default event is a renewed Russian attack on Ukraine across a ceasefire line.
    """
    anchor = None
    sc = _scenario(scenario, as_of, known_by)
    if value is not None:
        if sc is None:
            raise InputError(
                "--value", Problem("", "--value needs --scenario (whose guarantee issue it lies on)")
            )
        anchor = arrangement_for_value(sc, value)
        if anchor.arrangement is None:
            raise InputError(
                scenario, Problem(f"anchor {anchor.value:g}", f"no arrangement for {anchor.label!r}")
            )
        arrangement = anchor.arrangement
    ev = _event_data(
        event_file,
        guarantee_case().attack().model_dump(mode="json"),
        attacker=attacker,
        target=target,
        kind=kind,
        date=date,
        scale=scale,
        area=None,
        inside_area=None,
        ceasefire_side=ceasefire_side,
        ceasefire_in_force=ceasefire_in_force,
    )
    s = _settings(
        era,
        salience,
        troops,
        capability_change,
        institution_change,
        bindingness,
        logit_terms,
        no_logit,
        measure,
        weight,
        scenario_saliences(sc) if sc is not None else None,
        original_target,
    )
    cat = _catalogue(treaties, _day(sc, as_of), replace=replace)
    a = assess_guarantees(arrangement, ev, settings=s, n_draws=draws, seed=seed, rho=rho, cat=cat)
    report = model_report() if model else None
    if format is OutputFormat.json:
        out = a.to_dict()
        if report:
            out["model"] = {"fit": report.fit, "loo_brier": report.brier}
        if anchor is not None:
            out["anchor"] = {"value": anchor.value, "label": anchor.label, "arrangement": anchor.arrangement}
        print_json(out)
        return
    if format is OutputFormat.csv:
        _write_csv(
            [
                {
                    "instrument": c.instrument,
                    "obligation": c.obligation,
                    "guarantor": c.guarantor,
                    "base_rate": c.base.rate,
                    **{f.name: f.log_odds if f.applied else "" for f in c.factors},
                    "probability": c.probability,
                }
                for c in a.credibility
            ]
        )
        return
    if anchor is not None:
        console.print(
            f"{value:g} on the guarantee issue is nearest the anchor {anchor.value:g} "
            f"({anchor.label!r}) -> arrangement {anchor.arrangement}",
            highlight=False,
        )
    _print_assessment(a)
    _print_left_out(a.as_of, a.left_out, f" of {a.arrangement.id}")
    if report:
        _print_model(report)


MAX_COLUMNS = 6


def _print_assessment(a: Assessment) -> None:
    ev, d = a.event, a.deterrence
    console.print(
        f"[bold]{a.arrangement.name}[/bold] - {ev.attacker} attacks {ev.target} ({ev.kind.value}, {ev.date})",
        highlight=False,
    )
    if not a.credibility:
        console.print("No obligation triggers for this event; run `negotia guarantees check` to see why.")
    # Factors as rows, the weightiest guarantors as columns (each with its strongest obligation).
    creds_by = {(c.guarantor, c.instrument, c.obligation): c for c in a.credibility}
    creds = [creds_by[(g.guarantor, g.instrument, g.obligation)] for g in d.guarantors]
    if creds:
        cols = creds[:MAX_COLUMNS]
        t = Table(
            title="Credibility: contributions to the log-odds of honouring "
            "(Δp = change in p if the factor alone were removed)"
        )
        t.add_column("factor")
        for c in cols:
            t.add_column(f"{c.guarantor}\n{c.instrument}:{c.obligation}", justify="right", overflow="fold")
        t.add_row("base rate (p)", *(f"{c.base.rate:.3f}" for c in cols))
        for k, f0 in enumerate(cols[0].factors):
            cells = []
            for c in cols:
                f = c.factors[k]
                if f.applied:
                    cells.append(f"{f.log_odds:+.2f} (Δp {f.delta_p:+.3f})")
                else:
                    cells.append(f"{f.log_odds:+.2f} off")
            t.add_row(f0.name.replace("logit:", "Leeds & Anac "), *cells)
        t.add_row("[bold]p(honour)[/bold]", *(f"[bold]{c.probability:.3f}[/bold]" for c in cols))
        console.print(t)
        if len(creds) > MAX_COLUMNS:
            console.print(f"... and {len(creds) - MAX_COLUMNS} more guarantors (use --format json for all).")
        bases = sorted({f"{c.base.label} ({c.base.source})" for c in creds})
        console.print("Base rate: " + "; ".join(bases) + ".", highlight=False)
        console.print(
            "'off': shown, not applied (Leeds & Anac's institutionalisation and formality terms most likely "
            "reflect selection; --logit-terms turns them on). Scenario-factor sizes are assumptions; "
            "see docs/guarantees.md.",
            highlight=False,
        )
    t = Table(
        title=f"Response if honoured ({d.measure}; attacker {d.attacker}: "
        f"{fmt_num(d.attacker_capability, 1)})"
    )
    for col in ("guarantor", "strength", "p(honour)", "brings", "basis"):
        t.add_column(col, overflow="fold")
    for g in d.guarantors[:15]:
        t.add_row(
            g.guarantor, str(g.response_strength), f"{g.probability:.3f}", fmt_num(g.contribution, 1), g.basis
        )
    console.print(t)
    if len(d.guarantors) > 15:
        console.print(f"... and {len(d.guarantors) - 15} more guarantors.")
    console.print(
        f"Monte Carlo ({d.n_draws} draws, seed {d.seed}, rho {d.rho:g}): "
        f"expected response {fmt_num(d.expected_response, 1)} "
        f"(5-50-95%: {fmt_num(d.quantiles['p05'], 1)} / {fmt_num(d.quantiles['p50'], 1)} / "
        f"{fmt_num(d.quantiles['p95'], 1)}), "
        f"max {fmt_num(d.max_response, 1)}; P(response > attacker) = {_pct(d.p_outweighs)}; "
        f"with the target's own forces {_pct(d.p_outweighs_with_target)}; "
        f"P(any guarantor honours) = {_pct(d.p_any_honours)}; "
        f"expected response strength {d.expected_strength:.2f} (0-5).",
        highlight=False,
    )
    if d.histogram and d.max_response > 0:
        bars = " ▁▂▃▄▅▆▇█"
        share = d.histogram["share"]
        peak = max(share) or 1.0
        spark = "".join(bars[max(1, min(8, round(8 * x / peak)))] if x > 0 else "·" for x in share)
        console.print(
            f"Distribution of the response, 0 to {fmt_num(d.max_response, 0)} in 20 bins: |{spark}|",
            highlight=False,
        )
    for n in d.notes:
        console.print(f"note: {n}", highlight=False)


def _print_model(report: Any) -> None:
    t = Table(title="Leeds & Anac (2005) Table 4 logit, fitted on the 137 cases (honor3)")
    t.add_column("term")
    t.add_column("coef", justify="right")
    t.add_column("se", justify="right")
    for name in report.fit["terms"]:
        t.add_row(name, f"{report.fit['coef'][name]:.4f}", f"{report.fit['se'][name]:.4f}")
    console.print(t)
    b = report.brier
    console.print(
        f"Leave-one-out Brier score on the {int(b['n'])} cases: logit {b['brier_logit']:.4f}, "
        f"base rate {b['brier_base_rate']:.4f}. This is fit within 1816-1944 only, not calibration "
        "for a guarantee given today.",
        highlight=False,
    )


# -- compare ----------------------------------------------------------------------------


@app.command()
@handle_errors
def compare(
    arrangements: list[str] | None = typer.Argument(
        None, help=f"Arrangements to compare (default: {' '.join(guarantee_case().arrangements)})."
    ),
    event_file: Path | None = EVENT_FILE,
    attacker: str | None = ATTACKER,
    target: str | None = TARGET,
    date: str | None = DATE,
    ceasefire_side: str | None = SIDE,
    ceasefire_in_force: bool | None = CEASEFIRE,
    era: str | None = ERA,
    salience: list[str] | None = SALIENCE,
    troops: list[str] | None = TROOPS,
    capability_change: list[str] | None = CAPCH,
    institution_change: list[str] | None = INSTCH,
    bindingness: list[str] | None = BINDING,
    logit_terms: str | None = TERMS,
    no_logit: bool = NOLOGIT,
    measure: str | None = MEASURE,
    weight: list[str] | None = WEIGHT,
    original_target: bool | None = ORIGTAR,
    draws: int = DRAWS,
    seed: int = SEED,
    rho: float = RHO,
    treaties: Path | None = TREATIES,
    replace: bool = REPLACE,
    scenario: str | None = SCENARIO,
    format: OutputFormat = FORMAT_OPTION,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Put arrangements side by side against one attack (default: a renewed Russian attack on Ukraine).

    With --scenario and no ARRANGEMENTS, compare the arrangements the scenario's guarantee-issue
    anchors stand for, with each guarantor's salience on that issue as its salience for the
    beneficiary (unless --salience sets it).
    """
    sc = _scenario(scenario, as_of, known_by)
    ev = _event_data(
        event_file,
        guarantee_case().attack().model_dump(mode="json"),
        attacker=attacker,
        target=target,
        date=date,
        area=None,
        inside_area=None,
        ceasefire_side=ceasefire_side,
        ceasefire_in_force=ceasefire_in_force,
    )
    s = _settings(
        era,
        salience,
        troops,
        capability_change,
        institution_change,
        bindingness,
        logit_terms,
        no_logit,
        measure,
        weight,
        scenario_saliences(sc) if sc is not None else None,
        original_target,
    )
    cat = _catalogue(treaties, _day(sc, as_of), replace=replace)
    chosen = list(arrangements or [])
    if not chosen and sc is not None:
        anchors = anchor_arrangements(sc)
        chosen = list(dict.fromkeys(a.arrangement for a in anchors if a.arrangement))
    comp = compare_arrangements(
        chosen or list(guarantee_case().arrangements),
        ev,
        settings=s,
        n_draws=draws,
        seed=seed,
        rho=rho,
        cat=cat,
    )
    rows = [summary(a) for a in comp.assessments]
    if format is OutputFormat.json:
        print_json(comp.to_dict())
        return
    if format is OutputFormat.csv:
        _write_csv(rows)
        return
    d0 = comp.assessments[0].deterrence
    console.print(
        f"[bold]{ev.description or 'Event'}[/bold]: {ev.attacker} -> {ev.target}, {ev.date}; "
        f"capability = {d0.measure}; {d0.n_draws} draws, seed {d0.seed}, rho {d0.rho:g}",
        highlight=False,
    )
    t = Table()
    for col, just in (
        ("rank", "right"),
        ("arrangement", "left"),
        ("triggered", "right"),
        ("guarantors (defence)", "right"),
        ("max response", "right"),
        ("expected", "right"),
        ("5-50-95%", "right"),
        ("P(> attacker)", "right"),
        ("+ own forces", "right"),
        ("P(any honours)", "right"),
        # Escaped: rich would read "[strength]" as a style tag and print "E".
        (r"E\[strength]", "right"),
    ):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for r in rows:
        t.add_row(
            str(comp.ranking.index(r["id"]) + 1),
            r["id"],
            str(r["triggered"]),
            f"{r['guarantors']} ({r['defence_guarantors']})",
            fmt_num(r["max_response"], 1),
            fmt_num(r["expected_response"], 1),
            f"{fmt_num(r['p05'], 0)} / {fmt_num(r['p50'], 0)} / {fmt_num(r['p95'], 0)}",
            _pct(r["p_outweighs"]),
            _pct(r["p_outweighs_with_target"]),
            _pct(r["p_any_honours"]),
            f"{r['expected_strength']:.2f}",
        )
    console.print(t)
    console.print(
        f"Attacker capability: {fmt_num(d0.attacker_capability, 1)}; "
        f"target's own: {fmt_num(d0.target_capability, 1)}."
    )
    for line in comp.explanations:
        console.print(f"- {line}", highlight=False)
    for ident, left in comp.left_out.items():
        _print_left_out(comp.as_of, left, f" of {ident}")


def register(root: typer.Typer) -> None:
    """Add the ``guarantees`` command group to the root app."""
    root.add_typer(app, name="guarantees")
