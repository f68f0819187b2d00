"""The numeric view of a scenario that every model runs on.

``ScenarioArrays`` holds ``position[b, a, i]``, ``salience[b, a, i]``,
``capability[b, a, i]`` and ``present[b, a, i]`` with a leading batch axis ``b`` (1 for
a plain forecast, N for Monte Carlo).  Positions, status quo and red lines are scaled
to [0, 1] per issue, so that models are invariant to the issue's units; results are
mapped back with :meth:`ScenarioArrays.to_scale`.

Where an actor takes no part in an issue, ``present`` is False and position, salience
and capability are 0, so weighted sums ignore it without special cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.scenario.scale import to_scale, to_unit
from negotia.scenario.weighting import weights_for

if TYPE_CHECKING:
    from negotia.scenario.schema import Scenario


@dataclass(frozen=True)
class ScenarioArrays:
    """Arrays of one scenario (or a batch of perturbed copies of it).

    Attributes
    ----------
    actor_ids, issue_ids
        Labels of axes ``a`` and ``i``.
    position, salience, capability
        Float arrays of shape ``(B, A, I)``; position on [0, 1], salience on [0, 1],
        capability >= 0.
    present
        Bool array ``(B, A, I)``: the actor takes part in the issue.
    scale_min, scale_max
        ``(I,)`` bounds of each issue's own scale.
    status_quo
        ``(I,)`` status quo on [0, 1], NaN where none is given.
    red_min, red_max
        ``(A, I)`` acceptable interval on [0, 1]; -inf / +inf where the actor has none.
    issue_attributes
        Optional: per issue, its institutional attributes (``Issue.attributes``, e.g.
        ``{"proc": "COD", "counvte": "QMV", "issues": "4"}``); None when unknown.
        Models that use them must work without them.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: np.ndarray
    salience: np.ndarray
    capability: np.ndarray
    present: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray
    red_min: np.ndarray = field(default=None)  # type: ignore[assignment]
    red_max: np.ndarray = field(default=None)  # type: ignore[assignment]
    issue_attributes: tuple[dict[str, Any], ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        b, a, i = self.position.shape
        for name in ("salience", "capability", "present"):
            if getattr(self, name).shape != (b, a, i):
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {(b, a, i)}")
        if self.issue_attributes is not None and len(self.issue_attributes) != i:
            raise ValueError(f"issue_attributes has {len(self.issue_attributes)} entries, expected {i}")
        if self.red_min is None:
            object.__setattr__(self, "red_min", np.full((a, i), -np.inf))
        if self.red_max is None:
            object.__setattr__(self, "red_max", np.full((a, i), np.inf))

    # -- shape -----------------------------------------------------------------------
    @property
    def batch(self) -> int:
        return int(self.position.shape[0])

    @property
    def n_actors(self) -> int:
        return int(self.position.shape[1])

    @property
    def n_issues(self) -> int:
        return int(self.position.shape[2])

    @property
    def weight(self) -> np.ndarray:
        """Capability x salience, zero where the actor is absent: ``(B, A, I)``."""
        return weights_for(self, "capability_salience")

    # -- scale -------------------------------------------------------------------------
    def to_scale(self, unit: np.ndarray) -> np.ndarray:
        """Map values on [0, 1] (last axis = issues) to each issue's own scale."""
        return to_scale(unit, self.scale_min, self.scale_max)

    def from_scale(self, value: np.ndarray) -> np.ndarray:
        """Map values on each issue's own scale (last axis = issues) to [0, 1]."""
        return to_unit(value, self.scale_min, self.scale_max)

    # -- construction ------------------------------------------------------------------
    def replace(self, **changes: np.ndarray) -> ScenarioArrays:
        """A copy with some arrays replaced (shapes are checked)."""
        return replace(self, **changes)

    def repeat(self, n: int) -> ScenarioArrays:
        """This scenario's first batch element repeated ``n`` times along the batch axis."""
        rep = lambda x: np.repeat(x[:1], n, axis=0)  # noqa: E731
        return self.replace(
            position=rep(self.position),
            salience=rep(self.salience),
            capability=rep(self.capability),
            present=rep(self.present),
        )

    def take(self, index: np.ndarray | slice) -> ScenarioArrays:
        """The batch elements ``index`` (a slice or integer array)."""
        return self.replace(
            position=self.position[index],
            salience=self.salience[index],
            capability=self.capability[index],
            present=self.present[index],
        )

    @classmethod
    def concat(cls, parts: list[ScenarioArrays]) -> ScenarioArrays:
        """Join batches of the same scenario along the batch axis."""
        first = parts[0]
        return first.replace(
            position=np.concatenate([p.position for p in parts]),
            salience=np.concatenate([p.salience for p in parts]),
            capability=np.concatenate([p.capability for p in parts]),
            present=np.concatenate([p.present for p in parts]),
        )

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> ScenarioArrays:
        """Build the numeric view (batch size 1) of a validated scenario.

        A scenario that still carries revisions is viewed as of its own ``date``
        (:meth:`Scenario.as_of`); pass ``scenario.as_of(day)`` for another day.
        """
        if scenario.revisions:
            scenario = scenario.as_of()
        actors = [a.id for a in scenario.actors]
        issues = [i.id for i in scenario.issues]
        a_index = {a: k for k, a in enumerate(actors)}
        i_index = {i: k for k, i in enumerate(issues)}
        n_a, n_i = len(actors), len(issues)
        lo = np.array([i.scale.min for i in scenario.issues], dtype=float)
        hi = np.array([i.scale.max for i in scenario.issues], dtype=float)
        position = np.zeros((1, n_a, n_i))
        salience = np.zeros((1, n_a, n_i))
        capability = np.zeros((1, n_a, n_i))
        present = np.zeros((1, n_a, n_i), dtype=bool)
        default_cap = {a.id: a.capability for a in scenario.actors}
        for s in scenario.stances:
            a, i = a_index[s.actor], i_index[s.issue]
            position[0, a, i] = to_unit(s.position, lo[i], hi[i])
            salience[0, a, i] = s.salience
            cap = s.capability if s.capability is not None else default_cap[s.actor]
            capability[0, a, i] = 0.0 if cap is None else cap
            present[0, a, i] = True
        sq = np.array(
            [np.nan if i.status_quo is None else i.status_quo for i in scenario.issues], dtype=float
        )
        red_min = np.full((n_a, n_i), -np.inf)
        red_max = np.full((n_a, n_i), np.inf)
        for r in scenario.red_lines:
            a, i = a_index[r.actor], i_index[r.issue]
            if r.min is not None:
                red_min[a, i] = max(red_min[a, i], to_unit(r.min, lo[i], hi[i]))
            if r.max is not None:
                red_max[a, i] = min(red_max[a, i], to_unit(r.max, lo[i], hi[i]))
        return cls(
            actor_ids=tuple(actors),
            issue_ids=tuple(issues),
            position=position,
            salience=salience,
            capability=capability,
            present=present,
            scale_min=lo,
            scale_max=hi,
            status_quo=to_unit(sq, lo, hi),
            red_min=red_min,
            red_max=red_max,
            issue_attributes=tuple(dict(i.attributes) for i in scenario.issues),
        )
