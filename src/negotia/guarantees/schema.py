"""Security guarantees as data: instruments, directed obligations and their conditions.

An :class:`Instrument` (a treaty, memorandum, executive agreement, declaration or draft)
carries its parties, dates, legal form, duration and exit clause, provenance (sources and
verification level) and a list of :class:`Obligation`.  An obligation is *directed*: the
``guarantors`` owe it to the ``beneficiaries``; a list on either side is shorthand for
every directed pair ``guarantor -> beneficiary`` with the two different (so a mutual
treaty is written once).  The token ``"all"`` stands for all parties of the instrument.

The vocabulary follows the ATOP project (Leeds, Ritter, Mitchell & Long 2002,
*International Interactions* 28:237-60): obligation types defense, offense, neutrality,
non-aggression and consultation, and conditions on location, a named adversary, a
specific conflict, the number of adversaries, non-provocation and a partner's request.
negotia adds conditions the Ukraine drafts need: a ceasefire in force, an attack on the
beneficiary's side of a ceasefire line, and an intensity threshold ("significant,
deliberate and sustained").  Response strength is the 0-5 ordinal of the reference data
sheet: 0 assurance, 1 consultation, 2 assistance, 3 "common danger" defence, 4 defence
"as it deems necessary" (NATO Art. 5), 5 automatic defence.
"""

from __future__ import annotations

import calendar
from datetime import date as Date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AtopType(StrEnum):
    """ATOP obligation types (Leeds et al. 2002)."""

    defense = "defense"
    offense = "offense"
    neutrality = "neutrality"
    nonaggression = "nonaggression"
    consultation = "consultation"


class Bindingness(StrEnum):
    """Legal form of an instrument, strongest first."""

    ratified_treaty = "ratified_treaty"
    unratified_treaty = "unratified_treaty"
    executive_agreement = "executive_agreement"
    political_declaration = "political_declaration"
    draft = "draft"


class EventKind(StrEnum):
    """What happened to the beneficiary."""

    armed_attack = "armed_attack"
    threat = "threat"
    hybrid = "hybrid"
    nuclear_use = "nuclear_use"


class Verification(StrEnum):
    """How well a catalogue entry was checked (carried over from the reference data sheet)."""

    verified = "verified"
    partial = "partial"
    reported = "reported"
    unverified = "unverified"


#: Names of the 0-5 response-strength ordinal.
RESPONSE_STRENGTH: dict[int, str] = {
    0: "assurance",
    1: "consultation",
    2: "assistance",
    3: "defence (common danger, constitutional processes)",
    4: "defence as deemed necessary (Art. 5 type)",
    5: "automatic defence",
}

#: Ordered scale of an event's intensity (for intensity thresholds).
SCALES: tuple[str, ...] = ("incident", "limited", "significant", "major")
ScaleName = Literal["incident", "limited", "significant", "major"]


# -- conditions -----------------------------------------------------------------------


class LocationCondition(_Strict):
    """Applies only to an attack in a defined area (ATOP ``..COLOC``).

    ``areas`` are region tags (``"europe"``, ``"north_america"``, ``"UKR"``); the event
    passes if one of its location tags is listed, or if the event says explicitly that
    it happened inside the treaty area.  ``beneficiary_side_of_line`` restricts the
    obligation to an attack that crosses a ceasefire line into territory the
    beneficiary holds (the 2025 US draft).
    """

    type: Literal["location"] = "location"
    areas: list[str] = Field(default_factory=list)
    beneficiary_side_of_line: bool = False
    text: str | None = None

    @model_validator(mode="after")
    def _something(self) -> LocationCondition:
        if not self.areas and not self.beneficiary_side_of_line:
            raise ValueError("a location condition needs areas, beneficiary_side_of_line, or both")
        return self


class AdversaryCondition(_Strict):
    """Applies only against named adversaries (ATOP ``..COADV``)."""

    type: Literal["named_adversary"] = "named_adversary"
    adversaries: list[str] = Field(min_length=1)
    text: str | None = None


class ConflictCondition(_Strict):
    """Applies only in a specified conflict (ATOP ``..COCON``)."""

    type: Literal["specific_conflict"] = "specific_conflict"
    conflict: str = Field(min_length=1)
    text: str | None = None


class NumberOfAdversariesCondition(_Strict):
    """Applies only if at least ``min_adversaries`` states attack (ATOP ``..CONUM``)."""

    type: Literal["number_of_adversaries"] = "number_of_adversaries"
    min_adversaries: int = Field(ge=2)
    text: str | None = None


class NonProvocationCondition(_Strict):
    """Applies only if the beneficiary did not provoke the attack (ATOP ``DEFCONPR``)."""

    type: Literal["non_provocation"] = "non_provocation"
    text: str | None = None


class OnRequestCondition(_Strict):
    """Applies only at the beneficiary's request (ATOP ``CONCOREQ``)."""

    type: Literal["on_request"] = "on_request"
    text: str | None = None


class CeasefireCondition(_Strict):
    """Applies only while a ceasefire is in force (guarantees that activate after a ceasefire)."""

    type: Literal["ceasefire_in_force"] = "ceasefire_in_force"
    text: str | None = None


class IntensityCondition(_Strict):
    """Applies only to attacks at or above an intensity threshold.

    ``min_scale`` is a point of :data:`SCALES`; ``deliberate`` and ``sustained`` require
    the event to be so (the 2025 US draft: "significant, deliberate, and sustained").
    """

    type: Literal["intensity"] = "intensity"
    min_scale: ScaleName = "significant"
    deliberate: bool = False
    sustained: bool = False
    text: str | None = None


Condition = Annotated[
    LocationCondition
    | AdversaryCondition
    | ConflictCondition
    | NumberOfAdversariesCondition
    | NonProvocationCondition
    | OnRequestCondition
    | CeasefireCondition
    | IntensityCondition,
    Field(discriminator="type"),
]

CONDITION_TYPES: tuple[str, ...] = (
    "location",
    "named_adversary",
    "specific_conflict",
    "number_of_adversaries",
    "non_provocation",
    "on_request",
    "ceasefire_in_force",
    "intensity",
)


# -- what an obligation carries ---------------------------------------------------------


class AidCommitment(_Strict):
    """Aid promised with an obligation (money or equipment over a period)."""

    description: str | None = None
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = None
    year: int | None = None
    usd_bn: float | None = Field(default=None, ge=0, description="the commitment in US$ bn a year")
    usd_note: str | None = None
    lethal: bool = True


class Integration(_Strict):
    """Military integration between guarantor and beneficiary."""

    troops: int = Field(default=0, ge=0, description="guarantor troops on the beneficiary's soil")
    bases: bool = False
    integrated_command: bool = False
    common_defence_policy: bool = False
    nuclear: bool = Field(
        default=False, description="nuclear weapons or umbrella extended to the beneficiary"
    )
    note: str | None = None


class Obligation(_Strict):
    """A directed obligation: every guarantor owes it to every (other) beneficiary."""

    id: str | None = None
    guarantors: list[str] = Field(min_length=1)
    beneficiaries: list[str] = Field(min_length=1)
    atop_type: AtopType
    response_strength: int = Field(ge=0, le=5)
    response_strength_confidence: Literal["high", "medium", "low"] = "high"
    kinds: list[EventKind] = Field(default_factory=lambda: [EventKind.armed_attack])
    conditions: list[Condition] = Field(default_factory=list)
    deadline_hours: float | None = Field(default=None, gt=0)
    requires: str = Field(min_length=1, description="what the obligation requires, in plain words")
    aid: list[AidCommitment] = Field(default_factory=list)
    integration: Integration = Field(default_factory=Integration)
    key_phrase: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _singular(cls, data: Any) -> Any:
        # ``guarantor: USA`` / ``beneficiary: UKR`` are accepted for one-party sides.
        if isinstance(data, dict):
            data = dict(data)
            for one, many in (("guarantor", "guarantors"), ("beneficiary", "beneficiaries")):
                if one in data:
                    if many in data:
                        raise ValueError(f"give {one!r} or {many!r}, not both")
                    data[many] = [data.pop(one)]
        return data

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: list[EventKind]) -> list[EventKind]:
        if not v:
            raise ValueError("an obligation must cover at least one event kind")
        return v

    def condition(self, type_: str) -> Any:
        """The first condition of a type, or None."""
        return next((c for c in self.conditions if c.type == type_), None)

    @property
    def aid_usd_bn(self) -> float | None:
        """Annual aid committed in US$ bn (None if no amount is known)."""
        known = [a.usd_bn for a in self.aid if a.usd_bn is not None]
        return sum(known) if known else None


def add_months(d: Date, months: int) -> Date:
    """``d`` plus a number of calendar months (the day clipped to the month's end)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return Date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


class Instrument(_Strict):
    """A treaty, memorandum, agreement, declaration or draft and its obligations.

    Dates: ``date_in_force`` (or ``date_signed`` when it entered into force on
    signature) starts it; ``reported`` is the day it became public when that is not the
    day it was signed (a draft; a text published late), which decides whether an
    analysis as of a day may use it (:meth:`negotia.guarantees.catalogue.Catalogue.as_of`);
    ``duration_years`` ends it unless renewed; ``exit_notice_months``
    is the notice a party must give to leave, and ``notices`` records notices given
    (party -> date).  A draft has no date in force.
    """

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    short: str | None = None
    parties: list[str] = Field(min_length=1)
    date_signed: Date | None = None
    date_in_force: Date | None = None
    reported: Date | None = Field(
        default=None,
        description="the day the text (or a draft of it) became public, if not the day it was signed",
    )
    bindingness: Bindingness
    ratified: bool = False
    bindingness_note: str | None = None
    duration_years: float | None = Field(default=None, gt=0)
    renewal: str | None = None
    exit_notice_months: int | None = Field(default=None, ge=0)
    exit_after_years: float | None = Field(default=None, ge=0)
    notices: dict[str, Date] = Field(default_factory=dict)
    formal_organization: bool = False
    original_targets: list[str] = Field(
        default_factory=list, description="states the instrument was formed against (Leeds & Anac origtar)"
    )
    obligations: list[Obligation] = Field(min_length=1)
    atop_id: int | None = None
    coded_by: str | None = None
    status: str | None = None
    verification: Verification
    verification_note: str | None = None
    sources: list[str] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        problems = []
        if self.ratified and self.bindingness is not Bindingness.ratified_treaty:
            problems.append("ratified is true but bindingness is not ratified_treaty")
        if self.bindingness is Bindingness.ratified_treaty and not self.ratified:
            problems.append("bindingness ratified_treaty needs ratified: true")
        if self.date_in_force and self.date_signed and self.date_in_force < self.date_signed:
            problems.append(f"date_in_force {self.date_in_force} is before date_signed {self.date_signed}")
        parties = set(self.parties)
        for k, ob in enumerate(self.obligations):
            for side in ("guarantors", "beneficiaries"):
                for x in getattr(ob, side):
                    if x != "all" and x not in parties:
                        problems.append(f"obligations[{k}].{side}: {x!r} is not one of the parties")
        for party in self.notices:
            if party not in parties:
                problems.append(f"notices: {party!r} is not one of the parties")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def label(self) -> str:
        return self.short or self.name

    @property
    def known_from(self) -> Date | None:
        """The first day an analyst could know of it: ``reported``, else the day signed
        (or in force).  None for an undated instrument."""
        return self.reported or self.date_signed or self.date_in_force

    @property
    def starts(self) -> Date | None:
        """When the obligations begin to apply (None for a draft)."""
        if self.bindingness is Bindingness.draft:
            return None
        return self.date_in_force or self.date_signed

    @property
    def expires(self) -> Date | None:
        """End of the fixed term (None if indefinite or not stated)."""
        start = self.starts
        if start is None or self.duration_years is None:
            return None
        return add_months(start, round(self.duration_years * 12))

    def exit_date(self, party: str) -> Date | None:
        """When ``party``'s withdrawal takes effect, if it has given notice.

        The notice period runs from the notice, or from the end of the minimum term
        (``exit_after_years`` after entry into force) if the notice came earlier.
        """
        given = self.notices.get(party)
        if given is None:
            return None
        start = self.starts
        if start is not None and self.exit_after_years is not None:
            given = max(given, add_months(start, round(self.exit_after_years * 12)))
        return add_months(given, self.exit_notice_months or 0)

    def expand(self, party: str) -> list[str]:
        return list(self.parties) if party == "all" else [party]

    def directed(self) -> list[tuple[int, str, str]]:
        """Every directed pair ``(obligation index, guarantor, beneficiary)``."""
        out = []
        for k, ob in enumerate(self.obligations):
            gs = [g for x in ob.guarantors for g in self.expand(x)]
            bs = [b for x in ob.beneficiaries for b in self.expand(x)]
            out.extend((k, g, b) for g in dict.fromkeys(gs) for b in dict.fromkeys(bs) if g != b)
        return out

    def with_parties(self, extra: list[str]) -> Instrument:
        """A copy with more parties (e.g. a new member joining NATO)."""
        parties = list(dict.fromkeys([*self.parties, *extra]))
        return self.model_copy(update={"parties": parties})


class Location(_Strict):
    """Where an event happened."""

    areas: list[str] = Field(default_factory=list, description="region tags, e.g. UKR, europe")
    inside_treaty_area: bool | None = Field(
        default=None, description="override: the event is (not) inside every treaty's area"
    )
    ceasefire_side: Literal["beneficiary", "attacker", "none"] | None = Field(
        default=None,
        description="which side of a ceasefire line the attack hits: territory the target holds "
        "('beneficiary'), territory the attacker holds ('attacker'), or no line ('none')",
    )


class Event(_Strict):
    """Something that may trigger obligations: an attack, a threat, hybrid action or nuclear use.

    Unknown facts are left ``None``; a condition that depends on one is reported as
    *undetermined* rather than guessed.
    """

    attacker: str = Field(min_length=1)
    co_attackers: list[str] = Field(default_factory=list)
    target: str = Field(min_length=1)
    kind: EventKind = EventKind.armed_attack
    location: Location = Field(default_factory=Location)
    scale: ScaleName = "major"
    deliberate: bool | None = True
    sustained: bool | None = True
    date: Date
    conflict: str | None = None
    provoked: bool | None = False
    ceasefire_in_force: bool | None = False
    help_requested: bool | None = True
    description: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> Event:
        if self.attacker == self.target:
            raise ValueError("attacker and target are the same")
        return self

    @property
    def location_tags(self) -> list[str]:
        """The location's tags; the target itself when none are given."""
        return self.location.areas or [self.target]


class Arrangement(_Strict):
    """A named set of instruments (with optional new parties) to compare with others.

    ``members`` lists catalogue ids or inline instruments; ``join`` adds parties to a
    referenced instrument (``{nato-art5: [UKR]}`` makes Ukraine a NATO member);
    ``bindingness`` assumes another legal form for an instrument (a draft, ratified);
    ``assume_in_force`` treats drafts and signed-but-not-in-force texts as in force.
    """

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str | None = None
    instruments: list[str] = Field(default_factory=list)
    join: dict[str, list[str]] = Field(default_factory=dict)
    bindingness: dict[str, Bindingness] = Field(
        default_factory=dict, description="instrument id -> legal form assumed (e.g. a draft once ratified)"
    )
    assume_in_force: bool = True

    @model_validator(mode="after")
    def _join_refs(self) -> Arrangement:
        bad = [k for k in [*self.join, *self.bindingness] if k not in self.instruments]
        if bad:
            raise ValueError(f"join names instruments not in the arrangement: {', '.join(bad)}")
        return self
