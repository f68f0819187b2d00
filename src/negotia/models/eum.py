r"""Bueno de Mesquita's expected utility model (1994), as specified by Scholz et al. (2011).

Bueno de Mesquita, B. (1994). "Political forecasting: an expected utility method." In
Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP,
pp. 71-104; specified in full by Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011),
"Unravelling Bueno de Mesquita's group decision model", *Journal of Theoretical
Politics* 23(4): 510-531 (equation numbers below are theirs).

The model is one-dimensional: every issue is simulated on its own, and here every
(batch element, issue) pair is one independent run, so that ``(B, I)`` is the batch
axis of the vectorised core.  Actors absent from an issue take no part in it.

One round
---------
Positions :math:`x_i` lie on [0, 1] (the issue scale); distances are divided by the
range :math:`\rho` (1 for the issue scale, or the span of the actors' initial positions
with ``normalise="positions"``), capability :math:`c_i`, salience :math:`s_i`, weight
:math:`w_i = c_i s_i`.

1. **Votes** (sec. 3.2): actor :math:`k` votes for :math:`x_i` against :math:`x_j` with
   :math:`v^k_{ij} = w_k\,[(|x_k-x_j|/\rho)^{r_k} - (|x_k-x_i|/\rho)^{r_k}]`.
   The *median voter* forecast is the position that no other position beats with
   :math:`r = 1` (the capability x salience weighted median; an exact tie between two
   positions is split at the midpoint); the *mean* forecast is the weighted mean.
2. **Win probability** (sec. 4, eq. 30):
   :math:`P_{ij} = \sum_k \max(0, v^k_{ij}) / D_{ij}`, 0 where :math:`x_i = x_j`.
3. **Utilities** of challenger :math:`i` against :math:`j` seen by an actor with risk
   exponent :math:`r` (eqs. 15-19, 24): success
   :math:`U_s = 2 - 4(\tfrac12 - \tfrac12\delta_{ij})^r`, failure
   :math:`U_f = 2 - 4(\tfrac12 + \tfrac12\delta_{ij})^r`, status quo
   :math:`U_{sq} = 2 - 4(\tfrac12)^r`, things getting better / worse without a challenge
   :math:`U_{b,w} = 2 - 4(\tfrac12 \mp \tfrac14(|x_i-\mu| + |x_i-x_j|)/\rho)^r` with
   :math:`\delta_{ij} = |x_i-x_j|/\rho` and :math:`\mu` the median voter position.
4. **Expected utility of a challenge** (eq. 25):
   :math:`E(U_{ij}) = s_j[P_{ij}U_s + (1-P_{ij})U_f] + (1-s_j)U_s - Q\,U_{sq}
   - (1-Q)[T\,U_b + (1-T)\,U_w]`.  :math:`T`, the chance that things get better for
   :math:`i` without a challenge, is taken as 1 where :math:`|x_i-\mu| < |x_i-x_j|`
   (the challenger is nearer the median than to the target, by more than 1e-9 of the
   scale: see "Near ties"), else 0 -- the rule adopted
   here, as in other open re-implementations; it was not checked against a reference.
   With the default :math:`Q = 1` the last term vanishes, and with it any role of
   :math:`T`.
5. **Security level and risk** (sec. 5, eqs. 32-33): with every :math:`r = 1`, actor
   :math:`i`'s exposure is :math:`S_i = \sum_{j \ne i} E(U_{ji})` (what the others
   expect from challenging it); :math:`R_i = (2S_i - S_{max} - S_{min}) / (S_{max} -
   S_{min})` and :math:`r_i = (1 - R_i/3)/(1 + R_i/3)` in [0.5, 2].  (Where all
   :math:`S_i` are equal, :math:`R_i = 0`.)
6. **Offers** (sec. 6): steps 2-4 are repeated with the new :math:`r`.  Receiver
   :math:`i` judges each other actor :math:`j` (at a different position) by its own
   estimates :math:`E_i = E^i(U_{ij})` and :math:`E_j = E^i(U_{ji})`, both with
   :math:`r_i`: *conflict* it loses if :math:`E_j > E_i > 0` (moves to :math:`x_j`);
   *compromise* if :math:`E_j > 0 > E_i` and :math:`E_j > |E_i|` (moves to
   :math:`x_i + (x_j - x_i)|E_i/E_j|`); *capitulation* if :math:`E_j > 0 > E_i` and
   :math:`E_j < |E_i|` (moves to :math:`x_j`).  It accepts a conflict offer if it has
   one, else a compromise, else a capitulation; all actors move at once.

Variants
--------
``variant="scholz-code"`` (default) reproduces the public replication of Scholz et al.
(jmckib/bdm-scholz-expected-utility-model), checked to 1e-9 against its trajectories of
the EC car-emissions and "Sultan" cases, including its three departures from the
equations above:

(1) the win-probability denominator is one number per round, the sum of
    :math:`|v^k_{ab}|` over all voters :math:`k` and all ordered actor pairs
    :math:`(a, b)` (rather than :math:`D_{ij} = \sum_k |v^k_{ij}|` per pair), so
    probabilities are tiny and :math:`P_{ij} + P_{ji} \ne 1`;
(2) among compromise offers the receiver takes the one with the smallest
    :math:`|E_i|`-weighted average position :math:`(|E_i| x_i + |E_j| x_j)/(|E_i| +
    |E_j|)` (a bias toward the low end of the scale), not the one that moves it least;
(3) the capitulation test compares :math:`E_j` with :math:`|E_j|`, so it never fires.

``variant="paper"`` uses the per-pair :math:`D_{ij}` (so :math:`P_{ij} + P_{ji} = 1`;
:math:`P = \tfrac12` where no voter cares), lets capitulation fire, and picks, within
the kind of offer accepted, the one that moves the receiver least.  Everything else is
shared.

Order independence
------------------
Within each run the actors are first put in a canonical order (by initial position,
salience, capability, then actor id), so every sum is taken in the same order whatever
the input order.  Where two offers of the accepted kind tie (keys within 1e-12), the
receiver moves toward the one whose proposer holds the lower position, then the first in
that canonical order.  The replication instead keeps the first in input order; on both
reference cases the two rules agree.  The replication's median is the first
Condorcet-winning position in Python set order, which is arbitrary in an exact tie; here
such a tie is split at the midpoint.

Near ties
---------
The result must not depend on the units of the issue scale (it is invariant to an affine
change of scale).  Two rules keep it so where positions almost coincide:

* Actors closer than 1e-9 of the issue scale hold one position: they make each other no
  offers, neither can win against the other, and :math:`T = 0` where the target is that
  close to the median -- all exactly as at equal positions.  A smaller gap is rounding
  (the same positions stated in other units, a compromise series converging), and the
  model is discontinuous at a gap of 0: a conflict offer from a partner 1e-17 away would
  block every other offer.
* Eq. (25) is evaluated with the utilities relative to :math:`U_{sq}` (which cancels
  from it), so that an expected utility of the order of :math:`\delta` keeps its sign
  instead of being the difference of numbers near 1.

Oscillation
-----------
After every round the positions are compared (to 1e-12) with all earlier rounds.  A
repeat of the previous round is a fixed point (``Forecast.rounds`` counts the rounds
until it); a repeat of an earlier round is a cycle, reported in ``Forecast.notes``.  With
``cycle="mean"`` (default) the forecast of a cycling run is the mean of the reported
forecast over one period of the cycle rather than whichever round the simulation happened
to stop in; ``cycle="last"`` keeps the last round.  Runs that neither settle nor repeat
within ``rounds`` are reported too, with the range of their forecast over the last five
rounds; with ``cycle="mean"`` their forecast is the mean over those rounds (again not the
round the simulation happened to stop in), with ``cycle="last"`` the last round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.errors import ParameterError
from negotia.models.base import Forecast, ModelInfo, Param, RoundEvent, RoundTrace, equal_weight_notes
from negotia.models.eum_core import KINDS, Mapper, RoundReport, chunks_of, simulate
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="eum",
    title="Expected utility model (Bueno de Mesquita 1994, Scholz et al. 2011)",
    citation=(
        "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In B. Bueno de "
        "Mesquita & F. N. Stokman (eds.), European Community Decision Making, pp. 71-104. Yale University "
        "Press; specified by Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de "
        "Mesquita's group decision model. Journal of Theoretical Politics 23(4): 510-531."
    ),
    summary=(
        "Actors challenge, compromise with or give in to each other round by round, by the expected "
        "utility of challenges; the forecast is the median voter (or mean) position after the last round."
    ),
    dynamic=True,
    params=(
        Param(
            "variant",
            "scholz-code",
            "scholz-code: the public replication with its quirks; paper: the equations of Scholz et al. 2011",
            choices=("scholz-code", "paper"),
        ),
        Param("rounds", 10, "number of rounds to simulate", type=int, minimum=0, maximum=1000),
        Param(
            "q",
            1.0,
            "Q, the probability that the status quo holds without a challenge (1 or e.g. 0.5)",
            type=float,
            minimum=0.0,
            maximum=1.0,
        ),
        Param(
            "report",
            "median",
            "forecast to report: median (median voter) or mean (weighted mean)",
            choices=("median", "mean"),
        ),
        Param(
            "normalise",
            "scale",
            "divide distances by the issue scale (scale) or by the span of the initial positions (positions)",
            choices=("scale", "positions"),
        ),
        Param(
            "cycle",
            "mean",
            "forecast of a run whose positions cycle: mean over the cycle, or the last round",
            choices=("mean", "last"),
        ),
        Param(
            "max_seconds",
            120.0,
            "refuse to start a run estimated to take longer than this (seconds; raise it to go ahead)",
            type=float,
            minimum=0.0,
        ),
        Param(
            "max_gb",
            4.0,
            "refuse to start a run estimated to need more memory than this (GB; raise it to go ahead)",
            type=float,
            minimum=0.0,
        ),
    ),
)

#: Seconds per (actor pair, issue, round, batch element), measured with bench/eum_bench.py
#: (synthetic 50 x 10, 100 variants, 10 rounds: 2.67 s on one thread of the project's
#: 2-core machine); the vote sums add a factor log(A) / log(50) for more actors.
SECONDS_PER_PAIR_ROUND = 1.07e-7
#: Bytes of peak memory per (round, run, actor) -- the per-round trace kept by
#: :func:`~negotia.models.eum_core.simulate` and its copy in input order -- and per element
#: of a chunk's ``(A, A, n)`` pair arrays (the temporaries of one round, held by each
#: thread at once).  Fitted to tracemalloc peaks from 10 to 1,000 actors and 1 to 20,000
#: runs (60 and 115 bytes, with about 10 % to spare).
BYTES_PER_ACTOR_ROUND = 72
BYTES_PER_PAIR_IN_CHUNK = 130


def time_estimate(arrays: ScenarioArrays, rounds: int) -> float:
    """Seconds a run should take on one core, before it starts (see the constant above)."""
    a = max(arrays.n_actors, 2)
    work = float(a) ** 2 * arrays.n_issues * rounds * arrays.batch
    return SECONDS_PER_PAIR_ROUND * work * max(1.0, np.log(a) / np.log(50))


def memory_estimate(arrays: ScenarioArrays, rounds: int, threads: int = 1) -> float:
    """Peak bytes of a run on ``threads`` threads, before it starts (constants above)."""
    a, n_runs = arrays.n_actors, arrays.batch * arrays.n_issues
    chunk = chunks_of(n_runs, a)[0] if n_runs else slice(0, 0)
    in_chunk = float(a) ** 2 * max(2, chunk.stop - chunk.start) * min(threads, max(1, n_runs))
    return BYTES_PER_ACTOR_ROUND * float(rounds + 1) * n_runs * a + BYTES_PER_PAIR_IN_CHUNK * in_chunk


def check_size(arrays: ScenarioArrays, rounds: int, limits: dict[str, Any], threads: int = 1) -> None:
    """:class:`ParameterError` with the numbers when a run would take longer than
    ``limits["max_seconds"]`` or need more memory than ``limits["max_gb"]``."""
    need_s = time_estimate(arrays, rounds)
    need_b = memory_estimate(arrays, rounds, threads)
    what = (
        f"the expected utility model on {arrays.n_actors:,} actors x {arrays.n_issues:,} issues, "
        f"{rounds} rounds{f', {arrays.batch:,} variants' if arrays.batch > 1 else ''}"
    )
    if need_s > limits["max_seconds"]:
        raise ParameterError(
            f"{what}, would take about {need_s:,.0f} s on one core (more than the limit of "
            f"{limits['max_seconds']:g} s); choose fewer rounds or other models (-m), or raise the "
            f"limit to go ahead (--max-seconds {np.ceil(2 * need_s):.0f})"
        )
    if need_b > limits["max_gb"] * 1e9:
        raise ParameterError(
            f"{what}, would need about {need_b / 1e9:,.1f} GB of memory (more than the limit of "
            f"{limits['max_gb']:g} GB); choose fewer rounds, variants or other models (-m), or raise "
            f"the limit to go ahead (--max-gb {max(1, int(np.ceil(2 * need_b / 1e9)))})"
        )


# --------------------------------------------------------------------------------------
# The model interface
# --------------------------------------------------------------------------------------
def _canonical_order(arrays: ScenarioArrays) -> np.ndarray:
    """``(B, I, A)`` actor order per run: present first, then by position, salience,
    capability and actor id, so that results do not depend on the input order."""
    id_rank = np.argsort(np.argsort(np.array(arrays.actor_ids, dtype=object)))
    shape = (arrays.batch, arrays.n_issues, arrays.n_actors)
    t = lambda a: np.moveaxis(a, 1, 2)  # noqa: E731  (B, A, I) -> (B, I, A)
    keys = (
        np.broadcast_to(id_rank, shape),
        t(arrays.capability),
        t(arrays.salience),
        t(np.where(arrays.present, arrays.position, 0.0)),
        t(~arrays.present),
    )
    return np.lexsort(keys, axis=-1)


#: Rounds at the end of an unsettled run whose mean is its forecast (``cycle="mean"``)
#: and whose range the notes report.
UNSETTLED_WINDOW = 5


def _notes(sim: dict[str, np.ndarray], report: np.ndarray, arrays: ScenarioArrays, cyc: str) -> list[str]:
    """Cycles and unsettled runs, in words (issue by issue for batch element 0)."""
    notes: list[str] = []
    issue_ids, batch, n_issues = arrays.issue_ids, arrays.batch, arrays.n_issues
    rounds = report.shape[0] - 1
    period = sim["period"].reshape(batch, n_issues)
    start = sim["cycle_start"].reshape(batch, n_issues)
    rep = arrays.to_scale(report.reshape(rounds + 1, batch, n_issues)[:, 0, :])  # (R+1, I), issue scale
    cycling, unsettled = [], []
    for k, iid in enumerate(issue_ids):
        if period[0, k] >= 2:
            s0, p0 = int(start[0, k]), int(period[0, k])
            vals = ", ".join(f"{v:.4g}" for v in rep[s0 : s0 + p0, k])
            cycling.append(f"{iid} (period {p0} from round {s0}; forecast {vals})")
        elif period[0, k] == 0 and rounds > 0:
            lo = max(0, rounds - (UNSETTLED_WINDOW - 1))
            tail = rep[lo:, k]
            if np.ptp(tail) > 1e-9 * (arrays.scale_max[k] - arrays.scale_min[k]):
                unsettled.append(
                    f"{iid} (between {tail.min():.4g} and {tail.max():.4g} in rounds {lo}-{rounds})"
                )
    what = "the mean over one cycle" if cyc == "mean" else f"the forecast after round {rounds}"
    for label, items, tail_text in (
        ("oscillation: the positions cycle on ", cycling, f"; reported {what}"),
        (
            f"not settled after {rounds} rounds: the forecast still moves on ",
            unsettled,
            "; reported the mean of those rounds" if cyc == "mean" else "; reported the last round",
        ),
    ):
        if items:
            more = f" and {len(items) - 5} more issues" if len(items) > 5 else ""
            notes.append(label + "; ".join(items[:5]) + more + tail_text)
    if batch > 1:
        n_cyc = int((period >= 2).sum())
        if n_cyc:
            notes.append(f"oscillation in {n_cyc} of {batch * n_issues} (batch element, issue) runs")
    return notes


@dataclass(frozen=True, eq=False)
class EumMove(RoundEvent):
    """One actor's move in one round on one issue (batch element 0).

    Attributes
    ----------
    issue, actor
        Where and who.
    kind
        Why it moved: one of :data:`~negotia.models.eum_core.KINDS` (conflict,
        compromise, capitulation).
    toward
        The actor whose proposal it accepted.
    start, end
        Its position before and after, on the issue's scale (JSON keys ``from``, ``to``).
    """

    issue: str
    actor: str
    kind: str
    toward: str
    start: float = field(metadata={"key": "from"})
    end: float = field(metadata={"key": "to"})


@dataclass(frozen=True, eq=False)
class EumTrace(RoundTrace):
    """The EUM's per-round arrays, actors in the input's order, values on [0, 1].

    Attributes
    ----------
    position
        ``(R+1, B, A, I)``, NaN where an actor is absent.
    median, mean
        ``(R+1, B, I)``: the capability x salience weighted median and mean.
    outcome
        ``(R+1, B, I)``: the reported statistic (``report``) per round.
    risk
        ``(R, B, A, I)``: each actor's risk exponent r in each round (NaN if absent).
    kind
        ``(R, B, A, I)``: the move each actor made (index into ``KINDS``; 0 none).
    toward
        ``(R, B, A, I)``: the input index of the actor it moved toward, or -1.
    """

    position: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    outcome: np.ndarray
    risk: np.ndarray
    kind: np.ndarray
    toward: np.ndarray


def _events(sim_b0: dict[str, np.ndarray], arrays: ScenarioArrays, order: np.ndarray) -> list[EumMove]:
    """Moves of batch element 0: round, issue, actor, kind, toward whom, from, to (issue scale)."""
    kind, toward, pos = sim_b0["kind"], sim_b0["toward"], sim_b0["position"]  # (R, I, A), (R+1, I, A)
    events = []
    # in the order of rounds, issues and the input's actors
    moves = sorted(zip(*np.nonzero(kind), strict=True), key=lambda m: (m[0], m[1], order[m[1], m[2]]))
    for t, i, a in moves:
        span = arrays.scale_max[i] - arrays.scale_min[i]
        events.append(
            EumMove(
                round=int(t + 1),
                issue=arrays.issue_ids[i],
                actor=arrays.actor_ids[order[i, a]],
                kind=KINDS[kind[t, i, a]],
                toward=arrays.actor_ids[order[i, toward[t, i, a]]],
                start=float(arrays.scale_min[i] + pos[t, i, a] * span),
                end=float(arrays.scale_min[i] + pos[t + 1, i, a] * span),
            )
        )
    return events


def forecast(
    arrays: ScenarioArrays,
    *,
    rng: np.random.Generator | None = None,
    mapper: Mapper | None = None,
    progress: RoundReport | None = None,
    **params: Any,
) -> Forecast:
    """Simulate the expected utility model on every issue and batch element.

    Parameters
    ----------
    arrays
        The scenario batch (positions on [0, 1]; each issue is one-dimensional).
    rng
        Unused (the model is deterministic); accepted for a uniform interface.
    mapper
        ``map``-like callable the rounds' chunks of runs go through (default: the
        builtin ``map``, one thread); the caller decides the threads, e.g. with
        :func:`negotia.ensemble.backends.thread_map`.  The result does not depend on it.
    progress
        Called with (rounds done, rounds in all) after every round.
    variant
        ``"scholz-code"`` (default): the public replication with its quirks (1)-(3) of
        the module notes; ``"paper"``: per-pair win probabilities, a capitulation test
        that can fire, and the offer that moves the receiver least.
    rounds
        Number of rounds (default 10).
    q
        Q of eq. (25), default 1.0 (0.5 is the other value used by Bueno de Mesquita).
    report
        ``"median"`` (the median voter position, default) or ``"mean"``.
    normalise
        ``"scale"`` (default): distances relative to the issue scale; ``"positions"``:
        relative to the span of the actors' initial positions, as the replication does
        (the two agree when the scale is that span, as for a CSV without a scale).
    cycle
        ``"mean"`` (default) or ``"last"``: the forecast of a run that cycles.
    max_seconds, max_gb
        Limits checked before the run starts (:func:`size_estimate`); a run estimated
        above either is refused with the figures.

    Returns
    -------
    Forecast
        ``outcome`` (B, I); ``trace`` with ``position`` (R+1, B, A, I; NaN where an actor
        is absent), ``median``, ``mean``, ``outcome`` (R+1, B, I; the reported one per
        round), ``risk`` (R, B, A, I), ``kind`` (R, B, A, I; 0 none, 1 conflict,
        2 compromise, 3 capitulation) and ``toward`` (R, B, A, I; the proposer's actor
        index, -1 if none); ``events`` with the moves of batch element 0; ``rounds``
        (B,) until every issue stopped moving; ``notes`` on cycles and unsettled runs.
    """
    p = MODEL_INFO.resolve(params)
    b, a, n_i = arrays.position.shape
    rounds = int(p["rounds"])
    check_size(arrays, rounds, p, getattr(mapper, "threads", 1))
    order = _canonical_order(arrays)  # (B, I, A)
    sim, present_runs = _simulate(arrays, order, p, mapper or map, progress)
    report = sim[p["report"]]  # (R+1, N)
    outcome = _headline(report, sim["period"], sim["cycle_start"], p["cycle"]).reshape(b, n_i)
    outcome = np.where(~arrays.present.any(axis=1), arrays.status_quo, outcome)
    batch0 = {k: sim[k].reshape(sim[k].shape[0], b, n_i, a)[:, 0] for k in ("kind", "toward", "position")}
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=outcome,
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=p,
        trace=_trace(sim, report, arrays, order, present_runs),
        events=_events(batch0, arrays, order[0]),
        rounds=sim["settled"].reshape(b, n_i).max(axis=1),
        actor_ids=arrays.actor_ids,
        notes=equal_weight_notes(arrays, arrays.weight) + _notes(sim, report, arrays, p["cycle"]),
    )


def _simulate(
    arrays: ScenarioArrays,
    order: np.ndarray,
    p: dict[str, Any],
    mapper: Mapper,
    progress: RoundReport | None,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`simulate` on every (batch element, issue) run, actors in canonical ``order``;
    also returns which actors of each run are present, ``(B*I, A)``."""
    b, a, n_i = arrays.position.shape

    def runs(v: np.ndarray) -> np.ndarray:  # (B, A, I) -> (B*I, A) in canonical order
        return np.take_along_axis(np.moveaxis(v, 1, 2), order, axis=2).reshape(b * n_i, a)

    present = runs(arrays.present)
    sim = simulate(
        runs(arrays.position),
        runs(arrays.salience),
        runs(arrays.weight),
        present,
        rounds=int(p["rounds"]),
        q=float(p["q"]),
        variant=p["variant"],
        normalise=p["normalise"],
        mapper=mapper,
        progress=progress,
    )
    return sim, present


def _headline(report: np.ndarray, period: np.ndarray, start: np.ndarray, cycle: str) -> np.ndarray:
    """The forecast of every run ``(N,)`` from the reported value per round ``(R+1, N)``:
    the last round, or with ``cycle="mean"`` the mean over a cycle or over the last
    :data:`UNSETTLED_WINDOW` rounds of a run that never settles."""
    rounds = report.shape[0] - 1
    final = report[rounds]
    if cycle != "mean" or rounds == 0:
        return final
    cyc = period >= 2
    if cyc.any():
        steps = np.arange(rounds + 1)[:, None]
        in_cycle = (steps >= start) & (steps < start + period)
        cycle_mean = np.where(in_cycle, report, 0.0).sum(axis=0) / np.maximum(period, 1)
        final = np.where(cyc, cycle_mean, final)
    # A run that neither settles nor repeats swings on: its headline is the mean of
    # its last rounds, not whichever round the count stopped in (the ukraine-2025
    # sequencing issue read 74.3 after 8 rounds and 15.0 after 9).
    lo = max(0, rounds - (UNSETTLED_WINDOW - 1))
    window = report[lo:]
    loose = (period == 0) & (np.ptp(window, axis=0) > 1e-9)
    return np.where(loose, window.mean(axis=0), final)


def _trace(
    sim: dict[str, np.ndarray],
    report: np.ndarray,
    arrays: ScenarioArrays,
    order: np.ndarray,
    present_runs: np.ndarray,
) -> EumTrace:
    """The per-round arrays of :func:`simulate` back in the input's actor order, (B, A, I)."""
    b, a, n_i = arrays.position.shape
    rounds = report.shape[0] - 1
    inverse = np.argsort(order, axis=2)  # canonical -> input order

    def back(v: np.ndarray, fill: float | None = None) -> np.ndarray:  # (T, N, A) -> (T, B, A, I)
        if fill is not None:
            v = np.where(present_runs[None], v, fill)
        v = v.reshape(v.shape[0], b, n_i, a)
        v = np.take_along_axis(v, inverse[None], axis=3)
        return np.moveaxis(v, 3, 2)

    toward = sim["toward"].reshape(rounds, b, n_i, a)
    toward_input = np.where(toward >= 0, np.take_along_axis(order[None], np.maximum(toward, 0), axis=3), -1)
    toward_input = np.moveaxis(np.take_along_axis(toward_input, inverse[None], axis=3), 3, 2)
    return EumTrace(
        position=back(sim["position"], np.nan),
        median=sim["median"].reshape(rounds + 1, b, n_i),
        mean=sim["mean"].reshape(rounds + 1, b, n_i),
        outcome=report.reshape(rounds + 1, b, n_i),
        risk=back(sim["risk"], np.nan),
        kind=back(sim["kind"]),
        toward=toward_input,
    )
