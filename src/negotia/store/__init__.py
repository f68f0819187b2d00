"""The database (layer 5): scenarios with their dated revisions, and recorded forecast
runs, in SQLite or PostgreSQL (SQLAlchemy 2, Alembic migrations shipped in the package).

The tables hold exactly the scenario model (:mod:`negotia.scenario`), no second one.
Import :mod:`negotia.store.database` for :class:`~negotia.store.database.Store`; this
package itself imports no SQLAlchemy, so that ``negotia --version`` stays light.
"""

from negotia.store.config import ENV, database_url, default_path

__all__ = ["ENV", "database_url", "default_path"]
