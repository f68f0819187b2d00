r"""The mediator's single negotiating text (Raiffa 1982, *The Art and Science of
Negotiation*, Harvard University Press; the procedure used at Camp David in 1978).

The mediator drafts one text (a package).  At each step every party says which small
changes of the text it would welcome -- the moves that do not make it worse off and keep
the text inside its red lines.  A move changes one or several issues at once (one grid
step on an ordered issue, any other value on a categorical one), so that trades across
issues are possible.  The mediator adopts the move that every party welcomes and that
gives the smallest gain the largest value (ties: the larger total gain, then a seeded
draw), and stops when no move is welcome to all and better for one: the text is then
*locally* Pareto-optimal.

Where it stopped is reported against the Pareto frontier as the *frontier gap*: the
largest utility every party could still gain at once by jumping to a frontier package
(:func:`negotia.bargaining.negotiation.frontier_gap`).  With utilities concave in each
issue (linear or quadratic loss) a local optimum of a continuous text is a global one
(a concave multi-objective problem has no local-only Pareto optima); on a grid the text
stops within one grid cell of such a point, so the gap is bounded by what one grid step
on every issue at once is worth to a party, which is the tolerance the tests use.
"""

from __future__ import annotations

import itertools

import numpy as np

from negotia import seeding
from negotia.bargaining.negotiation import NegotiationRun, Offer, frontier_gap
from negotia.bargaining.utility import UtilityModel
from negotia.errors import ParameterError

#: Above this many combined moves only moves that change at most two issues are used.
MAX_MOVES = 20_000


def _moves(model: UtilityModel, cur: np.ndarray) -> np.ndarray:
    """Option-index rows of the texts one move away from ``cur``."""
    choices = []
    for k, o in enumerate(model.space.issues):
        if o.ordered:
            c = [j for j in (cur[k] - 1, cur[k] + 1) if 0 <= j < o.size]
        else:
            c = [j for j in range(o.size) if j != cur[k]]
        choices.append(c)
    total = int(np.prod([1 + len(c) for c in choices]))
    rows = []
    if total <= MAX_MOVES:
        grids = np.meshgrid(*[[cur[k], *c] for k, c in enumerate(choices)], indexing="ij")
        out = np.stack([g.ravel() for g in grids], axis=1)
        return out[1:]  # the first row is the text itself
    for n in (1, 2):
        for ks in itertools.combinations(range(len(choices)), n):
            for vals in itertools.product(*[choices[k] for k in ks]):
                row = cur.copy()
                row[list(ks)] = vals
                rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(-1, len(cur))


def _first_text(model: UtilityModel, start: str | int, rng: np.random.Generator) -> np.ndarray:
    """Option indices of the mediator's first text (see :func:`run_mediator`'s ``start``)."""
    space = model.space
    if isinstance(start, int) or (isinstance(start, str) and start.isdigit()):
        return space.decode(int(start))[0]
    if start == "random":
        return np.array([rng.integers(o.size) for o in space.issues], dtype=np.int64)
    if start == "worst":
        return np.array([int(np.argmin(t.sum(axis=0))) for t in model.tables], dtype=np.int64)
    if start == "reference":
        ref = model.reference_values
        cur = np.empty(len(space.issues), dtype=np.int64)
        for k, o in enumerate(space.issues):
            if ref is not None and np.isfinite(ref[k]):
                cur[k] = int(np.argmin(np.abs(o.values - ref[k])))
            else:  # categorical: the option the parties value most in sum
                cur[k] = int(np.argmax(model.tables[k].sum(axis=0)))
        return cur
    raise ParameterError(f"unknown start {start!r}: reference, worst, random or a package index")


def _signatories(model: UtilityModel, index: int, utils: np.ndarray) -> tuple[str, ...]:
    # Who could sign this text (inside its red lines, at or above its reservation
    # value); not who welcomed the move to it, which said "accepted by UKR, RUS"
    # beside "UKR, RUS cannot accept the final text".
    ok = model.acceptable_each(index)[:, 0] & (utils >= model.reservation - 1e-12)
    return tuple(p for p, a in zip(model.parties, ok, strict=True) if a)


def _best_move(
    model: UtilityModel, cur: np.ndarray, u: np.ndarray, inside: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray] | None:
    """The next text and each party's gain by it, or None when no move is welcome to all.

    Welcome: no party loses, one gains, and a party now inside its red lines stays inside.
    Chosen: the largest smallest gain, then the largest total gain, then a seeded draw.
    """
    cand = _moves(model, cur)
    gain = model.utilities_of_options(cand) - u[:, None]
    ok = np.all(gain >= -1e-12, axis=0) & np.any(gain > 1e-12, axis=0)
    if inside.any():
        # A party that is inside its red lines refuses a text that crosses them.
        within = np.ones((model.n_parties, cand.shape[0]), dtype=bool)
        for k, a in enumerate(model.allowed):
            within &= a[:, cand[:, k]]
        ok &= np.all(within | ~inside[:, None], axis=0)
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    score = gain[:, idx].min(axis=0)
    tied = idx[score >= score.max() - 1e-12]
    tot = gain[:, tied].sum(axis=0)
    tied = tied[tot >= tot.max() - 1e-12]
    pick = int(tied[rng.integers(tied.size)]) if tied.size > 1 else int(tied[0])
    return cand[pick], gain[:, pick]


def _verdict(model: UtilityModel, final: int, u: np.ndarray, reason: str) -> tuple[int | None, str]:
    """The agreement (the final text if every party can accept it, else None) and the full reason."""
    acceptable = model.acceptable_each(final)[:, 0] & (u >= model.reservation - 1e-12)
    if acceptable.all():
        return final, reason + "; every party accepts the final text"
    refuse = [p for p, a in zip(model.parties, acceptable, strict=True) if not a]
    return (
        None,
        reason + f"; {', '.join(refuse)} cannot accept the final text (red lines or reservation value)",
    )


def run_mediator(
    model: UtilityModel,
    *,
    seed: int = 0,
    steps: int = 100,
    start: str | int = "reference",
    notes: tuple[str, ...] = (),
) -> NegotiationRun:
    """Run the single-negotiating-text procedure.

    Parameters
    ----------
    model
        The parties' utilities and red lines.
    seed
        Seeds the draw among equally good moves (and a ``random`` start).
    steps
        Maximum number of texts.
    start
        ``reference`` (the package nearest the reference outcome: the weighted-mean
        forecast for a scenario), ``worst`` (the package with the smallest total
        utility), ``random`` (a seeded draw), or a package index.
    """
    if steps < 1:
        raise ParameterError("steps must be at least 1")
    rng = seeding.rng(seed)
    space = model.space
    cur = _first_text(model, start, rng)
    inside = model.acceptable_each(space.encode(cur))[:, 0]
    u = model.utilities_of_options(cur)[:, 0]
    first = int(space.encode(cur)[0])
    history = [Offer(0, "mediator", first, tuple(float(x) for x in u), _signatories(model, first, u))]
    reason = f"step bound {steps} reached"
    for s in range(1, steps):
        move = _best_move(model, cur, u, inside, rng)
        if move is None:
            reason = f"no change is welcome to every party (stopped after {s - 1} moves)"
            break
        cur, gained = move
        u = u + gained
        index = int(space.encode(cur)[0])
        history.append(Offer(s, "mediator", index, tuple(float(x) for x in u), _signatories(model, index, u)))
    final = history[-1].index
    agreement, reason = _verdict(model, final, u, reason)
    return NegotiationRun(
        protocol="mediator",
        parties=model.parties,
        strategies=(),
        seed=seed,
        max_steps=steps,
        steps=len(history),
        agreement=agreement,
        utilities=tuple(float(x) for x in u),
        labels=space.labels(final),
        reason=reason,
        history=tuple(history),
        frontier_gap=frontier_gap(model, u, respect_red_lines=bool(inside.all())),
        final=final,
        params={"start": start},
        notes=notes,
        space=space,
    )
