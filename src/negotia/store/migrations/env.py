"""Alembic environment of the store: runs on the connection negotia hands over
(:func:`negotia.store.migrate.upgrade`), so an installed negotia migrates its database
without the project's files or an alembic.ini."""

from __future__ import annotations

from alembic import context

from negotia.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
