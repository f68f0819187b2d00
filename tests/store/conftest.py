"""Every store test runs on SQLite and on PostgreSQL.

The PostgreSQL server is the one on loopback (``NEGOTIA_TEST_POSTGRES``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``).  Each test gets a private
schema, created before and dropped after it, so parallel workers and other users of the
server never see each other's tables.  Without a server the PostgreSQL cases skip,
saying why; with ``NEGOTIA_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("NEGOTIA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATA = Path(__file__).with_name("data")


@functools.cache
def postgres_problem() -> str | None:
    """Why the PostgreSQL server cannot be used (None: it can)."""
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as e:  # any failure to connect means: no server to test against
        return f"PostgreSQL not reachable at {PG_URL}: {str(e).strip().splitlines()[0]}"
    return None


def need_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("NEGOTIA_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{problem} (NEGOTIA_REQUIRE_POSTGRES=1: the PostgreSQL tests must run)")
    pytest.skip(problem)


@functools.cache
def _admin() -> sa.Engine:
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'negotia.sqlite'}"
        return
    need_postgres()
    schema = f"negotia_test_{uuid.uuid4().hex[:12]}"
    with _admin().connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with _admin().connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def store(db_url: str) -> Iterator:
    from negotia.store.database import Store

    with Store(db_url) as st:
        st.init()
        yield st


@pytest.fixture
def small():
    from negotia.api import load_scenario

    return load_scenario(DATA / "small.yaml")
