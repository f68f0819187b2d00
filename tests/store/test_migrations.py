"""A database made by the first release of the store (schema 0001, the committed
fixture tests/store/data/schema-0001.sqlite made by tools/make_store_fixture.py) is
upgraded by the shipped migrations and keeps every scenario it held."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from negotia.api import load_scenario
from negotia.errors import StoreError
from negotia.store import migrate
from negotia.store.config import sqlite_path
from negotia.store.database import Store
from tests.conftest import run_cli
from tests.store.conftest import DATA

FIXTURE = DATA / "schema-0001.sqlite"


def _schema_0001_database(url: str) -> None:
    """The fixture at ``url``: the file itself for SQLite; for PostgreSQL, schema 0001
    made by its migration and filled with the fixture's rows."""
    path = sqlite_path(url)
    if path is not None:
        shutil.copyfile(FIXTURE, path)
        return
    target = sa.create_engine(url)
    migrate.upgrade(target, "0001")
    source = sa.create_engine(f"sqlite:///{FIXTURE}")
    old = sa.MetaData()
    old.reflect(source)
    new = sa.MetaData()
    new.reflect(target)
    with source.connect() as src, target.begin() as dst:
        for table in old.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in src.execute(sa.select(table))]
            if rows:
                dst.execute(new.tables[table.name].insert(), rows)
            # Rows came with their ids: move each id sequence past them.
            dst.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
            )
    source.dispose()
    target.dispose()


def test_the_fixture_is_schema_0001() -> None:
    with Store(str(FIXTURE)) as store:
        assert store.revision() == "0001"
    assert migrate.known() == ("0001", "0002")


def test_an_old_database_is_refused_until_upgraded(db_url: str, small, monkeypatch) -> None:
    _schema_0001_database(db_url)
    monkeypatch.setenv("NEGOTIA_DB", db_url)
    with Store(db_url) as store:
        with pytest.raises(StoreError, match=r"older negotia.*negotia db init"):
            store.load("small")
        # A name given to any command says the same, not "no such scenario".
        with pytest.raises(StoreError, match=r"older negotia.*negotia db init"):
            load_scenario("small")
        assert store.init() == ("0001", "0002")
        assert store.revision() == "0002"
        assert store.load("small") == small
        # What 0002 added works: runs are recorded, the as-of index exists.
        run = store.record_run(
            small,
            scenario="small",
            command="forecast",
            models=["median"],
            parameters={},
            seed=0,
            outputs="{}",
            code_version="test",
        )
        assert store.run(run).scenario == "small"
        indexes = {ix["name"] for ix in sa.inspect(store.engine).get_indexes("revisions")}
        assert "ix_revisions_scenario_valid_from" in indexes
        # New scenarios are stored beside the old one.
        store.import_scenario(small, "small-2")
        assert store.names() == ["small", "small-2"]


def test_db_init_upgrades_through_the_command_line(db_url: str, monkeypatch) -> None:
    _schema_0001_database(db_url)
    monkeypatch.setenv("NEGOTIA_DB", db_url)
    r = run_cli("db", "init")
    assert r.returncode == 0, r.stderr
    assert "upgraded from schema 0001 to 0002" in r.stdout
    r = run_cli("db", "init")
    assert "up to date (schema 0002)" in r.stdout
