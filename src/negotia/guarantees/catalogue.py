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
from datetime import date as Date
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


@dataclass(frozen=True)
class LeftOut:
    """An instrument or arrangement that an analysis as of a day leaves out, and why."""

    id: str
    kind: str  # "instrument" or "arrangement"
    known_from: Date | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        known = self.known_from.isoformat() if self.known_from else None
        return {"id": self.id, "kind": self.kind, "known_from": known, "reason": self.reason}


@dataclass
class Catalogue:
    """Instruments and arrangements by id.

    A catalogue *as of* a day (:meth:`as_of`) holds only what was signed or reported by
    then: ``left_out`` says what it dropped and why, ``trimmed`` which instruments each
    remaining arrangement lost, and looking up a dropped id names the reason.
    """

    instruments: dict[str, Instrument] = field(default_factory=dict)
    arrangements: dict[str, Arrangement] = field(default_factory=dict)
    day: Date | None = None
    left_out: dict[str, LeftOut] = field(default_factory=dict)
    trimmed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_of(self, day: Date | None) -> Catalogue:
        """The catalogue an analysis of ``day`` may use (itself when ``day`` is None).

        An instrument counts from the day it became known (:attr:`Instrument.known_from`:
        reported, else signed); an undated one is kept, since nothing places it later.
        An arrangement keeps its instruments known by ``day`` and is left out when none
        of them is (an empty arrangement such as "no guarantee" stays).
        """
        if day is None:
            return self
        insts: dict[str, Instrument] = {}
        left = {k: v for k, v in self.left_out.items() if v.kind == "instrument"}
        for ident, inst in self.instruments.items():
            known = inst.known_from
            if known is not None and known > day:
                how = "reported" if inst.reported is not None else "signed"
                left[ident] = LeftOut(ident, "instrument", known, f"{how} {known}, after {day}")
            else:
                insts[ident] = inst
        arrs: dict[str, Arrangement] = {}
        trimmed = dict(self.trimmed)
        for ident, arr in self.arrangements.items():
            gone = tuple(i for i in arr.instruments if i in left)
            if not gone:
                arrs[ident] = arr
                continue
            kept = [i for i in arr.instruments if i not in left]
            if not kept:
                known = min(d for i in gone if (d := left[i].known_from) is not None)
                left[ident] = LeftOut(
                    ident, "arrangement", known, f"none of its instruments was known by {day}"
                )
                continue
            trimmed[ident] = gone
            arrs[ident] = arr.model_copy(
                update={
                    "instruments": kept,
                    "join": {k: v for k, v in arr.join.items() if k in kept},
                    "bindingness": {k: v for k, v in arr.bindingness.items() if k in kept},
                }
            )
        return Catalogue(insts, arrs, day, left, trimmed)

    def left_out_of(self, arrangement_id: str) -> list[LeftOut]:
        """The instruments the arrangement ``arrangement_id`` lost to the day, with why."""
        return [self.left_out[i] for i in self.trimmed.get(arrangement_id, ())]

    def _dropped(self, key: str, what: str) -> None:
        gone = self.left_out.get(key)
        if gone is not None:
            raise UnknownNameError(
                f"{what} {key!r} is left out of an analysis as of {self.day}: {gone.reason}"
            )

    def instrument(self, ident: str) -> Instrument:
        """The instrument ``ident`` (also accepts ``_`` for ``-``)."""
        key = ident.strip().lower().replace("_", "-")
        if key in self.instruments:
            return self.instruments[key]
        self._dropped(key, "instrument")
        close = difflib.get_close_matches(key, list(self.instruments), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownNameError(
            f"no instrument {ident!r} in the catalogue{hint} (see `negotia guarantees list`)"
        )

    def arrangement(self, ident: str) -> Arrangement:
        key = ident.strip().lower().replace("_", "-")
        if key in self.arrangements:
            return self.arrangements[key]
        self._dropped(key, "arrangement")
        raise UnknownNameError(
            f"no arrangement {ident!r}; known: {', '.join(self.arrangements)} "
            "(or give instrument ids joined with '+')"
        )

    def merged(self, other: Catalogue) -> Catalogue:
        """Both catalogues (``other`` wins on a shared id).  Merge undated catalogues,
        then date the result, so that one day applies to all."""
        return Catalogue(
            {**self.instruments, **other.instruments},
            {**self.arrangements, **other.arrangements},
            self.day or other.day,
            {**self.left_out, **other.left_out},
            {**self.trimmed, **other.trimmed},
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


def data_text(name: str) -> str:
    """The text of a bundled file in ``negotia/guarantees/data``."""
    return (resources.files("negotia.guarantees") / "data" / name).read_text(encoding="utf-8")


@functools.cache
def _bundled() -> Catalogue:
    from negotia.scenario.yamljson import parse_yaml

    data, lines = parse_yaml(data_text("catalogue.yaml"), "negotia/guarantees/data/catalogue.yaml")
    return catalogue_from_data(data, "negotia/guarantees/data/catalogue.yaml", lines.get)


@functools.cache
def catalogue(as_of: Date | None = None) -> Catalogue:
    """The bundled catalogue (instruments and arrangements); with ``as_of``, only what
    was signed or reported by that day (see :meth:`Catalogue.as_of`)."""
    return _bundled().as_of(as_of)


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

    raw = yaml.safe_load(data_text("regions.yaml"))["regions"]
    return {k: tuple(v) for k, v in raw.items()}


def tags_of(codes: list[str]) -> set[str]:
    """Location tags with the regions they lie in."""
    out: set[str] = set()
    reg = regions()
    for c in codes:
        out.add(c)
        out.update(reg.get(c, ()))
    return out
