"""Run a negotiation between agents on a scenario (or a GENIUS domain).

``simulate(scenario, protocol=..., strategy=..., seed=...)`` builds the parties'
utilities and runs one of the protocols:

=========  ===========================================================================
protocol   what
=========  ===========================================================================
offers     stacked alternating offers, agreement by unanimity
majority   the same, agreement by a (qualified) majority of votes plus any veto parties
mediator   the mediator's single negotiating text
=========  ===========================================================================
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.bargaining.mediator import run_mediator
from negotia.bargaining.negotiation import MAX_AGENT_SPACE, NegotiationRun
from negotia.bargaining.offers import run_offers
from negotia.bargaining.space import OutcomeSpace, Resolution
from negotia.bargaining.strategies import Strategy, parse_strategy
from negotia.bargaining.utility import UtilityModel, utility_model
from negotia.bargaining.zopa import zopa
from negotia.errors import ParameterError

if TYPE_CHECKING:
    from negotia.scenario.schema import Scenario

PROTOCOLS = ("offers", "majority", "mediator")
RED_LINES = ("keep", "relax", "ignore")


def _model(
    scenario: Scenario | UtilityModel,
    parties: list[str] | None,
    resolution: Resolution,
    protocol: str,
    issues: list[str] | None = None,
) -> tuple[UtilityModel, Scenario | None, list[str]]:
    """The parties' utility model, the scenario (None for a model read from a GENIUS
    domain) and notes."""
    from negotia.scenario.schema import require_scenario

    if isinstance(scenario, UtilityModel):
        return scenario, None, []
    scenario = require_scenario(scenario, "simulate")
    if protocol == "majority" and not parties:
        from negotia.scenario.arrays import ScenarioArrays

        arr = ScenarioArrays.from_scenario(scenario)
        parties = [a for k, a in enumerate(arr.actor_ids) if arr.present[0, k].any()]
    model = utility_model(scenario, parties, resolution, issues=issues)
    if resolution is None and model.space.size > MAX_AGENT_SPACE:
        coarse = fitting_resolution(model.space, MAX_AGENT_SPACE)
        before = model.space.size
        model = utility_model(scenario, parties, coarse, issues=issues)
        shown = ", ".join(f"{k} {v}" for k, v in coarse.items())
        note = (
            f"the default options make {before:,} packages, more than the {MAX_AGENT_SPACE:,} "
            f"agents handle; simulated on a coarser grid ({shown} options; --resolution to choose)"
        )
        return model, scenario, [note]
    return model, scenario, []


def fitting_resolution(space: OutcomeSpace, limit: int) -> dict[str, int]:
    """Options per issue for a grid of at most ``limit`` packages, coarsening the issue
    with the most options first (so small issues keep all theirs); only the issues it
    coarsens are named."""
    sizes = {o.id: o.size for o in space.issues}
    out: dict[str, int] = {}
    while math.prod(sizes.values()) > limit:
        key = max(sizes, key=lambda k: (sizes[k], k))
        if sizes[key] <= 2:
            break
        sizes[key] -= 1
        out[key] = sizes[key]
    return out


def simulate(
    scenario: Scenario | UtilityModel,
    *,
    protocol: str = "offers",
    strategy: str | list[str] = "boulware",
    seed: int = 0,
    steps: int = 100,
    parties: list[str] | None = None,
    resolution: Resolution = None,
    quota: float = 0.5,
    veto: list[str] | None = None,
    weights: str = "equal",
    red_lines: str = "keep",
    start: str = "reference",
    issues: list[str] | None = None,
) -> NegotiationRun:
    """Simulate a negotiation.

    Parameters
    ----------
    scenario
        A :class:`~negotia.scenario.schema.Scenario`, or the utility model read from a
        GENIUS / GeniusWeb domain (:func:`negotia.bargaining.genius.load_model`, which
        takes the parties and resolution; then ``parties``, ``resolution`` and
        ``issues`` are not read here).  For a file or a scenario's name call
        :func:`negotia.simulate`.
    protocol
        ``offers``, ``majority`` or ``mediator``.
    strategy
        One strategy for all parties, or one per party (a list, or comma-separated):
        ``boulware``, ``linear``, ``conceder``, ``time:e=..``, ``aspiration``,
        ``aspiration:rate=..``, ``tit-for-tat``.
    seed, steps
        Seed and step bound of the run.
    parties
        Negotiating parties; default: the required parties (``majority``: every actor
        with a stance).
    resolution
        Options per issue (see :func:`negotia.bargaining.space.space_from_scenario`).
    quota, veto, weights
        ``majority`` only: share of votes needed (0.5 = more than half), parties that
        must accept, and ``equal`` votes or ``capability`` (each actor's capability).
    red_lines
        ``keep`` (default), ``relax`` (drop the red lines that block the ZOPA, as
        ``bargain`` does) or ``ignore`` (drop all).
    start
        ``mediator`` only: the first text (``reference``, ``worst``, ``random`` or an index).
    issues
        Negotiate over these issues only (default: all; scenarios only).
    """
    if protocol not in PROTOCOLS:
        raise ParameterError(f"unknown protocol {protocol!r}; protocols: {', '.join(PROTOCOLS)}")
    if red_lines not in RED_LINES:
        raise ParameterError(f"red_lines must be one of {', '.join(RED_LINES)}, got {red_lines!r}")
    model, sc, notes = _model(scenario, parties, resolution, protocol, issues)
    model = _treat_red_lines(model, red_lines, notes)
    if protocol == "mediator":
        return run_mediator(model, seed=seed, steps=steps, start=start, notes=tuple(notes))
    strategies = _strategies(strategy, model)
    if protocol == "offers":
        return run_offers(model, strategies, seed=seed, steps=steps, notes=tuple(notes))
    if not 0 < quota <= 1:
        raise ParameterError(f"quota must lie in (0, 1], got {quota}")
    return run_offers(
        model,
        strategies,
        seed=seed,
        steps=steps,
        quota=quota,
        weights=_votes(weights, sc, model),
        veto=tuple(veto or ()),
        protocol="majority",
        notes=tuple(notes),
    )


def _treat_red_lines(model: UtilityModel, red_lines: str, notes: list[str]) -> UtilityModel:
    """The model with its red lines kept, relaxed or ignored; notes say what was done and why."""
    z = zopa(model)
    if z.empty:
        notes.extend(z.sentences())
    if red_lines == "ignore" and model.red_lines:
        model = model.without_red_lines()
        notes.append("all red lines ignored")
    elif red_lines == "relax" and z.empty:
        blocking = tuple(dict.fromkeys(r for x in z.relaxations for r in x.red_lines))
        if blocking:
            model = model.with_red_lines(tuple(r for r in model.red_lines if r not in blocking))
            notes.append("relaxed: " + "; ".join(r.describe() for r in blocking))
    return model


def _strategies(strategy: str | list[str], model: UtilityModel) -> list[Strategy]:
    """One strategy per party, from one spec for all or one per party (a list or comma-separated)."""
    specs = strategy if isinstance(strategy, list) else [s for s in strategy.split(",") if s.strip()]
    if len(specs) == 1:
        specs = specs * model.n_parties
    if len(specs) != model.n_parties:
        raise ParameterError(
            f"{len(specs)} strategies for {model.n_parties} parties ({', '.join(model.parties)}): "
            "give one for all or one per party"
        )
    return [parse_strategy(s) for s in specs]


def _votes(weights: str, scenario: Any, model: UtilityModel) -> np.ndarray | None:
    """The parties' votes under a majority rule: None for ``equal``, else each one's capability."""
    if weights == "capability":
        if scenario is None:
            raise ParameterError("capability weights need a scenario (a GENIUS domain has none)")
        return np.array([scenario.actor(p).capability or 0.0 for p in model.parties])
    if weights != "equal":
        raise ParameterError(f"weights must be equal or capability, got {weights!r}")
    return None
