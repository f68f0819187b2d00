r"""Forecast intervals whose coverage is measured on real outcomes (split-conformal).

A model's forecast is a point; how far the real outcome lands from it is the model's
error.  The interval for a new issue is the point forecast plus or minus the
:math:`\lceil (n+1)\ell \rceil`-th smallest absolute error among :math:`n` calibration
issues with a known outcome, at level :math:`\ell` (split-conformal prediction; Vovk,
Gammerman & Shafer 2005, *Algorithmic Learning in a Random World*; Lei et al. 2018,
"Distribution-free predictive inference for regression", *JASA* 113: 1094-1111).  If the
new issue is exchangeable with the calibration issues, the interval covers the outcome
with probability at least :math:`\ell`.

Two refinements, both about what is known before a decision:

- **Mondrian calibration** (Vovk et al. 2005, ch. 4): the quantile is taken within the
  issue's *decision-rule group* (``counvte`` in the DEU table: qualified majority or
  unanimity), so that coverage holds within each group rather than only on average.
  A group with too few calibration issues for a finite quantile uses the pooled one.
- **Clipped to the range of positions**: an outcome outside every actor's position is
  rare (1 issue in 252 in DEU III), so the interval is cut to the range spanned by the
  actors that take part.  This is part of the method and is calibrated with it: the
  coverage reported is that of the clipped interval.

:func:`cross_validate_intervals` measures coverage and mean width out of sample, grouped
by proposal, on the out-of-fold predictions of :func:`negotia.evaluate.cv.cross_validate`:
in each split the quantile comes from the training issues' out-of-fold errors and is
applied to the test issues.  :func:`fit_intervals` calibrates on a whole table (the
shipped calibration, made by ``tools/fit_intervals.py``), and :func:`interval_for`
applies a calibration to new forecasts.

What these intervals carry: the error of a model on decisions like those in the
calibration table (EU legislative decisions, 1999-2009, for DEU III).  They do not carry
the uncertainty of the actors' positions (that is the Monte Carlo interval), and for a
negotiation unlike the calibration table they are an analogy, not a guarantee.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.errors import ParameterError
from negotia.evaluate.backtest import DEFAULT_BREAKDOWN

if TYPE_CHECKING:
    from negotia.evaluate.cv import CVResult

#: The issue attribute whose values define the Mondrian groups.
GROUP_KEY = "counvte"
#: Pooled calibration key.
POOLED = "all"
#: Tolerance for "the outcome lies on the interval's edge" on the [0, 1] scale.
_EDGE = 1e-9


def conformal_quantile(scores: np.ndarray, level: float) -> float:
    """The split-conformal quantile: the ceil((n+1) level)-th smallest score.

    ``inf`` when there are too few scores for a finite quantile at this level
    (fewer than ``level / (1 - level)``), so the interval is then the whole range.
    """
    _check_level(level)
    s = np.sort(np.asarray(scores, dtype=float)[np.isfinite(scores)])
    k = int(np.ceil((s.size + 1) * level))
    return float(s[k - 1]) if 0 < k <= s.size else float("inf")


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ParameterError(f"coverage level {level}: it must lie strictly between 0 and 1 (e.g. 0.8)")


def group_quantiles(scores: np.ndarray, groups: np.ndarray, level: float) -> dict[str, float]:
    """Pooled and per-group conformal quantiles of ``scores`` (absolute errors on [0, 1])."""
    out = {POOLED: conformal_quantile(scores, level)}
    for g in np.unique(groups):
        if g:
            out[str(g)] = conformal_quantile(scores[groups == g], level)
    return out


def _clipped(
    centre: np.ndarray, q: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    return np.maximum(centre - q, low), np.minimum(centre + q, high)


def _q_for(quantiles: dict[str, float], groups: np.ndarray) -> np.ndarray:
    pooled = quantiles[POOLED]
    return np.array([q if np.isfinite(q := quantiles.get(str(g), pooled)) else pooled for g in groups])


@dataclass(frozen=True)
class Coverage:
    """Measured coverage and mean width (on the issues' own scales) of one set of intervals."""

    coverage: float
    width: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"coverage": self.coverage, "mean_width": self.width, "n": self.n}


@dataclass(frozen=True)
class IntervalScore:
    """Out-of-sample coverage of one model's intervals, overall and per subgroup."""

    label: str
    level: float
    overall: Coverage
    by: dict[str, dict[str, Coverage]] = field(default_factory=dict)

    def subgroups(self) -> list[tuple[str, str, Coverage]]:
        return [(k, v, c) for k, d in self.by.items() for v, c in d.items()]

    def meets(self, band: tuple[float, float], max_width: float) -> bool:
        """Coverage inside ``band`` overall and in every subgroup, mean width at most ``max_width``."""
        cells = [self.overall, *(c for _, _, c in self.subgroups())]
        return all(band[0] <= c.coverage <= band[1] for c in cells) and self.overall.width <= max_width

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.label,
            "level": self.level,
            **self.overall.to_dict(),
            "by": {k: {v: c.to_dict() for v, c in d.items()} for k, d in self.by.items()},
        }


def _attr(design: Any, key: str) -> np.ndarray:
    return np.array([str(a.get(key) or "") for a in design.attributes])


def _cell(mask: np.ndarray, ok: np.ndarray, cov: np.ndarray, width: np.ndarray) -> Coverage:
    m = mask & ok
    if not m.any():
        return Coverage(float("nan"), float("nan"), 0)
    return Coverage(float(cov[m].mean()), float(width[m].mean()), int(m.sum()))


def cross_validate_intervals(
    cv: CVResult,
    *,
    level: float = 0.8,
    group_key: str | None = GROUP_KEY,
    by: tuple[str, ...] = DEFAULT_BREAKDOWN,
) -> list[IntervalScore]:
    """Coverage and width of every model's conformal intervals in the splits of ``cv``.

    Per repeat and fold the quantiles come from the training issues' out-of-fold
    absolute errors (per ``group_key`` value, pooled where a group is too small) and
    are applied to the test issues.  Coverage of an issue is averaged over the repeats;
    the figures are then means over issues, overall and per value of each ``by`` key.
    """
    _check_level(level)
    d = cv.design
    groups = _attr(d, group_key) if group_key else np.full(d.n, "")
    out: list[IntervalScore] = []
    for label, pred in cv.predictions.items():
        covered = np.zeros(cv.folds.shape)
        width = np.zeros(cv.folds.shape)
        for r in range(cv.folds.shape[0]):
            p = pred[r]
            err = np.abs(p - d.outcome)
            for f in np.unique(cv.folds[r]):
                test = cv.folds[r] == f
                train = ~test & np.isfinite(err)
                q = _q_for(group_quantiles(err[train], groups[train], level), groups[test])
                lo, hi = _clipped(p[test], q, d.low[test], d.high[test])
                y = d.outcome[test]
                covered[r, test] = (y >= lo - _EDGE) & (y <= hi + _EDGE) & np.isfinite(p[test])
                width[r, test] = np.where(np.isfinite(p[test]), (hi - lo) * d.span[test], np.nan)
        ok = np.isfinite(pred).all(axis=0)
        cov_i, wid_i = covered.mean(axis=0), width.mean(axis=0)

        by_cells = {}
        for key in by:
            values = _attr(d, key)
            cells = {v: _cell(values == v, ok, cov_i, wid_i) for v in sorted(set(values)) if v}
            if cells:
                by_cells[key] = cells
        out.append(IntervalScore(label, level, _cell(np.ones(d.n, bool), ok, cov_i, wid_i), by_cells))
    return out


@dataclass(frozen=True)
class IntervalCalibration:
    """Conformal quantiles per model and decision-rule group, fitted on one table.

    ``quantiles[model][group]`` is an absolute error on the [0, 1] issue scale;
    ``groups`` maps scenario decision rules to the table's group values.
    """

    level: float
    source: str
    source_sha256: str
    n: int
    group_key: str
    quantiles: dict[str, dict[str, float]]
    rule_groups: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "source": self.source,
            "source_sha256": self.source_sha256,
            "n": self.n,
            "group_key": self.group_key,
            "quantiles": self.quantiles,
            "rule_groups": self.rule_groups,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntervalCalibration:
        return cls(
            level=float(data["level"]),
            source=str(data["source"]),
            source_sha256=str(data["source_sha256"]),
            n=int(data["n"]),
            group_key=str(data["group_key"]),
            quantiles={m: {g: float(q) for g, q in d.items()} for m, d in data["quantiles"].items()},
            rule_groups=dict(data.get("rule_groups", {})),
        )


#: How a scenario's decision rule maps to DEU's ``counvte`` groups.
RULE_GROUPS = {"unanimity": "Unan", "qualified_majority": "QMV", "qmv": "QMV"}


def fit_intervals(
    predictions: dict[str, np.ndarray],
    design: Any,
    *,
    level: float = 0.8,
    group_key: str = GROUP_KEY,
    source: str = "table",
    source_bytes: bytes = b"",
) -> IntervalCalibration:
    """Calibrate on a whole table: per model the pooled and per-group quantiles.

    ``predictions[label]`` is ``(N,)`` on [0, 1] for the rows of ``design``.
    """
    groups = _attr(design, group_key)
    quantiles = {}
    for label, p in predictions.items():
        err = np.abs(np.asarray(p, float) - design.outcome)
        keep = np.isfinite(err)
        quantiles[label] = group_quantiles(err[keep], groups[keep], level)
    return IntervalCalibration(
        level=level,
        source=source,
        source_sha256=hashlib.sha256(source_bytes).hexdigest(),
        n=int(design.n),
        group_key=group_key,
        quantiles=quantiles,
        rule_groups=dict(RULE_GROUPS),
    )


def shipped_calibration() -> IntervalCalibration:
    """The calibration fitted on the DEU III development table (``tools/fit_intervals.py``)."""
    text = resources.files("negotia.evaluate").joinpath("data/intervals.json").read_text("utf-8")
    return IntervalCalibration.from_dict(json.loads(text))


def interval_for(
    model: str,
    forecast: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    groups: list[str | None],
    calibration: IntervalCalibration,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The calibrated interval around ``forecast`` (per issue, on [0, 1]), or None.

    None when the calibration has no quantiles for ``model`` (a model spec with
    parameters, or a model added after the calibration was made).  ``groups`` gives
    each issue's decision-rule group (None: pooled).
    """
    quantiles = calibration.quantiles.get(model)
    if quantiles is None:
        return None
    q = _q_for(quantiles, np.array([g or POOLED for g in groups]))
    return _clipped(np.asarray(forecast, float), q, low, high)


@dataclass(frozen=True)
class ForecastInterval:
    """One model's calibrated interval per issue, on each issue's own scale.

    ``carries`` says which uncertainty it is (model error on the calibration table, not
    uncertainty about the actors' positions).
    """

    model: str
    level: float
    issue_ids: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    groups: tuple[str, ...]
    source: str

    @property
    def carries(self) -> str:
        return f"model error, calibrated on {self.source}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "level": self.level,
            "carries": self.carries,
            "issues": {
                i: {"low": float(lo), "high": float(hi), "group": g}
                for i, lo, hi, g in zip(self.issue_ids, self.low, self.high, self.groups, strict=True)
            },
        }


def position_range(position: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest position of the actors present, per issue: ``(A, I) -> (I,), (I,)``."""
    pos = np.where(present & np.isfinite(position), position, np.nan)
    with np.errstate(all="ignore"):
        return np.nanmin(pos, axis=0), np.nanmax(pos, axis=0)


def model_error_intervals(
    arrays: Any,
    forecasts: dict[str, Any],
    groups: list[str | None],
    calibration: IntervalCalibration | None = None,
) -> dict[str, ForecastInterval]:
    """Calibrated intervals around each forecast (first batch element), keyed by label.

    ``forecasts`` maps labels to :class:`negotia.models.base.Forecast`; labels the
    calibration does not know (a model spec with parameters) get no interval.
    ``groups`` is each issue's decision-rule group (e.g. ``"QMV"``, ``"Unan"``; None:
    pooled).
    """
    cal = calibration or shipped_calibration()
    low, high = position_range(arrays.position[0], arrays.present[0])
    out = {}
    for label, fc in forecasts.items():
        unit = np.asarray(fc.outcome, dtype=float)[0]
        iv = interval_for(label, unit, low, high, groups, cal)
        if iv is None:
            continue
        out[label] = ForecastInterval(
            model=label,
            level=cal.level,
            issue_ids=tuple(arrays.issue_ids),
            low=arrays.to_scale(iv[0]),
            high=arrays.to_scale(iv[1]),
            groups=tuple(g or POOLED for g in groups),
            source=cal.source,
        )
    return out
