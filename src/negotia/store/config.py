"""Where the database is: ``NEGOTIA_DB`` (a path or a SQLAlchemy URL), else a SQLite
file in the user's data folder.  Imports no SQLAlchemy, so that the command line's
start-up stays light."""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV = "NEGOTIA_DB"
#: A stored scenario's name: a word that cannot be mistaken for a file path.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")


def default_path() -> Path:
    """The SQLite file used when ``NEGOTIA_DB`` is not set."""
    import platformdirs

    return platformdirs.user_data_path("negotia", appauthor=False) / "negotia.sqlite"


def database_url(value: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL of the database: ``value``, else ``NEGOTIA_DB``, else the
    default SQLite file.  A value with ``://`` is a URL; anything else is a file path."""
    if value is None:
        value = os.environ.get(ENV) or default_path()
    text = os.fspath(value)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    path = rest[1:] if rest.startswith("/") else rest
    path = path.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def shown(url: str) -> str:
    """The URL with any password replaced by ``***``, for messages."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
