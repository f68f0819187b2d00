"""Where in an input a problem is: field paths, line numbers, and pydantic errors
turned into :class:`~negotia.errors.Problem` s that name them.

Shared by every loader (scenarios, guarantee files, events) so that all of them report
problems the same way: ``line 12, stances[3].salience: salience 180 is outside 0-100``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from negotia.errors import Problem

Loc = tuple[str | int, ...]
LineOf = Callable[[Loc], int | None]


def path_str(loc: Loc) -> str:
    """``("stances", 3, "salience")`` -> ``"stances[3].salience"``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def locate(loc: Loc, line_of: LineOf | None) -> str:
    """``"line 12, stances[3].salience"``: the field path, with the deepest line the file
    has for it."""
    path = path_str(loc)
    line = None
    if line_of is not None:
        for k in range(len(loc), -1, -1):
            line = line_of(loc[:k])
            if line is not None:
                break
    if line is None:
        return path
    return f"line {line}, {path}" if path else f"line {line}"


def pydantic_problems(
    err: ValidationError,
    prefix: Loc = (),
    line_of: LineOf | None = None,
    *,
    docs: str = "the scenario format in the README",
    clean_loc: Callable[[tuple[Any, ...]], Loc] | None = None,
    messages: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Turn a pydantic error into :class:`Problem` s naming the field (and line).

    Parameters
    ----------
    err
        The validation error.
    prefix
        Where the validated value sits in the file (e.g. ``("stances", 3)``).
    line_of
        Field path -> line, where the format knows it.
    docs
        Where an unknown field's valid names are documented.
    clean_loc
        Removes pydantic's internal location parts (validator kinds, union tags); the
        default drops validator kinds only.
    messages
        Replacement messages by pydantic error type.
    """
    out = []
    for e in err.errors(include_url=False):
        raw = tuple(e["loc"])
        loc = prefix + (clean_loc(raw) if clean_loc else tuple(x for x in raw if x not in _VALIDATOR_KINDS))
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if messages and e["type"] in messages:
            msg = messages[e["type"]]
        elif e["type"] == "extra_forbidden":
            msg = f"unknown field (check the spelling; see {docs})"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif "input" in e and e["type"] != "value_error" and not isinstance(e["input"], dict | list):
            msg = f"{msg} (got {e['input']!r})"
        out.append(Problem(locate(loc, line_of), msg))
    return out


_VALIDATOR_KINDS = ("function-after", "function-before")
