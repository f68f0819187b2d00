# size: an Alembic migration is never edited once shipped; upgrade() creates one table per statement
"""The scenario model: scenarios, sources, actors, issues, stances (with a version for
optimistic locking), red lines and dated revisions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

F = sa.Double()


def _owned(name: str, *columns: sa.Column, unique: tuple[str, ...] = ()) -> None:
    """A table of one scenario's list: its owner, its place in the list, its fields."""
    args: list = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "scenario_id", sa.Integer, sa.ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        *columns,
    ]
    if unique:
        args.append(sa.UniqueConstraint("scenario_id", *unique))
    op.create_table(name, *args)
    op.create_index(f"ix_{name}_scenario_id", name, ["scenario_id"])


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("description", sa.Text),
        sa.Column("required_parties", sa.JSON, nullable=False),
        sa.Column("decision_rule", sa.JSON),
        sa.Column("loss", sa.String(20), nullable=False),
        sa.Column("ratifications", sa.JSON, nullable=False),
        sa.Column("guarantees", sa.JSON, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("imported", sa.DateTime(timezone=True), nullable=False),
    )
    text = sa.Text
    _owned(
        "sources",
        sa.Column("key", text, nullable=False),
        sa.Column("title", text, nullable=False),
        sa.Column("publisher", text),
        sa.Column("date", sa.Date),
        sa.Column("url", text),
        sa.Column("note", text),
        unique=("key",),
    )
    _owned(
        "actors",
        sa.Column("actor_id", text, nullable=False),
        sa.Column("name", text),
        sa.Column("aliases", sa.JSON, nullable=False),
        sa.Column("group", text),
        sa.Column("capability", F),
        sa.Column("capability_source", text),
        sa.Column("role", text),
        sa.Column("veto_on", sa.JSON, nullable=False),
        sa.Column("note", text),
        unique=("actor_id",),
    )
    _owned(
        "issues",
        sa.Column("issue_id", text, nullable=False),
        sa.Column("name", text),
        sa.Column("description", text),
        sa.Column("scale_min", F, nullable=False),
        sa.Column("scale_max", F, nullable=False),
        sa.Column("anchors", sa.JSON, nullable=False),
        sa.Column("status_quo", F),
        sa.Column("outcome", F),
        sa.Column("group", text),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("decision_rule", sa.JSON),
        unique=("issue_id",),
    )
    _owned(
        "stances",
        sa.Column("actor", text, nullable=False),
        sa.Column("issue", text, nullable=False),
        sa.Column("position", F, nullable=False),
        sa.Column("salience", F, nullable=False),
        sa.Column("capability", F),
        sa.Column("uncertainty", sa.JSON),
        sa.Column("source", text),
        sa.Column("note", text),
        sa.Column("version", sa.Integer, nullable=False),
        unique=("actor", "issue"),
    )
    _owned(
        "red_lines",
        sa.Column("actor", text, nullable=False),
        sa.Column("issue", text, nullable=False),
        sa.Column("min", F),
        sa.Column("max", F),
        sa.Column("sd", F),
        sa.Column("source", text),
        sa.Column("note", text),
    )
    _owned(
        "revisions",
        sa.Column("rev_id", text),
        sa.Column("item", sa.String(20), nullable=False),
        sa.Column("actor", text),
        sa.Column("issue", text),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("recorded", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", text),
        sa.Column("note", text),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("changes", sa.JSON),
    )


def downgrade() -> None:
    for name in ("revisions", "red_lines", "stances", "issues", "actors", "sources", "scenarios"):
        op.drop_table(name)
