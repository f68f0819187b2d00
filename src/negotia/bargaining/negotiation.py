"""What every negotiation protocol shares: the record of a run and the table of utilities.

A run (:class:`NegotiationRun`) is seeded, bounded in steps and keeps its full history
of offers, so a run can be replayed, shown round by round and compared with the
Pareto frontier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.bargaining.pareto import grid_frontier
from negotia.bargaining.space import OutcomeSpace
from negotia.bargaining.utility import UtilityModel
from negotia.errors import ParameterError
from negotia.jsonable import json_text

#: Largest outcome space the agents evaluate in memory.
MAX_AGENT_SPACE = 8_000_000


@dataclass(frozen=True)
class Offer:
    """One offer (or mediator text) in a run."""

    step: int
    proposer: str
    index: int
    utilities: tuple[float, ...]
    accepted_by: tuple[str, ...] = ()
    agreed: bool = False

    def to_dict(self, parties: tuple[str, ...]) -> dict[str, Any]:
        return {
            "step": self.step,
            "proposer": self.proposer,
            "index": self.index,
            "utilities": dict(zip(parties, self.utilities, strict=True)),
            "accepted_by": list(self.accepted_by),
            "agreed": self.agreed,
        }


@dataclass(frozen=True)
class NegotiationRun:
    """The result of one negotiation run.

    Attributes
    ----------
    protocol
        ``offers``, ``majority`` or ``mediator``.
    parties, strategies
        The negotiating parties and each one's strategy (empty for the mediator).
    seed, max_steps, steps
        The seed, the step bound and the steps actually taken.
    agreement
        Index of the agreed package (original enumeration), or None.
    final
        The last offer or text (the agreement if there is one).
    utilities
        Each party's utility of the agreement (or of the mediator's final text).
    labels
        The agreement's option labels per issue.
    reason
        Why the run ended, in plain words.
    history
        Every offer, in order.
    frontier_gap
        How much every party could still gain at once: the largest, over the Pareto
        frontier, of the smallest gain over the final package (0 = on the frontier).
    notes
        Anything the reader should know (e.g. which red lines were relaxed).
    space
        The outcome space the indices refer to (not serialised).
    """

    protocol: str
    parties: tuple[str, ...]
    strategies: tuple[str, ...]
    seed: int
    max_steps: int
    steps: int
    agreement: int | None
    utilities: tuple[float, ...] | None
    labels: dict[str, str] | None
    reason: str
    history: tuple[Offer, ...]
    frontier_gap: float | None = None
    final: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    space: OutcomeSpace | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "parties": list(self.parties),
            "strategies": list(self.strategies),
            "seed": self.seed,
            "max_steps": self.max_steps,
            "steps": self.steps,
            "agreement": self.agreement,
            "final": self.final,
            "utilities": None
            if self.utilities is None
            else dict(zip(self.parties, self.utilities, strict=True)),
            "labels": self.labels,
            "reason": self.reason,
            "frontier_gap": self.frontier_gap,
            "params": self.params,
            "notes": list(self.notes),
            "history": [o.to_dict(self.parties) for o in self.history],
        }

    def to_json(self) -> str:
        return json_text(self.to_dict())


@dataclass
class Arena:
    """Utilities of every package for every party, and what each party could accept."""

    model: UtilityModel
    U: np.ndarray  # (P, N)
    valid: np.ndarray  # (P, N) inside own red lines and >= reservation
    best: np.ndarray  # (P,) best valid utility (nan if none)
    pools: list[tuple[np.ndarray, np.ndarray]] = field(
        default_factory=list
    )  # per party: valid indices, utilities

    @classmethod
    def build(cls, model: UtilityModel) -> Arena:
        n = model.space.size
        if n > MAX_AGENT_SPACE:
            raise ParameterError(
                f"the outcome space has {n} packages; agents handle at most {MAX_AGENT_SPACE}: "
                "lower --resolution"
            )
        U = model.dense_utilities()
        valid = (U - model.reservation[:, None]) >= -1e-12
        shape = model.space.shape
        P, K = model.n_parties, len(shape)
        for k, a in enumerate(model.allowed):
            if not a.all():
                valid &= np.broadcast_to(
                    a.reshape((P,) + (1,) * k + (shape[k],) + (1,) * (K - k - 1)), (P, *shape)
                ).reshape(P, -1)
        best = np.where(valid.any(axis=1), np.where(valid, U, -np.inf).max(axis=1), np.nan)
        pools = []
        for p in range(P):
            idx = np.flatnonzero(valid[p])
            # float32 halves the memory each offer scans; offers are re-read in float64.
            pools.append((idx, U[p, idx].astype(np.float32)))
        return cls(model, U, valid, best, pools)


def frontier_gap(model: UtilityModel, utilities: np.ndarray, respect_red_lines: bool = True) -> float:
    """Largest simultaneous gain the parties could still make over ``utilities``.

    ``max over frontier packages f of min_p (u_p(f) - u_p)``, clipped at 0: zero when
    no package is better for everyone (the point is on the frontier, or weakly
    dominated only).
    """
    options = model.allowed_options() if respect_red_lines else None
    _, F = grid_frontier(list(model.tables), options)
    if F.shape[1] == 0:
        return 0.0
    return float(max(0.0, (F - np.asarray(utilities)[:, None]).min(axis=0).max()))
