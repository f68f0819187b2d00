"""What the scenario's helper modules read of a scenario, written as a protocol.

:mod:`~negotia.scenario.roles`, :mod:`~negotia.scenario.timeline`,
:mod:`~negotia.scenario.references` and :mod:`~negotia.scenario.snapshot` check and
replay a scenario, yet sit below the schema: ``schema.py`` imports them to validate a
scenario and to build its snapshots, so they cannot import the ``Scenario`` class
without an import cycle.  They take any object with these attributes instead, which
:class:`negotia.scenario.schema.Scenario` is.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any, Protocol

__all__ = ["ScenarioParts"]


class ScenarioParts(Protocol):
    """The attributes of a :class:`~negotia.scenario.schema.Scenario` the helpers read."""

    name: str
    date: Date | None
    required_parties: list[str]
    decision_rule: Any
    actors: list[Any]
    issues: list[Any]
    stances: list[Any]
    red_lines: list[Any]
    sources: dict[str, Any]
    ratifications: list[Any]
    revisions: list[Any]

    @property
    def issue_ids(self) -> list[str]: ...

    def issue(self, issue_id: str) -> Any: ...

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any: ...
