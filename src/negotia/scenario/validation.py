"""Turn raw data (a dict from any file format) into a :class:`Scenario`, collecting
every problem with the line or field it concerns.

Each list entry (actor, issue, stance, red line, source) is validated on its own, so
one bad stance does not hide the next; cross-references (unknown actor, position
outside the issue's scale, duplicates) are checked on the entries that did validate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from negotia.errors import InputError, Problem
from negotia.locations import LineOf, Loc, locate, path_str, pydantic_problems
from negotia.scenario.roles import Ratification
from negotia.scenario.schema import (
    Actor,
    Issue,
    RedLine,
    Scenario,
    Source,
    Stance,
    percent_salience,
    reference_problems,
)
from negotia.scenario.timeline import ITEMS, Revision

_LISTS: dict[str, TypeAdapter[Any]] = {
    "actors": TypeAdapter(Actor),
    "issues": TypeAdapter(Issue),
    "stances": TypeAdapter(Stance),
    "red_lines": TypeAdapter(RedLine),
    "ratifications": TypeAdapter(Ratification),
    "revisions": TypeAdapter(Revision),
}
_REVISION_MESSAGES = {
    "union_tag_invalid": f"unknown item; a revision changes one of: {', '.join(ITEMS)}",
    "union_tag_not_found": f"a revision needs item (one of: {', '.join(ITEMS)})",
}

__all__ = [
    "LineOf",
    "Loc",
    "ScenarioCheck",
    "locate",
    "path_str",
    "pydantic_problems",
    "run_checks",
    "scenario_from_data",
]

#: A check that a higher layer adds to loading (e.g. the guarantees package checking
#: ``Scenario.guarantees`` against its catalogue): the scenario in, ``(field path,
#: message)`` pairs out.  The loader puts each at its line, beside the file's other
#: problems.
ScenarioCheck = Callable[[Scenario], list[tuple[Loc, str]]]


def scenario_from_data(
    data: Any,
    source: str,
    line_of: LineOf | None = None,
    extra_problems: list[Problem] | None = None,
    checks: Sequence[ScenarioCheck] = (),
) -> Scenario:
    """Validate ``data`` into a Scenario or raise :class:`InputError` with every problem.

    Parameters
    ----------
    data
        The parsed file: a mapping with the scenario's fields.
    source
        The file name, for messages.
    line_of
        Maps a field path to its line in the file, where the format knows it.
    extra_problems
        Problems the format parser already found (reported together).
    checks
        Further checks of the validated scenario (see :data:`ScenarioCheck`).
    """
    problems = list(extra_problems or [])
    if not isinstance(data, Mapping):
        problems.append(
            Problem("", "a scenario file must hold a mapping of fields (name, actors, issues, ...)")
        )
        raise InputError(source, problems)
    data = dict(data)
    scale = data.get("salience_scale", 1)
    if isinstance(scale, bool) or scale not in (1, 100):  # True == 1 in Python, not in a file
        problems.append(Problem(locate(("salience_scale",), line_of), f"must be 1 or 100, got {scale!r}"))
        scale = 1
    lists = _validate_lists(data, scale, line_of, problems)
    good_sources = _validate_sources(data.get("sources") or {}, line_of, problems)
    rest = {k: v for k, v in data.items() if k not in (*_LISTS, "sources", "salience_scale")}
    try:
        sc = Scenario.model_validate(
            {**rest, **lists.clean, "sources": good_sources, "salience_scale": 1},
            context={"defer_references": True},
        )
    except ValidationError as e:
        problems.extend(pydantic_problems(e, (), line_of))
        raise InputError(source, sorted(problems, key=_line_key)) from None
    problems += _cross_reference_problems(sc, lists, bool(extra_problems), line_of)
    problems += _check_problems(sc, checks, line_of)
    if problems:
        raise InputError(source, sorted(problems, key=_line_key))
    return sc


@dataclass
class _Lists:
    """The list entries that validated, by field."""

    clean: dict[str, Any] = field(default_factory=dict)
    #: Where each entry that validated sits in the file, so that cross-reference
    #: problems (found on the entries that validated) name the file's index and line.
    file_index: dict[str, list[int]] = field(default_factory=dict)
    #: Ids of actors and issues that are in the file but failed validation: a stance on
    #: them is not an "unknown issue" (their own problem is reported, once).
    failed: dict[str, set[str]] = field(default_factory=lambda: {"actors": set(), "issues": set()})


def _validate_lists(
    data: dict[str, Any], scale: int, line_of: LineOf | None, problems: list[Problem]
) -> _Lists:
    """Each entry of each list validated on its own (saliences rescaled from 0-100 first)."""
    out = _Lists()
    for name, model in _LISTS.items():
        items = data.get(name) or []
        if not isinstance(items, list):
            problems.append(Problem(locate((name,), line_of), "must be a list"))
            items = []
        good = []
        for k, item in enumerate(items):
            if scale == 100 and isinstance(item, Mapping):
                item = _rescaled_entry(name, k, item, line_of, problems)
            try:
                good.append(model.validate_python(item))
                out.file_index.setdefault(name, []).append(k)
            except ValidationError as e:
                if name in ("actors", "issues") and isinstance(item, Mapping):
                    out.failed[name].add(repr(str(item.get("id"))))
                if name == "revisions":
                    problems.extend(
                        pydantic_problems(
                            e, (name, k), line_of, clean_loc=_revision_loc, messages=_REVISION_MESSAGES
                        )
                    )
                else:
                    problems.extend(pydantic_problems(e, (name, k), line_of))
        out.clean[name] = good
    return out


def _rescaled_entry(
    name: str, k: int, item: Mapping[str, Any], line_of: LineOf | None, problems: list[Problem]
) -> Any:
    """A stance, or a revision of a stance, with its salience from 0-100 to 0-1."""
    if name == "stances":
        return _rescale_salience(item, (name, k), line_of, problems)
    if name == "revisions":
        change = item.get("set")
        if item.get("item") == "stance" and isinstance(change, Mapping):
            change = _rescale_salience(change, (name, k, "set"), line_of, problems)
            return {**item, "set": change}
    return item


def _validate_sources(sources: Any, line_of: LineOf | None, problems: list[Problem]) -> dict[str, Source]:
    if isinstance(sources, list):
        # Also accept a list of {id: ..., title: ...}.
        as_map: dict[str, Any] = {}
        for k, s in enumerate(sources):
            if isinstance(s, Mapping) and "id" in s:
                as_map[str(s["id"])] = {key: v for key, v in s.items() if key != "id"}
            else:
                problems.append(Problem(locate(("sources", k), line_of), "a source in a list needs an id"))
        sources = as_map
    if not isinstance(sources, Mapping):
        problems.append(Problem(locate(("sources",), line_of), "must be a mapping of id -> source"))
        sources = {}
    good_sources = {}
    for sid, s in sources.items():
        try:
            good_sources[str(sid)] = Source.model_validate(s)
        except ValidationError as e:
            problems.extend(pydantic_problems(e, ("sources", str(sid)), line_of))
    return good_sources


def _cross_reference_problems(
    sc: Scenario, lists: _Lists, parser_found_problems: bool, line_of: LineOf | None
) -> list[Problem]:
    """Unknown actors, duplicates, positions off the scale, ... at the file's own indices."""
    problems = []
    for path, msg in reference_problems(sc):
        if (parser_found_problems or lists.failed.get(path)) and path in ("actors", "issues"):
            continue  # "no actors" only repeats that every row of the file was bad
        unknown = _UNKNOWN.match(msg)
        if unknown and unknown.group(2) in lists.failed[unknown.group(1) + "s"]:
            continue
        loc = _parse_path(path)
        if len(loc) > 1 and loc[0] in lists.file_index and isinstance(loc[1], int):
            loc = (loc[0], lists.file_index[str(loc[0])][loc[1]], *loc[2:])
        problems.append(Problem(locate(loc, line_of), _renumber(msg, lists.file_index)))
    return problems


_UNKNOWN = re.compile(r"unknown (actor|issue) ('.*'|\".*\")$")


def _check_problems(sc: Scenario, checks: Sequence[ScenarioCheck], line_of: LineOf | None) -> list[Problem]:
    return [Problem(locate(loc, line_of), msg) for check in checks for loc, msg in check(sc)]


def run_checks(sc: Scenario, checks: Sequence[ScenarioCheck], source: str) -> Scenario:
    """``sc`` if every check passes, else :class:`InputError` with every problem (for
    formats whose reader already built the scenario)."""
    problems = _check_problems(sc, checks, None)
    if problems:
        raise InputError(source, problems)
    return sc


def _renumber(msg: str, file_index: dict[str, list[int]]) -> str:
    """A message's references to other entries ("first at stances[2]") in file indices."""

    def sub(m: re.Match[str]) -> str:
        where = file_index.get(m.group(1))
        k = int(m.group(2))
        return f"{m.group(1)}[{where[k] if where and k < len(where) else k}]"

    return re.sub(r"\b(actors|issues|stances|red_lines|ratifications|revisions)\[(\d+)\]", sub, msg)


def _revision_loc(raw: tuple[Any, ...]) -> Loc:
    # A discriminated union puts the item kind first: ("stance", "set", "position").
    loc = tuple(x for x in raw if x not in ("function-after", "function-before", "function-wrap"))
    return loc[1:] if loc and loc[0] in ITEMS else loc


def _line_key(p: Problem) -> int:
    # File order where lines are known; problems without a line keep their place last.
    if p.where.startswith("line "):
        digits = p.where[5:].split(",", 1)[0].strip()
        if digits.isdigit():
            return int(digits)
    return 1 << 30


def _rescale_salience(
    item: Mapping[str, Any], loc: Loc, line_of: LineOf | None, problems: list[Problem]
) -> Any:
    sal = item.get("salience")
    if isinstance(sal, int | float) and not isinstance(sal, bool):
        where = locate((*loc, "salience"), line_of)
        if not math.isfinite(sal):
            problems.append(Problem(where, f"salience must be a finite number, got {sal}"))
            item = {**item, "salience": 0.0}
        elif not 0 <= sal <= 100:
            problems.append(Problem(where, f"salience {sal:g} is outside 0-100"))
            item = {**item, "salience": 0.0}
    return percent_salience(item)


def _parse_path(path: str) -> Loc:
    """Inverse of :func:`path_str` for the simple paths reference checks produce."""
    out: list[str | int] = []
    for part in path.replace("]", "").split("."):
        name, *idx = part.split("[")
        if name:
            out.append(name)
        out.extend(int(i) for i in idx)
    return tuple(out)
