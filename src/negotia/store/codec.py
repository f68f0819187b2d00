"""A scenario to table rows and back, field for field.

Each row holds exactly one entry of the scenario model; nested parts are JSON as the
model dumps them (``exclude_unset``, so a field written as ``null`` stays written and a
revision's ``set`` keeps the fields it names).  :func:`from_rows` validates the rebuilt
scenario with the same model, so what comes out of the store is checked like a file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from negotia.scenario.schema import Scenario
from negotia.store.tables import (
    ActorRow,
    IssueRow,
    RedLineRow,
    RevisionRow,
    ScenarioRow,
    SourceRow,
    StanceRow,
)


def _json(value: BaseModel | None) -> dict[str, Any] | None:
    return None if value is None else value.model_dump(mode="json", exclude_unset=True)


def _jsonlist(values: list[BaseModel]) -> list[Any]:
    return [v.model_dump(mode="json", exclude_unset=True) for v in values]


def to_rows(sc: Scenario, name: str) -> ScenarioRow:
    """The rows of ``sc`` stored under ``name`` (not yet added to a session)."""
    data = sc.model_dump(mode="json", include={"metadata", "guarantees"})
    row = ScenarioRow(
        name=name,
        title=sc.name,
        date=sc.date,
        description=sc.description,
        required_parties=list(sc.required_parties),
        decision_rule=_json(sc.decision_rule),
        loss=sc.loss,
        ratifications=_jsonlist(sc.ratifications),
        guarantees=data["guarantees"],
        meta=data["metadata"],
        imported=datetime.now(UTC),
    )
    row.sources = [
        SourceRow(seq=k, key=key, **s.model_dump(include={"title", "publisher", "date", "url", "note"}))
        for k, (key, s) in enumerate(sc.sources.items())
    ]
    row.actors = [
        ActorRow(
            seq=k,
            actor_id=a.id,
            **a.model_dump(exclude={"id"}),
        )
        for k, a in enumerate(sc.actors)
    ]
    row.issues = [
        IssueRow(
            seq=k,
            issue_id=i.id,
            scale_min=i.scale.min,
            scale_max=i.scale.max,
            anchors={repr(p): label for p, label in i.anchors.items()},
            decision_rule=_json(i.decision_rule),
            **i.model_dump(include={"name", "description", "status_quo", "outcome", "group"}),
            attributes=i.model_dump(mode="json", include={"attributes"})["attributes"],
        )
        for k, i in enumerate(sc.issues)
    ]
    row.stances = [
        StanceRow(seq=k, uncertainty=_json(s.uncertainty), **s.model_dump(exclude={"uncertainty"}))
        for k, s in enumerate(sc.stances)
    ]
    row.red_lines = [RedLineRow(seq=k, **r.model_dump()) for k, r in enumerate(sc.red_lines)]
    row.revisions = [_revision_row(k, r) for k, r in enumerate(sc.revisions)]
    return row


def _revision_row(k: int, rev: Any) -> RevisionRow:
    change = getattr(rev, "set", None)
    return RevisionRow(
        seq=k,
        rev_id=rev.id,
        item=rev.item,
        actor=getattr(rev, "actor", None),
        issue=getattr(rev, "issue", None),
        valid_from=rev.valid_from,
        recorded=rev.recorded,
        status=rev.status,
        source=rev.source,
        note=rev.note,
        withdrawn=getattr(rev, "withdrawn", False),
        changes=None if change is None else change.changes(),
    )


def _given(**fields: Any) -> dict[str, Any]:
    """The fields that hold a value (a missing field takes the model's default)."""
    return {k: v for k, v in fields.items() if v is not None}


def from_rows(row: ScenarioRow) -> Scenario:
    """The scenario stored in ``row`` and its children."""
    data: dict[str, Any] = _given(
        name=row.title,
        date=row.date,
        description=row.description,
        required_parties=row.required_parties,
        decision_rule=row.decision_rule,
        loss=row.loss,
        ratifications=row.ratifications,
        guarantees=row.guarantees,
        metadata=row.meta,
    )
    data["sources"] = {
        s.key: _given(title=s.title, publisher=s.publisher, date=s.date, url=s.url, note=s.note)
        for s in row.sources
    }
    data["actors"] = [
        _given(
            id=a.actor_id,
            name=a.name,
            aliases=a.aliases,
            group=a.group,
            capability=a.capability,
            capability_source=a.capability_source,
            role=a.role,
            veto_on=a.veto_on,
            note=a.note,
        )
        for a in row.actors
    ]
    data["issues"] = [
        _given(
            id=i.issue_id,
            name=i.name,
            description=i.description,
            scale={"min": i.scale_min, "max": i.scale_max},
            anchors={float(p): label for p, label in i.anchors.items()},
            status_quo=i.status_quo,
            outcome=i.outcome,
            group=i.group,
            attributes=i.attributes,
            decision_rule=i.decision_rule,
        )
        for i in row.issues
    ]
    data["stances"] = [
        _given(
            actor=s.actor,
            issue=s.issue,
            position=s.position,
            salience=s.salience,
            capability=s.capability,
            uncertainty=s.uncertainty,
            source=s.source,
            note=s.note,
        )
        for s in row.stances
    ]
    data["red_lines"] = [
        _given(actor=r.actor, issue=r.issue, min=r.min, max=r.max, sd=r.sd, source=r.source, note=r.note)
        for r in row.red_lines
    ]
    data["revisions"] = [_revision_data(r) for r in row.revisions]
    return Scenario.model_validate(data)


def _revision_data(r: RevisionRow) -> dict[str, Any]:
    out = _given(
        id=r.rev_id,
        item=r.item,
        actor=r.actor,
        issue=r.issue,
        valid_from=r.valid_from,
        recorded=r.recorded,
        status=r.status,
        source=r.source,
        note=r.note,
        set=r.changes,
    )
    if r.withdrawn:
        out["withdrawn"] = True
    return out
