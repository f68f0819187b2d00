"""Benchmark of the store (issue 14): the whole DEU dev table into the database, and an
as-of forecast over it; prints Markdown tables.

The table is ../shared/reference/deu3/deu3_dev.tsv (257 issues, 30 actors; see that
folder's README).  To give the as-of day something to do, every stance gets one dated
revision (a seeded shift of its position, seed 0, valid from 1 January 2005): a made-up
history whose size, not content, is what is measured.

Rows, each labelled:

* in-process, model only: ``Store.import_scenario`` (the write), ``Store.load`` (the
  read), ``as_of`` + the compromise forecast on the loaded scenario;
* in-process, end to end: read the file, import; load, snapshot, forecast;
* whole process: ``negotia db import FILE --replace`` and ``negotia forecast db:deu -m
  compromise -f csv --as-of 2005-01-01`` as a user runs them, once each (interpreter
  start-up included).

In-process rows are the best of two runs.

SQLite (a file) always; PostgreSQL when the loopback server answers.  Run under the
shared lock: ``flock /work/notes/land.lock .venv/bin/python bench/store_bench.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from negotia.api import forecast, load_scenario
from negotia.scenario.formats import save_scenario
from negotia.scenario.schema import Scenario
from negotia.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT.parent / "shared" / "reference" / "deu3" / "deu3_dev.tsv"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DAY = date(2005, 1, 1)


def best_of(fn: Callable[[], object], repeat: int = 2) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def with_history(sc: Scenario) -> Scenario:
    """The table with one dated revision per stance (seeded; see the module docstring)."""
    rng = np.random.default_rng(0)
    revisions = []
    for s in sc.stances:
        issue = sc.issue(s.issue)
        shifted = float(np.clip(s.position + rng.normal(0, 10), issue.scale.min, issue.scale.max))
        revisions.append(
            {
                "item": "stance",
                "actor": s.actor,
                "issue": s.issue,
                "valid_from": DAY,
                "set": {"position": shifted},
            }
        )
    data = sc.model_dump(mode="json", exclude_defaults=True)
    data["revisions"] = revisions
    return Scenario.model_validate(data)


def cli(*args: str, env: dict[str, str]) -> float:
    exe = Path(sys.executable).with_name("negotia")
    t = time.perf_counter()
    subprocess.run([str(exe), *args], check=True, capture_output=True, env={**os.environ, **env})
    return time.perf_counter() - t


def row(db: str, what: str, seconds: float) -> None:
    """One table row, printed at once (a long run cut short keeps what it measured)."""
    print(f"| {db} | {what} | {seconds:.3f} |", flush=True)


def bench(label: str, url: str, sc: Scenario, yaml_file: Path) -> None:
    with Store(url) as store:
        store.init()
        row(
            label,
            "in-process, model only: import (write)",
            best_of(lambda: store.import_scenario(sc, "deu", replace=True)),
        )
        row(label, "in-process, model only: load (read)", best_of(lambda: store.load("deu")))
        loaded = store.load("deu")
        row(
            label,
            "in-process, model only: as_of + compromise forecast",
            best_of(lambda: forecast(loaded.as_of(DAY), "compromise")),
        )

        def import_end_to_end() -> None:
            store.import_scenario(load_scenario(yaml_file), "deu", replace=True)

        def forecast_end_to_end() -> None:
            forecast(store.load("deu").as_of(DAY), "compromise")

        row(label, "in-process, end to end: read file + import", best_of(import_end_to_end))
        row(label, "in-process, end to end: load + as_of + forecast", best_of(forecast_end_to_end))
    env = {"NEGOTIA_DB": url}
    row(
        label,
        "whole process: negotia db import --replace",
        cli("db", "import", str(yaml_file), "--name", "deu", "--replace", env=env),
    )
    row(
        label,
        "whole process: negotia forecast db:deu -m compromise",
        cli("forecast", "db:deu", "-m", "compromise", "-f", "csv", "--as-of", DAY.isoformat(), env=env),
    )


def main() -> int:
    if not TABLE.is_file():
        print(f"needs {TABLE} (../shared/reference beside the project)")
        return 1
    sc = with_history(load_scenario(TABLE))
    print(
        f"DEU dev table: {len(sc.issues)} issues, {len(sc.actors)} actors, {len(sc.stances)} stances, "
        f"{len(sc.revisions)} revisions (made up, one per stance)\n"
    )
    print("| database | what | best time (s) |\n|---|---|---:|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        yaml_file = Path(tmp) / "deu.yaml"
        save_scenario(sc, yaml_file)
        bench("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", sc, yaml_file)
        import sqlalchemy as sa

        admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
        schema = f"negotia_bench_{uuid.uuid4().hex[:8]}"
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        except sa.exc.OperationalError as e:
            print(f"PostgreSQL skipped: {str(e.orig).strip().splitlines()[0]}")
        else:
            try:
                bench("PostgreSQL", f"{PG}?options=-csearch_path%3D{schema}", sc, yaml_file)
            finally:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
