"""The store: scenarios with their revisions, and recorded forecast runs, in one
database (SQLite by default, PostgreSQL for a team).

Guarantees (see docs/store.md):

* an import is one transaction: if anything fails, nothing of it is written;
* a stance edit names the version it was based on; if another writer changed the stance
  since, the edit is refused with :class:`~negotia.errors.StaleEditError` (optimistic
  locking) and nothing is written;
* what is imported comes back out field for field (:mod:`negotia.store.codec`);
* the schema is created and upgraded only by the migrations shipped in the package.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from negotia.errors import InputError, Problem, StaleEditError, StoreError
from negotia.locations import pydantic_problems
from negotia.scenario.schema import Scenario
from negotia.scenario.yamljson import dump_json
from negotia.store import codec, migrate
from negotia.store.config import NAME_PATTERN, database_url, shown, sqlite_path
from negotia.store.tables import RunRow, ScenarioRow, StanceRow

#: Stance fields an edit may change.
EDITABLE = ("position", "salience", "capability", "uncertainty", "source", "note")


@dataclass(frozen=True)
class StoredInfo:
    """One stored scenario, as ``negotia db list`` shows it."""

    name: str
    title: str
    date: date | None
    actors: int
    issues: int
    stances: int
    revisions: int
    imported: datetime


@dataclass(frozen=True)
class StoredStance:
    """A stance as read from the store, with the version an edit must name."""

    scenario: str
    actor: str
    issue: str
    values: dict[str, Any]
    version: int


@dataclass(frozen=True)
class RunInfo:
    """A recorded run: what ran, on which input, with which code, and its output text."""

    id: int
    scenario: str
    as_of: date | None
    created: datetime
    command: str
    models: list[str]
    parameters: dict[str, Any]
    seed: int | None
    input_hash: str
    code_version: str
    outputs: str


def scenario_hash(sc: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: equal inputs, equal hash."""
    return hashlib.sha256(dump_json(sc).encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise StoreError(
            f"{name!r} cannot be a stored scenario's name: use letters, digits, '-' and '_' "
            "(up to 100, starting with a letter or digit)"
        )
    return name


class Store:
    """A negotia database.  ``url``: a SQLAlchemy URL or a file path (default: see
    :func:`negotia.store.config.database_url`).  Use as a context manager, or call
    :meth:`close`."""

    def __init__(self, url: str | None = None) -> None:
        self.url = database_url(url)
        self._engine: sa.Engine | None = None

    # -- connection and schema -------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @property
    def shown_url(self) -> str:
        return shown(self.url)

    def exists(self) -> bool:
        """Whether the database can be reached without creating it (a SQLite file that
        is not there does not exist; a server's database is assumed to)."""
        path = sqlite_path(self.url)
        return path is None or path.is_file()

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = _engine(self.url)
        return self._engine

    def revision(self) -> str | None:
        """The database's schema revision (None: not initialised)."""
        if not self.exists():
            return None
        try:
            return migrate.current(self.engine)
        except sa.exc.OperationalError as e:
            raise StoreError(f"cannot reach the database {self.shown_url}: {_reason(e)}") from None

    def init(self) -> tuple[str | None, str]:
        """Create the database or upgrade it to the newest schema: (was, now)."""
        path = sqlite_path(self.url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        was = self.revision()
        self._known(was)
        try:
            migrate.upgrade(self.engine)
        except sa.exc.OperationalError as e:
            raise StoreError(f"cannot migrate the database {self.shown_url}: {_reason(e)}") from None
        return was, migrate.head()

    def _known(self, rev: str | None) -> None:
        if rev is not None and rev not in migrate.known():
            raise StoreError(
                f"the database {self.shown_url} has schema revision {rev!r}, made by a newer "
                f"negotia; this one knows up to {migrate.head()!r}"
            )

    def _ready(self) -> None:
        rev = self.revision()
        if rev is None:
            raise StoreError(f"no negotia database at {self.shown_url}; create it with `negotia db init`")
        self._known(rev)
        if rev != migrate.head():
            raise StoreError(
                f"the database {self.shown_url} has schema revision {rev!r} from an older negotia; "
                "upgrade it with `negotia db init`"
            )

    def _session(self) -> Session:
        self._ready()
        return Session(self.engine, expire_on_commit=False)

    # -- scenarios ---------------------------------------------------------------------
    def import_scenario(self, sc: Scenario, name: str, *, replace: bool = False) -> StoredInfo:
        """Store ``sc`` under ``name`` in one transaction (all of it, or nothing)."""
        check_name(name)
        with self._session() as s:
            try:
                with s.begin():
                    old = s.scalar(sa.select(ScenarioRow).where(ScenarioRow.name == name))
                    if old is not None:
                        if not replace:
                            raise StoreError(
                                f"a scenario named {name!r} is already stored; "
                                "choose another name or replace it (--replace)"
                            )
                        s.delete(old)
                        s.flush()
                    row = codec.to_rows(sc, name)
                    s.add(row)
            except sa.exc.IntegrityError as e:
                raise StoreError(
                    f"cannot store {name!r} (nothing was written): {_reason(e)}"
                    + (" - another writer stored that name meanwhile" if self.has(name) else "")
                ) from None
            return _info(row)

    def names(self) -> list[str]:
        with self._session() as s:
            return list(s.scalars(sa.select(ScenarioRow.name).order_by(ScenarioRow.name)))

    def has(self, name: str) -> bool:
        """Whether a scenario ``name`` is stored (False without a database)."""
        if not NAME_PATTERN.fullmatch(name) or self.revision() is None:
            return False
        # An old schema is an error to report (upgrade it), not a reason to say "not stored".
        with self._session() as s:
            return s.scalar(sa.select(ScenarioRow.id).where(ScenarioRow.name == name)) is not None

    def list(self) -> list[StoredInfo]:
        with self._session() as s:
            rows = s.scalars(sa.select(ScenarioRow).order_by(ScenarioRow.name))
            return [_info(r) for r in rows]

    def load(self, name: str) -> Scenario:
        """The stored scenario ``name``, with its revisions."""
        with self._session() as s:
            return codec.from_rows(self._row(s, name))

    def remove(self, name: str) -> None:
        with self._session() as s, s.begin():
            s.delete(self._row(s, name))

    def _row(self, s: Session, name: str) -> ScenarioRow:
        row = s.scalar(sa.select(ScenarioRow).where(ScenarioRow.name == name))
        if row is None:
            names = list(s.scalars(sa.select(ScenarioRow.name).order_by(ScenarioRow.name)))
            raise StoreError(
                f"no stored scenario {name!r} in {self.shown_url}; stored: {', '.join(names) or 'none'}"
            )
        return row

    # -- stances (optimistic locking) --------------------------------------------------
    def stance(self, name: str, actor: str, issue: str) -> StoredStance:
        """A stance and its version (pass the version to :meth:`update_stance`)."""
        with self._session() as s:
            return _stored_stance(name, self._stance_row(s, name, actor, issue))

    def update_stance(self, name: str, actor: str, issue: str, version: int, **changes: Any) -> StoredStance:
        """Change fields of one stance, if it is still at ``version``.

        Raises :class:`StaleEditError` if another writer changed it since it was read,
        and :class:`InputError` if the edited scenario would not be valid; either way
        nothing is written.
        """
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise StoreError(
                f"a stance edit cannot set {', '.join(unknown)}; it can set {', '.join(EDITABLE)}"
            )
        with self._session() as s:
            try:
                with s.begin():
                    row = self._stance_row(s, name, actor, issue)
                    if row.version != version:
                        raise _stale(name, actor, issue, version, row.version)
                    for key, value in changes.items():
                        setattr(row, key, value)
                    self._validate(s, name)
                    # The UPDATE says "WHERE version = <read>": a writer who got in
                    # between our read and this flush makes it match no row.
                    s.flush()
            except StaleDataError:
                raise _stale(name, actor, issue, version, None) from None
            return _stored_stance(name, row)

    def _validate(self, s: Session, name: str) -> None:
        try:
            codec.from_rows(self._row(s, name))
        except ValidationError as e:
            raise InputError(f"db:{name}", pydantic_problems(e)) from None
        except ValueError as e:  # pragma: no cover - pydantic wraps validators' errors
            raise InputError(f"db:{name}", Problem("", str(e))) from None

    def _stance_row(self, s: Session, name: str, actor: str, issue: str) -> StanceRow:
        owner = self._row(s, name)
        row = s.scalar(
            sa.select(StanceRow).where(
                StanceRow.scenario_id == owner.id, StanceRow.actor == actor, StanceRow.issue == issue
            )
        )
        if row is None:
            raise StoreError(f"the stored scenario {name!r} has no stance of {actor!r} on {issue!r}")
        return row

    # -- runs --------------------------------------------------------------------------
    def record_run(
        self,
        sc: Scenario,
        *,
        scenario: str,
        command: str,
        models: list[str],
        parameters: dict[str, Any],
        seed: int | None,
        outputs: str,
        code_version: str,
        as_of: date | None = None,
    ) -> int:
        """Keep a run's output text with what produced it; returns the run's id."""
        with self._session() as s, s.begin():
            owner = s.scalar(sa.select(ScenarioRow.id).where(ScenarioRow.name == scenario))
            row = RunRow(
                scenario_id=owner,
                scenario=scenario,
                as_of=as_of,
                created=datetime.now(UTC),
                command=command,
                models=list(models),
                parameters=json.loads(json.dumps(parameters, default=str)),
                seed=seed,
                input_hash=scenario_hash(sc),
                code_version=code_version,
                outputs=outputs,
            )
            s.add(row)
            s.flush()
            return row.id

    def runs(self, scenario: str | None = None) -> list[RunInfo]:
        with self._session() as s:
            q = sa.select(RunRow).order_by(RunRow.id)
            if scenario is not None:
                q = q.where(RunRow.scenario == scenario)
            return [_run(r) for r in s.scalars(q)]

    def run(self, run_id: int) -> RunInfo:
        with self._session() as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise StoreError(f"no recorded run {run_id} in {self.shown_url}")
            return _run(row)


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        # Wait for another writer's lock rather than failing at once.
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @sa.event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys = ON")

        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as e:
        raise StoreError(f"not a database URL this negotia can use: {shown(url)} ({e})") from None


def _reason(e: sa.exc.DBAPIError) -> str:
    return str(e.orig).strip().splitlines()[0] if e.orig is not None else str(e)


def _stale(name: str, actor: str, issue: str, read: int, now: int | None) -> StaleEditError:
    now_text = f", it is now version {now}" if now is not None else ""
    return StaleEditError(
        f"the stance of {actor!r} on {issue!r} in {name!r} changed since you read it "
        f"(you read version {read}{now_text}); nothing was written: read it again and redo your edit"
    )


def _stored_stance(name: str, row: StanceRow) -> StoredStance:
    values = {k: getattr(row, k) for k in EDITABLE}
    return StoredStance(name, row.actor, row.issue, values, row.version)


def _info(row: ScenarioRow) -> StoredInfo:
    return StoredInfo(
        name=row.name,
        title=row.title,
        date=row.date,
        actors=len(row.actors),
        issues=len(row.issues),
        stances=len(row.stances),
        revisions=len(row.revisions),
        imported=row.imported,
    )


def _run(r: RunRow) -> RunInfo:
    return RunInfo(
        id=r.id,
        scenario=r.scenario,
        as_of=r.as_of,
        created=r.created,
        command=r.command,
        models=list(r.models),
        parameters=dict(r.parameters),
        seed=r.seed,
        input_hash=r.input_hash,
        code_version=r.code_version,
        outputs=r.outputs,
    )
