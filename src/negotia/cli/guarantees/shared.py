"""What the ``negotia guarantees`` commands share: the group, its options, helpers."""

from __future__ import annotations

import csv
import sys
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from negotia.cli.common import (
    console,
    err_console,
)
from negotia.errors import InputError, Problem

# negotia.guarantees is imported inside the commands: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from negotia.guarantees.catalogue import (
        Catalogue,
        LeftOut,
    )
    from negotia.guarantees.credibility import CredibilitySettings
    from negotia.guarantees.schema import Event


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
    from negotia.guarantees.catalogue import load_event_file, validate_model
    from negotia.guarantees.schema import Event

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
    from negotia.guarantees.catalogue import catalogue, load_guarantees_file

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
    from negotia.guarantees.catalogue import validate_model
    from negotia.guarantees.credibility import CredibilitySettings, FactorWeights

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
