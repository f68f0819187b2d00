"""The full scenario schema as YAML or JSON, with line numbers in error messages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from negotia.errors import InputError, Problem
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import Loc, ScenarioCheck, scenario_from_data


def _line_map(node: yaml.Node | None) -> dict[Loc, int]:
    """Field path -> 1-based line, from a composed YAML node tree."""
    lines: dict[Loc, int] = {}

    def walk(n: yaml.Node, loc: Loc) -> None:
        lines.setdefault(loc, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                lines[(*loc, key)] = k.start_mark.line + 1
                walk(v, (*loc, key))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                lines[(*loc, i)] = v.start_mark.line + 1
                walk(v, (*loc, i))

    if node is not None:
        walk(node, ())
    return lines


def read_text(path: Path) -> str:
    """A file's text as UTF-8 (a BOM is allowed); a clear error for another encoding."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(
            str(path),
            Problem(f"line {line}", f"not valid UTF-8 (byte 0x{raw[e.start]:02x}); save the file as UTF-8"),
        ) from None


def parse_yaml(text: str, source: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML text into data and a line map; a clear error on malformed YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        raise InputError(
            source, Problem(where, f"malformed YAML: {what}" + (f" ({context})" if context else ""))
        ) from None
    return data, _line_map(node)


def read_data(path: Path, as_json: bool | None = None) -> tuple[Any, Callable[[Loc], int | None]]:
    """A YAML or JSON file's data and a field path -> line lookup for messages.

    ``as_json`` chooses the parser (default: by the file's ending).  JSON is parsed as
    JSON (so its own syntax errors are reported); since JSON is (nearly) YAML, the YAML
    composer still gives the positions for messages.
    """
    text = read_text(path)
    if not (path.suffix.lower() == ".json" if as_json is None else as_json):
        data, lines = parse_yaml(text, str(path))
        return data, lines.get
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            str(path), Problem(f"line {e.lineno}, column {e.colno}", f"malformed JSON: {e.msg}")
        ) from None
    try:
        lines = _line_map(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        lines = {}
    return data, lines.get


def load_yaml(path: Path, checks: Sequence[ScenarioCheck] = ()) -> Scenario:
    """Load a scenario written in YAML (``checks``: see :func:`scenario_from_data`)."""
    data, line_of = read_data(path, as_json=False)
    return scenario_from_data(data, str(path), line_of, checks=checks)


def load_json(path: Path, checks: Sequence[ScenarioCheck] = ()) -> Scenario:
    """Load a scenario written in JSON (line numbers in errors where they can be found)."""
    data, line_of = read_data(path, as_json=True)
    return scenario_from_data(data, str(path), line_of, checks=checks)


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the file schema (saliences on 0-1, defaults left out)."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["salience_scale"] = 1
    return data


def dump_yaml(scenario: Scenario) -> str:
    data = scenario_to_data(scenario)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def dump_json(scenario: Scenario) -> str:
    return json.dumps(scenario_to_data(scenario), indent=2, ensure_ascii=False, default=_default) + "\n"


def _default(x: Any) -> Any:
    if isinstance(x, dt.date):
        return x.isoformat()
    raise TypeError(type(x).__name__)
