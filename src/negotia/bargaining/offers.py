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
    votes = np.ones(P) if weights is None else np.asarray(weights, dtype=float)
    if votes.shape != (P,) or (votes < 0).any() or votes.sum() <= 0:
        raise ParameterError("weights must give each party a non-negative vote, not all zero")
    veto_idx = model.party_index(veto) if veto else np.zeros(0, dtype=np.int64)
    first = int(rng.integers(P))
    order = [(first + k) % P for k in range(P)]
    made = np.zeros(P, dtype=int)
    last: dict[int, int] = {}
    received_first: list[float | None] = [None] * P
    received_best: list[float | None] = [None] * P
    history: list[Offer] = []

    def target(p: int, s: int, offers_made: int) -> float:
        return strategies[p].target(
            s / max(steps - 1, 1),
            offers_made,
            float(arena.best[p]),
            float(model.reservation[p]),
            received_first[p],
            received_best[p],
        )

    agreement, reason = None, f"no agreement within {steps} steps"
    stuck = [int(p) for p in range(P) if not np.isfinite(arena.best[p])]
    if stuck:
        who = ", ".join(model.parties[p] for p in stuck)
        reason = f"no agreement possible: {who} cannot accept any package (red lines and reservation value)"
        steps_taken = 0
    else:
        steps_taken = 0
        for s in range(steps):
            p = order[s % P]
            others = [last[q] for q in range(P) if q != p and q in last]
            x = _choose(arena, p, target(p, s, int(made[p])), others, rng)
            made[p] += 1
            last[p] = x
            u = arena.U[:, x]
            accepted = [p]
            for q in range(P):
                if q == p:
                    continue
                uq = float(u[q])
                if received_first[q] is None:
                    received_first[q] = uq
                received_best[q] = max(received_best[q] or uq, uq)
                if arena.valid[q, x] and uq >= target(q, s + 1, int(made[q])) - 1e-12:
                    accepted.append(q)
            acc = np.zeros(P, dtype=bool)
            acc[accepted] = True
            if quota is None:
                ok = bool(acc.all())
            else:
                share = votes[acc].sum() / votes.sum()
                ok = (share > quota if quota == 0.5 else share >= quota - 1e-12) and bool(acc[veto_idx].all())
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
            steps_taken = s + 1
            if ok:
                agreement = int(x)
                rule = "unanimously" if quota is None else f"by {share:.0%} of the votes"
                reason = f"agreement at step {s} on {model.parties[p]}'s offer, accepted {rule}"
                break
    utilities = None if agreement is None else tuple(float(v) for v in arena.U[:, agreement])
    gap = None if agreement is None else frontier_gap(model, arena.U[:, agreement])
    return NegotiationRun(
        protocol=protocol,
        parties=model.parties,
        strategies=tuple(s.name for s in strategies),
        seed=seed,
        max_steps=steps,
        steps=steps_taken,
        agreement=agreement,
        utilities=utilities,
        labels=None if agreement is None else model.space.labels(agreement),
        reason=reason,
        history=tuple(history),
        frontier_gap=gap,
        final=history[-1].index if history else None,
        params={"quota": quota, "veto": list(veto), "first": model.parties[first]},
        notes=notes,
        space=model.space,
    )
