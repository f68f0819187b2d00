"""The base type of a dynamic model's typed events and traces (``models.base.Record``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pytest

from negotia.models.base import Forecast, RoundEvent, RoundTrace


@dataclass(frozen=True, eq=False)
class Side(RoundEvent):
    actor: str = ""
    start: float = 0.0
    end: float = field(default=0.0, metadata={"key": "to"})
    note: str | None = None


@dataclass(frozen=True, eq=False)
class Deal(RoundEvent):
    first: Side | None = None
    sides: tuple[Side, ...] = ()


@dataclass(frozen=True, eq=False)
class Trace(RoundTrace):
    outcome: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 1)))
    risk: np.ndarray | None = None


def test_event_reads_as_a_mapping_under_its_keys() -> None:
    e = Side(round=2, actor="UKR", start=10.0, end=20.0)
    assert e.end == 20.0 and e["to"] == 20.0 and e["round"] == 2
    assert list(e) == ["round", "actor", "start", "to"]  # the None note is left out
    assert "note" not in e and "end" not in e
    with pytest.raises(KeyError):
        e["note"]
    assert e == {"round": 2, "actor": "UKR", "start": 10.0, "to": 20.0}
    assert e != {"round": 2, "actor": "UKR", "start": 10.0, "to": 21.0}
    assert e == Side(round=2, actor="UKR", start=10.0, end=20.0)
    with pytest.raises(AttributeError):
        e.actor = "RUS"  # type: ignore[misc]


def test_nested_records_become_plain_data_in_json() -> None:
    s = Side(round=1, actor="A", start=0.0, end=1.0)
    d = Deal(round=1, first=s, sides=(s, s))
    assert d.to_dict() == {"round": 1, "first": dict(s), "sides": [dict(s), dict(s)]}
    tr = Trace(outcome=np.array([[[0.5]], [[np.nan]]]))
    assert "risk" not in tr and tr["outcome"].shape == (2, 1, 1)
    fc = Forecast(
        model="toy",
        issue_ids=("i",),
        outcome=np.array([[0.5]]),
        scale_min=np.zeros(1),
        scale_max=np.ones(1),
        trace=tr,
        events=[d],
    )
    back = Forecast.from_json(json.dumps(fc.to_dict()))
    assert back.events == [d]  # plain dicts after JSON, equal to the typed record
    assert d == back.events[0]
    np.testing.assert_array_equal(back.trace["outcome"], tr.outcome)
    assert back.trace.keys() == tr.keys()
