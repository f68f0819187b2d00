"""What every model shares: its description (:class:`ModelInfo`) and its result
(:class:`Forecast`).

A model is a module with a ``MODEL_INFO`` record and a pure function
``forecast(arrays, *, rng=None, **params) -> Forecast`` over a
:class:`~negotia.scenario.arrays.ScenarioArrays` batch.  Models work on the [0, 1]
scale; :class:`Forecast` maps outcomes back to each issue's own scale.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.errors import ParameterError
from negotia.jsonable import to_jsonable
from negotia.scenario.scale import to_scale

# The weighting table lives with the data (one home); models read it through here too.
from negotia.scenario.weighting import WEIGHTING_SCHEMES
from negotia.scenario.weighting import weight_factors as weight_factors
from negotia.scenario.weighting import weights_for as weights_for


@dataclass(frozen=True)
class Param:
    """One model parameter: its name, default, type and allowed values."""

    name: str
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    type: type = str
    minimum: float | None = None
    maximum: float | None = None

    def coerce(self, value: Any, model: str) -> Any:
        """Convert ``value`` (possibly a CLI string) to this parameter's type, or raise."""
        try:
            if self.type is bool and isinstance(value, str):
                low = value.strip().lower()
                if low not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError
                v: Any = low in {"true", "1", "yes"}
            elif self.type is bool:
                v = bool(value)
            elif value is None:
                v = None
            else:
                v = self.type(value)
        except (TypeError, ValueError):
            raise ParameterError(
                f"model {model!r}: parameter {self.name!r} must be {self.type.__name__}, got {value!r}"
            ) from None
        if self.choices is not None and v not in self.choices:
            opts = ", ".join(map(str, self.choices))
            raise ParameterError(f"model {model!r}: parameter {self.name!r} must be one of {opts}; got {v!r}")
        if self.minimum is not None and v is not None and v < self.minimum:
            raise ParameterError(
                f"model {model!r}: parameter {self.name!r} must be >= {self.minimum:g}; got {v!r}"
            )
        if self.maximum is not None and v is not None and v > self.maximum:
            raise ParameterError(
                f"model {model!r}: parameter {self.name!r} must be <= {self.maximum:g}; got {v!r}"
            )
        return v


@dataclass(frozen=True)
class ModelInfo:
    """The description of a model, from which the CLI and docs are generated."""

    name: str
    title: str
    citation: str
    summary: str
    stochastic: bool = False
    dynamic: bool = False
    params: tuple[Param, ...] = ()

    def resolve(self, params: dict[str, Any]) -> dict[str, Any]:
        """Defaults filled in, values coerced; unknown names raise ParameterError."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            valid = ", ".join(known) or "none"
            raise ParameterError(
                f"model {self.name!r} has no parameter {', '.join(map(repr, unknown))} (parameters: {valid})"
            )
        return {n: p.coerce(params[n], self.name) if n in params else p.default for n, p in known.items()}


class Record(Mapping[str, Any]):
    """Base of a dynamic model's typed records (its events and its per-round trace).

    A subclass is a frozen dataclass, declared ``@dataclass(frozen=True, eq=False)`` so
    that equality stays the one defined here (a record equals another record or a
    plain mapping with the same keys and values).  Fields are read as attributes in
    Python; presenters and JSON read the same record as a read-only mapping keyed by
    each field's *key*: its name, or ``field(metadata={"key": "from"})`` where the key
    is a Python keyword.  Fields holding ``None`` are left out, so optional parts of a
    record cost nothing in its JSON.  Nested records (and lists of them) become nested
    mappings in :meth:`to_dict`.
    """

    __slots__ = ()

    def _keys(self) -> tuple[tuple[str, str], ...]:
        return _record_keys(type(self))

    def __getitem__(self, key: str) -> Any:
        for k, name in self._keys():
            if k == key:
                value = getattr(self, name)
                if value is not None:
                    return value
                break
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, name in self._keys() if getattr(self, name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        if set(self) != set(other):
            return False
        return all(_same(self[k], other[k]) for k in self)

    __hash__ = None  # type: ignore[assignment]  # records may hold arrays

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data (nested records become dicts; arrays stay arrays)."""
        return {k: _plain(self[k]) for k in self}


@functools.cache
def _record_keys(cls: type) -> tuple[tuple[str, str], ...]:
    """``(key, attribute name)`` of each field of a record class."""
    return tuple((f.metadata.get("key", f.name), f.name) for f in dataclasses.fields(cls))


def _plain(x: Any) -> Any:
    if isinstance(x, Record):
        return x.to_dict()
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def _same(a: Any, b: Any) -> bool:
    # A tuple of records equals the list of dicts it becomes in JSON.
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@dataclass(frozen=True, eq=False)
class RoundEvent(Record):
    """Something a dynamic model did in one round (a move, an exchange), for one batch
    element.  Models subclass it with their own fields (see :class:`Record`).

    Attributes
    ----------
    round
        The round in which it happened, counted from 1 (round 0 is the start).
    """

    round: int


@dataclass(frozen=True, eq=False)
class RoundTrace(Record):
    """A dynamic model's per-round arrays.  Models subclass it with one field per array.

    Every array has the round as its first axis, with ``R + 1`` entries (the start and
    each of ``R`` rounds) unless its field's docstring says otherwise, then the batch
    axis; values are on [0, 1] like the model's outcome.
    """


def _jsonable(x: Any) -> Any:
    # Arrays are tagged with their dtype so that from_dict restores them; the values
    # themselves are cleaned by negotia.jsonable (absent actors' NaN become null).
    if isinstance(x, Record):
        return _jsonable(x.to_dict())
    if isinstance(x, np.ndarray):
        return {"__ndarray__": to_jsonable(x), "dtype": str(x.dtype)}
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    return to_jsonable(x)


def _from_jsonable(x: Any) -> Any:
    if isinstance(x, dict) and "__ndarray__" in x:
        data = x["__ndarray__"]
        return np.array(
            np.array(data, dtype=object).astype(float) if x["dtype"].startswith("float") else data,
            dtype=x["dtype"],
        )
    if isinstance(x, dict):
        return {k: _from_jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_from_jsonable(v) for v in x]
    return x


@dataclass
class Forecast:
    """A model's predicted outcome per issue, for every batch element.

    Attributes
    ----------
    model
        The registered name of the model.
    issue_ids
        Labels of the issue axis.
    outcome
        ``(B, I)`` predicted outcome on [0, 1].
    scale_min, scale_max
        ``(I,)`` issue scale, to map outcomes back.
    params
        The parameters the model ran with (defaults filled in).
    trace
        For dynamic models: per-round arrays keyed by name, each with the round as its
        first axis (e.g. ``"position"`` of shape ``(R+1, B, A, I)``, ``"outcome"``
        ``(R+1, B, I)``), on [0, 1]: a :class:`RoundTrace` subclass or a plain dict.
    events
        For dynamic models: what happened in each round (moves, exchanges), for batch
        element 0 unless a model says otherwise: :class:`RoundEvent` subclasses or
        plain dicts (a result read back from JSON holds plain dicts).
    rounds
        ``(B,)`` number of rounds until the model settled (dynamic models), else None.
    actor_ids
        Labels of the actor axis (for traces).
    notes
        Warnings a user should see (e.g. an oscillation detected).
    """

    model: str
    issue_ids: tuple[str, ...]
    outcome: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    trace: Mapping[str, np.ndarray] = field(default_factory=dict)
    events: Sequence[Mapping[str, Any]] = field(default_factory=list)
    rounds: np.ndarray | None = None
    actor_ids: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def batch(self) -> int:
        return int(self.outcome.shape[0])

    def on_scale(self, values: np.ndarray | None = None) -> np.ndarray:
        """Outcomes (or other [0, 1] values, last axis = issues) on each issue's own scale."""
        return to_scale(self.outcome if values is None else values, self.scale_min, self.scale_max)

    def to_rows(self, batch_index: int = 0) -> list[dict[str, Any]]:
        """One row per issue: ``{"issue", "forecast"}`` on the issue scale."""
        vals = self.on_scale()[batch_index]
        return [{"issue": i, "forecast": float(v)} for i, v in zip(self.issue_ids, vals, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "model": self.model,
                "issue_ids": list(self.issue_ids),
                "outcome": self.outcome,
                "scale_min": self.scale_min,
                "scale_max": self.scale_max,
                "params": self.params,
                "trace": self.trace,
                "events": self.events,
                "rounds": self.rounds,
                "actor_ids": list(self.actor_ids),
                "notes": self.notes,
            }
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Forecast:
        d = _from_jsonable(d)
        return cls(
            model=d["model"],
            issue_ids=tuple(d["issue_ids"]),
            outcome=d["outcome"],
            scale_min=d["scale_min"],
            scale_max=d["scale_max"],
            params=d.get("params", {}),
            trace=d.get("trace", {}),
            events=d.get("events", []),
            rounds=d.get("rounds"),
            actor_ids=tuple(d.get("actor_ids", ())),
            notes=d.get("notes", []),
        )

    @classmethod
    def from_json(cls, text: str) -> Forecast:
        return cls.from_dict(json.loads(text))


WEIGHTING = Param(
    "weights",
    "capability_salience",
    "how actors are weighted: capability_salience, salience, capability or equal",
    choices=tuple(WEIGHTING_SCHEMES),
)


def equal_weight_notes(arrays: Any, weight: np.ndarray, weighting: str = "capability_salience") -> list[str]:
    """Notes naming the issues on which every present actor's ``weight`` ``(B, A, I)``
    (by the scheme ``weighting``) is zero, so that a weighted model falls back on counting
    the actors equally; none with ``weighting="equal"``.

    Why a note, not silence: an issue nobody gives any weight (every salience 0, say) is
    forecast as the plain mean or median of the positions, which the user did not ask
    for (issue 16 item 3).  Names the issues of batch element 0; for a batch also counts
    the (batch element, issue) runs where it happened.
    """
    if weighting == "equal":
        return []
    what = weighting.replace("_", " x ")
    present = np.asarray(arrays.present)
    unweighted = present.any(axis=-2) & ~(np.where(present, weight, 0.0) > 0).any(axis=-2)  # (B, I)
    if not unweighted.any():
        return []
    notes = []
    issues = [iid for iid, hit in zip(arrays.issue_ids, unweighted[0], strict=True) if hit]
    if issues:
        names = ", ".join(repr(i) for i in issues[:5]) + (
            f" and {len(issues) - 5} more" if len(issues) > 5 else ""
        )
        notes.append(
            f"issue{'s' if len(issues) > 1 else ''} {names}: every actor's weight ({what}) is 0, "
            "so the actors taking part were counted equally"
        )
    if unweighted.shape[0] > 1:
        notes.append(
            f"weights all 0 ({what}) in {int(unweighted.sum()):,} of {unweighted.size:,} "
            "(batch element, issue) runs: the actors there were counted equally"
        )
    return notes
