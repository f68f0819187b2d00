"""Reading and writing scenarios in every supported format.

========  ==========================================  =====================
format    what                                        file endings
========  ==========================================  =====================
yaml      the full schema                             .yaml .yml
json      the full schema                             .json
csv       long CSV, one row per stance                .csv (header row)
dem       decide-exchange-model input (#A/#P/#M/#D)   .csv .txt (detected)
deu       DEU-style wide table with outcomes          .tsv .csv (detected)
========  ==========================================  =====================

``load_scenario`` also accepts the name of a bundled scenario (``ukraine-2025``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from negotia.errors import InputError, Problem, UnknownNameError
from negotia.scenario import csvlong, dem, deu, yamljson
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import ScenarioCheck, run_checks

FORMATS = ("yaml", "json", "csv", "dem", "deu")

#: What each writable format cannot hold, so that a conversion can say what it drops.
CANNOT_HOLD: dict[str, tuple[str, ...]] = {
    "yaml": (),
    "json": (),
    "csv": (
        "actor names and aliases",
        "issue names and anchors",
        "red lines",
        "source details",
        "guarantees",
        "outcomes",
        "roles and decision rules",
        "ratification steps",
        "revisions",
    ),
    "dem": (
        "aliases",
        "red lines",
        "sources",
        "uncertainty",
        "notes",
        "guarantees",
        "status quo",
        "outcomes",
        "roles and decision rules",
        "ratification steps",
        "revisions",
    ),
    "deu": (
        "actors without stances",
        "issue scales other than 0-100",
        "per-stance capabilities",
        "names",
        "anchors",
        "red lines",
        "sources",
        "uncertainty",
        "notes",
        "guarantees",
        "roles and decision rules",
        "ratification steps",
        "revisions",
    ),
}


def bundled_names() -> list[str]:
    """Names of the scenarios shipped with negotia."""
    root = resources.files("negotia.scenario") / "bundled"
    return sorted(p.name.rsplit(".", 1)[0] for p in root.iterdir() if p.name.endswith((".yaml", ".yml")))


def bundled_path(name: str) -> Path:
    root = resources.files("negotia.scenario") / "bundled"
    for ext in (".yaml", ".yml"):
        p = root / f"{name}{ext}"
        if p.is_file():
            return Path(str(p))
    raise UnknownNameError(f"no bundled scenario {name!r}; bundled: {', '.join(bundled_names()) or 'none'}")


def detect_format(path: Path, text: str | None = None) -> str:
    """The format of a file, from its ending and, for .csv/.tsv/.txt, its content."""
    ext = path.suffix.lower()
    if ext in (".yaml", ".yml"):
        return "yaml"
    if ext == ".json":
        return "json"
    if text is None:
        text = yamljson.read_text(path)
    first = text.split("\n", 1)[0]
    if dem.looks_like_dem(text):
        return "dem"
    sep = "\t" if "\t" in first else ","
    if deu.looks_like_deu(first.split(sep)):
        return "deu"
    if ext in (".csv", ".tsv", ".txt"):
        return "csv"
    raise InputError(
        str(path),
        Problem("", f"cannot tell the format from the ending {ext!r}; use one of {', '.join(FORMATS)}"),
    )


def load_scenario(
    source: str | os.PathLike[str],
    format: str | None = None,
    *,
    checks: Sequence[ScenarioCheck] = (),
) -> Scenario:
    """Load a scenario from a file, or a bundled scenario by name.

    Parameters
    ----------
    source
        A path, or the name of a bundled scenario (see :func:`bundled_names`).
    format
        One of ``yaml``, ``json``, ``csv``, ``dem``, ``deu``; detected when omitted.
    checks
        Checks of higher layers, reported with the file's own problems (the facade
        :func:`negotia.api.load_scenario` passes the guarantees check).

    Raises
    ------
    InputError
        With every problem of the file, each naming its line or field.
    """
    path = Path(source)
    if not path.exists():
        if isinstance(source, str) and os.sep not in source and "." not in source:
            return _load_bundled(bundled_path(source), format, tuple(checks))
        raise InputError(str(source), Problem("", "no such file"))
    return _load_file(path, source, format, checks)


#: Bundled scenarios already parsed in this process, by (file, its size and time, format,
#: checks): a caller that names one again (Monte Carlo in a loop, a notebook) gets a copy
#: without parsing the file again.
_BUNDLED: dict[tuple[object, ...], Scenario] = {}


def _load_bundled(path: Path, format: str | None, checks: tuple[ScenarioCheck, ...]) -> Scenario:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, format, checks)
    if key not in _BUNDLED:
        _BUNDLED[key] = _load_file(path, path.stem, format, checks)
    # A deep copy (a few ms), so that a caller who edits its scenario never edits the cache.
    return _BUNDLED[key].model_copy(deep=True)


def _load_file(
    path: Path, source: str | os.PathLike[str], format: str | None, checks: Sequence[ScenarioCheck]
) -> Scenario:
    if path.is_dir():
        raise InputError(str(source), Problem("", "is a folder, not a scenario file"))
    if format is not None and format not in FORMATS:
        raise UnknownNameError(f"unknown format {format!r}; formats: {', '.join(FORMATS)}")
    if path.stat().st_size == 0:
        raise InputError(str(path), Problem("", "the file is empty"))
    if format in ("yaml", "json") or (format is None and path.suffix.lower() in (".yaml", ".yml", ".json")):
        fmt = format or detect_format(path)
        load = yamljson.load_yaml if fmt == "yaml" else yamljson.load_json
        return load(path, checks)
    text = yamljson.read_text(path)
    fmt = format or detect_format(path, text)
    if fmt == "dem":
        sc = dem.parse_dem(text, str(path))
    elif fmt == "deu":
        sc = deu.parse_deu(text, str(path))
    elif fmt == "csv":
        sc = csvlong.parse_long_csv(text, str(path), default_issue=path.stem)
    else:  # pragma: no cover - yaml/json handled above
        raise AssertionError(fmt)
    return run_checks(sc, checks, str(path))


def load_table(source: str | os.PathLike[str]) -> Scenario:
    """Load a table of decisions with known outcomes (a DEU-style table or any scenario
    whose issues carry ``outcome``)."""
    return load_scenario(source)


def dump_scenario(scenario: Scenario, format: str) -> str:
    """The scenario as text in ``format``.

    A format that cannot hold revisions gets the snapshot as of the scenario's date.
    """
    if format not in ("yaml", "json") and scenario.revisions:
        scenario = scenario.as_of()
    if format == "yaml":
        return yamljson.dump_yaml(scenario)
    if format == "json":
        return yamljson.dump_json(scenario)
    if format == "csv":
        return csvlong.dump_long_csv(scenario)
    if format == "dem":
        return dem.dump_dem(scenario)
    if format == "deu":
        return deu.dump_deu(scenario)
    raise UnknownNameError(f"unknown format {format!r}; formats: {', '.join(FORMATS)}")


def format_for_output(path: Path, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise UnknownNameError(f"unknown format {format!r}; formats: {', '.join(FORMATS)}")
        return format
    ext = path.suffix.lower()
    by_ext = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".tsv": "deu", ".txt": "dem"}
    if ext not in by_ext:
        raise UnknownNameError(
            f"cannot tell the output format from {ext!r}; give --to ({', '.join(FORMATS)})"
        )
    return by_ext[ext]


def save_scenario(
    scenario: Scenario,
    dest: str | os.PathLike[str],
    format: str | None = None,
    *,
    overwrite: bool = True,
    keep_comments_from: str | None = None,
) -> str:
    """Write a scenario; the file appears whole or not at all.  Returns the format used.

    Parameters
    ----------
    overwrite
        Replace an existing file (its permissions are kept); when False an existing
        ``dest`` is an :class:`InputError` and nothing is written.
    keep_comments_from
        The YAML text the scenario was read from: a YAML output keeps its comments,
        key order and quoting where the values allow (see :mod:`negotia.scenario.yamlkeep`).

    A new file gets the permissions a user's other new files get (0666 less the umask).
    """
    path = Path(dest)
    fmt = format_for_output(path, format)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise InputError(str(path), Problem("", "the file exists; nothing was written (--force replaces it)"))
    text = None
    if fmt == "yaml" and keep_comments_from is not None:
        from negotia.scenario.yamlkeep import dump_yaml_keeping

        text = dump_yaml_keeping(scenario, keep_comments_from)
    if text is None:
        text = dump_scenario(scenario, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        # mkstemp creates the file 0600; the user's file gets their usual mode.
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return fmt


def _new_file_mode() -> int:
    """0666 less the process's umask (read by setting it and putting it back)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def source_path(source: str | os.PathLike[str]) -> Path | None:
    """The file a :func:`load_scenario` source names (a path, or a bundled scenario's
    file), or None for anything else (a stored scenario, say)."""
    path = Path(source)
    if path.is_file():
        return path
    try:
        return bundled_path(str(source))
    except UnknownNameError:
        return None


def lost_in(sc: Scenario, fmt: str) -> list[str]:
    """What of this scenario the format ``fmt`` would drop (the lossy-conversion check).

    Names from :data:`CANNOT_HOLD`; empty when ``fmt`` holds everything the scenario has.
    """
    with_stance = {s.actor for s in sc.stances}
    issues_with = {s.issue for s in sc.stances}
    checks = {
        "actors or issues without stances": any(a.id not in with_stance for a in sc.actors)
        or any(i.id not in issues_with for i in sc.issues),
        "actors without stances": any(a.id not in with_stance for a in sc.actors),
        "issue scales other than 0-100": any((i.scale.min, i.scale.max) != (0, 100) for i in sc.issues),
        "per-stance capabilities": any(s.capability is not None for s in sc.stances),
        "capabilities of actors without stances": any(
            a.id not in with_stance and a.capability is not None for a in sc.actors
        ),
        "actor names and aliases": any(a.name or a.aliases for a in sc.actors),
        "names": any(a.name for a in sc.actors) or any(i.name for i in sc.issues),
        "aliases": any(a.aliases for a in sc.actors),
        "issue names and anchors": any(i.name or i.anchors for i in sc.issues),
        "anchors": any(i.anchors for i in sc.issues),
        "red lines": bool(sc.red_lines),
        "sources": bool(sc.sources),
        "source details": any(s.publisher or s.date or s.url for s in sc.sources.values()),
        "uncertainty": any(s.uncertainty for s in sc.stances),
        "notes": any(s.note for s in sc.stances),
        "guarantees": bool(sc.guarantees),
        "status quo": any(i.status_quo is not None for i in sc.issues),
        "outcomes": any(i.outcome is not None for i in sc.issues),
        "roles and decision rules": any(a.role or a.veto_on for a in sc.actors)
        or sc.decision_rule is not None
        or any(i.decision_rule is not None for i in sc.issues),
        "ratification steps": bool(sc.ratifications),
        "revisions": bool(sc.revisions),
    }
    return [what for what in CANNOT_HOLD[fmt] if checks.get(what)]
