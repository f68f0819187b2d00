r"""Sensitivity: which actor's position or salience moves a forecast most.

Global sensitivity analysis with SALib (Herman & Usher 2017, *J. Open Source
Software* 2(9): 97; Iwanaga, Usher & Herman 2022, *Socio-Environmental Systems
Modelling* 4: 18155) over the stance inputs of a scenario:

* **Sobol** variance-based indices: the first-order index :math:`S_j = V[E(Y|X_j)]/V(Y)`
  and the total index :math:`S_{Tj} = E[V(Y|X_{\sim j})]/V(Y)` (Sobol 2001, *Math.
  Comput. Simul.* 55: 271-280), estimated from Saltelli's scheme (Saltelli et al.
  2010, *Comput. Phys. Commun.* 181: 259-270, eqs. (b) and (f) of table 2) on a
  scrambled Sobol' sequence.
* **Morris** elementary effects: :math:`\mu^*_j`, the mean absolute change of the
  output per step of factor :math:`j` across its range, and :math:`\sigma_j`, their
  spread (Morris 1991, *Technometrics* 33: 161-174; :math:`\mu^*` as in Campolongo,
  Cariboni & Saltelli 2007, *Environ. Model. Softw.* 22: 1509-1518).

Factors are each stance's position and salience (on [0, 1]).  A factor follows the
stance's stated uncertainty: a normal truncated to [0, 1] (``dist="normal"``, as in
Monte Carlo) or uniform over mean +/- 2 sd clipped to [0, 1] (``dist="uniform"``).
Stances with zero sd are held fixed.  Factors may be grouped by actor (all of an
actor's inputs move together as one group) or by issue.  The model runs through the
same blocks and backends as :func:`~negotia.ensemble.monte_carlo`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.ensemble.backends import Backend
from negotia.ensemble.montecarlo import (
    ModelCall,
    resolve_model,
    run_blocks,
    run_planned,
)
from negotia.ensemble.perturb import BLOCK, Perturbation, PerturbationSpec
from negotia.errors import ParameterError
from negotia.jsonable import to_jsonable
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario, require_scenario
from negotia.seeding import seed_sequence

METHODS = ("sobol", "morris")
GROUPINGS = ("none", "actor", "issue")
DISTS = ("normal", "uniform")
INPUTS = ("position", "salience")


@dataclass(frozen=True)
class Factor:
    """One uncertain input: ``kind`` (position or salience) of ``actor`` on ``issue``."""

    actor: str
    issue: str
    kind: str
    a: int
    i: int
    mean: float
    sd: float

    @property
    def name(self) -> str:
        return f"{self.actor}.{self.issue}.{self.kind}"


def factors_of(pert: Perturbation, inputs: tuple[str, ...] = INPUTS) -> list[Factor]:
    """The stance inputs with a positive sd, in actor, issue, kind order."""
    base = pert.base
    out = []
    for a, actor in enumerate(base.actor_ids):
        for i, issue in enumerate(base.issue_ids):
            if not base.present[0, a, i]:
                continue
            for kind in inputs:
                sd = float((pert.position_sd if kind == "position" else pert.salience_sd)[a, i])
                mean = float((base.position if kind == "position" else base.salience)[0, a, i])
                if sd > 0:
                    out.append(Factor(actor, issue, kind, a, i, mean, sd))
    return out


def salib_problem(factors: list[Factor], dist: str, group_by: str) -> dict[str, Any]:
    """The SALib problem dict of ``factors`` (bounds, distributions, groups)."""
    if dist == "normal":
        bounds = [[0.0, 1.0, f.mean, f.sd] for f in factors]
        dists = ["truncnorm"] * len(factors)
    else:
        bounds = [[max(0.0, f.mean - 2 * f.sd), min(1.0, f.mean + 2 * f.sd)] for f in factors]
        dists = ["unif"] * len(factors)
    problem: dict[str, Any] = {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": bounds,
        "dists": dists,
    }
    if group_by == "actor":
        problem["groups"] = [f.actor for f in factors]
    elif group_by == "issue":
        problem["groups"] = [f.issue for f in factors]
    return problem


@dataclass(frozen=True)
class SensitivityJob:
    """The payload every sensitivity task shares; rows of inputs come with each task."""

    base: ScenarioArrays
    model: ModelCall
    seed: np.random.SeedSequence
    n: int
    pos_a: np.ndarray
    pos_i: np.ndarray
    pos_col: np.ndarray
    sal_a: np.ndarray
    sal_i: np.ndarray
    sal_col: np.ndarray

    def run(
        self, backend: str | Backend, X: np.ndarray, **options: Any
    ) -> tuple[np.ndarray, np.ndarray | None, str]:
        """The model on every row of ``X`` (each task takes its own rows) on ``backend``
        (options of :func:`run_planned`): outcomes in row order, and the backend's description."""
        return run_planned(
            backend,
            sensitivity_task,
            self,
            self.n,
            task_args=lambda first, stop: (first, stop, X[first * BLOCK : stop * BLOCK]),
            **options,
        )

    @classmethod
    def of(
        cls,
        base: ScenarioArrays,
        model: ModelCall,
        seed: np.random.SeedSequence,
        n: int,
        factors: list[Factor],
    ) -> SensitivityJob:
        """The job of ``n`` input rows whose columns are ``factors``, in order."""
        kinds = np.array([f.kind for f in factors])
        fa = np.array([f.a for f in factors], dtype=np.intp)
        fi = np.array([f.i for f in factors], dtype=np.intp)
        cols = np.arange(len(factors))
        pos, sal = kinds == "position", kinds == "salience"
        return cls(
            base=base,
            model=model,
            seed=seed,
            n=n,
            pos_a=fa[pos],
            pos_i=fi[pos],
            pos_col=cols[pos],
            sal_a=fa[sal],
            sal_i=fi[sal],
            sal_col=cols[sal],
        )


def inputs_to_arrays(job: SensitivityJob, rows: np.ndarray) -> ScenarioArrays:
    """The scenario arrays with the factor values of ``rows`` ``(m, D)`` put in."""
    m = rows.shape[0]
    b = job.base
    pos = np.repeat(b.position[:1], m, axis=0)
    sal = np.repeat(b.salience[:1], m, axis=0)
    pos[:, job.pos_a, job.pos_i] = rows[:, job.pos_col]
    sal[:, job.sal_a, job.sal_i] = rows[:, job.sal_col]
    return b.replace(
        position=pos,
        salience=sal,
        capability=np.repeat(b.capability[:1], m, axis=0),
        present=np.repeat(b.present[:1], m, axis=0),
    )


def sensitivity_task(
    job: SensitivityJob, first: int, stop: int, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """One task: the model on the input rows of blocks ``first`` .. ``stop - 1``."""

    def block(k: int, size: int) -> ScenarioArrays:
        offset = (k - first) * BLOCK
        return inputs_to_arrays(job, rows[offset : offset + size])

    return run_blocks(job.model, job.seed, block, first, stop, job.n)


@dataclass
class SensitivityResult:
    """Sensitivity indices per forecast issue.

    ``indices[issue]`` maps a statistic (Sobol: ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf``; Morris: ``mu_star``, ``mu_star_conf``, ``sigma``, ``mu``) to a list
    aligned with ``names`` (the factors, or the groups when grouped).  Morris values
    are on the issue's own scale.
    """

    scenario: str
    model: str
    params: dict[str, Any]
    method: str
    group_by: str
    dist: str
    n: int
    evaluations: int
    seed: int
    backend: str
    names: list[str]
    issue_ids: tuple[str, ...]
    indices: dict[str, dict[str, list[float]]]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def key(self) -> str:
        """The statistic factors are ranked by: ``ST`` (Sobol) or ``mu_star`` (Morris)."""
        return "ST" if self.method == "sobol" else "mu_star"

    def ranking(self, issue: str) -> list[tuple[str, dict[str, float]]]:
        """``(name, {statistic: value})`` for one issue, most influential first."""
        d = self.indices[issue]
        rows = [(name, {k: float(v[j]) for k, v in d.items()}) for j, name in enumerate(self.names)]
        return sorted(rows, key=lambda r: -np.nan_to_num(r[1][self.key], nan=-np.inf))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "model": self.model,
            "params": self.params,
            "method": self.method,
            "group_by": self.group_by,
            "dist": self.dist,
            "n": self.n,
            "evaluations": self.evaluations,
            "seed": self.seed,
            "backend": self.backend,
            "seconds": self.seconds,
            "notes": self.notes,
            "names": self.names,
            "indices": {
                issue: {k: to_jsonable(v) for k, v in d.items()} for issue, d in self.indices.items()
            },
        }


def _choice(value: str, options: tuple[str, ...], what: str) -> str:
    if value not in options:
        raise ParameterError(f"unknown {what} {value!r}; choose one of {', '.join(options)}")
    return value


def sensitivity(
    scenario: Scenario,
    model: str = "compromise",
    *,
    method: str = "sobol",
    n: int | None = None,
    group_by: str = "none",
    dist: str = "normal",
    inputs: tuple[str, ...] = INPUTS,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    perturbation: PerturbationSpec | None = None,
    num_levels: int = 4,
    backend: str | Backend = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    timeout: float = 10.0,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Sobol or Morris sensitivity indices of every issue's forecast to the stance inputs.

    Parameters
    ----------
    scenario
        A :class:`Scenario` (a file or a scenario's name: :func:`negotia.sensitivity`).
    model
        A registered model (``"name"`` or ``"name:key=value"``).
    method
        ``sobol`` (S1 and ST with bootstrap confidence intervals) or ``morris``
        (mu*, sigma).
    n
        Sobol: base sample size (rounded up to a power of two; default 256), giving
        ``n * (D + 2)`` model runs for D factors or groups.  Morris: number of
        trajectories (default 32), giving ``n * (D + 1)`` runs.
    group_by
        ``none`` (each input its own factor), ``actor`` or ``issue``.
    dist
        ``normal`` (truncated normal from the stated sd) or ``uniform`` (mean +/- 2 sd).
    inputs
        Which stance inputs vary: ``position``, ``salience`` or both.
    seed
        Seed of the samples, the bootstrap and any stochastic model.
    perturbation
        Default sds for stances that state none (see :class:`PerturbationSpec`).
    num_levels
        Morris grid levels.
    backend, workers, scheduler, chunk_size, timeout, progress
        As for :func:`~negotia.ensemble.monte_carlo`.
    on_plan
        Called once with the number of model runs before they start (for a progress bar).
    """
    _check_options(method, group_by, dist, inputs, n, num_levels)
    sc = require_scenario(scenario, "sensitivity")
    call = resolve_model(model, params)
    pert = Perturbation.from_scenario(sc, perturbation or PerturbationSpec())
    design = _Design.build(pert, tuple(inputs), method, group_by, dist, n, num_levels, seed)
    if on_plan is not None:
        on_plan(design.m)
    job = SensitivityJob.of(pert.base, call, design.seed, design.m, design.factors)
    start = time.perf_counter()
    ran = job.run(
        backend,
        design.X,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        progress=progress,
    )
    return design.result(sc.name, call, pert.base, ran, start)


@dataclass
class _Design:
    """The sample of one run: SALib's problem, its input rows ``X`` on [0, 1], the seeds,
    and the notes said about them (and, later, about the indices)."""

    method: str
    group_by: str
    dist: str
    num_levels: int
    factors: list[Factor]
    problem: dict[str, Any]
    seed: np.random.SeedSequence
    analyze_seed: int
    X: np.ndarray
    base_n: int
    notes: list[str]

    @classmethod
    def build(
        cls,
        pert: Perturbation,
        inputs: tuple[str, ...],
        method: str,
        group_by: str,
        dist: str,
        n: int | None,
        num_levels: int,
        seed: int,
    ) -> _Design:
        factors = factors_of(pert, inputs)
        if not factors:
            raise ParameterError(
                "no stance input is uncertain (every sd is 0): give uncertainties or a default sd"
            )
        problem = salib_problem(factors, dist, group_by)
        ss = seed_sequence(seed)
        sample_seed, analyze_seed = (int(x) for x in ss.generate_state(2))
        notes: list[str] = []
        X, base_n = _sample(problem, method, n, num_levels, sample_seed, notes)
        return cls(method, group_by, dist, num_levels, factors, problem, ss, analyze_seed, X, base_n, notes)

    @property
    def m(self) -> int:
        """Number of model runs."""
        return self.X.shape[0]

    @property
    def names(self) -> list[str]:
        """The factors, or the groups when grouped."""
        problem = self.problem
        return list(dict.fromkeys(problem["groups"])) if "groups" in problem else problem["names"]

    def result(
        self,
        scenario: str,
        call: ModelCall,
        base: ScenarioArrays,
        ran: tuple[np.ndarray, np.ndarray | None, str],
        start: float,
    ) -> SensitivityResult:
        """The indices of the run's outcomes (``ran``: outcomes, rounds, backend) that began at ``start``."""
        outcome, _, label = ran
        Y = base.to_scale(outcome)
        names = self.names
        return SensitivityResult(
            scenario=scenario,
            model=call.name,
            params=call.params,
            method=self.method,
            group_by=self.group_by,
            dist=self.dist,
            n=self.base_n,
            evaluations=self.m,
            seed=int(self.seed.entropy),
            backend=label,
            names=list(names),
            issue_ids=base.issue_ids,
            indices=self.indices(Y, base.issue_ids, len(names)),
            notes=self.notes,
            seconds=time.perf_counter() - start,
        )

    def indices(
        self, Y: np.ndarray, issue_ids: tuple[str, ...], width: int
    ) -> dict[str, dict[str, list[float]]]:
        """Per issue, the method's statistics (``width`` values each) from the forecasts ``Y``
        (issue scale); an issue with a non-finite forecast is skipped and said in the notes."""
        indices: dict[str, dict[str, list[float]]] = {}
        for k, issue in enumerate(issue_ids):
            y = Y[:, k]
            if not np.all(np.isfinite(y)):
                self.notes.append(
                    f"issue {issue!r}: the model gave no finite forecast for some inputs; skipped"
                )
                continue
            if np.ptp(y) == 0:
                zero = [0.0] * width
                if self.method == "sobol":
                    indices[issue] = {"S1": zero, "S1_conf": zero, "ST": zero, "ST_conf": zero}
                else:
                    indices[issue] = {"mu": zero, "mu_star": zero, "sigma": zero, "mu_star_conf": zero}
                continue
            res, stats = self._analyze(y)
            indices[issue] = {s: [float(v) for v in np.asarray(res[s], dtype=float)] for s in stats}
        return indices

    def _analyze(self, y: np.ndarray) -> tuple[Any, tuple[str, ...]]:
        """SALib's analysis of one issue's forecasts ``y`` and the statistics to read from it."""
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "sobol":
                res = sobol_analyze.analyze(
                    self.problem, y, calc_second_order=False, seed=self.analyze_seed, print_to_console=False
                )
                return res, ("S1", "S1_conf", "ST", "ST_conf")
            res = morris_analyze.analyze(
                self.problem,
                self.X,
                y,
                num_levels=self.num_levels,
                seed=self.analyze_seed,
                print_to_console=False,
            )
            return res, ("mu", "mu_star", "sigma", "mu_star_conf")


def _check_options(
    method: str, group_by: str, dist: str, inputs: tuple[str, ...], n: int | None, num_levels: int
) -> None:
    """A clear error for the first option of :func:`sensitivity` that is out of range."""
    _choice(method, METHODS, "method")
    _choice(group_by, GROUPINGS, "grouping")
    _choice(dist, DISTS, "distribution")
    for x in inputs:
        _choice(x, INPUTS, "input")
    if not inputs:
        raise ParameterError("choose at least one input to vary (position, salience)")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 2):
        raise ParameterError(f"the sample size must be an integer >= 2, got {n!r}")
    if isinstance(num_levels, bool) or not isinstance(num_levels, int) or num_levels < 2:
        raise ParameterError(f"Morris needs at least 2 levels, got {num_levels!r}")


def _sample(
    problem: dict[str, Any], method: str, n: int | None, num_levels: int, seed: int, notes: list[str]
) -> tuple[np.ndarray, int]:
    """The input rows ``(m, D)`` on [0, 1] of the method's design, and its base sample size
    (a Sobol size rounded up to a power of two, said in ``notes``)."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method == "sobol":
        base_n = 256 if n is None else n
        if base_n & (base_n - 1):
            rounded = 1 << (base_n - 1).bit_length()
            notes.append(f"Sobol base sample size {base_n} rounded up to the power of two {rounded}")
            base_n = rounded
        X = sobol_sample.sample(problem, base_n, calc_second_order=False, seed=seed)
    else:
        base_n = 32 if n is None else n
        X = morris_sample.sample(problem, base_n, num_levels=num_levels, seed=seed)
    # Values outside [0, 1] cannot occur by construction; clip against rounding.
    return np.clip(np.asarray(X, dtype=float), 0.0, 1.0), base_n
