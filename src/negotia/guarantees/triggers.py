"""Which obligations an event triggers, why, and what they then require.

For every directed obligation owed to the event's target the engine checks, in order:
who attacks (a guarantor cannot be called to defend against itself; a non-aggression
promise is *breached*, not triggered, when its guarantor attacks), whether the
instrument is in force on the event's date (not yet in force, expired, or the guarantor
withdrew after notice; an exit notice still running is flagged), whether the obligation
covers this kind of event, and then each condition.  A condition whose fact the event
leaves open (``None``) makes the result *undetermined* instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from typing import Any, Literal

from negotia.guarantees.catalogue import tags_of
from negotia.guarantees.schema import (
    RESPONSE_STRENGTH,
    SCALES,
    AtopType,
    Event,
    Instrument,
    Obligation,
)

Status = Literal["triggered", "not_triggered", "undetermined", "breached"]


@dataclass
class Check:
    """One test of an obligation against the event: passed (True/False) or open (None)."""

    test: str
    passed: bool | None
    reason: str


@dataclass
class TriggerResult:
    """The verdict on one directed obligation."""

    instrument: str
    instrument_label: str
    obligation: str
    guarantor: str
    beneficiary: str
    atop_type: str
    response_strength: int
    status: Status
    checks: list[Check] = field(default_factory=list)
    requires: str = ""
    deadline_hours: float | None = None
    exit_pending: Date | None = None

    @property
    def reason(self) -> str:
        """The decisive reason: the first failing (or open) test, else every passed condition."""
        if self.status == "breached":
            return next(c.reason for c in self.checks if c.test == "attacker")
        for want in (False, None):
            for c in self.checks:
                if c.passed is want:
                    return c.reason
        return "; ".join(c.reason for c in self.checks if c.test not in ("attacker", "in force", "kind")) or (
            "no conditions: " + next(c.reason for c in self.checks if c.test == "kind")
        )

    @property
    def response(self) -> str:
        return RESPONSE_STRENGTH[self.response_strength]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reason"] = self.reason
        d["response"] = self.response
        d["exit_pending"] = self.exit_pending.isoformat() if self.exit_pending else None
        return d


def _check_condition(cond: Any, ev: Event) -> Check:
    check = _CONDITIONS.get(cond.type)
    if check is None:  # pragma: no cover - the schema's condition types are closed
        raise AssertionError(f"unhandled condition type {cond.type}")
    return check(cond, ev)


def _location(cond: Any, ev: Event) -> Check:
    t = cond.type
    parts: list[Check] = []
    if cond.areas:
        parts.append(_treaty_area(t, cond, ev))
    if cond.beneficiary_side_of_line:
        parts.append(_ceasefire_side(t, ev))
    return _combine(t, parts)


def _treaty_area(t: str, cond: Any, ev: Event) -> Check:
    if ev.location.inside_treaty_area is not None:
        ok = ev.location.inside_treaty_area
        return Check(t, ok, f"the event is stated to be {'inside' if ok else 'outside'} the treaty area")
    tags = tags_of(ev.location_tags)
    hit = sorted(tags & set(cond.areas))
    where = ", ".join(ev.location_tags)
    if hit:
        return Check(t, True, f"{where} lies in the treaty area ({', '.join(hit)})")
    return Check(t, False, f"{where} is outside the treaty area ({', '.join(cond.areas)})")


def _ceasefire_side(t: str, ev: Event) -> Check:
    side = ev.location.ceasefire_side
    if side is None:
        return Check(t, None, "unknown which side of the ceasefire line the attack hit")
    if side == "beneficiary":
        return Check(t, True, "the attack crossed the ceasefire line into territory the target holds")
    if side == "attacker":
        return Check(
            t,
            False,
            "the fighting is on the attacker's side of the ceasefire line, not across it",
        )
    return Check(t, False, "there is no ceasefire line for the attack to cross")


def _named_adversary(cond: Any, ev: Event) -> Check:
    t = cond.type
    attackers = [ev.attacker, *ev.co_attackers]
    hit = [a for a in attackers if a in cond.adversaries]
    if hit:
        return Check(t, True, f"the attacker {', '.join(hit)} is a named adversary")
    return Check(
        t, False, f"applies only against {', '.join(cond.adversaries)}; the attacker is {ev.attacker}"
    )


def _specific_conflict(cond: Any, ev: Event) -> Check:
    t = cond.type
    if ev.conflict is None:
        return Check(t, None, f"applies only in the conflict {cond.conflict!r}; the event names none")
    ok = ev.conflict == cond.conflict
    return Check(t, ok, f"conflict {ev.conflict!r} {'is' if ok else 'is not'} {cond.conflict!r}")


def _number_of_adversaries(cond: Any, ev: Event) -> Check:
    n = 1 + len(ev.co_attackers)
    ok = n >= cond.min_adversaries
    return Check(cond.type, ok, f"{n} attacker(s); needs at least {cond.min_adversaries}")


def _non_provocation(cond: Any, ev: Event) -> Check:
    t = cond.type
    if ev.provoked is None:
        return Check(t, None, "applies only to an unprovoked attack; unknown whether it was provoked")
    return Check(
        t,
        not ev.provoked,
        "the attack was provoked by the target" if ev.provoked else "the attack was unprovoked",
    )


def _on_request(cond: Any, ev: Event) -> Check:
    t = cond.type
    if ev.help_requested is None:
        return Check(t, None, "applies at the beneficiary's request; unknown whether it asked")
    return Check(
        t,
        bool(ev.help_requested),
        "the target asked for consultation/help" if ev.help_requested else "the target has not asked",
    )


def _ceasefire_in_force(cond: Any, ev: Event) -> Check:
    t = cond.type
    if ev.ceasefire_in_force is None:
        return Check(t, None, "applies only once a ceasefire is in force; unknown whether one is")
    return Check(
        t,
        bool(ev.ceasefire_in_force),
        "a ceasefire is in force"
        if ev.ceasefire_in_force
        else "no ceasefire is in force (activates only after one)",
    )


def _intensity(cond: Any, ev: Event) -> Check:
    t = cond.type
    need = SCALES.index(cond.min_scale)
    have = SCALES.index(ev.scale)
    parts = [
        Check(
            t,
            have >= need,
            f"scale {ev.scale!r} {'meets' if have >= need else 'is below'} the threshold {cond.min_scale!r}",
        )
    ]
    for attr in ("deliberate", "sustained"):
        if getattr(cond, attr):
            v = getattr(ev, attr)
            if v is None:
                parts.append(Check(t, None, f"unknown whether the attack is {attr}"))
            else:
                parts.append(Check(t, bool(v), f"the attack is {'' if v else 'not '}{attr}"))
    return _combine(t, parts)


#: One test per condition type of the schema.
_CONDITIONS: dict[str, Callable[[Any, Event], Check]] = {
    "location": _location,
    "named_adversary": _named_adversary,
    "specific_conflict": _specific_conflict,
    "number_of_adversaries": _number_of_adversaries,
    "non_provocation": _non_provocation,
    "on_request": _on_request,
    "ceasefire_in_force": _ceasefire_in_force,
    "intensity": _intensity,
}


def _combine(test: str, parts: list[Check]) -> Check:
    if any(p.passed is False for p in parts):
        passed: bool | None = False
        reasons = [p.reason for p in parts if p.passed is False]
    elif any(p.passed is None for p in parts):
        passed = None
        reasons = [p.reason for p in parts if p.passed is None]
    else:
        passed = True
        reasons = [p.reason for p in parts]
    return Check(test, passed, "; ".join(reasons))


def _in_force(
    inst: Instrument, guarantor: str, day: Date, assume_in_force: bool
) -> tuple[Check, Date | None]:
    start = inst.starts
    if start is None and not assume_in_force:
        return Check("in force", False, f"{inst.label} is a {inst.bindingness.value}, not in force"), None
    if start is not None and day < start and not assume_in_force:
        return Check("in force", False, f"{inst.label} applies only from {start}"), None
    expires = inst.expires
    if expires is not None and day >= expires:
        return Check(
            "in force", False, f"{inst.label} expired on {expires} (term {inst.duration_years:g} years)"
        ), None
    leave = inst.exit_date(guarantor)
    if leave is not None:
        if day >= leave:
            return (
                Check(
                    "in force",
                    False,
                    f"{guarantor} gave notice on {inst.notices[guarantor]} and left on {leave}",
                ),
                None,
            )
        if day >= inst.notices[guarantor]:
            return (
                Check(
                    "in force",
                    True,
                    f"in force, but {guarantor} gave notice on {inst.notices[guarantor]}: "
                    f"its obligation ends on {leave}",
                ),
                leave,
            )
    hypo = " (assumed in force)" if assume_in_force and (start is None or day < start) else ""
    return Check("in force", True, f"{inst.label} is in force on {day}{hypo}"), None


def _kind(ob: Obligation, ev: Event) -> Check:
    kinds = [k.value for k in ob.kinds]
    if ev.kind.value in kinds:
        return Check("kind", True, f"covers {ev.kind.value}")
    return Check("kind", False, f"covers only {', '.join(kinds)}, not {ev.kind.value}")


def evaluate_obligation(
    inst: Instrument, k: int, guarantor: str, beneficiary: str, ev: Event, *, assume_in_force: bool = False
) -> TriggerResult:
    """The verdict on obligation ``k`` of ``inst`` owed by ``guarantor`` to ``beneficiary``."""
    ob = inst.obligations[k]
    res = TriggerResult(
        instrument=inst.id,
        instrument_label=inst.label,
        obligation=ob.id or f"obligations[{k}]",
        guarantor=guarantor,
        beneficiary=beneficiary,
        atop_type=ob.atop_type.value,
        response_strength=ob.response_strength,
        status="not_triggered",
        requires=ob.requires,
        deadline_hours=ob.deadline_hours,
    )
    attackers = {ev.attacker, *ev.co_attackers}
    if beneficiary != ev.target:
        res.checks.append(
            Check("target", False, f"the target {ev.target} is not the beneficiary {beneficiary}")
        )
        return res
    if ob.atop_type is AtopType.nonaggression:
        if guarantor in attackers:
            res.checks.append(
                Check(
                    "attacker", False, f"{guarantor} itself attacks: its non-aggression promise is breached"
                )
            )
            force, _ = _in_force(inst, guarantor, ev.date, assume_in_force)
            res.checks.append(force)
            res.status = "breached" if force.passed else "not_triggered"
            return res
        res.checks.append(
            Check(
                "attacker",
                False,
                "a non-aggression promise binds only the guarantor's own conduct; it is not attacking",
            )
        )
        return res
    if guarantor in attackers:
        res.checks.append(Check("attacker", False, f"the guarantor {guarantor} is itself the attacker"))
        return res
    if ob.atop_type is AtopType.offense:
        res.checks.append(
            Check("attacker", False, "an offence pact covers wars the partner starts, not an attack on it")
        )
        return res
    res.checks.append(Check("attacker", True, f"{ev.attacker} attacks {ev.target}"))
    force, pending = _in_force(inst, guarantor, ev.date, assume_in_force)
    res.checks.append(force)
    res.exit_pending = pending
    res.checks.append(_kind(ob, ev))
    res.checks.extend(_check_condition(c, ev) for c in ob.conditions)
    if any(c.passed is False for c in res.checks):
        res.status = "not_triggered"
    elif any(c.passed is None for c in res.checks):
        res.status = "undetermined"
    else:
        res.status = "triggered"
    return res


def check_event(
    event: Event, instruments: list[Instrument], *, assume_in_force: bool = False
) -> list[TriggerResult]:
    """Evaluate every obligation of ``instruments`` against ``event``.

    Returns one result per directed obligation owed to the event's target, and one
    ``not_triggered`` row for each obligation that owes the target nothing (so every
    obligation is accounted for without listing all pairs of a 32-member treaty).

    Parameters
    ----------
    event
        The attack, threat, hybrid action or nuclear use.
    instruments
        The instruments to check.
    assume_in_force
        Treat drafts and instruments not yet in force as in force (to ask "what if").
    """
    out: list[TriggerResult] = []
    for inst in instruments:
        pairs = inst.directed()
        for k, ob in enumerate(inst.obligations):
            mine = [(g, b) for kk, g, b in pairs if kk == k and b == event.target]
            if not mine:
                bens = sorted({b for kk, _, b in pairs if kk == k})
                r = TriggerResult(
                    instrument=inst.id,
                    instrument_label=inst.label,
                    obligation=ob.id or f"obligations[{k}]",
                    guarantor="—",
                    beneficiary=", ".join(bens) if len(bens) <= 4 else f"{len(bens)} parties",
                    atop_type=ob.atop_type.value,
                    response_strength=ob.response_strength,
                    status="not_triggered",
                    checks=[
                        Check("target", False, f"{event.target} is not a beneficiary of this obligation")
                    ],
                    requires=ob.requires,
                    deadline_hours=ob.deadline_hours,
                )
                out.append(r)
                continue
            for g, b in mine:
                out.append(evaluate_obligation(inst, k, g, b, event, assume_in_force=assume_in_force))
    return out
