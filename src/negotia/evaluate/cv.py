"""Honest out-of-sample evaluation: cross-validation grouped by proposal, repeated, with
bootstrap confidence intervals by proposal.

- :func:`~negotia.evaluate.folds.grouped_folds` assigns whole proposals to folds, so
  the issues of one proposal are never split between training and test data (they
  share actors, timing and deals, and splitting them would leak).
- :func:`cross_validate` runs repeated grouped K-fold CV.  A model that learns from
  outcomes (``calibrated``) is refitted on the training folds of every split, with its
  penalty chosen by an inner grouped CV on those training folds only (nested CV); models
  that do not learn (``compromise``, ``median``, baselines) are simply evaluated, so
  their CV error equals their plain error.
- :func:`summarise` reports MAE, RMSE and median absolute error with percentile
  bootstrap intervals that resample proposals (the cluster bootstrap; Davison & Hinkley
  1997, *Bootstrap Methods and their Application*, sec. 3.8), and the paired difference
  in MAE against a reference model on the same resamples.

Per-issue errors are first averaged over the repeats (each repeat gives every issue one
out-of-fold prediction); MAE is the mean, RMSE the root of the mean squared error (over
issues and repeats) and median AE the median over issues of the repeat-averaged
absolute error.  The intervals take the proposals as the sampling unit and the CV
splits as fixed: they do not include the variation of the fitted model between
training sets, which the spread over repeats (``mae_sd_repeats``) shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.errors import ParameterError
from negotia.evaluate import fit_calibrated as fitting
from negotia.evaluate.backtest import predict
from negotia.evaluate.features import design_from_table
from negotia.evaluate.folds import grouped_folds
from negotia.models.calibrated import combine
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario


@dataclass
class CVResult:
    """Out-of-fold predictions of every model for every repeat.

    Attributes
    ----------
    source
        Name of the table.
    design
        The evaluated issues (:class:`~negotia.evaluate.features.Design`).
    predictions
        ``{label: (R, N)}`` predictions on [0, 1] (NaN where a baseline has none).
    folds
        ``(R, N)`` fold of each issue in each repeat.
    coefficients
        For learning models: ``{label: (R, K, F)}`` coefficients of every refit.
    penalties
        For learning models: ``{label: (R, K)}`` penalty chosen in every refit.
    settings
        Folds, repeats, seed, inner CV.
    """

    source: str
    design: Any
    predictions: dict[str, np.ndarray]
    folds: np.ndarray
    coefficients: dict[str, np.ndarray] = field(default_factory=dict)
    penalties: dict[str, np.ndarray] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    def errors(self, label: str) -> np.ndarray:
        """``(R, N)`` absolute errors on each issue's own scale."""
        d = self.design
        return np.abs(self.predictions[label] - d.outcome) * d.span


def cross_validate(
    table: Scenario,
    specs: list[str],
    *,
    folds: int = 10,
    repeats: int = 5,
    seed: int = 0,
    inner_folds: int = 5,
    inner_repeats: int = 2,
    learners: dict[str, dict[str, Any]] | None = None,
    source: str = "table",
) -> CVResult:
    """Repeated cross-validation grouped by proposal (nested for learning models).

    Parameters
    ----------
    table
        A scenario whose issues carry ``outcome`` and ``group`` (the proposal).
    specs
        Model specs and baselines as in :func:`negotia.evaluate.evaluate`.
    folds, repeats
        Outer grouped K-fold CV, repeated with fresh shuffles.
    seed
        Seed of all shuffles (outer repeat ``r`` and its inner fits derive their own
        streams from it), so a seed gives the same folds, fits and errors.
    inner_folds, inner_repeats
        The penalty search inside each training set.
    learners
        Labels (among ``specs``) that are refitted per fold, with extra options for
        :func:`~negotia.evaluate.fit_calibrated.fit_calibrated` (e.g. ``{"rule": "1se"}``);
        default ``{"calibrated": {}}``.
    """
    learners = {"calibrated": {}} if learners is None else learners
    design = design_from_table(table, source)
    static = _static_predictions(table, [s for s in specs if s not in learners], design, seed)
    root = np.random.SeedSequence(seed)
    streams = root.spawn(repeats)
    fold_table = np.empty((repeats, design.n), dtype=int)
    preds = {s: np.empty((repeats, design.n)) for s in specs}
    coefs = {s: np.zeros((repeats, folds, design.features.shape[1])) for s in specs if s in learners}
    pens = {s: np.zeros((repeats, folds)) for s in specs if s in learners}
    for r, stream in enumerate(streams):
        outer_seed, inner_seq = stream.spawn(2)
        fold = grouped_folds(design.groups, folds, np.random.default_rng(outer_seed))
        fold_table[r] = fold
        inner_seeds = inner_seq.generate_state(folds)
        for spec in specs:
            if spec not in learners:
                preds[spec][r] = static[spec]
                continue
            coefs[spec][r], pens[spec][r] = _refit_folds(
                design, fold, inner_seeds, (inner_folds, inner_repeats), learners[spec], preds[spec][r]
            )
    return CVResult(
        source=source,
        design=design,
        predictions=preds,
        folds=fold_table,
        coefficients=coefs,
        penalties=pens,
        settings={
            "folds": folds,
            "repeats": repeats,
            "seed": seed,
            "inner_folds": inner_folds,
            "inner_repeats": inner_repeats,
            "issues": design.n,
            "proposals": len(np.unique(design.groups)),
        },
    )


def _static_predictions(table: Scenario, specs: list[str], design: Any, seed: int) -> dict[str, np.ndarray]:
    """Predictions on [0, 1] of the models that do not learn (the same in every split)."""
    arrays = ScenarioArrays.from_scenario(table)
    static: dict[str, np.ndarray] = {}
    for spec in specs:
        on_scale = predict(table, spec, arrays=arrays, seed=seed)
        static[spec] = arrays.from_scale(on_scale)[design.index]
    return static


def _refit_folds(
    design: Any,
    fold: np.ndarray,
    inner_seeds: np.ndarray,
    inner: tuple[int, int],
    options: dict[str, Any],
    out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Refit on the training folds of one split, predicting each test fold into ``out``;
    the coefficients ``(K, F)`` and penalties ``(K,)`` of the refits.  ``inner`` is the
    inner search's folds and repeats, ``options`` the learner's own."""
    folds = len(inner_seeds)
    coefs = np.zeros((folds, design.features.shape[1]))
    pens = np.zeros(folds)
    for f in range(folds):
        train, test = design.subset(fold != f), design.subset(fold == f)
        fit = fitting.fit_calibrated(
            train, seed=int(inner_seeds[f]), folds=inner[0], repeats=inner[1], **options
        )
        coefs[f] = fit.vector
        pens[f] = fit.penalty
        out[fold == f] = combine(test.features, test.base, test.low, test.high, fit.vector)
    return coefs, pens


@dataclass(frozen=True)
class Interval:
    """A point estimate with a bootstrap interval."""

    estimate: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "low": self.low, "high": self.high}

    def excludes_zero(self) -> bool:
        return bool(self.low > 0 or self.high < 0)

    def __str__(self) -> str:
        return f"{self.estimate:.2f} [{self.low:.2f}, {self.high:.2f}]"


@dataclass(frozen=True)
class CVScore:
    """Cross-validated scores of one model with intervals."""

    label: str
    n: int
    mae: Interval
    rmse: Interval
    median_ae: Interval
    mae_sd_repeats: float
    diff: Interval | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mae": self.mae.estimate,
            "rmse": self.rmse.estimate,
            "median_ae": self.median_ae.estimate,
            "n": self.n,
            "mae_ci": [self.mae.low, self.mae.high],
            "rmse_ci": [self.rmse.low, self.rmse.high],
            "median_ae_ci": [self.median_ae.low, self.median_ae.high],
            "mae_sd_repeats": self.mae_sd_repeats,
            "mae_diff_vs_reference": None if self.diff is None else self.diff.to_dict(),
        }


def _weighted_median_rows(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Median of ``values`` (N,) replicated ``weights`` (Bt, N) times (integer counts)."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    cum = np.cumsum(weights[:, order], axis=1)
    total = cum[:, -1]
    k_lo = np.ceil(total / 2.0)
    k_hi = np.floor(total / 2.0) + 1
    lo = v[np.argmax(cum >= k_lo[:, None], axis=1)]
    hi = v[np.argmax(cum >= k_hi[:, None], axis=1)]
    return np.where(total > 0, (lo + hi) / 2.0, np.nan)


def _stats(abs_err: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MAE, RMSE, median AE ``(Bt,)`` of errors ``(R, N)`` under issue weights ``(Bt, N)``."""
    mean_abs = abs_err.mean(axis=0)
    mean_sq = (abs_err**2).mean(axis=0)
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = weights @ mean_abs / total
        rmse = np.sqrt(weights @ mean_sq / total)
    return mae, rmse, _weighted_median_rows(mean_abs, weights)


def summarise(
    cv: CVResult,
    *,
    reference: str | None = "compromise",
    n_boot: int = 2000,
    level: float = 0.9,
    seed: int = 0,
    rows: np.ndarray | None = None,
) -> list[CVScore]:
    """Scores of every model in ``cv`` with percentile bootstrap intervals by proposal.

    Parameters
    ----------
    cv
        The result of :func:`cross_validate`.
    reference
        Label of the model the paired MAE difference is taken against (model minus
        reference; negative = better than the reference).  None for no difference.
    n_boot
        Bootstrap resamples of proposals.
    level
        Coverage of the intervals (0.9 = 5th to 95th percentile).
    seed
        Seed of the resampling.
    rows
        Optional boolean mask of issues to score (e.g. one procedure); proposals are
        still the resampling unit.
    """
    if not 0 < level < 1:
        raise ParameterError(f"confidence level must be between 0 and 1, got {level}")
    if n_boot < 1:
        raise ParameterError(f"bootstrap resamples must be >= 1, got {n_boot}")
    d = cv.design
    mask = np.ones(d.n, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    names, gidx = np.unique(d.groups, return_inverse=True)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(names), size=(n_boot, len(names)))
    counts = np.zeros((n_boot, len(names)))
    np.add.at(counts, (np.arange(n_boot)[:, None], draws), 1.0)
    boot_w = counts[:, gidx]
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    ref_err = cv.errors(reference) if reference in cv.predictions else None
    out = []
    for label in cv.predictions:
        err = cv.errors(label)
        ok = mask & np.all(np.isfinite(err), axis=0)
        e = err[:, ok]
        if e.shape[1] == 0:
            nan = Interval(float("nan"), float("nan"), float("nan"))
            out.append(CVScore(label, 0, nan, nan, nan, float("nan")))
            continue
        point = _stats(e, np.ones((1, e.shape[1])))
        boot = _stats(e, boot_w[:, ok])
        ints = [
            Interval(float(p[0]), *(float(x) for x in np.nanpercentile(b, q)))
            for p, b in zip(point, boot, strict=True)
        ]
        sd = float(e.mean(axis=1).std(ddof=1)) if e.shape[0] > 1 else 0.0
        diff = None
        if ref_err is not None and label != reference:
            both = ok & np.all(np.isfinite(ref_err), axis=0)
            dd = (err[:, both] - ref_err[:, both]).mean(axis=0)
            w = boot_w[:, both]
            with np.errstate(invalid="ignore", divide="ignore"):
                bd = w @ dd / w.sum(axis=1)
            diff = Interval(float(dd.mean()), *(float(x) for x in np.nanpercentile(bd, q)))
        out.append(CVScore(label, int(ok.sum()), *ints, sd, diff))
    return out


def summarise_by(
    cv: CVResult,
    key: str,
    **kwargs: Any,
) -> dict[str, list[CVScore]]:
    """:func:`summarise` for each value of the issue attribute ``key`` (e.g. ``proc``)."""
    values = np.array([str(a.get(key, "")) for a in cv.design.attributes])
    return {v: summarise(cv, rows=values == v, **kwargs) for v in sorted(set(values)) if v}
