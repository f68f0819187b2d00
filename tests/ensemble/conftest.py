"""Small scenarios with known answers for the uncertainty tests."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from negotia.scenario.schema import Scenario


def make_scenario(
    stances: list[dict[str, Any]],
    *,
    issues: list[dict[str, Any]] | None = None,
    actors: list[dict[str, Any]] | None = None,
    red_lines: list[dict[str, Any]] | None = None,
) -> Scenario:
    """A scenario from stance dicts; actors get capability 1 unless given."""
    actor_ids = list(dict.fromkeys(s["actor"] for s in stances))
    issue_ids = list(dict.fromkeys(s["issue"] for s in stances))
    return Scenario(
        name="test",
        actors=actors or [{"id": a, "capability": 1.0} for a in actor_ids],
        issues=issues or [{"id": i, "scale": {"min": 0, "max": 100}} for i in issue_ids],
        stances=stances,
        red_lines=red_lines or [],
    )


@pytest.fixture
def linear_scenario() -> Scenario:
    """Three actors on one 0-100 issue, positions far from the bounds, position sd only.

    The compromise forecast is sum(c s x) / sum(c s) = (2*40 + 1*50 + 1*60) / 4 = 47.5
    (capabilities 2, 1, 1; saliences 0.5 each).
    """
    return make_scenario(
        [
            {"actor": "A", "issue": "x", "position": 40, "salience": 0.5, "uncertainty": {"position": 4}},
            {"actor": "B", "issue": "x", "position": 50, "salience": 0.5, "uncertainty": {"position": 6}},
            {"actor": "C", "issue": "x", "position": 60, "salience": 0.5, "uncertainty": {"position": 8}},
        ],
        actors=[
            {"id": "A", "capability": 2.0},
            {"id": "B", "capability": 1.0},
            {"id": "C", "capability": 1.0},
        ],
        red_lines=[{"actor": "C", "issue": "x", "min": 50.0}, {"actor": "A", "issue": "x", "max": 45.0}],
    )


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of the smallest size (1024 variants) whatever the scenario's shape, so that
    a small run spans several blocks and tasks (the block travels with the payload, so
    worker processes draw the same blocks)."""
    perturb = importlib.import_module("negotia.ensemble.perturb")
    monkeypatch.setattr(perturb, "BLOCK_MAX", perturb.BLOCK)
