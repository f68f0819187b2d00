"""The scenario: a dated snapshot of one negotiation, as data.

A scenario lists actors, issues (each a numeric scale with labelled anchors), each
actor's stance on each issue (position, salience, optional capability and uncertainty,
the source it came from), red lines and sources.  Salience is stored on 0-1; files may
declare ``salience_scale: 100`` and write 0-100, which is normalised on load.

Validation collects every problem at once (see :func:`negotia.scenario.formats`), so a
user sees all mistakes of a file in one run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date as Date
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from negotia.scenario.fields import MAX_CAPABILITY, MAX_SCALE, Uncertainty, check_interval
from negotia.scenario.fields import Strict as _Strict
from negotia.scenario.fields import finite as _finite
from negotia.scenario.redlines import within
from negotia.scenario.roles import DecisionRule, Ratification, RoleName, effective_roles, role_problems
from negotia.scenario.snapshot import revision_problems, snapshot
from negotia.scenario.timeline import Revision

Number = float


class Source(_Strict):
    """Where a stance or figure comes from."""

    title: str
    publisher: str | None = None
    date: Date | None = None
    url: str | None = None
    note: str | None = None


def _capability(v: float | None) -> float | None:
    if v is not None and v > MAX_CAPABILITY:
        raise ValueError(
            f"capability {v:g} is above {MAX_CAPABILITY:g}: the models' weighted sums would "
            "overflow; only ratios of capabilities matter, so state them in a larger unit"
        )
    return v


class Actor(_Strict):
    """A party to the negotiation.

    ``capability`` is the actor's default power resource (e.g. military expenditure in
    US$ bn); a stance may override it per issue.  ``role`` says whether its consent
    counts (see :mod:`negotia.scenario.roles`; left out, it follows from
    ``required_parties`` and ``group``); ``veto_on`` names the issues a ``veto`` player
    can block (all when empty).
    """

    id: str = Field(min_length=1)
    name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    group: str | None = None
    capability: float | None = Field(default=None, ge=0)  # at most MAX_CAPABILITY (below)
    capability_source: str | None = None
    role: RoleName | None = None
    veto_on: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("capability")
    @classmethod
    def _cap_finite(cls, v: float | None) -> float | None:
        return _capability(_finite(v, "capability"))

    @property
    def label(self) -> str:
        return self.name or self.id


class Scale(_Strict):
    """The numeric range of an issue."""

    min: float = 0.0
    max: float = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        _finite(self.min, "scale.min")
        _finite(self.max, "scale.max")
        if not self.max > self.min:
            raise ValueError(f"scale.max ({self.max}) must be greater than scale.min ({self.min})")
        if max(-self.min, self.max) > MAX_SCALE:
            raise ValueError(
                f"the scale from {self.min:g} to {self.max:g} goes beyond ±{MAX_SCALE:g}: sums and "
                "means of forecasts on it would overflow; state it in a larger unit"
            )
        return self


class Issue(_Strict):
    """One issue: a numeric scale whose points mean something.

    ``anchors`` label points of the scale (``{0: "membership on a timetable"}``).
    ``status_quo`` is the reversion point if no agreement is reached.  ``outcome`` is the
    known decision, for back-testing; ``group`` ties issues of one proposal together and
    ``attributes`` holds the institutional setting (procedure, voting rule, ...).
    ``decision_rule`` overrides the scenario's rule on this issue.
    """

    id: str = Field(min_length=1)
    name: str | None = None
    description: str | None = None
    scale: Scale = Field(default_factory=Scale)
    anchors: dict[float, str] = Field(default_factory=dict)
    status_quo: float | None = None
    outcome: float | None = None
    group: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    decision_rule: DecisionRule | None = None

    @model_validator(mode="after")
    def _inside_scale(self) -> Issue:
        lo, hi = self.scale.min, self.scale.max
        bad = []
        for what, v in (("status_quo", self.status_quo), ("outcome", self.outcome)):
            if v is None:
                continue
            if not math.isfinite(v):
                bad.append(f"{what} must be a finite number, got {v}")
            elif not lo <= v <= hi:
                bad.append(f"{what} {v:g} is outside the issue scale [{lo:g}, {hi:g}]")
        for point in self.anchors:
            if not math.isfinite(point) or not lo <= point <= hi:
                bad.append(f"anchor {point:g} is outside the issue scale [{lo:g}, {hi:g}]")
        if bad:
            raise ValueError("; ".join(bad))
        return self

    @property
    def label(self) -> str:
        return self.name or self.id

    def nearest_anchor(self, value: float) -> str | None:
        """The label of the anchor closest to ``value`` (None if the issue has none)."""
        if not self.anchors or not math.isfinite(value):
            return None
        point = min(self.anchors, key=lambda p: (abs(p - value), p))
        return self.anchors[point]


class Stance(_Strict):
    """An actor's stance on one issue."""

    actor: str
    issue: str
    # Finite numbers checked by pydantic itself (no Python call per field): a scenario
    # may hold a hundred thousand stances.
    position: float = Field(allow_inf_nan=False)
    salience: float = Field(ge=0, allow_inf_nan=False)
    capability: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    uncertainty: Uncertainty | None = None

    @field_validator("capability")
    @classmethod
    def _cap_size(cls, v: float | None) -> float | None:
        return _capability(v)

    source: str | None = None
    note: str | None = None


class RedLine(_Strict):
    """The interval of outcomes on one issue that an actor can accept.

    ``sd`` is the uncertainty of its bounds (a standard deviation on the issue scale),
    for Monte Carlo runs; a plain forecast uses the bounds as stated.
    """

    actor: str
    issue: str
    min: float | None = None
    max: float | None = None
    sd: float | None = Field(default=None, ge=0)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _interval(self) -> RedLine:
        check_interval(self.min, self.max, self.sd, "a red line")
        return self

    def accepts(self, value: float, span: float = 1.0) -> bool:
        """Whether ``value`` (on the issue scale) is inside the line.

        ``span`` is the issue's scale width, to which the tolerance of the one red-line
        test (:mod:`negotia.scenario.redlines`) is relative;
        :meth:`Scenario.red_line_crossings` passes it.
        """
        return within(value, self.min, self.max, span)


class Scenario(_Strict):
    """A dated snapshot of one negotiation.

    Saliences are held on 0-1.  Build one with :func:`negotia.load_scenario` or
    directly; :meth:`validate_references` is run on construction so that a stance can
    never name an unknown actor or issue.
    """

    name: str = "unnamed scenario"
    date: Date | None = None
    description: str | None = None
    salience_scale: Literal[1, 100] = 1
    required_parties: list[str] = Field(default_factory=list)
    decision_rule: DecisionRule | None = None
    loss: Literal["linear", "quadratic"] = "quadratic"
    sources: dict[str, Source] = Field(default_factory=dict)
    actors: list[Actor] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    red_lines: list[RedLine] = Field(default_factory=list)
    ratifications: list[Ratification] = Field(default_factory=list)
    revisions: list[Revision] = Field(default_factory=list)
    #: Security-guarantee entries as plain mappings; the scenario knows no application,
    #: so :mod:`negotia.guarantees` checks them against its catalogue when asked (the
    #: facade :func:`negotia.api.load_scenario` does so on load).
    guarantees: list[dict[str, Any]] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _normalise_salience(cls, data: Any) -> Any:
        # Files may write saliences on 0-100; the model always holds 0-1.  Done before
        # field validation so the stored scenario is already normalised.
        if isinstance(data, dict) and data.get("salience_scale") == 100:
            data = dict(data)
            data["stances"] = [percent_salience(s) for s in data.get("stances") or []]
            revisions = []
            for r in data.get("revisions") or []:
                if isinstance(r, dict) and r.get("item") == "stance" and isinstance(r.get("set"), dict):
                    r = {**r, "set": percent_salience(r["set"])}
                revisions.append(r)
            if revisions:
                data["revisions"] = revisions
            data["salience_scale"] = 1
        return data

    @model_validator(mode="after")
    def validate_references(self, info: ValidationInfo) -> Scenario:
        # Loaders check references themselves (to report every problem with its line);
        # they pass ``defer_references`` so the same problems are not raised twice.
        if info.context and info.context.get("defer_references"):
            return self
        problems = reference_problems(self)
        if problems:
            raise ValueError("\n".join(f"{w}: {m}" for w, m in problems))
        return self

    # -- time ----------------------------------------------------------------------
    def as_of(
        self,
        day: Date | None = None,
        *,
        known_by: Date | None = None,
        include_proposed: bool = False,
    ) -> Scenario:
        """The plain snapshot valid on ``day`` (default: the scenario's own ``date``).

        Every accepted revision with ``valid_from`` on or before ``day`` is applied (see
        :mod:`negotia.scenario.timeline`); a revision recorded after the fact counts
        from its ``valid_from``.  ``known_by`` is a knowledge cut-off: revisions that
        became known after it are left out, so ``as_of(d, known_by=d)`` is what was
        known on day ``d``.  ``include_proposed`` also applies revisions awaiting
        review.  The snapshot has no revisions and carries ``day`` as its ``date``; a
        scenario without revisions is returned as it is (re-dated if ``day`` differs).
        With neither ``day`` nor ``date``, every revision is applied.
        """
        return snapshot(self, day if day is not None else self.date, known_by, include_proposed)

    # -- lookups -------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def red_line_crossings(self, issue_id: str, value: float) -> list[str]:
        """Actors whose red line on ``issue_id`` excludes ``value`` (on the issue scale)."""
        scale = self.issue(issue_id).scale
        span = scale.max - scale.min
        return [r.actor for r in self.red_lines if r.issue == issue_id and not r.accepts(value, span)]

    def stance(self, actor_id: str, issue_id: str) -> Stance | None:
        for s in self.stances:
            if s.actor == actor_id and s.issue == issue_id:
                return s
        return None

    def resolve_actor(self, name: str) -> str:
        """The id of the actor called ``name`` (id, name or alias, case-insensitive)."""
        key = name.casefold()
        for a in self.actors:
            if key in {a.id.casefold(), (a.name or "").casefold()} | {x.casefold() for x in a.aliases}:
                return a.id
        raise KeyError(name)

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    # -- roles ---------------------------------------------------------------------
    @property
    def roles(self) -> dict[str, str]:
        """Every actor's role (its own, or the default; see :mod:`negotia.scenario.roles`)."""
        return effective_roles(self)

    @property
    def parties(self) -> list[str]:
        """The actors whose consent every issue needs (role ``party``), in actor order."""
        return [a for a, role in self.roles.items() if role == "party"]

    @property
    def mediators(self) -> list[str]:
        """The actors with role ``mediator``, in actor order."""
        return [a for a, role in self.roles.items() if role == "mediator"]

    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]


def reference_problems(sc: Scenario) -> list[tuple[str, str]]:
    """Cross-field problems of a scenario as ``(field path, message)`` pairs."""
    out: list[tuple[str, str]] = []
    if not sc.actors:
        out.append(("actors", "the scenario has no actors"))
    if not sc.issues:
        out.append(("issues", "the scenario has no issues"))
    for what, items in (("actors", sc.actors), ("issues", sc.issues)):
        seen: dict[str, int] = {}
        for k, item in enumerate(items):
            if item.id in seen:
                out.append(
                    (f"{what}[{k}].id", f"duplicate id {item.id!r} (first used at {what}[{seen[item.id]}])")
                )
            else:
                seen[item.id] = k
    # Look-ups by id in dictionaries, so that the check is linear in the scenario's size.
    by_id = {a.id: a for a in sc.actors}
    actors = by_id.keys()
    issues = {i.id: i for i in sc.issues}
    seen_pair: dict[tuple[str, str], int] = {}
    for k, s in enumerate(sc.stances):
        where = f"stances[{k}]"
        if s.actor not in actors:
            out.append((f"{where}.actor", f"unknown actor {s.actor!r}"))
        issue = issues.get(s.issue)
        if issue is None:
            out.append((f"{where}.issue", f"unknown issue {s.issue!r}"))
        elif not issue.scale.min <= s.position <= issue.scale.max:
            out.append(
                (
                    f"{where}.position",
                    f"position {s.position:g} is outside the scale of issue {s.issue!r} "
                    f"[{issue.scale.min:g}, {issue.scale.max:g}]",
                )
            )
        if s.salience > 1:
            out.append(
                (
                    f"{where}.salience",
                    f"salience {s.salience:g} is above 1 (declare salience_scale: 100 for 0-100)",
                )
            )
        if s.source is not None and s.source not in sc.sources:
            out.append((f"{where}.source", f"unknown source {s.source!r}"))
        if (s.actor, s.issue) in seen_pair:
            out.append(
                (
                    where,
                    f"a second stance of {s.actor!r} on {s.issue!r} "
                    f"(first at stances[{seen_pair[(s.actor, s.issue)]}])",
                )
            )
        else:
            seen_pair[(s.actor, s.issue)] = k
        if s.capability is None and s.actor in actors and by_id[s.actor].capability is None:
            out.append(
                (
                    f"{where}.capability",
                    f"no capability for {s.actor!r}: give one on the actor or the stance",
                )
            )
    for k, r in enumerate(sc.red_lines):
        if r.actor not in actors:
            out.append((f"red_lines[{k}].actor", f"unknown actor {r.actor!r}"))
        if r.issue not in issues:
            out.append((f"red_lines[{k}].issue", f"unknown issue {r.issue!r}"))
        if r.source is not None and r.source not in sc.sources:
            out.append((f"red_lines[{k}].source", f"unknown source {r.source!r}"))
    for k, p in enumerate(sc.required_parties):
        if p not in actors:
            out.append((f"required_parties[{k}]", f"unknown actor {p!r}"))
    for k, a in enumerate(sc.actors):
        if a.capability_source is not None and a.capability_source not in sc.sources:
            out.append((f"actors[{k}].capability_source", f"unknown source {a.capability_source!r}"))
    out += role_problems(sc)
    if sc.revisions:
        out += revision_problems(sc)
    return out


def percent_salience(item: Any) -> Any:
    """A stance (or a revision's changes) written on 0-100, with salience and its sd on 0-1.

    The one place saliences are rescaled: the schema on construction and the file
    readers (which first report out-of-range values with their line) both call it.
    """
    if not isinstance(item, Mapping):
        return item
    item = dict(item)
    if _number(item.get("salience")):
        item["salience"] = item["salience"] / 100.0
    unc = item.get("uncertainty")
    if isinstance(unc, Mapping) and _number(unc.get("salience")):
        item["uncertainty"] = {**unc, "salience": unc["salience"] / 100.0}
    return item


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)
