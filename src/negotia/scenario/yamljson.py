"""The full scenario schema as YAML or JSON, with line numbers in error messages.

Reading is one parse.  Line numbers are needed only when a problem must be reported,
so they are found lazily: a YAML file is composed again (its node tree, not its data)
and a JSON file gets a linear scan of its tokens.  The YAML walk visits every written
node once and never follows an alias into the node it names, so an "alias bomb"
(``&a [*b, *b, ...]`` nested a few times) costs no more than its text; documents whose
aliases would expand them by more than :data:`MAX_ALIAS_EXPANSION` values are refused
before their data is built.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from negotia.errors import InputError, Problem
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import Loc, ScenarioCheck, scenario_from_data

#: How many values aliases (``*name``) may add to a document beyond those written in it.
#: Real files use aliases to share a mapping a few times; a "billion laughs" file adds
#: billions.  A million is far above the first and far below what exhausts memory.
MAX_ALIAS_EXPANSION = 1_000_000

# The C parser (libyaml) where PyYAML was built with it: about ten times faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with the node's position on a value it cannot construct
    (an impossible date such as 2025-02-30, an integer too long to convert)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as e:
            value = str(node.value) if isinstance(node, yaml.ScalarNode) else node.tag
            shown = value if len(value) <= 40 else f"{value[:20]}...({len(value)} characters)"
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value {shown!r}: {_reason(e)}", node.start_mark
            ) from None


def _reason(e: Exception) -> str:
    text = str(e)
    if "integer string conversion" in text:
        return "a number with more digits than any scenario needs"
    return text


class LineMap:
    """Field path -> 1-based line, computed on the first look-up only."""

    def __init__(self, build: Callable[[], dict[Loc, int]]) -> None:
        self._build: Callable[[], dict[Loc, int]] | None = build
        self._lines: dict[Loc, int] = {}

    def _map(self) -> dict[Loc, int]:
        if self._build is not None:
            build, self._build = self._build, None
            try:
                self._lines = build()
            except (yaml.YAMLError, RecursionError, ValueError):
                self._lines = {}  # positions are a help for messages, never a new failure
        return self._lines

    def get(self, loc: Loc) -> int | None:
        return self._map().get(loc)

    __call__ = get


def _children(n: yaml.Node) -> list[yaml.Node]:
    if isinstance(n, yaml.MappingNode):
        return [x for kv in n.value for x in kv]
    if isinstance(n, yaml.SequenceNode):
        return list(n.value)
    return []


def _line_map(node: yaml.Node | None) -> dict[Loc, int]:
    """Field path -> 1-based line, from a composed YAML node tree.

    Each node is entered once: a second path to it is an alias, whose line is its own
    (the key or item that holds it) and whose inside is reported at the alias.
    """
    lines: dict[Loc, int] = {}
    if node is None:
        return lines
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Loc]] = [(node, ())]
    while stack:
        n, loc = stack.pop()
        lines.setdefault(loc, n.start_mark.line + 1)
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                lines[(*loc, key)] = k.start_mark.line + 1
                stack.append((v, (*loc, key)))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                lines[(*loc, i)] = v.start_mark.line + 1
                stack.append((v, (*loc, i)))
    return lines


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose aliases expand it beyond :data:`MAX_ALIAS_EXPANSION`
    values, or that contains itself; counted on the written nodes, without expanding."""
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        n, done = stack.pop()
        key = id(n)
        if done:
            size[key] = 1 + sum(size[id(c)] for c in _children(n))
            open_.discard(key)
            continue
        if key in size:
            continue
        if key in open_:
            raise InputError(
                source,
                Problem(
                    f"line {n.start_mark.line + 1}",
                    "an alias refers to a value that contains the alias itself (a recursive "
                    "alias); write the data out instead",
                ),
            )
        open_.add(key)
        stack.append((n, True))
        stack.extend((c, False) for c in _children(n) if id(c) not in size)
    written, expanded = len(size), size[id(root)]
    if expanded - written > MAX_ALIAS_EXPANSION:
        raise InputError(
            source,
            Problem(
                "",
                f"aliases (*name) expand this document from {written:,} written values to "
                f"{expanded:,}; negotia accepts at most {MAX_ALIAS_EXPANSION:,} values added by "
                "aliases (an 'alias bomb'?); write the data out instead",
            ),
        )


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


def _yaml_problem(e: yaml.YAMLError) -> Problem:
    mark = getattr(e, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = getattr(e, "problem", None) or str(e)
    context = getattr(e, "context", None)
    if isinstance(e, yaml.constructor.ConstructorError) and what.startswith("cannot read the value"):
        return Problem(where, what)  # well-formed YAML holding a value that cannot exist
    return Problem(where, f"malformed YAML: {what}" + (f" ({context})" if context else ""))


def _too_deep(source: str) -> InputError:
    return InputError(
        source,
        Problem(
            "",
            "the data is nested too deeply to read (lists or mappings "
            "inside each other hundreds of levels deep)",
        ),
    )


def parse_yaml(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse YAML text into data and a (lazy) line map; a clear error on malformed YAML,
    values that cannot be read, and alias bombs."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap(dict)
        if "&" in text:  # no anchor, no alias: nothing to expand
            _check_expansion(node, source)
        data = loader.construct_document(node)
    except yaml.YAMLError as e:
        raise InputError(source, _yaml_problem(e)) from None
    except RecursionError:
        raise _too_deep(source) from None
    finally:
        loader.dispose()
    return data, LineMap(lambda: _compose_lines(text))


def _compose_lines(text: str) -> dict[Loc, int]:
    loader = _Loader(text)
    try:
        return _line_map(loader.get_single_node())
    finally:
        loader.dispose()


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def json_lines(text: str) -> dict[Loc, int]:
    """Field path -> 1-based line of a JSON text, in one linear pass over its tokens.

    Assumes the text is valid JSON (it is called after :func:`json.loads` succeeded).
    """
    lines: dict[Loc, int] = {}
    # One frame per open container: [path, is_object, next index or pending key].
    frames: list[list[Any]] = []
    line, last = 1, 0
    expect_key = False
    for m in _JSON_TOKEN.finditer(text):
        start = m.start()
        line += text.count("\n", last, start)
        last = start
        tok = m.group()
        if tok in ",:":
            if tok == "," and frames:
                top = frames[-1]
                if top[1]:
                    expect_key = True
                else:
                    top[2] += 1
            continue
        if tok in "}]":
            frames.pop()
            expect_key = False
            continue
        if expect_key:
            key = json.loads(tok)
            top = frames[-1]
            top[2] = key
            lines[(*top[0], key)] = line
            expect_key = False
            continue
        loc: Loc = () if not frames else (*frames[-1][0], frames[-1][2])
        lines.setdefault(loc, line)
        if tok == "{":
            frames.append([loc, True, None])
            expect_key = True
        elif tok == "[":
            frames.append([loc, False, 0])
    return lines


_LONG_INT = re.compile(r"\d{4000,}")


def parse_json(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse JSON text into data and a (lazy) line map; a clear error on malformed JSON,
    numbers too long to read and data nested too deeply."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            source, Problem(f"line {e.lineno}, column {e.colno}", f"malformed JSON: {e.msg}")
        ) from None
    except RecursionError:
        raise _too_deep(source) from None
    except ValueError as e:  # an integer longer than Python converts
        m = _LONG_INT.search(text)
        where = f"line {text.count(chr(10), 0, m.start()) + 1}" if m else ""
        raise InputError(source, Problem(where, f"cannot read a number: {_reason(e)}")) from None
    return data, LineMap(lambda: json_lines(text))


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Python's cycle collector paused while a file becomes objects.

    Reading allocates hundreds of thousands of containers and no cycles; each full
    collection walks all of them, which made loading grow faster than the file (twice the
    time at 9,000 stances).  The collector runs again as soon as the block ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_data(path: Path, as_json: bool | None = None) -> tuple[Any, Callable[[Loc], int | None]]:
    """A YAML or JSON file's data and a field path -> line lookup for messages.

    ``as_json`` chooses the parser (default: by the file's ending).  Positions are found
    only when a message asks for one.
    """
    text = read_text(path)
    with no_gc():
        if not (path.suffix.lower() == ".json" if as_json is None else as_json):
            data, lines = parse_yaml(text, str(path))
        else:
            data, lines = parse_json(text, str(path))
    return data, lines.get


def load_yaml(path: Path, checks: Sequence[ScenarioCheck] = ()) -> Scenario:
    """Load a scenario written in YAML (``checks``: see :func:`scenario_from_data`)."""
    data, line_of = read_data(path, as_json=False)
    with no_gc():
        return scenario_from_data(data, str(path), line_of, checks=checks)


def load_json(path: Path, checks: Sequence[ScenarioCheck] = ()) -> Scenario:
    """Load a scenario written in JSON (line numbers in errors where they can be found)."""
    data, line_of = read_data(path, as_json=True)
    with no_gc():
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
