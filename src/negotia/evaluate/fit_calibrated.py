r"""Fit the calibrated compromise model (:mod:`negotia.models.calibrated`) on a table of
decisions with known outcomes.

The coefficients minimise the LAD-lasso objective (Wang, Li & Jiang 2007, eq. 2.1)

.. math:: \frac{1}{N}\sum_i \big|\,y_i - \bar{x}_i - f_i^\top \beta\,\big| + \lambda \sum_k |\beta_k|

(absolute error, as the forecasts are judged by MAE; the penalty shrinks toward the
compromise model :math:`\beta = 0`), solved exactly as a linear program (its dual,
with HiGHS).  The feature set (:data:`FEATURE_SETS`) and the penalty :math:`\lambda`
are chosen together, by repeated cross-validation grouped by proposal on the training
rows only (issues of one proposal are never split), from a grid relative to
:math:`\lambda_{\max} = \lVert F^\top \operatorname{sign}(r) \rVert_\infty / N`, the
smallest penalty at which :math:`\beta = 0` is optimal.  An infinite penalty ("no
correction", the compromise model itself) is always among the candidates; the written
fit (strict JSON, which has no infinity) records it as ``null``, both as the chosen
``penalty`` and as ``fraction`` and ``penalty`` in the search grid of the provenance.

The shipped coefficients are made by ``tools/fit_calibrated.py`` (a research script,
not part of the installed package), which calls :func:`fit_calibrated` on a table and
writes the coefficients with their provenance; the cross-validation
(:mod:`negotia.evaluate.cv`) calls it inside every training fold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from negotia.errors import ParameterError
from negotia.evaluate.features import Design
from negotia.evaluate.folds import grouped_folds
from negotia.models.calibrated import FEATURE_NAMES, CalibratedFit, combine

#: Penalties tried, as fractions of lambda_max; ``inf`` is "no correction at all" (the
#: compromise model), kept explicitly since lambda_max of a training subset can differ.
PENALTY_FRACTIONS: tuple[float, ...] = (float("inf"), 1.0, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02)


#: Candidate feature sets, simplest first: the family of weighted means and the median
#: (shrinkage among weighting schemes, Achen 2006), and everything including the
#: institutional pulls.  Which one (and which penalty) is chosen by grouped CV.
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "weighting": ("mean_equal", "mean_salience", "mean_capability", "median"),
    "all": FEATURE_NAMES,
}


def lad_lasso(X: np.ndarray, r: np.ndarray, penalty: float) -> np.ndarray:
    """Coefficients minimising ``mean|r - X b| + penalty * sum|b|``.

    Solved through the dual linear program ``max r.d`` subject to ``|X^T d| <= penalty``
    and ``|d| <= 1/N``; the coefficients are the dual values of the first constraints.
    """
    n, k = X.shape
    if n == 0:
        raise ParameterError("cannot fit the calibrated model on zero issues")
    if not np.isfinite(penalty):
        return np.zeros(k)
    a_ub = np.vstack([X.T, -X.T])
    b_ub = np.full(2 * k, float(penalty))
    from scipy.optimize import linprog  # imported here: costly, and only a fit needs it

    res = linprog(-r, A_ub=a_ub, b_ub=b_ub, bounds=(-1.0 / n, 1.0 / n), method="highs")
    if res.status != 0:  # pragma: no cover - the dual is always feasible (d = 0) and bounded
        raise ParameterError(f"LAD-lasso fit failed: {res.message}")
    m = res.ineqlin.marginals
    beta = -(m[:k] - m[k:])
    beta[np.abs(beta) < 1e-12] = 0.0
    return beta


def lambda_max(X: np.ndarray, r: np.ndarray) -> float:
    """The smallest penalty at which all coefficients are zero (LAD subgradient condition)."""
    return float(np.abs(X.T @ np.sign(r)).max() / max(len(r), 1))


def penalty_path(
    design: Design,
    penalties: np.ndarray,
    *,
    folds: int,
    repeats: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Cross-validated MAE (on the issue scale) of each penalty, grouped folds, repeated;
    and its standard error (sd of the per-fold MAEs over the square root of their number).
    """
    per_fold = np.zeros((repeats * folds, len(penalties)))
    sizes = np.zeros(repeats * folds)
    row = 0
    for _ in range(repeats):
        fold = grouped_folds(design.groups, folds, rng)
        for f in range(folds):
            train, test = design.subset(fold != f), design.subset(fold == f)
            sizes[row] = test.n
            for k, lam in enumerate(penalties):
                beta = lad_lasso(train.features, train.outcome - train.base, lam)
                pred = combine(test.features, test.base, test.low, test.high, beta)
                per_fold[row, k] = float((np.abs(pred - test.outcome) * test.span).mean())
            row += 1
    mean = (per_fold * sizes[:, None]).sum(axis=0) / sizes.sum()
    se = per_fold.std(axis=0, ddof=1) / np.sqrt(len(sizes)) if len(sizes) > 1 else np.zeros(len(penalties))
    return mean, se


def fit_calibrated(
    design: Design,
    *,
    seed: int = 0,
    folds: int = 5,
    repeats: int = 2,
    fractions: tuple[float, ...] = PENALTY_FRACTIONS,
    rule: str = "min",
    feature_sets: dict[str, tuple[str, ...]] | None = None,
    provenance: dict[str, Any] | None = None,
) -> CalibratedFit:
    """Choose the feature set and penalty by grouped CV on ``design``; fit on all of it.

    Parameters
    ----------
    design
        The training issues (see :func:`negotia.evaluate.features.design_from_table`).
    seed
        Seed of the fold assignment (the same folds for every candidate); the same seed
        gives the same coefficients.
    folds, repeats
        Grouped folds and repeats of the search.
    fractions
        Penalty grid as fractions of :func:`lambda_max` (of each feature set).
    rule
        ``min``: the candidate with the smallest CV error (ties to the earlier feature
        set and the larger penalty); ``1se``: the first candidate (in the same order)
        within one standard error of that minimum (the one-standard-error rule; Hastie,
        Tibshirani & Friedman 2009, *The Elements of Statistical Learning*, sec. 7.10),
        which favours the compromise model.
    feature_sets
        Candidate feature sets ``{name: features}``, simplest first; the others are held
        at 0.  Default :data:`FEATURE_SETS`.
    provenance
        Extra facts recorded with the fit (e.g. the table's name and SHA-256).
    """
    if rule not in ("min", "1se"):
        raise ParameterError(f"penalty rule must be 'min' or '1se', got {rule!r}")
    sets = FEATURE_SETS if feature_sets is None else feature_sets
    _check_feature_sets(sets)
    n_groups = len(np.unique(design.groups))
    if n_groups < 2:
        raise ParameterError("fitting the calibrated model needs issues from at least 2 proposals")
    folds = min(folds, n_groups)
    r = design.outcome - design.base
    cands = [
        _candidate(design, r, name, feats, fractions, folds=folds, repeats=repeats, seed=seed)
        for name, feats in sets.items()
    ]
    c, k = _choose(cands, len(fractions), rule)
    chosen = cands[c]
    beta = np.zeros(len(FEATURE_NAMES))
    beta[chosen.use] = lad_lasso(design.features[:, chosen.use], r, chosen.penalties[k])
    prov = {
        **(provenance or {}),
        "issues": design.n,
        "proposals": n_groups,
        "seed": seed,
        "selection": f"{repeats}x repeated {folds}-fold CV grouped by proposal, rule {rule}",
        "feature_set": chosen.name,
        "features_used": [n for n, u in zip(FEATURE_NAMES, chosen.use, strict=True) if u],
        "search": {cand.name: cand.record(sets[cand.name], fractions) for cand in cands},
    }
    return CalibratedFit(
        coefficients={n: float(b) for n, b in zip(FEATURE_NAMES, beta, strict=True)},
        penalty=float(chosen.penalties[k]),  # inf = no correction
        provenance=prov,
    )


def _check_feature_sets(sets: dict[str, tuple[str, ...]]) -> None:
    for name, feats in sets.items():
        unknown = sorted(set(feats) - set(FEATURE_NAMES))
        if unknown or not feats:
            raise ParameterError(
                f"feature set {name!r}: unknown or no features {', '.join(unknown)}; "
                f"known: {', '.join(FEATURE_NAMES)}"
            )


@dataclass(frozen=True)
class _Candidate:
    """One feature set with its penalty grid and the grid's cross-validated error."""

    name: str
    use: np.ndarray  # (F,) bool: the features of the set
    lambda_max: float
    penalties: np.ndarray
    cv_mae: np.ndarray
    cv_se: np.ndarray

    def record(self, features: tuple[str, ...], fractions: tuple[float, ...]) -> dict[str, Any]:
        """The search over this set, for the fit's provenance."""
        return {
            "features": list(features),
            "lambda_max": self.lambda_max,
            "penalty_grid": [
                {"fraction": _finite(f), "penalty": _finite(p), "cv_mae": float(e), "cv_se": float(v)}
                for f, p, e, v in zip(fractions, self.penalties, self.cv_mae, self.cv_se, strict=True)
            ],
        }


def _candidate(
    design: Design,
    r: np.ndarray,
    name: str,
    feats: tuple[str, ...],
    fractions: tuple[float, ...],
    *,
    folds: int,
    repeats: int,
    seed: int,
) -> _Candidate:
    use = np.array([n in feats for n in FEATURE_NAMES])
    sub = replace(design, features=design.features[:, use])
    lmax = lambda_max(sub.features, r)
    pens = np.array(fractions) * lmax
    # Every set gets a generator of the same seed: the same folds for every candidate.
    path, se = penalty_path(sub, pens, folds=folds, repeats=repeats, rng=np.random.default_rng(seed))
    return _Candidate(name, use, lmax, pens, path, se)


def _choose(cands: list[_Candidate], n_fractions: int, rule: str) -> tuple[int, int]:
    """``(candidate, grid index)`` chosen by ``rule``."""
    flat = [(c, k) for c in range(len(cands)) for k in range(n_fractions)]
    err = np.array([cands[c].cv_mae[k] for c, k in flat])
    # The grid runs from the largest penalty down and the sets from the simplest, so the
    # first candidate at the minimum is the simplest one there.
    best = int(np.flatnonzero(err <= err.min() + 1e-12)[0])
    if rule == "1se":
        c, k = flat[best]
        best = int(np.flatnonzero(err <= err[best] + cands[c].cv_se[k] + 1e-12)[0])
    return flat[best]


def _finite(x: float) -> float | None:
    """JSON has no infinity: the infinite penalty ("no correction") is recorded as None
    (``null`` in the file), the way :mod:`negotia.jsonable` writes every non-finite value."""
    return float(x) if np.isfinite(x) else None
