"""Helpers for the bargaining tests: small hand-made scenarios."""

from __future__ import annotations

from typing import Any

from negotia.scenario.schema import Scenario


def make_scenario(
    positions: dict[str, dict[str, float]],
    saliences: dict[str, dict[str, float]] | None = None,
    *,
    red_lines: list[dict[str, Any]] | None = None,
    loss: str = "linear",
    status_quo: dict[str, float] | None = None,
    anchors: dict[str, dict[float, str]] | None = None,
    reservation: dict[str, float] | None = None,
    required: list[str] | None = None,
) -> Scenario:
    """A scenario on 0-100 scales: ``positions[actor][issue]``, saliences 0-1 (default 1)."""
    actors = list(positions)
    issues = sorted({i for p in positions.values() for i in p})
    stances = [
        {
            "actor": a,
            "issue": i,
            "position": positions[a][i],
            "salience": (saliences or {}).get(a, {}).get(i, 1.0),
        }
        for a in actors
        for i in issues
        if i in positions[a]
    ]
    data: dict[str, Any] = {
        "name": "test",
        "loss": loss,
        "required_parties": required if required is not None else actors[:2],
        "actors": [{"id": a, "capability": 1.0} for a in actors],
        "issues": [
            {
                "id": i,
                "scale": {"min": 0, "max": 100},
                "anchors": (anchors or {}).get(i, {}),
                "status_quo": (status_quo or {}).get(i),
            }
            for i in issues
        ],
        "stances": stances,
        "red_lines": red_lines or [],
    }
    if reservation is not None:
        data["metadata"] = {"reservation": reservation}
    return Scenario.model_validate(data)
