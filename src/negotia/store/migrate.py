"""Migrations shipped in the package: bring any database made by an earlier negotia up
to the newest schema (Alembic, scripts in ``migrations/versions``)."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

SCRIPTS = Path(__file__).with_name("migrations")


def _config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head() -> str:
    """The newest schema revision this negotia knows."""
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev


@functools.cache
def known() -> tuple[str, ...]:
    """Every revision this negotia knows, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return tuple(s.revision for s in reversed(list(script.walk_revisions())))


def current(engine: sa.Engine) -> str | None:
    """The schema revision of the database (None: no negotia tables yet)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, target: str = "head") -> None:
    """Migrate the database to ``target`` in one transaction where the database allows."""
    with engine.begin() as conn:
        command.upgrade(_config(conn), target)
