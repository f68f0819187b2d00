"""An import is one transaction: a bad file, a failure half-way or a taken name leave
the database as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from negotia.errors import InputError, StoreError
from negotia.store import codec
from negotia.store.tables import Base, SourceRow
from tests.conftest import run_cli
from tests.store.conftest import DATA


def _counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def test_a_broken_file_writes_nothing(db_url: str, store, tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "bad.yaml"
    text = (DATA / "small.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("position: 3.1", "position: 30.1"), encoding="utf-8")
    monkeypatch.setenv("NEGOTIA_DB", db_url)
    r = run_cli("db", "import", str(bad))
    assert r.returncode == 2
    assert "bad.yaml" in r.stderr and "outside the scale" in r.stderr
    assert "Traceback" not in r.stderr
    assert set(_counts(store).values()) == {0}


def test_a_failure_half_way_rolls_back_everything(store, small, monkeypatch) -> None:
    store.import_scenario(small, "kept")
    before = _counts(store)
    real = codec.to_rows

    def broken(sc, name):
        row = real(sc, name)
        # Rows of every table are already in the session when the duplicate source
        # key violates the unique constraint at flush.
        row.sources.append(SourceRow(seq=99, key="memo", title="a second memo"))
        return row

    monkeypatch.setattr(codec, "to_rows", broken)
    with pytest.raises(StoreError, match="nothing was written"):
        store.import_scenario(small, "half")
    assert _counts(store) == before
    assert store.names() == ["kept"]


def test_replacing_fails_whole_and_keeps_the_old_scenario(store, small, monkeypatch) -> None:
    store.import_scenario(small, "s")
    monkeypatch.setattr(codec, "to_rows", lambda sc, name: (_ for _ in ()).throw(RuntimeError("disk gone")))
    with pytest.raises(RuntimeError):
        store.import_scenario(small, "s", replace=True)
    assert store.load("s") == small


def test_a_taken_name_is_refused(store, small) -> None:
    store.import_scenario(small, "s")
    with pytest.raises(StoreError, match="already stored"):
        store.import_scenario(small, "s")
    info = store.import_scenario(small, "s", replace=True)
    assert info.stances == len(small.stances)
    assert store.names() == ["s"]


@pytest.mark.parametrize("name", ["", "a/b", "x.yaml", "db:x", "-x", "a b"])
def test_names_that_look_like_paths_are_refused(store, small, name: str) -> None:
    with pytest.raises(StoreError, match="cannot be a stored scenario's name"):
        store.import_scenario(small, name)


def test_an_edit_that_breaks_the_scenario_writes_nothing(store, small) -> None:
    store.import_scenario(small, "s")
    s = store.stance("s", "A", "border")
    with pytest.raises(InputError, match="outside the scale"):
        store.update_stance("s", "A", "border", s.version, position=11.0)
    assert store.stance("s", "A", "border") == s
