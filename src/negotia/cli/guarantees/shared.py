"""What the ``negotia guarantees`` commands share: the group, its options, helpers."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from negotia.cli.common import (
    console,
    err_console,
)
from negotia.cli.options import ScenarioTime
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

# -- shared option groups ---------------------------------------------------------------
# Typed groups (negotia.cli.options): each command takes the fields it offers, in this order.


@dataclass(frozen=True)
class EventOptions:
    """The attack to check or assess: an event file, and options that override its fields."""

    file: Annotated[
        Path | None,
        typer.Option("--event", "-e", help="Event file (YAML or JSON); options below override its fields."),
    ] = None
    attacker: Annotated[str | None, typer.Option("--attacker", help="Attacker (actor code, e.g. RUS).")] = (
        None
    )
    target: Annotated[str | None, typer.Option("--target", help="Target (actor code, e.g. UKR).")] = None
    kind: Annotated[
        str | None, typer.Option("--kind", help="armed_attack, threat, hybrid or nuclear_use.")
    ] = None
    date: Annotated[str | None, typer.Option("--date", help="Date of the event (YYYY-MM-DD).")] = None
    scale: Annotated[str | None, typer.Option("--scale", help="incident, limited, significant or major.")] = (
        None
    )
    area: Annotated[
        list[str] | None, typer.Option("--area", help="Location tag (repeatable), e.g. UKR or europe.")
    ] = None
    inside_area: Annotated[
        bool | None,
        typer.Option(
            "--inside-area/--outside-area", help="State that the event is inside/outside treaty areas."
        ),
    ] = None
    ceasefire_side: Annotated[
        str | None,
        typer.Option(
            "--ceasefire-side", help="beneficiary, attacker or none: where a ceasefire line was crossed."
        ),
    ] = None
    provoked: Annotated[
        bool | None, typer.Option("--provoked/--unprovoked", help="Whether the target provoked the attack.")
    ] = None
    ceasefire_in_force: Annotated[
        bool | None, typer.Option("--ceasefire/--no-ceasefire", help="Whether a ceasefire was in force.")
    ] = None
    help_requested: Annotated[
        bool | None, typer.Option("--requested/--not-requested", help="Whether the target asked for help.")
    ] = None
    deliberate: Annotated[
        bool | None, typer.Option("--deliberate/--not-deliberate", help="Whether the attack is deliberate.")
    ] = None
    sustained: Annotated[
        bool | None, typer.Option("--sustained/--not-sustained", help="Whether the attack is sustained.")
    ] = None
    co_attackers: Annotated[
        list[str] | None, typer.Option("--co-attacker", help="Another attacking state (repeatable).")
    ] = None
    conflict: Annotated[
        str | None,
        typer.Option("--conflict", help="Name of the conflict (for specific-conflict conditions)."),
    ] = None

    def event(self, defaults: dict[str, Any] | None = None) -> Event:
        """The event: ``defaults`` (or the file's fields) with the options given on top."""
        from negotia.guarantees.catalogue import load_event_file, validate_model
        from negotia.guarantees.schema import Event

        data: dict[str, Any] = dict(defaults or {})
        source = "<event options>"
        if self.file is not None:
            data = load_event_file(self.file).model_dump(mode="json", exclude_unset=True)
            source = str(self.file)
        loc = dict(data.get("location") or {})
        for key, name in _LOCATION.items():
            if _given(v := getattr(self, name)):
                loc[key] = v
        if loc:
            data["location"] = loc
        for name in _EVENT_FIELDS:
            if _given(v := getattr(self, name)):
                data[name] = v
        return validate_model(Event, data, source)


#: The event's location fields, and the options that set them.
_LOCATION = {"areas": "area", "inside_treaty_area": "inside_area", "ceasefire_side": "ceasefire_side"}
#: The options that set the event's own fields (named as the fields).
_EVENT_FIELDS = tuple(
    f.name for f in fields(EventOptions) if f.name != "file" and f.name not in _LOCATION.values()
)
#: The event options of ``assess`` and ``compare`` (an attack is assumed).
ATTACK_OPTIONS = (
    "file",
    "attacker",
    "target",
    "kind",
    "date",
    "scale",
    "ceasefire_side",
    "ceasefire_in_force",
)


def _given(value: Any) -> bool:
    return value is not None and value != []


@dataclass(frozen=True)
class CatalogueOptions:
    """The treaty catalogue: the bundled one, with a user's file added."""

    treaties: Annotated[
        Path | None,
        typer.Option("--treaties", "-t", help="A guarantees file whose instruments/arrangements are added."),
    ] = None
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Let the --treaties file redefine catalogue entries with the same id."
        ),
    ] = False

    def catalogue(self, day: Date | None = None) -> Catalogue:
        """The bundled catalogue as of ``day``, with the --treaties file added; a file that
        redefines an entry of the catalogue is refused unless --replace (then said on stderr)."""
        from negotia.guarantees.catalogue import catalogue, load_guarantees_file

        cat = catalogue()
        if not self.treaties:
            return cat.as_of(day)
        own = load_guarantees_file(self.treaties)
        clash = [
            f"{what} {ident!r}"
            for what, mine, theirs in (
                ("instrument", own.instruments, cat.instruments),
                ("arrangement", own.arrangements, cat.arrangements),
            )
            for ident in mine
            if ident in theirs
        ]
        if clash and not self.replace:
            raise InputError(
                str(self.treaties),
                Problem(
                    "",
                    f"redefines the catalogue's {', '.join(clash)}; give the entries ids of their own, "
                    "or pass --replace to use this file's definitions instead",
                ),
            )
        if clash:
            err_console.print(
                f"[yellow]note[/yellow]: {self.treaties} replaces the catalogue's {', '.join(clash)}"
            )
        return cat.merged(own).as_of(day)


SCENARIO = typer.Option(None, "--scenario", "-s", help="Scenario file or bundled name (e.g. ukraine-2025).")


def _scenario(name: str | None, time: ScenarioTime) -> Any:
    """The scenario's snapshot on the day asked (None without --scenario)."""
    from negotia.api import scenario_as_of

    if name is None:
        if time.known_by is not None:
            raise InputError(
                "--known-by", Problem("", "--known-by needs --scenario (whose revisions it filters)")
            )
        return None
    return scenario_as_of(name, time.as_of, known_by=time.known_by)


def _day(sc: Any, as_of: Date | None) -> Date | None:
    """The catalogue's day: --as-of, else the scenario's own date (else every instrument)."""
    return as_of if as_of is not None else getattr(sc, "date", None)


def _print_left_out(day: Date | None, left: list[LeftOut], where: str = "") -> None:
    if left:
        what = "; ".join(f"{x.id} ({x.reason})" for x in left)
        console.print(f"note: as of {day}, left out{where}: {what}.", highlight=False)


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


@dataclass(frozen=True)
class CredibilityOptions:
    """How the credibility of each obligation is judged (negotia.guarantees.credibility)."""

    era: Annotated[
        str | None, typer.Option("--era", help="Base-rate era: all (default), post1945, pre1945 or llm.")
    ] = None
    salience: Annotated[
        list[str] | None,
        typer.Option(
            "--salience", help="Guarantor's salience for the beneficiary, 0-1: USA=0.8 (repeatable)."
        ),
    ] = None
    troops: Annotated[
        list[str] | None,
        typer.Option("--troops", help="Guarantor troops on the beneficiary's soil: GBR=10000 (repeatable)."),
    ] = None
    capability_change: Annotated[
        list[str] | None,
        typer.Option("--capability-change", help="Guarantor's capability changed since signing: USA=yes."),
    ] = None
    institution_change: Annotated[
        list[str] | None,
        typer.Option("--institution-change", help="Guarantor's domestic institutions changed: USA=yes."),
    ] = None
    bindingness: Annotated[
        list[str] | None,
        typer.Option("--bindingness", help="Assume a legal form: us-ukr-draft-2025=ratified_treaty."),
    ] = None
    logit_terms: Annotated[
        str | None,
        typer.Option("--logit-terms", help="Leeds & Anac terms applied (default chcap2d,dinstch2,origtar1)."),
    ] = None
    no_logit: Annotated[
        bool, typer.Option("--no-logit", help="Do not apply the Leeds & Anac logit shifts.")
    ] = False
    measure: Annotated[
        str | None, typer.Option("--measure", help="Capability measure: milex (SIPRI 2024, default) or cinc.")
    ] = None
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight",
            help="Change a scenario-factor weight (log-odds): "
            "not_ratified=-0.5, legal_form.draft=-2, salience=1 ...",
        ),
    ] = None
    original_target: Annotated[
        bool | None,
        typer.Option(
            "--original-target/--not-original-target",
            help="Override Leeds & Anac's origtar1 "
            "(default: 1 if the attacker is an instrument's original target).",
        ),
    ] = None

    def settings(self, scenario_salience: dict[str, float] | None = None) -> CredibilitySettings:
        """The library's settings; a scenario's saliences unless --salience sets them."""
        from negotia.guarantees.catalogue import validate_model
        from negotia.guarantees.credibility import CredibilitySettings

        data: dict[str, Any] = {}
        if self.original_target is not None:
            data["original_target"] = self.original_target
        if self.era:
            data["era"] = self.era
        sal: dict[str, Any] = dict(scenario_salience or {})
        sal.update(_kv(self.salience, "salience"))
        if sal:
            data["salience"] = sal
        if self.weight:
            data["weights"] = _weights(self.weight)
        for name in ("troops", "capability_change", "institution_change", "bindingness"):
            if items := getattr(self, name):
                data[name] = _kv(items, name.replace("_", "-"))
        if self.logit_terms is not None:
            data["logit_terms"] = [t for t in self.logit_terms.replace(" ", "").split(",") if t]
        if self.no_logit:
            data["use_logit"] = False
        if self.measure:
            data["measure"] = self.measure
        return validate_model(CredibilitySettings, data, "<credibility options>")


def _weights(items: list[str]) -> dict[str, Any]:
    """--weight KEY=VALUE; ``legal_form.FORM`` changes one form's weight, keeping the others."""
    from negotia.guarantees.credibility import FactorWeights

    w: dict[str, Any] = {}
    for key, value in _kv(items, "weight").items():
        head, dot, form = key.partition(".")
        if dot:
            w.setdefault(head, dict(FactorWeights().legal_form))[form] = value
        else:
            w[key] = value
    return w


@dataclass(frozen=True)
class DrawOptions:
    """The Monte Carlo simulation of the guarantors' response."""

    draws: Annotated[int, typer.Option("--draws", "-n", help="Monte Carlo draws.")] = 20_000
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws.")] = 0
    rho: Annotated[
        float,
        typer.Option("--rho", help="Correlation of honouring decisions (0 independent, 1 all-or-nothing)."),
    ] = 0.5


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"
