"""Make the schema-0001 fixture database of the migration test.

Run once from the project root, with the release that had only migration 0001
(``python tools/make_store_fixture.py``): it writes tests/store/data/schema-0001.sqlite
holding tests/store/data/small.yaml under the name ``small``.  The file is committed; a
later negotia must upgrade it (tests/store/test_migrations.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from negotia.api import load_scenario
from negotia.store import codec, migrate
from negotia.store.database import Store

DATA = Path(__file__).resolve().parents[1] / "tests" / "store" / "data"


def main() -> None:
    out = DATA / "schema-0001.sqlite"
    out.unlink(missing_ok=True)
    with Store(str(out)) as store:
        migrate.upgrade(store.engine, "0001")
        with Session(store.engine) as s, s.begin():
            s.add(codec.to_rows(load_scenario(DATA / "small.yaml"), "small"))
        print(f"wrote {out} (schema {migrate.current(store.engine)})")


if __name__ == "__main__":
    main()
