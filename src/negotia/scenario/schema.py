"""The scenario: a dated snapshot of one negotiation, as data.

A scenario lists actors, issues (each a numeric scale with labelled anchors), each
actor's stance on each issue (position, salience, optional capability and uncertainty,
the source it came from), red lines and sources.  Salience is stored on 0-1; files may
declare ``salience_scale: 100`` and write 0-100, which is normalised on load.

Validation collects every problem at once (see :func:`negotia.scenario.formats`), so a
user sees all mistakes of a file in one run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as Date
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationInfo,
    model_validator,
)

from negotia.scenario.fields import Strict as _Strict
from negotia.scenario.fields import Uncertainty
from negotia.scenario.items import Actor, Issue, RedLine, Scale, Source, Stance
from negotia.scenario.references import item_problems
from negotia.scenario.roles import DecisionRule, Ratification, effective_roles
from negotia.scenario.snapshot import revision_problems, snapshot
from negotia.scenario.timeline import Revision

# The items live in negotia.scenario.items (so that snapshot.py can build them without
# importing this module); this is where users import them from.
__all__ = [
    "Actor",
    "Issue",
    "RedLine",
    "Scale",
    "Scenario",
    "Source",
    "Stance",
    "Uncertainty",
    "percent_salience",
    "reference_problems",
    "require_scenario",
]

Number = float


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
    out = item_problems(sc)
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


def require_scenario(value: object, facade: str) -> Scenario:
    """``value`` if it is a :class:`Scenario`; else a TypeError naming the facade function.

    Domain functions take a scenario object, never a path or a name: reading files and
    resolving bundled or stored names is the facade's job (ARCHITECTURE.md), and the
    error says which facade function to call instead.
    """
    if isinstance(value, Scenario):
        return value
    raise TypeError(
        f"expected a Scenario, got {type(value).__name__} {value!r}: for a file or a bundled or "
        f"stored scenario name call negotia.{facade} (negotia.api.{facade}), or load it first "
        "with negotia.load_scenario"
    )
