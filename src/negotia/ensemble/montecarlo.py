"""Monte Carlo: run a registered model over N perturbed variants of a scenario and
summarise the forecast's distribution.

The N variants are split into blocks (:func:`~negotia.ensemble.perturb.block_size`:
a power of two set by the scenario's shape, never by the backend); each block is
drawn from its own streams and the model runs once per block (vectorised over the
block) with its own rng, derived from the same seed.  Tasks sent to a backend
are runs of whole blocks, so the outcome of variant ``j`` depends only on the seed and
``j``: never on the backend, the number of workers or the chunk size.  Summaries are
computed once, in this process, from the outcomes in variant order, so they are
bit-identical on every backend.

Summaries per issue (on the issue's own scale): the unperturbed forecast, mean,
median, sd, the standard error of the mean, the 5-95 % interval, a histogram over the
issue's scale and, for each actor with a red line on the issue, the probability that
the outcome lies outside it (with its binomial standard error).  For dynamic models,
the distribution of rounds to settle.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from negotia.ensemble.backends import Backend, make_backend
from negotia.ensemble.perturb import (
    BLOCK,
    Perturbation,
    PerturbationSpec,
    check_n,
    model_rng,
)
from negotia.jsonable import to_jsonable
from negotia.models import get_model, parse_model_spec, run_model
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.redlines import within
from negotia.scenario.scale import to_scale
from negotia.scenario.schema import Scenario, require_scenario
from negotia.seeding import seed_sequence

#: Number of histogram bins over each issue's scale.
BINS = 20
#: A task carries about this many blocks' worth of work at least (fewer only when N is small).
_TARGET_TASKS = 32


# -- the work a task does (module level, so that worker processes can import it) --------


@dataclass(frozen=True)
class ModelCall:
    """Which model to run, with its resolved parameters (plain data: pickles)."""

    name: str
    params: dict[str, Any]


def run_blocks(
    model: ModelCall,
    seed: np.random.SeedSequence,
    arrays_of_block: Callable[[int, int], ScenarioArrays],
    first: int,
    stop: int,
    n_total: int,
    block: int = BLOCK,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Run ``model`` on blocks ``first`` .. ``stop - 1`` of a run of ``n_total`` variants.

    ``arrays_of_block(k, size)`` gives the arrays of block ``k`` (``size`` variants);
    a block holds ``block`` variants.  Returns the outcomes ``(n, I)`` on [0, 1] and
    the rounds ``(n,)`` (or None).
    """
    outcomes, rounds = [], []
    for k in range(first, stop):
        size = min(block, n_total - k * block)
        arrays = arrays_of_block(k, size)
        fc = run_model(model.name, arrays, rng=model_rng(seed, k), **model.params)
        outcomes.append(np.asarray(fc.outcome, dtype=float))
        rounds.append(None if fc.rounds is None else np.asarray(fc.rounds))
    out = np.concatenate(outcomes) if len(outcomes) > 1 else outcomes[0]
    if any(r is None for r in rounds):
        return out, None
    return out, np.concatenate(rounds) if len(rounds) > 1 else rounds[0]


@dataclass(frozen=True)
class MonteCarloJob:
    """The payload every Monte Carlo task shares."""

    perturbation: Perturbation
    model: ModelCall
    seed: np.random.SeedSequence
    n: int

    def block(self, k: int, size: int) -> ScenarioArrays:
        arrays = self.perturbation.draw_block(self.seed, k)
        return arrays if size == arrays.batch else arrays.take(slice(0, size))

    def run(self, backend: str | Backend, **options: Any) -> tuple[np.ndarray, np.ndarray | None, str]:
        """Every variant on ``backend`` (options of :func:`run_planned`): outcomes and rounds
        in variant order, and the backend's description."""
        return run_planned(backend, monte_carlo_task, self, self.n, block=self.perturbation.block, **options)


def monte_carlo_task(job: MonteCarloJob, first: int, stop: int) -> tuple[np.ndarray, np.ndarray | None]:
    """One task: blocks ``first`` .. ``stop - 1`` of the run."""
    return run_blocks(job.model, job.seed, job.block, first, stop, job.n, job.perturbation.block)


def plan_tasks(n: int, chunk_size: int | None = None, block: int = BLOCK) -> list[tuple[int, int]]:
    """Split ``n`` variants into tasks of whole blocks of ``block`` variants:
    ``[(first_block, stop_block), ...]``.

    The default chunk depends on ``n`` and the block only (about 32 tasks, at least
    one block each), never on the backend or its workers.
    """
    n_blocks = math.ceil(n / block)
    if chunk_size is None:
        per = max(1, math.ceil(n_blocks / _TARGET_TASKS))
    else:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            from negotia.errors import ParameterError

            raise ParameterError(f"chunk size must be a positive integer, got {chunk_size!r}")
        per = max(1, math.ceil(chunk_size / block))
    return [(k, min(k + per, n_blocks)) for k in range(0, n_blocks, per)]


def run_tasks(
    backend: Backend,
    fn: Callable[..., tuple[np.ndarray, np.ndarray | None]],
    payload: Any,
    tasks: list[tuple[Any, ...]],
    sizes: list[int],
    progress: Callable[[int], None] | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Map ``fn`` over ``tasks`` on ``backend``; outcomes and rounds joined in task order."""
    parts = backend.map(fn, payload, tasks, sizes=sizes, progress=progress)
    outcome = np.concatenate([p[0] for p in parts])
    rounds = None if any(p[1] is None for p in parts) else np.concatenate([p[1] for p in parts])
    return outcome, rounds


def run_planned(
    backend: str | Backend,
    fn: Callable[..., tuple[np.ndarray, np.ndarray | None]],
    payload: Any,
    n: int,
    *,
    chunk_size: int | None,
    workers: int | None,
    scheduler: str | None,
    timeout: float | None,
    progress: Callable[[int], None] | None,
    task_args: Callable[[int, int], tuple[Any, ...]] | None = None,
    block: int = BLOCK,
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """Run ``n`` variants in whole-block tasks (:func:`plan_tasks`) on a backend.

    A backend named here is made and closed here; a :class:`Backend` passed in stays
    open for the caller.  ``task_args(first_block, stop_block)`` gives each task's
    arguments (default: the block range itself).  Returns the outcomes and rounds in
    variant order and the backend's description.
    """
    tasks = plan_tasks(n, chunk_size, block)
    sizes = [min(stop * block, n) - first * block for first, stop in tasks]
    args = [task_args(first, stop) for first, stop in tasks] if task_args else list(tasks)
    owned = not isinstance(backend, Backend)
    be = make_backend(backend, workers=workers, scheduler=scheduler, timeout=timeout)
    try:
        outcome, rounds = run_tasks(be, fn, payload, args, sizes, progress)
        return outcome, rounds, be.describe()
    finally:
        if owned:
            be.close()


# -- summaries ---------------------------------------------------------------------------


@dataclass
class RedLineRisk:
    """The probability that the outcome of one issue crosses one actor's red line."""

    actor: str
    min: float | None
    max: float | None
    probability: float
    se: float


@dataclass
class IssueSummary:
    """The distribution of one issue's forecast, on the issue's own scale."""

    issue: str
    scale_min: float
    scale_max: float
    forecast: float
    mean: float
    median: float
    sd: float
    se: float
    q05: float
    q95: float
    n_valid: int
    hist_counts: list[int]
    hist_edges: list[float]
    red_lines: list[RedLineRisk] = field(default_factory=list)


@dataclass
class RoundsSummary:
    """How many rounds a dynamic model took to settle, over the draws."""

    mean: float
    median: float
    q05: float
    q95: float
    min: int
    max: int
    counts: dict[int, int]


@dataclass
class MonteCarloResult:
    """Summaries of a Monte Carlo run (and the raw outcomes, in variant order).

    ``outcome`` is ``(n, I)`` on [0, 1]; ``rounds`` is ``(n,)`` for dynamic models.
    ``seed`` is the run's entropy (pass it back to repeat the run exactly).
    """

    scenario: str
    model: str
    params: dict[str, Any]
    n: int
    seed: int
    backend: str
    perturbation: dict[str, float]
    issue_ids: tuple[str, ...]
    scale_min: np.ndarray
    scale_max: np.ndarray
    outcome: np.ndarray
    rounds: np.ndarray | None
    issues: list[IssueSummary]
    rounds_summary: RoundsSummary | None
    seconds: float = 0.0

    def issue(self, issue_id: str) -> IssueSummary:
        return next(s for s in self.issues if s.issue == issue_id)

    def on_scale(self) -> np.ndarray:
        """The raw outcomes ``(n, I)`` on each issue's scale."""
        return to_scale(self.outcome, self.scale_min, self.scale_max)

    def to_dict(self, *, outcomes: bool = False) -> dict[str, Any]:
        """Plain data for JSON (the raw outcomes only when ``outcomes`` is True)."""
        d: dict[str, Any] = {
            "scenario": self.scenario,
            "model": self.model,
            "params": self.params,
            "n": self.n,
            "seed": self.seed,
            "backend": self.backend,
            "perturbation": self.perturbation,
            "seconds": self.seconds,
            "issues": [to_jsonable(asdict(s)) for s in self.issues],
            "rounds": None if self.rounds_summary is None else to_jsonable(asdict(self.rounds_summary)),
        }
        if outcomes:
            d["outcomes"] = {i: self.on_scale()[:, k].tolist() for k, i in enumerate(self.issue_ids)}
        return d


def summarise_issue(
    values: np.ndarray,
    lo: float,
    hi: float,
    forecast: float,
    red_lines: list[tuple[str, float | None, float | None, float, float]],
    unit: np.ndarray,
    bins: int = BINS,
) -> IssueSummary:
    """Summary of one issue from its ``values`` on the scale (and ``unit`` on [0, 1]).

    ``red_lines`` holds ``(actor, min, max, unit_min, unit_max)``; a draw crosses when
    its outcome lies outside ``[unit_min, unit_max]``.
    """
    ok = np.isfinite(values)
    v = values[ok]
    u = unit[ok]
    n = int(v.size)
    nan = float("nan")
    if n:
        mean = float(v.mean())
        sd = float(v.std(ddof=1)) if n > 1 else 0.0
        median, q05, q95 = (float(q) for q in np.quantile(v, [0.5, 0.05, 0.95]))
    else:
        mean = sd = median = q05 = q95 = nan
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    risks = []
    for actor, rmin, rmax, umin, umax in red_lines:
        # A missing draw (NaN) crosses nothing.
        crossed = ~within(u, umin, umax) & ~np.isnan(u)
        p = float(crossed.mean()) if n else nan
        risks.append(RedLineRisk(actor, rmin, rmax, p, math.sqrt(p * (1 - p) / n) if n else nan))
    return IssueSummary(
        issue="",
        scale_min=lo,
        scale_max=hi,
        forecast=forecast,
        mean=mean,
        median=median,
        sd=sd,
        se=sd / math.sqrt(n) if n else nan,
        q05=q05,
        q95=q95,
        n_valid=n,
        hist_counts=[int(c) for c in counts],
        hist_edges=[float(e) for e in edges],
        red_lines=risks,
    )


def summarise_rounds(rounds: np.ndarray) -> RoundsSummary:
    r = np.asarray(rounds)
    values, counts = np.unique(r, return_counts=True)
    median, q05, q95 = (float(q) for q in np.quantile(r, [0.5, 0.05, 0.95]))
    return RoundsSummary(
        mean=float(r.mean()),
        median=median,
        q05=q05,
        q95=q95,
        min=int(r.min()),
        max=int(r.max()),
        counts={int(v): int(c) for v, c in zip(values, counts, strict=True)},
    )


def summarise(
    arrays: ScenarioArrays,
    outcome: np.ndarray,
    baseline: np.ndarray,
    bins: int = BINS,
) -> list[IssueSummary]:
    """Per-issue summaries of ``outcome`` ``(n, I)`` on [0, 1]; ``baseline`` ``(I,)`` on [0, 1]."""
    lo, hi = arrays.scale_min, arrays.scale_max
    values = to_scale(outcome, lo, hi)
    out = []
    for k, issue_id in enumerate(arrays.issue_ids):
        # The arrays hold each actor's acceptable interval (the intersection of all the
        # lines it states on the issue); report it back on the issue scale.
        lines = []
        for a, actor in enumerate(arrays.actor_ids):
            umin, umax = float(arrays.red_min[a, k]), float(arrays.red_max[a, k])
            if math.isfinite(umin) or math.isfinite(umax):
                rmin = float(to_scale(umin, lo[k], hi[k])) if math.isfinite(umin) else None
                rmax = float(to_scale(umax, lo[k], hi[k])) if math.isfinite(umax) else None
                lines.append((actor, rmin, rmax, umin, umax))
        s = summarise_issue(
            values[:, k],
            float(lo[k]),
            float(hi[k]),
            float(to_scale(baseline[k], lo[k], hi[k])),
            lines,
            outcome[:, k],
            bins,
        )
        s.issue = issue_id
        out.append(s)
    return out


# -- the public entry point --------------------------------------------------------------


def resolve_model(model: str, params: dict[str, Any] | None) -> ModelCall:
    """``"name"`` or ``"name:key=value,..."`` plus ``params`` -> a checked :class:`ModelCall`."""
    name, spec_params = parse_model_spec(model)
    merged = {**spec_params, **(params or {})}
    info = get_model(name).MODEL_INFO
    return ModelCall(name, info.resolve(merged))


def monte_carlo(
    scenario: Scenario,
    model: str = "compromise",
    n: int = 10_000,
    *,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    perturbation: PerturbationSpec | None = None,
    backend: str | Backend = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    timeout: float = 10.0,
    bins: int = BINS,
    progress: Callable[[int], None] | None = None,
) -> MonteCarloResult:
    """Run a registered model over ``n`` perturbed variants of a scenario.

    Parameters
    ----------
    scenario
        A :class:`Scenario` (a file or a scenario's name: :func:`negotia.monte_carlo`).
    model
        A registered model, optionally with options: ``"eum:rounds=10"``.
    n
        Number of variants (a positive integer).
    seed
        Seed of the run (default 0, the seed rule of :mod:`negotia.seeding`; reported in the
        result's ``seed``).
    params
        Model parameters (override those written in ``model``).
    perturbation
        Default sds, capability noise and dropout (see :class:`PerturbationSpec`).
    backend, workers, scheduler
        ``serial`` (default), ``processes`` or ``dask``, with the number of workers;
        a ``scheduler`` address runs on that Dask cluster.  A built
        :class:`~negotia.ensemble.backends.Backend` may be passed and is not closed.
    chunk_size
        Variants per task (rounded up to whole blocks); default about N/32.
    timeout
        Seconds to wait for a Dask scheduler given by address.
    bins
        Histogram bins over each issue's scale.
    progress
        Called with the number of variants each finished task covered.

    Returns
    -------
    MonteCarloResult
        The same summaries for the same seed on every backend and worker count.
    """
    n = check_n(n)
    sc = require_scenario(scenario, "monte_carlo")
    call = resolve_model(model, params)
    spec = perturbation or PerturbationSpec()
    pert = Perturbation.from_scenario(sc, spec)
    ss = seed_sequence(seed)
    job = MonteCarloJob(pert, call, ss, n)
    start = time.perf_counter()
    ran = job.run(
        backend,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        progress=progress,
    )
    return _result(sc.name, spec, job, ran, bins, start)


def _result(
    scenario: str,
    spec: PerturbationSpec,
    job: MonteCarloJob,
    ran: tuple[np.ndarray, np.ndarray | None, str],
    bins: int,
    start: float,
) -> MonteCarloResult:
    """The result of ``job``'s run (outcomes, rounds, backend): the summaries beside the
    unperturbed forecast; ``start`` is when the run began (``perf_counter``)."""
    outcome, rounds, label = ran
    call, pert, ss = job.model, job.perturbation, job.seed
    base_rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 0, 2)))
    )
    baseline = run_model(call.name, pert.base, rng=base_rng, **call.params).outcome[0]
    return MonteCarloResult(
        scenario=scenario,
        model=call.name,
        params=call.params,
        n=job.n,
        seed=int(ss.entropy),
        backend=label,
        perturbation=asdict(spec),
        issue_ids=pert.base.issue_ids,
        scale_min=pert.base.scale_min,
        scale_max=pert.base.scale_max,
        outcome=outcome,
        rounds=rounds,
        issues=summarise(pert.base, outcome, baseline, bins),
        rounds_summary=None if rounds is None else summarise_rounds(rounds),
        seconds=time.perf_counter() - start,
    )
