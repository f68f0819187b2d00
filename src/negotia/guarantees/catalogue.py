"""The catalogue of real instruments shipped with negotia, and loading guarantee files.

The catalogue (``data/catalogue.yaml``) holds the instruments and the arrangements
(sets of instruments) that the Ukraine case compares.  User files in the same schema —
one instrument, a list of them, or a mapping with ``instruments`` and ``arrangements`` —
load with :func:`load_guarantees_file`; every problem is reported with its line and
field path.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from negotia.errors import InputError, Problem, UnknownNameError
from negotia.guarantees.schema import CONDITION_TYPES, Arrangement, Event, Instrument
from negotia.locations import LineOf, Loc, locate
from negotia.locations import pydantic_problems as _pydantic_problems


def pydantic_problems(err: ValidationError, prefix: Loc = (), line_of: LineOf | None = None) -> list[Problem]:
    """Turn a pydantic error into :class:`Problem` s naming the field (and line)."""
    return _pydantic_problems(
        err,
        prefix,
        line_of,
        docs="docs/guarantees.md",
        clean_loc=_user_path,
        messages={
            "union_tag_invalid": f"unknown condition type; use one of: {', '.join(CONDITION_TYPES)}",
            "union_tag_not_found": f"a condition needs a 'type' ({', '.join(CONDITION_TYPES)})",
        },
    )


def _user_path(raw: tuple[Any, ...]) -> Loc:
    """Pydantic's error location without its internal tags (validator kinds, union tags)."""
    out: list[Any] = []
    for x in raw:
        if x in ("function-after", "function-before"):
            continue
        # a discriminated union adds the tag right after the list index: conditions[0].location
        if len(out) >= 2 and out[-2] == "conditions" and isinstance(out[-1], int) and x in CONDITION_TYPES:
            continue
        out.append(x)
    return tuple(out)


def validate_model(
    model: type[BaseModel], data: Any, source: str, loc: Loc = (), line_of: LineOf | None = None
) -> Any:
    """``model.model_validate(data)`` or :class:`InputError` naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InputError(source, pydantic_problems(e, loc, line_of)) from None


def _read(path: Path) -> tuple[Any, LineOf | None]:
    from negotia.scenario.yamljson import read_data

    return read_data(path)


@dataclass
class Catalogue:
    """Instruments and arrangements by id."""

    instruments: dict[str, Instrument] = field(default_factory=dict)
    arrangements: dict[str, Arrangement] = field(default_factory=dict)

    def instrument(self, ident: str) -> Instrument:
        """The instrument ``ident`` (also accepts ``_`` for ``-``)."""
        key = ident.strip().lower().replace("_", "-")
        if key in self.instruments:
            return self.instruments[key]
        close = difflib.get_close_matches(key, list(self.instruments), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(
            f"no instrument {ident!r} in the catalogue{hint} (see `negotia guarantees list`)"
        )

    def arrangement(self, ident: str) -> Arrangement:
        key = ident.strip().lower().replace("_", "-")
        if key in self.arrangements:
            return self.arrangements[key]
        raise UnknownNameError(
            f"no arrangement {ident!r}; known: {', '.join(self.arrangements)} "
            "(or give instrument ids joined with '+')"
        )

    def merged(self, other: Catalogue) -> Catalogue:
        return Catalogue(
            {**self.instruments, **other.instruments}, {**self.arrangements, **other.arrangements}
        )


def catalogue_from_data(
    data: Any, source: str, line_of: LineOf | None = None, known: Iterable[str] = ()
) -> Catalogue:
    """Validate instruments and arrangements, collecting every problem (with its line).

    Parameters
    ----------
    data
        The parsed file: an instrument, a list of them, or a mapping with
        ``instruments`` and ``arrangements``.
    source
        The file name, for messages.
    line_of
        Field path -> line, where the format knows it.
    known
        Ids of instruments defined elsewhere (e.g. the bundled catalogue) that the
        file's arrangements may name besides its own instruments.
    """
    known = set(known)
    problems: list[Problem] = []
    if isinstance(data, list):
        data = {"instruments": data}
    elif isinstance(data, Mapping) and "instruments" not in data and "arrangements" not in data:
        data = {"instruments": [data]}
        line_of = _shifted(line_of, ("instruments", 0))
    if not isinstance(data, Mapping):
        raise InputError(source, "a guarantees file holds an instrument, a list of them, or 'instruments:'")
    extra = set(data) - {"instruments", "arrangements"}
    for key in sorted(extra):
        problems.append(
            Problem(locate((key,), line_of), "unknown field (expected instruments, arrangements)")
        )
    cat = Catalogue()
    for what, model, store in (
        ("instruments", Instrument, cat.instruments),
        ("arrangements", Arrangement, cat.arrangements),
    ):
        items = data.get(what) or []
        if not isinstance(items, list):
            problems.append(Problem(locate((what,), line_of), "must be a list"))
            continue
        for k, item in enumerate(items):
            try:
                obj = model.model_validate(item)
            except ValidationError as e:
                problems.extend(pydantic_problems(e, (what, k), line_of))
                continue
            if obj.id in store:
                problems.append(Problem(locate((what, k, "id"), line_of), f"duplicate id {obj.id!r}"))
            store[obj.id] = obj
    for k, arr in enumerate(cat.arrangements.values()):
        for j, ref in enumerate(arr.instruments):
            if ref not in cat.instruments and ref not in known:
                problems.append(
                    Problem(
                        locate(("arrangements", k, "instruments", j), line_of), f"unknown instrument {ref!r}"
                    )
                )
    if problems:
        raise InputError(source, problems)
    return cat


def _shifted(line_of: LineOf | None, prefix: Loc) -> LineOf | None:
    if line_of is None:
        return None
    n = len(prefix)

    def f(loc: Loc) -> int | None:
        return line_of(loc[n:]) if loc[:n] == prefix else line_of(loc)

    return f


def _data_text(name: str) -> str:
    return (resources.files("negotia.guarantees") / "data" / name).read_text(encoding="utf-8")


@functools.cache
def catalogue() -> Catalogue:
    """The bundled catalogue (instruments and arrangements)."""
    from negotia.scenario.yamljson import parse_yaml

    data, lines = parse_yaml(_data_text("catalogue.yaml"), "negotia/guarantees/data/catalogue.yaml")
    return catalogue_from_data(data, "negotia/guarantees/data/catalogue.yaml", lines.get)


def get_instrument(ident: str) -> Instrument:
    """A catalogue instrument by id (:class:`UnknownNameError` naming close ids otherwise)."""
    return catalogue().instrument(ident)


def load_guarantees_file(path: str | Path, known: Iterable[str] | None = None) -> Catalogue:
    """Load instruments (and arrangements) from a YAML or JSON file in negotia's schema.

    An arrangement in the file may name the file's own instruments and those whose ids
    are ``known`` (default: the bundled catalogue's).
    """
    p = Path(path)
    data, line_of = _read(p)
    ids = catalogue().instruments if known is None else known
    return catalogue_from_data(data, str(p), line_of, ids)


def load_event_file(path: str | Path) -> Event:
    """Load an :class:`Event` from YAML or JSON; errors name the field and line."""
    p = Path(path)
    data, line_of = _read(p)
    if not isinstance(data, Mapping):
        raise InputError(str(p), "an event file holds a mapping (attacker, target, kind, date, ...)")
    return validate_model(Event, data, str(p), (), line_of)


@functools.cache
def regions() -> dict[str, tuple[str, ...]]:
    """Region tags of each territory code (``UKR -> (europe,)``)."""
    import yaml

    raw = yaml.safe_load(_data_text("regions.yaml"))["regions"]
    return {k: tuple(v) for k, v in raw.items()}


def tags_of(codes: list[str]) -> set[str]:
    """Location tags with the regions they lie in."""
    out: set[str] = set()
    reg = regions()
    for c in codes:
        out.add(c)
        out.update(reg.get(c, ()))
    return out
