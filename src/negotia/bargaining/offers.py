"""Stacked alternating offers for N parties, with unanimity or (qualified) majority acceptance.

The protocol is the stacked alternating offers protocol of the multilateral ANAC
competitions (Aydoğan, Festen, Hindriks & Jonker 2017, "Alternating offers protocols
for multilateral negotiation", in *Modern Approaches to Agent-based Complex Automated
Negotiation*, Springer, 153-167): the parties take turns, in a seeded order; at each
step the party whose turn it is makes an offer and every other party accepts or
rejects it.  The run ends with an agreement as soon as the acceptance rule is met, or
without one at the step bound.

Acceptance rules:

* ``unanimity`` (default): every party accepts.
* ``quota``: the accepting parties (the proposer included) hold at least ``quota`` of
  the votes (one per party, or ``weights``) and include every ``veto`` party -- simple
  majority with ``quota=0.5`` (strictly more than half), qualified majority with e.g.
  ``quota=2/3``; for coalition-type talks.

Making an offer: the proposer's strategy (:mod:`negotia.bargaining.strategies`) sets
its target utility; among the packages it could accept (inside its red lines, at least
its reservation value) whose utility lies in ``[target, target + band]`` it proposes
the one closest, in option space, to the others' latest offers (the similarity
heuristic of Faratin, Sierra & Jennings 2002, *Artificial Intelligence* 142: 205-237),
so offers move toward the others without knowing their utilities.  With more than
:data:`SAMPLE` candidates a seeded sample is compared.  If no package reaches the
target, it proposes the acceptable package just above it (or its best).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negotia import seeding
from negotia.bargaining.negotiation import Arena, NegotiationRun, Offer, frontier_gap
from negotia.bargaining.strategies import Strategy
from negotia.bargaining.utility import UtilityModel
from negotia.errors import ParameterError

#: Candidates compared with the others' offers when choosing an offer.
SAMPLE = 256
#: Width of the band above the target, as a share of the agent's utility range.
BAND = 0.02


def _distance(model: UtilityModel, cand: np.ndarray, others: list[int]) -> np.ndarray:
    """Distance of candidate packages to the others' latest offers (option space, 0-1 per issue)."""
    if not others:
        return np.zeros(cand.size)
    C = model.space.decode(cand)
    O = model.space.decode(np.array(others, dtype=np.int64))
    d = np.zeros(cand.size)
    for k, o in enumerate(model.space.issues):
        if o.ordered:
            span = max(o.size - 1, 1)
            d += np.abs(C[:, k][:, None] - O[:, k][None, :]).sum(axis=1) / span
        else:
            d += (C[:, k][:, None] != O[:, k][None, :]).sum(axis=1)
    return d


def _choose(arena: Arena, p: int, target: float, others: list[int], rng: np.random.Generator) -> int | None:
    pool, u = arena.pools[p]
    best = arena.best[p]
    if not np.isfinite(best):
        return None
    span = max(best - arena.model.reservation[p], 1e-9)
    target = min(target, best)
    lo, hi = np.float32(target - 1e-6), np.float32(target + BAND * span)
    above = u >= lo
    cand = pool[above & (u <= hi)]
    if cand.size == 0:
        return int(pool[np.argmin(np.where(above, u, np.inf))])
    if cand.size > SAMPLE:
        cand = np.sort(rng.choice(cand, SAMPLE, replace=False))
    d = _distance(arena.model, cand, others)
    tied = np.flatnonzero(d <= d.min() + 1e-12)
    return int(cand[tied[rng.integers(tied.size)]] if tied.size > 1 else cand[tied[0]])


@dataclass
class _Table:
    """What the parties know as the offers go round: their offers so far and what they received."""

    arena: Arena
    strategies: list[Strategy]
    steps: int
    made: np.ndarray
    last: dict[int, int] = field(default_factory=dict)
    received_first: list[float | None] = field(default_factory=list)
    received_best: list[float | None] = field(default_factory=list)

    @classmethod
    def open(cls, arena: Arena, strategies: list[Strategy], steps: int) -> _Table:
        P = arena.model.n_parties
        return cls(arena, strategies, steps, np.zeros(P, dtype=int), {}, [None] * P, [None] * P)

    def target(self, p: int, s: int) -> float:
        """Party ``p``'s target utility at step ``s``, after the offers it has made so far."""
        return self.strategies[p].target(
            s / max(self.steps - 1, 1),
            int(self.made[p]),
            float(self.arena.best[p]),
            float(self.arena.model.reservation[p]),
            self.received_first[p],
            self.received_best[p],
        )

    def propose(self, p: int, s: int, rng: np.random.Generator) -> int:
        """Party ``p``'s offer at step ``s`` (recorded as its latest)."""
        others = [self.last[q] for q in range(len(self.made)) if q != p and q in self.last]
        x = _choose(self.arena, p, self.target(p, s), others, rng)
        self.made[p] += 1
        self.last[p] = x
        return x

    def respond(self, p: int, x: int, s: int) -> list[int]:
        """The parties that accept ``p``'s offer ``x`` (``p`` first); each notes what it received."""
        u = self.arena.U[:, x]
        accepted = [p]
        for q in range(len(self.made)):
            if q == p:
                continue
            uq = float(u[q])
            if self.received_first[q] is None:
                self.received_first[q] = uq
            self.received_best[q] = max(self.received_best[q] or uq, uq)
            if self.arena.valid[q, x] and uq >= self.target(q, s + 1) - 1e-12:
                accepted.append(q)
        return accepted


@dataclass(frozen=True)
class _Rule:
    """The acceptance rule: unanimity (``quota`` None) or a share of votes plus the veto parties."""

    quota: float | None
    votes: np.ndarray
    veto: np.ndarray

    @classmethod
    def build(
        cls, model: UtilityModel, quota: float | None, weights: np.ndarray | None, veto: tuple[str, ...]
    ) -> _Rule:
        P = model.n_parties
        votes = np.ones(P) if weights is None else np.asarray(weights, dtype=float)
        if votes.shape != (P,) or (votes < 0).any() or votes.sum() <= 0:
            raise ParameterError("weights must give each party a non-negative vote, not all zero")
        veto_idx = model.party_index(veto) if veto else np.zeros(0, dtype=np.int64)
        return cls(quota, votes, veto_idx)

    def met(self, accepted: list[int]) -> tuple[bool, str]:
        """Whether the offer accepted by ``accepted`` is agreed, and how (for the reason)."""
        acc = np.zeros(self.votes.size, dtype=bool)
        acc[accepted] = True
        if self.quota is None:
            return bool(acc.all()), "unanimously"
        share = self.votes[acc].sum() / self.votes.sum()
        quota = self.quota
        ok = (share > quota if quota == 0.5 else share >= quota - 1e-12) and bool(acc[self.veto].all())
        return ok, f"by {share:.0%} of the votes"


def _stuck(model: UtilityModel, arena: Arena) -> str | None:
    """Why no agreement is possible before the first offer (a party accepts no package), or None."""
    stuck = [int(p) for p in range(model.n_parties) if not np.isfinite(arena.best[p])]
    if not stuck:
        return None
    who = ", ".join(model.parties[p] for p in stuck)
    return f"no agreement possible: {who} cannot accept any package (red lines and reservation value)"


def _exchange(
    table: _Table, rule: _Rule, order: list[int], rng: np.random.Generator
) -> tuple[int | None, str, int, list[Offer]]:
    """The offers in turn until one is agreed or the step bound: agreement, reason, steps, history."""
    model, steps = table.arena.model, table.steps
    history: list[Offer] = []
    for s in range(steps):
        p = order[s % len(order)]
        x = table.propose(p, s, rng)
        accepted = table.respond(p, x, s)
        ok, how = rule.met(accepted)
        u = table.arena.U[:, x]
        history.append(
            Offer(
                s,
                model.parties[p],
                int(x),
                tuple(float(v) for v in u),
                tuple(model.parties[q] for q in sorted(accepted)),
                ok,
            )
        )
        if ok:
            return (
                int(x),
                f"agreement at step {s} on {model.parties[p]}'s offer, accepted {how}",
                s + 1,
                history,
            )
    return None, f"no agreement within {steps} steps", steps, history


def run_offers(
    model: UtilityModel,
    strategies: list[Strategy],
    *,
    seed: int = 0,
    steps: int = 100,
    quota: float | None = None,
    weights: np.ndarray | None = None,
    veto: tuple[str, ...] = (),
    protocol: str = "offers",
    notes: tuple[str, ...] = (),
) -> NegotiationRun:
    """Run the stacked alternating offers protocol.

    Parameters
    ----------
    model
        The parties' utilities (red lines and reservation values included).
    strategies
        One strategy per party (in ``model.parties`` order).
    seed
        Seeds the order of turns and the choice among equally good offers.
    steps
        Maximum number of offers.
    quota
        None for unanimity; otherwise the share of votes needed (strictly more than
        ``quota`` when ``quota`` is 0.5, at least ``quota`` otherwise).
    weights
        Votes per party (default one each).
    veto
        Parties whose acceptance is always needed under a quota rule.
    """
    P = model.n_parties
    if len(strategies) != P:
        raise ParameterError(f"{len(strategies)} strategies for {P} parties")
    if steps < 1:
        raise ParameterError("steps must be at least 1")
    rng = seeding.rng(seed)
    arena = Arena.build(model)
    rule = _Rule.build(model, quota, weights, veto)
    first = int(rng.integers(P))
    order = [(first + k) % P for k in range(P)]
    stuck = _stuck(model, arena)
    if stuck is None:
        agreement, reason, steps_taken, history = _exchange(
            _Table.open(arena, strategies, steps), rule, order, rng
        )
    else:
        agreement, reason, steps_taken, history = None, stuck, 0, []
    return NegotiationRun(
        protocol=protocol,
        parties=model.parties,
        strategies=tuple(s.name for s in strategies),
        seed=seed,
        max_steps=steps,
        steps=steps_taken,
        agreement=agreement,
        utilities=None if agreement is None else tuple(float(v) for v in arena.U[:, agreement]),
        labels=None if agreement is None else model.space.labels(agreement),
        reason=reason,
        history=tuple(history),
        frontier_gap=None if agreement is None else frontier_gap(model, arena.U[:, agreement]),
        final=history[-1].index if history else None,
        params={"quota": quota, "veto": list(veto), "first": model.parties[first]},
        notes=notes,
        space=model.space,
    )
