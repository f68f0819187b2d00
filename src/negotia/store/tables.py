"""The database tables: the scenario model (see :mod:`negotia.scenario.schema` and
:mod:`negotia.scenario.timeline`) one table per list, one column per field, and the
recorded forecast runs.

Every list keeps its file order in ``seq``.  Fields that are themselves small nested
structures (an issue's anchors, a stance's uncertainty, a decision rule, the fields a
revision sets) are JSON columns holding exactly what the scenario model dumps.  A stance
carries a ``version`` that every update bumps (optimistic locking, see
:meth:`negotia.store.database.Store.update_stance`).

These classes describe the newest schema; the migrations in ``migrations/versions``
build it step by step and are the only thing that creates or changes tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        float: sa.Double(),
        dict[str, Any]: sa.JSON(),
        list[Any]: sa.JSON(),
        str: sa.Text(),
    }


def _children(order: str) -> Any:
    return relationship(cascade="all, delete-orphan", order_by=order, lazy="selectin")


class ScenarioRow(Base):
    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str]
    date: Mapped[dt.date | None]
    description: Mapped[str | None]
    required_parties: Mapped[list[Any]]
    decision_rule: Mapped[dict[str, Any] | None]
    loss: Mapped[str] = mapped_column(sa.String(20))
    ratifications: Mapped[list[Any]]
    guarantees: Mapped[list[Any]]
    meta: Mapped[dict[str, Any]] = mapped_column("metadata")
    imported: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))

    sources: Mapped[list[SourceRow]] = _children("SourceRow.seq")
    actors: Mapped[list[ActorRow]] = _children("ActorRow.seq")
    issues: Mapped[list[IssueRow]] = _children("IssueRow.seq")
    stances: Mapped[list[StanceRow]] = _children("StanceRow.seq")
    red_lines: Mapped[list[RedLineRow]] = _children("RedLineRow.seq")
    revisions: Mapped[list[RevisionRow]] = _children("RevisionRow.seq")


def _owner() -> Mapped[int]:
    return mapped_column(sa.ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)


class SourceRow(Base):
    __tablename__ = "sources"
    __table_args__ = (sa.UniqueConstraint("scenario_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = _owner()
    seq: Mapped[int]
    key: Mapped[str]
    title: Mapped[str]
    publisher: Mapped[str | None]
    date: Mapped[dt.date | None]
    url: Mapped[str | None]
    note: Mapped[str | None]


class ActorRow(Base):
    __tablename__ = "actors"
    __table_args__ = (sa.UniqueConstraint("scenario_id", "actor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = _owner()
    seq: Mapped[int]
    actor_id: Mapped[str]
    name: Mapped[str | None]
    aliases: Mapped[list[Any]]
    group: Mapped[str | None]
    capability: Mapped[float | None]
    capability_source: Mapped[str | None]
    role: Mapped[str | None]
    veto_on: Mapped[list[Any]]
    note: Mapped[str | None]


class IssueRow(Base):
    __tablename__ = "issues"
    __table_args__ = (sa.UniqueConstraint("scenario_id", "issue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = _owner()
    seq: Mapped[int]
    issue_id: Mapped[str]
    name: Mapped[str | None]
    description: Mapped[str | None]
    scale_min: Mapped[float]
    scale_max: Mapped[float]
    anchors: Mapped[dict[str, Any]]
    status_quo: Mapped[float | None]
    outcome: Mapped[float | None]
    group: Mapped[str | None]
    attributes: Mapped[dict[str, Any]]
    decision_rule: Mapped[dict[str, Any] | None]


class StanceRow(Base):
    __tablename__ = "stances"
    __table_args__ = (sa.UniqueConstraint("scenario_id", "actor", "issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = _owner()
    seq: Mapped[int]
    actor: Mapped[str]
    issue: Mapped[str]
    position: Mapped[float]
    salience: Mapped[float]
    capability: Mapped[float | None]
    uncertainty: Mapped[dict[str, Any] | None]
    source: Mapped[str | None]
    note: Mapped[str | None]
    version: Mapped[int] = mapped_column(default=1)

    # SQLAlchemy adds "WHERE version = <the version read>" to every UPDATE and raises
    # StaleDataError when no row matched: the optimistic lock.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class RedLineRow(Base):
    __tablename__ = "red_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = _owner()
    seq: Mapped[int]
    actor: Mapped[str]
    issue: Mapped[str]
    min: Mapped[float | None]
    max: Mapped[float | None]
    sd: Mapped[float | None]
    source: Mapped[str | None]
    note: Mapped[str | None]


class RevisionRow(Base):
    __tablename__ = "revisions"
    __table_args__ = (sa.Index("ix_revisions_scenario_valid_from", "scenario_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = _owner()
    seq: Mapped[int]
    rev_id: Mapped[str | None]
    item: Mapped[str] = mapped_column(sa.String(20))
    actor: Mapped[str | None]
    issue: Mapped[str | None]
    valid_from: Mapped[dt.date]
    recorded: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(20))
    source: Mapped[str | None]
    note: Mapped[str | None]
    withdrawn: Mapped[bool]
    changes: Mapped[dict[str, Any] | None]


class RunRow(Base):
    """A recorded forecast run: what ran on which input, and its output as written."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("scenarios.id", ondelete="SET NULL"), index=True
    )
    scenario: Mapped[str]
    as_of: Mapped[dt.date | None]
    created: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    command: Mapped[str] = mapped_column(sa.String(40))
    models: Mapped[list[Any]]
    parameters: Mapped[dict[str, Any]]
    seed: Mapped[int | None]
    input_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    code_version: Mapped[str] = mapped_column(sa.String(40))
    # Text, not JSON: the output is kept byte for byte as it was written.
    outputs: Mapped[str] = mapped_column(sa.Text())
