"""Time in the scenario: dated revisions of stances, red lines, status quo and actors,
and the snapshot valid on a day.

A scenario's plain entries (``stances``, ``red_lines``, each issue's ``status_quo``,
the actors' attributes) are the state *before* its first revision.  Each revision
changes one item from its ``valid_from`` day on: it sets some of the item's fields
(creating the item if it does not exist yet: a stance first stated later) or withdraws
it (a stance or red line dropped).  Every revision also says when it was ``recorded``
(entered), where it comes from (``source``) and a ``note``, and has a ``status``:
``accepted`` revisions make the history; ``proposed`` ones (e.g. found in the news)
wait for a person to review them; ``rejected`` ones are kept for the record.

:func:`snapshot` gives the plain scenario valid on a day: every accepted revision with
``valid_from`` on or before the day is applied, in order of ``valid_from`` (then of the
day it became known, then of the file).  A revision recorded after the fact (its
``valid_from`` earlier than ``recorded``) counts from ``valid_from``.  The knowledge
cut-off ``known_by`` drops revisions that were not yet known on that day (recorded
after it), so "what did we know on 23 December?" is ``as_of(day, known_by=day)``.
A revision without ``recorded`` is taken as known from its ``valid_from`` (or from its
source's date, if that is later).

Everything here is one model (:data:`Revision`), one row of a table in a store: the
item kind and key, the dates, the status, the source and note, and the fields set.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated, Any, Literal

from pydantic import Field, model_serializer, model_validator

from negotia.scenario.fields import Strict, Uncertainty
from negotia.scenario.parts import ScenarioParts
from negotia.scenario.roles import RoleName

Status = Literal["accepted", "proposed", "rejected"]
_ORDER = ("item", "actor", "issue", "valid_from", "recorded", "status", "set", "withdrawn")
STATUSES: tuple[str, ...] = ("accepted", "proposed", "rejected")


class _Change(Strict):
    """Fields a revision sets; a field left out keeps its value.  ``null`` is kept on
    output (it clears a field, e.g. a red line's ``min``), so files round-trip."""

    @model_serializer(mode="wrap")
    def _keep_set_nulls(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        for name in self.model_fields_set:
            if name not in data and getattr(self, name) is None:
                data[name] = None
        return data

    @model_validator(mode="after")
    def _not_empty(self) -> _Change:
        if not self.model_fields_set:
            raise ValueError("sets no field")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields this revision sets, as plain data (nested: only what is written)."""
        return self.model_dump(mode="json", exclude_unset=True)


class StanceChange(_Change):
    position: float | None = None
    salience: float | None = Field(default=None, ge=0)
    capability: float | None = Field(default=None, ge=0)
    uncertainty: Uncertainty | None = None
    note: str | None = None


class RedLineChange(_Change):
    min: float | None = None
    max: float | None = None
    sd: float | None = Field(default=None, ge=0)
    note: str | None = None


class IssueChange(_Change):
    status_quo: float | None = None


class ActorChange(_Change):
    name: str | None = None
    aliases: list[str] | None = None
    group: str | None = None
    role: RoleName | None = None
    veto_on: list[str] | None = None
    capability: float | None = Field(default=None, ge=0)
    capability_source: str | None = None
    note: str | None = None


class _Revision(Strict):
    id: str | None = None
    valid_from: Date
    recorded: Date | None = None
    status: Status = "accepted"
    source: str | None = None
    note: str | None = None

    @model_serializer(mode="wrap")
    def _item_first(self, handler: Any) -> dict[str, Any]:
        # Files read best with the item named first and the provenance last.
        data = handler(self)
        first = [k for k in _ORDER if k in data]
        return {k: data[k] for k in first + [k for k in data if k not in first]}

    @model_validator(mode="after")
    def _dates(self) -> _Revision:
        if self.recorded is not None and self.recorded < self.valid_from:
            raise ValueError(
                f"recorded ({self.recorded}) is before valid_from ({self.valid_from}): a change is "
                "recorded on or after the day it became true"
            )
        return self


class _Withdrawable(_Revision):
    withdrawn: bool = False

    @model_validator(mode="after")
    def _set_or_withdraw(self) -> _Withdrawable:
        change = getattr(self, "set", None)
        if self.withdrawn and change is not None:
            raise ValueError("a revision either sets fields or withdraws the item, not both")
        if not self.withdrawn and change is None:
            raise ValueError("a revision needs set (the fields it changes) or withdrawn: true")
        return self


class StanceRevision(_Withdrawable):
    """A change of one actor's stance on one issue."""

    item: Literal["stance"]
    actor: str
    issue: str
    set: StanceChange | None = None


class RedLineRevision(_Withdrawable):
    """A change of one actor's red line on one issue."""

    item: Literal["red_line"]
    actor: str
    issue: str
    set: RedLineChange | None = None


class IssueRevision(_Revision):
    """A change of an issue's status quo."""

    item: Literal["issue"]
    issue: str
    set: IssueChange


class ActorRevision(_Revision):
    """A change of an actor's attributes (capability, role, name, ...)."""

    item: Literal["actor"]
    actor: str
    set: ActorChange


Revision = Annotated[
    StanceRevision | RedLineRevision | IssueRevision | ActorRevision, Field(discriminator="item")
]
ITEMS: tuple[str, ...] = ("stance", "red_line", "issue", "actor")


def item_key(rev: Any) -> tuple[str, ...]:
    """The item a revision changes: ``("stance", actor, issue)``, ``("actor", id)``, ..."""
    if rev.item in ("stance", "red_line"):
        return (rev.item, rev.actor, rev.issue)
    return (rev.item, rev.issue if rev.item == "issue" else rev.actor)


def known_from(rev: Any, sources: dict[str, Any]) -> Date:
    """The day a revision became known: ``recorded``, else the later of ``valid_from``
    and its source's date."""
    if rev.recorded is not None:
        return rev.recorded
    src = sources.get(rev.source) if rev.source is not None else None
    published = getattr(src, "date", None)
    return max(rev.valid_from, published) if published is not None else rev.valid_from


def in_force(
    scenario: ScenarioParts,
    day: Date | None,
    known_by: Date | None = None,
    include_proposed: bool = False,
) -> list[int]:
    """Indices of the revisions that apply on ``day``, in the order they apply."""
    wanted = ("accepted", "proposed") if include_proposed else ("accepted",)
    out = []
    for k, rev in enumerate(scenario.revisions):
        if rev.status not in wanted or (day is not None and rev.valid_from > day):
            continue
        known = known_from(rev, scenario.sources)
        if known_by is not None and known > known_by:
            continue
        out.append((rev.valid_from, known, k))
    return [k for *_, k in sorted(out)]
