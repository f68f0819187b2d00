"""Recorded forecast runs, and an index on (scenario, valid_from) so that an as-of
query reads only the revisions up to its day.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id", ondelete="SET NULL")),
        sa.Column("scenario", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("models", sa.JSON, nullable=False),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("seed", sa.Integer),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(40), nullable=False),
        sa.Column("outputs", sa.Text, nullable=False),
    )
    op.create_index("ix_runs_scenario_id", "runs", ["scenario_id"])
    op.create_index("ix_runs_input_hash", "runs", ["input_hash"])
    op.create_index("ix_revisions_scenario_valid_from", "revisions", ["scenario_id", "valid_from"])


def downgrade() -> None:
    op.drop_index("ix_revisions_scenario_valid_from", "revisions")
    op.drop_table("runs")
