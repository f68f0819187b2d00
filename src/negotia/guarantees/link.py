"""The link between a negotiation scenario and the guarantee catalogue.

A scenario's ``guarantees`` list holds entries of three kinds:

- ``{ref: nato-art5}`` — a catalogue instrument, optionally with ``join: [UKR]`` (extra
  parties), ``bindingness: ratified_treaty`` (an assumed legal form) and ``notices``;
- ``{arrangement: bilateral-2024}`` — every instrument of a catalogue arrangement;
- an inline instrument in negotia's guarantee schema.

:func:`scenario_instruments` validates them (errors name ``guarantees[k].field``).
The security-guarantee *issue* of a scenario has anchors such as 20 "Budapest-style
assurances" or 100 "NATO membership"; :func:`anchor_arrangements` maps each anchor to a
catalogue arrangement, so a forecast on that issue can be read as "which arrangement"
(:func:`arrangement_for_value`).  A scenario may fix the mapping in
``metadata.guarantee_arrangements`` (anchor value -> arrangement id); otherwise it is
read from the anchor labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from negotia.errors import InputError, Problem
from negotia.guarantees.catalogue import Catalogue, LeftOut, catalogue, pydantic_problems
from negotia.guarantees.schema import Bindingness, Instrument
from negotia.locations import Loc

#: Words in an anchor label -> catalogue arrangement (checked in this order).
_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("nato membership", "article 5)", "(article 5"), "nato-membership"),
    (("article-5-like", "article 5-like", "article-5 like", "art. 5-like"), "art5-like-binding"),
    (("2024",), "bilateral-2024"),
    (("budapest",), "budapest"),
    (("no guarantee", "none"), "none"),
)


class InstrumentRef(BaseModel):
    """A scenario's reference to a catalogue instrument."""

    model_config = ConfigDict(extra="forbid")

    ref: str = Field(min_length=1)
    join: list[str] = Field(default_factory=list)
    bindingness: Bindingness | None = None
    notices: dict[str, Any] = Field(default_factory=dict)
    note: str | None = None


class ArrangementRef(BaseModel):
    """A scenario's reference to a catalogue arrangement."""

    model_config = ConfigDict(extra="forbid")

    arrangement: str = Field(min_length=1)
    note: str | None = None


def scenario_instruments(
    scenario: Any, source: str = "<scenario>", cat: Catalogue | None = None
) -> list[Instrument]:
    """Validate a scenario's ``guarantees`` entries into instruments.

    Parameters
    ----------
    scenario
        A :class:`negotia.scenario.schema.Scenario` (or anything with ``guarantees``), or
        the list itself.
    source
        Name for error messages.
    cat
        The catalogue refs are resolved in (default: the bundled one).
    """
    cat = cat or catalogue()
    entries = scenario if isinstance(scenario, list) else getattr(scenario, "guarantees", [])
    out: dict[str, Instrument] = {}
    problems: list[Problem] = []
    for k, entry in enumerate(entries):
        insts, probs = entry_instruments(entry, cat, ("guarantees", k))
        problems.extend(probs)
        out.update((i.id, i) for i in insts)
    if problems:
        raise InputError(source, problems)
    return list(out.values())


def entry_instruments(
    entry: Any, cat: Catalogue, where: tuple[Any, ...] = ()
) -> tuple[list[Instrument], list[Problem]]:
    """The instruments one ``guarantees`` entry stands for, and the problems found in it."""
    from negotia.guarantees.compare import resolve_arrangement

    def at(*field: str) -> str:
        path = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in (*where, *field)).lstrip(".")
        return path

    if isinstance(entry, Instrument):
        return [entry], []
    if not isinstance(entry, dict):
        return [], [Problem(at(), "must be a mapping ({ref: id}, {arrangement: id} or an instrument)")]
    try:
        if "ref" in entry:
            r = InstrumentRef.model_validate(entry)
            if r.ref.replace("_", "-") in cat.left_out:
                return [], []  # not yet known on the catalogue's day: see scenario_left_out
            if r.ref.replace("_", "-") not in cat.instruments:
                return [], [
                    Problem(at("ref"), f"unknown instrument {r.ref!r} (see `negotia guarantees list`)")
                ]
            inst = cat.instrument(r.ref)
            if r.join:
                inst = inst.with_parties(r.join)
            upd: dict[str, Any] = {}
            if r.bindingness is not None:
                upd = {"bindingness": r.bindingness, "ratified": r.bindingness is Bindingness.ratified_treaty}
            if r.notices:
                upd["notices"] = {**inst.notices, **r.notices}
            if upd:
                inst = Instrument.model_validate({**inst.model_dump(), **upd})
            return [inst], []
        if "arrangement" in entry:
            a = ArrangementRef.model_validate(entry)
            if a.arrangement.replace("_", "-") in cat.left_out:
                return [], []
            if a.arrangement.replace("_", "-") not in cat.arrangements:
                known = ", ".join(cat.arrangements)
                return [], [
                    Problem(at("arrangement"), f"unknown arrangement {a.arrangement!r}; known: {known}")
                ]
            return resolve_arrangement(a.arrangement, cat)[1], []
        return [Instrument.model_validate(entry)], []
    except ValidationError as e:
        return [], pydantic_problems(e, where)


def scenario_left_out(scenario: Any, cat: Catalogue) -> list[LeftOut]:
    """What of a scenario's ``guarantees`` entries a catalogue as of a day leaves out:
    instruments and arrangements not yet known, and instruments an arrangement lost."""
    out: dict[str, LeftOut] = {}
    for entry in getattr(scenario, "guarantees", []):
        if not isinstance(entry, dict):
            continue
        for key in ("ref", "arrangement"):
            ident = str(entry.get(key, "")).replace("_", "-")
            if ident in cat.left_out:
                out[ident] = cat.left_out[ident]
        for x in cat.left_out_of(str(entry.get("arrangement", "")).replace("_", "-")):
            out[x.id] = x
    return list(out.values())


def guarantee_problems(scenario: Any, cat: Catalogue | None = None) -> list[tuple[Loc, str]]:
    """Problems of a scenario's ``guarantees`` entries as ``(field path, message)``.

    A :data:`negotia.scenario.validation.ScenarioCheck`: the facade passes it to the
    scenario loader, which puts each problem at its line, e.g.
    ``line 10, guarantees[1]: ref: unknown instrument 'nato-art6'``.
    """
    cat = cat or catalogue()
    out: list[tuple[Loc, str]] = []
    for k, entry in enumerate(getattr(scenario, "guarantees", [])):
        _, problems = entry_instruments(entry, cat)
        if problems:
            out.append((("guarantees", k), "; ".join(str(p) for p in problems)))
    return out


@dataclass(frozen=True)
class AnchorArrangement:
    """One anchor of the guarantee issue and the arrangement it stands for."""

    value: float
    label: str
    arrangement: str | None


def _guarantee_issue(scenario: Any, issue_id: str | None) -> Any:
    issues = list(getattr(scenario, "issues", []))
    if issue_id is not None:
        for i in issues:
            if i.id == issue_id:
                return i
        raise InputError("<scenario>", Problem("issues", f"no issue {issue_id!r}"))
    for i in issues:
        if i.id == "guarantees":
            return i
    for i in issues:
        if "guarantee" in (i.name or "").lower():
            return i
    raise InputError("<scenario>", Problem("issues", "no security-guarantee issue (id 'guarantees')"))


def anchor_arrangements(scenario: Any, issue_id: str | None = None) -> list[AnchorArrangement]:
    """Each anchor of the guarantee issue with its catalogue arrangement (None if no match)."""
    issue = _guarantee_issue(scenario, issue_id)
    fixed = (getattr(scenario, "metadata", {}) or {}).get("guarantee_arrangements", {}) or {}
    fixed = {float(k): str(v) for k, v in fixed.items()}
    cat = catalogue()
    out = []
    for value, label in sorted(issue.anchors.items()):
        arr = fixed.get(float(value))
        if arr is None:
            low = label.lower()
            arr = next((a for words, a in _KEYWORDS if any(w in low for w in words)), None)
        if arr is not None and arr not in cat.arrangements:
            raise InputError(
                "<scenario>",
                Problem(f"metadata.guarantee_arrangements.{value:g}", f"unknown arrangement {arr!r}"),
            )
        out.append(AnchorArrangement(float(value), label, arr))
    return out


def scenario_saliences(scenario: Any, issue_id: str | None = None) -> dict[str, float]:
    """Each actor's salience (0-1) on the scenario's guarantee issue.

    Read as the guarantor's salience *for the beneficiary* in the credibility model: how
    much the outcome of the guarantee question matters to that actor, from the scenario's
    stances (and their sources).
    """
    issue = _guarantee_issue(scenario, issue_id)
    return {s.actor: float(s.salience) for s in getattr(scenario, "stances", []) if s.issue == issue.id}


def arrangement_for_value(scenario: Any, value: float, issue_id: str | None = None) -> AnchorArrangement:
    """The anchor (and arrangement) nearest to ``value`` on the guarantee issue.

    Ties go to the lower anchor (the weaker promise).
    """
    if not math.isfinite(value):
        raise InputError("<forecast>", Problem("value", f"not a finite number: {value}"))
    anchors = anchor_arrangements(scenario, issue_id)
    if not anchors:
        raise InputError(
            "<scenario>", Problem("issues.guarantees.anchors", "the guarantee issue has no anchors")
        )
    return min(anchors, key=lambda a: (abs(a.value - value), a.value))
