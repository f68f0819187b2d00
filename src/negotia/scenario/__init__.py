"""Scenarios: the schema, the numeric view and the file formats."""

from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Actor, Issue, RedLine, Scale, Scenario, Source, Stance, Uncertainty

__all__ = [
    "Actor",
    "Issue",
    "RedLine",
    "Scale",
    "Scenario",
    "ScenarioArrays",
    "Source",
    "Stance",
    "Uncertainty",
]
