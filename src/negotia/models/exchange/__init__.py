r"""Stokman's exchange model: vote trading with Equal Gain exchange rates.

Stokman, F. N. & Van Oosten, R. (1994). "The exchange of voting positions: an
object-oriented model of policy networks." In Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale UP, ch. 7, pp. 105-127; the Equal Gain
variant and the iterated version follow the decide-exchange-model (Dijkstra/Stokman
group, Groningen), whose published outputs are this module's golden reference.

Positions are worked on a 0-100 scale per issue (the reference normalises each issue to
it), which makes every step invariant to an affine change of the issue scale.  With
capability :math:`c_{ai}`, salience :math:`s_{ai}` and position :math:`x_{ai}`:

1. **Expected outcome** (the "MDS", Stokman & Van Oosten eq. 1): the capability x
   salience weighted mean :math:`O_i = \sum_a c_{ai}s_{ai}x_{ai} / \sum_a c_{ai}s_{ai}`.
2. **Candidate pairs.**  For every pair of issues :math:`(p, q)` actors are split into
   four groups by the side of :math:`O_p` and :math:`O_q` they are on (left means
   :math:`x \le O`).  Actors right of both outcomes can trade with actors left of both,
   and actors left on :math:`p` only with actors left on :math:`q` only: such pairs
   are on opposite sides on both issues, so each can give the other something it wants.
3. **Supply and demand** by the salience ratio: actor :math:`i` supplies (moves on) the
   issue it cares less about relative to the partner: if
   :math:`s_{ip}/s_{iq} < s_{jp}/s_{jq}` then :math:`i` supplies :math:`p` and
   demands :math:`q`.
4. **Equal Gain exchange rate.**  A move :math:`\Delta x` of actor :math:`k` shifts the
   expected outcome by the exchange ratio :math:`r = |\Delta x|\, c_k s_k / \sum c s`;
   actor :math:`k`'s gain is :math:`r_{\text{demand}}\, s_{k,\text{demand}} -
   r_{\text{supply}}\, s_{k,\text{supply}}`.  Equal gains for both actors require
   :math:`r_p (s_{ip} + s_{jp}) = r_q (s_{iq} + s_{jq})`.  The supplier of :math:`p`
   first moves all the way to its partner's position on :math:`p`; if the partner's
   implied move on :math:`q` overshoots the supplier's position there, the roles are
   reversed (the *overshoot cap*): the partner moves all the way on :math:`q` and the
   supplier's move on :math:`p` follows from the equal-gain condition.
5. **Validity.**  A move must be larger than 1e-10, stay inside the scale, and keep
   the direction of the actor's earlier moves in the same exchange; the gain must be at
   least 1e-10.  If a move would carry the expected outcome past the partner's
   position, it is shortened so that the outcome lands exactly there and the partner's
   move is recomputed from the equal-gain condition (the reference's *NBS check*).
6. **Realisation.**  Exchanges are realised highest gain first.  After each one, the
   exchanges that share an actor and an issue with it are recomputed (the moved actor's
   new position on its supply issue; the moves bought by a partner on its demand issue
   count in the expected outcome used by the NBS check); those that become invalid are
   dropped.  Ties keep the order of the list (a stable sort: creation order, then the
   order of earlier gains); with ``ties="random"`` one of the tied exchanges is drawn.
7. **Voting positions** are the positions after all realised moves; their weighted
   mean is the voting outcome of the round.
8. **Preference update** between rounds: an actor that moved on an issue takes a step
   of :math:`w = 0.1 + 0.4\,(1 - s)` toward its voting position,
   :math:`x' = x + w\,(y - x)`; the next round starts from these preferences.

Computation.  Each round is one compiled pass per lane (:mod:`negotia.models.exchange.kernel`,
numba): the realisation of exchanges is sequential by nature, each realised exchange
changing the gains of the next, so the loop over them cannot be an array operation.  A
lane is a batch element, or one block of its issues (below); the candidates a realised
exchange affects are found through an index by (actor, issue) and only they are
recomputed; the best exchange comes from a max-tree of the gains.

Ties.  Many gains are equal in exact arithmetic; the reference (28-digit decimals, a
stable sort before every realisation) then realises them in list order or by the last
decimal digit.  With ``arithmetic="decimal"`` (default) the compiled loop runs in floats
and hands over to :mod:`negotia.models.exchange.decimals` where floats cannot decide:
gains equal to 1e-9 at the top of the list, and NBS checks whose outcome lands within
1e-9 of the partner's position.  There a decimal shadow, brought up to date by replaying
the realised exchanges in the reference's order of operations, decides as the reference
does, which reproduces its runs; ``arithmetic="float"`` is pure float64, equal gains (to
1e-11) going to the earliest created exchange.  With ``ties="random"`` the reference's
rule is kept: when the two best gains are equal a coin decides, and the loser goes to the
end of the list (with ``arithmetic="float"``: a coin between the two earliest created of
the tied exchanges).

Issues in separate negotiations (``within``: an issue attribute such as a DEU table's
proposal) never exchange with each other; such blocks, like batch elements, are
separate lanes.

Departures from the reference, all at the level of float noise: comparisons with the
scale's bounds (a move, the new position, the sum of an actor's moves in an exchange)
allow 1e-9.  Actors with zero salience or zero capability on an issue take no part in
its exchanges (the reference drops zero-salience rows and would divide by zero
capability).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any

import numpy as np

from negotia.models.base import Forecast, ModelInfo, Param, Record, RoundEvent, RoundTrace
from negotia.models.compromise import weighted_mean
from negotia.models.exchange.decimals import D0, DecimalLane, Shadow, preference_update, shadows_from_arrays
from negotia.models.exchange.size import (
    BYTES_PER_EXCHANGE,
    SECONDS_PER_CANDIDATE_ROUND,
    check_size,
    issue_blocks,
    size_estimate,
    time_estimate,
)
from negotia.models.jit_notice import compile_notice
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="exchange",
    title="Exchange model (Stokman & Van Oosten, Equal Gain)",
    citation=(
        "Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions: an object-oriented "
        "model of policy networks. In B. Bueno de Mesquita & F. N. Stokman (eds.), European Community "
        "Decision Making, ch. 7. Yale University Press."
    ),
    summary=(
        "Pairs of actors trade moves on the issues they care less about for moves on the ones they care "
        "more about, at Equal Gain exchange rates; repeated for several rounds."
    ),
    stochastic=True,
    dynamic=True,
    params=(
        Param("rounds", 10, "number of rounds of exchange", type=int, minimum=0, maximum=1000),
        Param(
            "outcome",
            "preference",
            "reported forecast: weighted mean of the voting positions of the last round, or of the "
            "preferences after it",
            choices=("voting", "preference"),
        ),
        Param(
            "ties",
            "order",
            "exchanges with equal gains: keep list order (deterministic) or draw one at random (seeded)",
            choices=("order", "random"),
        ),
        Param(
            "order",
            "id",
            "list order behind tie-breaking: actors sorted by id (independent of input order) or as given "
            "in the input (the reference implementation's behaviour)",
            choices=("id", "input"),
        ),
        Param(
            "p",
            0.0,
            "randomised Equal Gain: 0 gives equal gains; in (0, 1] one side's gain is drawn away from "
            "the equal gain by up to p of its range (seeded; runs in float arithmetic)",
            type=float,
            minimum=0.0,
            maximum=1.0,
        ),
        Param(
            "within",
            "prnr",
            "issue attribute that splits a table of separate negotiations (DEU tables: prnr, the "
            "proposal): exchanges only between issues with the same value; ignored when the issues "
            "have no such attribute; empty for all pairs",
        ),
        Param(
            "arithmetic",
            "decimal",
            "decimal: break ties between exactly equal gains on 28-digit decimal gains and positions, as the "
            "reference does (reproduces it); float: pure float64, equal gains go to the earliest created "
            "exchange (faster, above all on batches)",
            choices=("decimal", "float"),
        ),
        Param(
            "max_seconds",
            120.0,
            "refuse to start a run estimated to take longer than this (seconds on one core, estimated "
            "before the run; raise it to go ahead)",
            type=float,
            minimum=0.0,
        ),
        Param(
            "max_gb",
            4.0,
            "refuse to start when a round's candidate exchanges would need more memory than this "
            "(GB, estimated before the run; raise it to go ahead)",
            type=float,
            minimum=0.0,
        ),
        Param(
            "fixed_weight", 0.1, "fixed part of the step toward the voting position", type=float, minimum=0.0
        ),
        Param(
            "salience_weight",
            0.4,
            "part of the step toward the voting position that grows with 1 - salience",
            type=float,
            minimum=0.0,
        ),
    ),
)


def _round_float(
    K: ModuleType,
    arrs: tuple[np.ndarray, ...],
    blocks: tuple[np.ndarray, np.ndarray],
    ties_random: bool,
    p: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """One round in float arithmetic, all lanes in one compiled call.

    ``arrs``: the round's ``x, sal, W, elig, left, num, den`` (see
    :func:`~negotia.models.exchange.kernel.lane_arrays`)."""
    off, iss = blocks
    A = arrs[0].shape[1]
    sizes = np.diff(off)
    cap = int((A * (A - 1) // 2) * (sizes * (sizes - 1) // 2).sum())  # candidates of batch element 0
    vote, counts, ev_i, ev_f = K.run_round(arrs, off, iss, ties_random, p, rng, max(cap, 1))
    events = []
    for r in np.lexsort((ev_i[:, 0], ev_i[:, 1])).tolist():  # blocks' steps interleaved, as in parallel
        _, _, aI, q, aJ, pp = ev_i[r].tolist()
        fI, tI, fJ, tJ, g = ev_f[r].tolist()
        events.append({"I": (aI, q, fI, tI), "J": (aJ, pp, fJ, tJ), "gain": g})
    return vote, counts, events


def _round_decimal(
    K: ModuleType,
    arrs: tuple[np.ndarray, ...],
    blocks: tuple[np.ndarray, np.ndarray],
    shadows: list[Shadow],
    ties_random: bool,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """One round with decimal tie-breaking: the compiled loop per lane, decisions in decimals.

    Voting positions and the listed exchanges are the decimal ones (as the reference's);
    the float state of the loop only orders the exchanges that are clearly apart.
    """
    off, iss_all = blocks
    vote = arrs[0].copy()
    B = vote.shape[0]
    counts = np.zeros(B, dtype=np.int64)
    events: list[tuple[int, int, dict[str, Any]]] = []
    for b in range(B):
        sh = shadows[b]
        for k in range(len(off) - 1):
            iss = iss_all[off[k] : off[k + 1]]
            if len(iss) < 2:
                continue
            st = K.lane_init(K.lane_arrays(arrs, b, iss), True, 0.0, _NO_RNG)
            lane = DecimalLane(sh, K.views(st), iss.tolist(), record=b == 0)
            if st.ctr[K.K_PHASE] == K.PH_REVALIDATE:
                lane.decide_nbs()
            while (code := K.lane_run(st, True, ties_random, 0.0, _NO_RNG)) != K.DONE:
                if code == K.TIE:
                    lane.decide_tie(ties_random, rng)
                else:
                    lane.decide_nbs()
            done = int(st.ctr[K.K_DONE])
            lane.replay(done)
            counts[b] += done
            for aI, q, _, aJ, p, _ in lane.log:
                vote[b, aI, q] = float(sh.cur[aI][q])
                vote[b, aJ, p] = float(sh.cur[aJ][p])
            events += [(ev.pop("step"), k, ev) for ev in lane.events]
    events.sort(key=lambda v: v[:2])  # blocks' steps interleaved, as in parallel
    return vote, counts, [ev for _, _, ev in events]


#: A generator for the compiled loop's signature where no draw is made.
_NO_RNG = np.random.default_rng(0)


def forecast(
    arrays: ScenarioArrays,
    *,
    rng: np.random.Generator | None = None,
    progress: Callable[[int, int], None] | None = None,
    **params: Any,
) -> Forecast:
    """Run the exchange model for ``rounds`` rounds on every batch element.

    Parameters
    ----------
    arrays
        The scenario batch (positions on [0, 1], saliences on [0, 1]).
    rng
        Used only with ``ties="random"`` or ``p > 0``; a fixed default (seed 0) when None.
    progress
        Called after every round with (rounds done, rounds in all): a run of a few
        hundred actors or tens of issues takes seconds to minutes.
    rounds, outcome, ties, order, p, within, arithmetic, max_seconds, max_gb, fixed_weight,
    salience_weight
        See :data:`MODEL_INFO`.

    Raises
    ------
    ParameterError
        When a run would take longer than ``max_seconds`` or a round would need more than
        ``max_gb`` of memory (:func:`~negotia.models.exchange.size.check_size`), before it
        starts.

    Returns
    -------
    Forecast
        ``outcome`` (B, I); ``trace`` with ``preference_mean`` and ``voting_mean``
        ``(R+1, B, I)`` (index 0 = start), ``position`` and ``voting_position``
        ``(R+1, B, A, I)``, ``exchanges`` ``(R+1, B)`` and ``outcome``; ``events`` the
        realised exchanges of batch element 0, in order.
    """
    from negotia.models.exchange import kernel as K  # numba: compiled on first use, then cached

    prm = MODEL_INFO.resolve(params)
    check_size(arrays, prm["within"], prm["rounds"], prm["max_seconds"], prm["max_gb"])
    if rng is None and (prm["ties"] == "random" or prm["p"] > 0):
        rng = np.random.default_rng(0)
    run = _Run.start(arrays, prm, K)
    compile_notice(K.lane_run if run.exact else K.run_round, "the exchange model's inner loop")
    R = prm["rounds"]
    B, A, I = arrays.position.shape
    pos_tr = np.empty((R + 1, B, A, I))
    vote_tr = np.empty((R + 1, B, A, I))
    counts = np.zeros((R + 1, B), int)
    pos_tr[0] = vote_tr[0] = run.x
    events: list[Exchange] = []
    event = _event_maker(run.perm, arrays, K.SCALE)
    for r in range(R):
        vote, counts[r + 1], ev = run.round(K, prm, rng)
        events += [event(e, r + 1, k + 1) for k, e in enumerate(ev)]
        vote_tr[r + 1] = vote
        run.move(vote)
        pos_tr[r + 1] = run.x
        if progress is not None:
            progress(r + 1, R)
    inv = np.argsort(run.perm)
    return _result(arrays, prm, pos_tr[:, :, inv] / K.SCALE, vote_tr[:, :, inv] / K.SCALE, counts, events)


@dataclass
class _Run:
    """The state of one exchange run, actors in the run's order (``perm``), positions on
    the kernel's scale; with decimal arithmetic, also the decimal shadows the reference's
    decisions are taken on."""

    perm: np.ndarray
    sal: np.ndarray
    elig: np.ndarray
    x: np.ndarray
    W: np.ndarray
    den: np.ndarray
    step_w: np.ndarray
    blocks: tuple[np.ndarray, np.ndarray]
    exact: bool
    sal_dec: Any = None  # decimal saliences and positions, [b][a][t]
    x_dec: Any = None
    shadows: list[Shadow] = field(default_factory=list)
    sw: Decimal = D0
    fw: Decimal = D0

    @classmethod
    def start(cls, arrays: ScenarioArrays, prm: dict[str, Any], K: ModuleType) -> _Run:
        A = arrays.n_actors
        if prm["order"] == "id":
            perm = np.array(sorted(range(A), key=lambda k: arrays.actor_ids[k]), dtype=int)
        else:
            perm = np.arange(A)
        # one dtype for the compiled loop (a float32 or integer input would compile it again)
        present = arrays.present[:, perm].astype(bool)
        sal = np.ascontiguousarray(np.where(present, arrays.salience[:, perm], 0.0), dtype=np.float64)
        cap = np.where(present, arrays.capability[:, perm], 0.0).astype(np.float64)
        elig = np.ascontiguousarray(present & (sal > 0) & (cap > 0))
        x = np.ascontiguousarray(np.where(present, arrays.position[:, perm], 0.0) * K.SCALE, dtype=np.float64)
        W = np.ascontiguousarray(np.where(elig, cap * sal, 0.0))
        run = cls(
            perm=perm,
            sal=sal,
            elig=elig,
            x=x,
            W=W,
            den=np.ascontiguousarray(W.sum(axis=1)),  # (B, I)
            step_w=prm["fixed_weight"] + prm["salience_weight"] * (1.0 - sal),
            blocks=issue_blocks(arrays, prm["within"]),
            exact=prm["arithmetic"] == "decimal" and prm["p"] == 0,
        )
        if run.exact:
            scale = (arrays.scale_min, arrays.scale_max)
            run.sal_dec, cap_dec, run.x_dec = shadows_from_arrays(x, sal, cap, elig, *scale)
            run.sw, run.fw = Decimal(prm["salience_weight"]), Decimal(prm["fixed_weight"])
            run.shadows = [Shadow(run.sal_dec[b], cap_dec[b], run.x_dec[b]) for b in range(x.shape[0])]
        return run

    def round(
        self, K: ModuleType, prm: dict[str, Any], rng: np.random.Generator | None
    ) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
        """One round of exchanges: the voting positions, exchanges done per batch element
        and the realised exchanges (as the round functions return them)."""
        x, elig = self.x, self.elig
        num = np.ascontiguousarray((self.W * x).sum(axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            nbs = num / self.den
        left = np.ascontiguousarray(x <= nbs[:, None, :])
        if self.exact:
            for b, sh in enumerate(self.shadows):
                sh.start(self.x_dec[b])
            # an actor (nearly) at the expected outcome: its side decided in decimals
            for b, a, t in zip(*np.nonzero(elig & (np.abs(x - nbs[:, None, :]) < K.AMBIGUOUS)), strict=True):
                sh = self.shadows[b]
                left[b, a, t] = sh.x0[a][t] <= sh.nbs(t, {}, -1, D0)
        arrs = K.RoundData(x, self.sal, self.W, elig, left, num, self.den)
        ties_random = prm["ties"] == "random"
        if self.exact:
            return _round_decimal(K, arrs, self.blocks, self.shadows, ties_random, rng)
        return _round_float(K, arrs, self.blocks, ties_random, prm["p"], rng or _NO_RNG)

    def move(self, vote: np.ndarray) -> None:
        """Every eligible actor steps toward its voting position (the preference update);
        with decimal arithmetic the moved ones take their decimal position."""
        x = self.x
        moved = vote != x
        self.x = np.ascontiguousarray(np.where(self.elig, x + self.step_w * (vote - x), x))
        if self.exact:
            for b, sh in enumerate(self.shadows):
                for a, t in zip(*np.nonzero(moved[b]), strict=True):
                    s_at = self.sal_dec[b][a][t]
                    self.x_dec[b][a][t] = preference_update(sh.x0[a][t], sh.cur[a][t], s_at, self.sw, self.fw)
                    self.x[b, a, t] = float(self.x_dec[b][a][t])


@dataclass(frozen=True, eq=False)
class ExchangeSide(Record):
    """One side of a realised exchange: who moves on which issue, and what it gets.

    Attributes
    ----------
    actor
        The actor that moves.
    supply
        The issue on which it moves (toward the other side's position).
    start, end
        Its position before and after, on the issue's scale (JSON keys ``from``, ``to``).
    demand
        The issue on which the other side moves in return.
    move
        ``end - start``.
    """

    actor: str
    supply: str
    start: float = field(metadata={"key": "from"})
    end: float = field(metadata={"key": "to"})
    demand: str
    move: float


@dataclass(frozen=True, eq=False)
class Exchange(RoundEvent):
    """A realised exchange of batch element 0 (Stokman & Van Oosten).

    Attributes
    ----------
    step
        Its place among the round's exchanges, counted from 1.
    i, j
        The two sides.
    gain
        The expected utility gain that ranked it (the kernel's scale).
    """

    step: int
    i: ExchangeSide
    j: ExchangeSide
    gain: float


@dataclass(frozen=True, eq=False)
class ExchangeTrace(RoundTrace):
    """The exchange model's per-round arrays, actors in the input's order, on [0, 1].

    Attributes
    ----------
    preference_mean, voting_mean
        ``(R+1, B, I)``: the capability x salience weighted mean of the preferred and of
        the voting positions.
    outcome
        ``(R+1, B, I)``: the one of the two the ``outcome`` parameter reports.
    position, voting_position
        ``(R+1, B, A, I)``: preferred and voting positions.
    exchanges
        ``(R+1, B)``: exchanges realised in each round (0 at the start).
    """

    preference_mean: np.ndarray
    voting_mean: np.ndarray
    outcome: np.ndarray
    position: np.ndarray
    voting_position: np.ndarray
    exchanges: np.ndarray


def _result(
    arrays: ScenarioArrays,
    prm: dict[str, Any],
    pos_tr: np.ndarray,
    vote_tr: np.ndarray,
    counts: np.ndarray,
    events: list[Exchange],
) -> Forecast:
    """The forecast from the traces (actors back in input order, on [0, 1])."""
    R = prm["rounds"]
    pres, weight = arrays.present, arrays.weight
    pref_mean = np.stack([weighted_mean(pos_tr[k], weight, pres) for k in range(R + 1)])
    vote_mean = np.stack([weighted_mean(vote_tr[k], weight, pres) for k in range(R + 1)])
    pref_mean = np.where(np.isnan(pref_mean), arrays.status_quo, pref_mean)
    vote_mean = np.where(np.isnan(vote_mean), arrays.status_quo, vote_mean)
    out_tr = vote_mean if prm["outcome"] == "voting" else pref_mean
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=out_tr[-1].copy(),
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=prm,
        trace=ExchangeTrace(
            preference_mean=pref_mean,
            voting_mean=vote_mean,
            outcome=out_tr,
            position=pos_tr,
            voting_position=vote_tr,
            exchanges=counts,
        ),
        events=events,
        rounds=np.full(arrays.position.shape[0], R),
        actor_ids=arrays.actor_ids,
    )


def _event_maker(perm: np.ndarray, arrays: ScenarioArrays, scale: float) -> Any:
    """A function that writes a realised exchange of batch element 0 in plain terms
    (actor and issue ids, positions on the issue's scale)."""
    actors = [arrays.actor_ids[k] for k in perm.tolist()]
    issues = list(arrays.issue_ids)
    lo = arrays.scale_min.tolist()
    unit = [(h - v) / scale for v, h in zip(lo, arrays.scale_max.tolist(), strict=True)]

    def side(a: int, supply: int, demand: int, start: float, end: float) -> ExchangeSide:
        s0, s1 = lo[supply] + start * unit[supply], lo[supply] + end * unit[supply]
        return ExchangeSide(actors[a], issues[supply], s0, s1, issues[demand], s1 - s0)

    def event(e: dict[str, Any], rnd: int, step: int) -> Exchange:
        (aI, q, fI, tI), (aJ, p, fJ, tJ) = e["I"], e["J"]
        return Exchange(rnd, step, side(aI, q, p, fI, tI), side(aJ, p, q, fJ, tJ), e["gain"])

    return event


__all__ = [
    "BYTES_PER_EXCHANGE",
    "MODEL_INFO",
    "SECONDS_PER_CANDIDATE_ROUND",
    "Exchange",
    "ExchangeSide",
    "ExchangeTrace",
    "check_size",
    "forecast",
    "size_estimate",
    "time_estimate",
]
