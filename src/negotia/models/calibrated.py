r"""The calibrated compromise model: the weighted mean plus learned, regularised corrections.

The compromise model (Achen 2006, eq. 4.9) is the most accurate of the published
forecasting models on EU decision data (Thomson et al. 2006, ch. 10).  This model keeps
it as its base and adds a sparse linear correction learned from decisions with known
outcomes:

.. math::

    \hat{x}_i = \operatorname{clip}\Big(\bar{x}_i + \sum_k \beta_k\, (L_{ki} - \bar{x}_i),
    \; \min_a x_{ai},\; \max_a x_{ai}\Big)

where :math:`\bar{x}_i` is the capability x salience weighted mean, each :math:`L_{ki}` is
a *location* on the issue known before the decision (another weighting of the mean, the
weighted median, the Commission's, the Parliament's or the Council's position, the
reference point, the unanimity pivot, ...), possibly switched on only in one
institutional setting (e.g. the Parliament's pull only under co-decision), and the clip
keeps the forecast inside the range of the actors' positions.  A missing location
(no reference point, no Commission position, no institutional attributes) contributes
nothing, so the model degrades to the compromise model.

The coefficients :math:`\beta` are fitted by least absolute deviations with an
:math:`\ell_1` penalty (the LAD-lasso of Wang, Li & Jiang 2007, *J. Business &
Economic Statistics* 25: 347-355), which shrinks every correction toward zero, i.e.
the forecast toward the weighted mean, and sets weak ones exactly to zero.  The penalty
and the feature set are chosen by cross-validation grouped by proposal (see
:mod:`negotia.evaluate.fit_calibrated`).  On the DEU III development table the
cross-validated gain over the compromise model is not distinguishable from zero
(``docs/accuracy.md``).  The fit shipped with negotia
(``models/data/calibrated.json``) was made on the DEU III development table and
records its provenance; ``negotia models --detail`` prints it.

Properties kept by construction (the model contract): a location minus the mean is
invariant to the issue's units and to actor order, the clip keeps the outcome inside
[0, 1], and where all actors agree the range is a single point, so the forecast is
that position.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from negotia.errors import InputError, Problem
from negotia.jsonable import json_text, to_jsonable
from negotia.models.base import Forecast, ModelInfo, equal_weight_notes
from negotia.models.compromise import weighted_mean
from negotia.models.median import weighted_median
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.deu_names import deu_names

MODEL_INFO = ModelInfo(
    name="calibrated",
    title="Calibrated compromise (weighted mean + LAD-lasso corrections)",
    citation=(
        "Base: Achen, C. H. (2006), in Thomson et al. (eds.), The European Union Decides, ch. 4, "
        "eq. 4.9. Fit: Wang, H., Li, G. & Jiang, G. (2007). Robust regression shrinkage and "
        "consistent variable selection through the LAD-lasso. J. Business & Economic Statistics "
        "25(3): 347-355. Coefficients fitted on DEU III (Arregui & Perarnaud 2022, doi:10.34810/data53)."
    ),
    summary=(
        "Capability x salience weighted mean plus a sparse LAD-lasso pull toward other locations "
        "known before the decision (other weightings, median, Commission, Parliament, reference "
        "point, ...), fitted on DEU III and clipped to the actors' range."
    ),
)

#: The features, in order: name -> what the location is.  Each feature is that
#: location minus the weighted mean (0 where the location is unknown).
FEATURES: dict[str, str] = {
    "mean_equal": "unweighted mean of the positions",
    "mean_salience": "salience-weighted mean",
    "mean_capability": "capability-weighted mean",
    "median": "capability x salience weighted median (median voter)",
    "council_mean": "weighted mean of the member states only (without Commission and Parliament)",
    "weighted_mode": "the position that holds the most capability x salience weight",
    "commission": "the Commission's position (agenda setter)",
    "parliament": "the Parliament's position",
    "reference_point": "the reference point (status quo)",
    "unanimity_pivot": "the member-state position closest to the reference point",
    "scale_midpoint": "the middle of the issue scale",
    "commission_if_qmv": "the Commission's position, under qualified-majority voting only",
    "parliament_if_cod": "the Parliament's position, under co-decision only",
    "reference_point_if_unanimity": "the reference point, under unanimity only",
    "unanimity_pivot_if_unanimity": "the unanimity pivot, under unanimity only",
    "mean_equal_if_many_issues": "unweighted mean, scaled by (issues in the proposal - 3) / 3",
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)

_EPS = 1e-9


def _role_index(actor_ids: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    for k, a in enumerate(actor_ids):
        if a.lower() in names:
            return k
    return None


def _first(attrs: dict[str, str], keys: tuple[str, ...]) -> str:
    """The value of the first of ``keys`` present ("" when none is)."""
    return next((attrs[k] for k in keys if k in attrs), "")


def _attribute_columns(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(I,)`` indicators QMV, COD, unanimity and the centred issue count (0 where unknown)."""
    names = deu_names()
    n = arrays.n_issues
    qmv, cod, unan, many = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for k, attrs in enumerate(arrays.issue_attributes or ()):
        low = {str(key).lower(): str(v).strip().lower() for key, v in attrs.items()}
        vote = _first(low, names.voting_rule)
        qmv[k] = vote.startswith(names.qualified_majority_prefixes)
        unan[k] = vote.startswith(names.unanimity_prefixes)
        cod[k] = _first(low, names.procedure) in names.codecision
        try:
            many[k] = (float(_first(low, names.issue_count)) - 3.0) / 3.0
        except ValueError:
            many[k] = 0.0
    return qmv, cod, unan, many


def _mode(position: np.ndarray, weight: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The position holding the most weight ``(B, I)``; ties averaged over distinct positions."""
    same = (np.abs(position[:, :, None, :] - position[:, None, :, :]) < _EPS) & (
        present[:, :, None, :] & present[:, None, :, :]
    )
    held = np.where(present, (same * weight[:, None, :, :]).sum(axis=2), -np.inf)
    top = held >= held.max(axis=1, keepdims=True) - 1e-12 * np.abs(held).max(axis=1, keepdims=True)
    top &= present
    mult = np.maximum(same.sum(axis=2), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (top * position / mult).sum(axis=1) / (top / mult).sum(axis=1)


def _closest_to(position: np.ndarray, present: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Position of the present actor closest to ``point`` ``(I,)``, ties averaged; ``(B, I)``."""
    dist = np.where(present, np.abs(position - point), np.inf)
    best = dist.min(axis=1, keepdims=True)
    hit = present & (dist <= best + _EPS)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (hit * position).sum(axis=1) / hit.sum(axis=1)
    return np.where(np.isfinite(point), out, np.nan)


def feature_matrix(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The model's inputs, all computed from what is known before the decision.

    Returns
    -------
    features
        ``(B, I, K)``: each location of :data:`FEATURES` minus the weighted mean, 0 where
        the location is unknown.
    base
        ``(B, I)`` capability x salience weighted mean (NaN where no actor takes part).
    low, high
        ``(B, I)`` smallest and largest position of the actors taking part.
    """
    pos, pres = arrays.position, arrays.present
    w = arrays.weight
    base = weighted_mean(pos, w, pres)
    equal = np.where(pres, 1.0, 0.0)
    loc: dict[str, np.ndarray] = {
        "mean_equal": weighted_mean(pos, equal, pres),
        "mean_salience": weighted_mean(pos, np.where(pres, arrays.salience, 0.0), pres),
        "mean_capability": weighted_mean(pos, np.where(pres, arrays.capability, 0.0), pres),
        "median": weighted_median(pos, w, pres),
        "weighted_mode": _mode(pos, w, pres),
    }
    names = deu_names()
    com = _role_index(arrays.actor_ids, names.commission)
    ep = _role_index(arrays.actor_ids, names.parliament)
    member = np.ones(arrays.n_actors, dtype=bool)
    nan = np.full_like(base, np.nan)
    for k in (com, ep):
        if k is not None:
            member[k] = False
    mpres = pres & member[None, :, None]
    loc["council_mean"] = weighted_mean(pos, np.where(mpres, w, 0.0), mpres)
    loc["commission"] = nan if com is None else np.where(pres[:, com], pos[:, com], np.nan)
    loc["parliament"] = nan if ep is None else np.where(pres[:, ep], pos[:, ep], np.nan)
    sq = np.broadcast_to(arrays.status_quo, base.shape)
    loc["reference_point"] = sq
    loc["unanimity_pivot"] = _closest_to(pos, mpres, arrays.status_quo)
    loc["scale_midpoint"] = np.full_like(base, 0.5)
    qmv, cod, unan, many = _attribute_columns(arrays)
    off = {k: np.nan_to_num(v - base, nan=0.0) for k, v in loc.items()}
    off["commission_if_qmv"] = off["commission"] * qmv
    off["parliament_if_cod"] = off["parliament"] * cod
    off["reference_point_if_unanimity"] = off["reference_point"] * unan
    off["unanimity_pivot_if_unanimity"] = off["unanimity_pivot"] * unan
    off["mean_equal_if_many_issues"] = off["mean_equal"] * many
    features = np.stack([off[name] for name in FEATURE_NAMES], axis=-1)
    low = np.where(pres, pos, np.inf).min(axis=1)
    high = np.where(pres, pos, -np.inf).max(axis=1)
    return features, base, low, high


def combine(features: np.ndarray, base: np.ndarray, low: np.ndarray, high: np.ndarray, coef: np.ndarray):
    """The forecast from the inputs of :func:`feature_matrix` and coefficients ``(K,)``."""
    raw = base + features @ coef
    return np.where(np.isfinite(base), np.clip(raw, low, high), np.nan)


@dataclass(frozen=True)
class CalibratedFit:
    """A fitted set of coefficients with the record of how it was made.

    Attributes
    ----------
    coefficients
        ``{feature name: coefficient}`` for every feature of :data:`FEATURES`.
    penalty
        The l1 penalty the fit used.
    provenance
        How the fit was made: table, its SHA-256, issues, proposals, seed, folds,
        the penalty grid and its cross-validated MAE, negotia version.
    """

    coefficients: dict[str, float]
    penalty: float
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.coefficients[n] for n in FEATURE_NAMES], dtype=float)

    def predict(self, arrays: ScenarioArrays) -> np.ndarray:
        """Forecasts ``(B, I)`` on [0, 1]; no refitting (status quo where nobody takes part)."""
        out = combine(*feature_matrix(arrays), self.vector)
        return np.where(np.isnan(out), arrays.status_quo, out)

    def to_dict(self) -> dict[str, Any]:
        """The fit as strict JSON data: an infinite penalty (no correction) is None."""
        return to_jsonable(
            {
                "model": MODEL_INFO.name,
                "features": {n: FEATURES[n] for n in FEATURE_NAMES},
                "coefficients": {n: float(self.coefficients[n]) for n in FEATURE_NAMES},
                "penalty": float(self.penalty),
                "provenance": self.provenance,
            }
        )

    def to_json(self) -> str:
        return json_text(self.to_dict()) + "\n"

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "coefficients") -> CalibratedFit:
        coef = data.get("coefficients")
        if not isinstance(coef, dict):
            raise InputError(source, Problem("coefficients", "missing or not a mapping of feature -> number"))
        problems = [Problem(f"coefficients.{n}", "missing") for n in FEATURE_NAMES if n not in coef]
        problems += [
            Problem(f"coefficients.{n}", f"unknown feature (known: {', '.join(FEATURE_NAMES)})")
            for n in coef
            if n not in FEATURES
        ]
        for n, v in coef.items():
            if n in FEATURES and (not isinstance(v, int | float) or not np.isfinite(v)):
                problems.append(Problem(f"coefficients.{n}", f"{v!r} is not a finite number"))
        if problems:
            raise InputError(source, problems)
        return cls(
            coefficients={n: float(coef[n]) for n in FEATURE_NAMES},
            penalty=_penalty(data.get("penalty", float("nan")), source),
            provenance=dict(data.get("provenance", {})),
        )

    @classmethod
    def load(cls, path: str | Path) -> CalibratedFit:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise InputError(str(path), Problem(f"line {e.lineno}", e.msg)) from None
        return cls.from_dict(data, str(path))


def _penalty(value: Any, source: str) -> float:
    """The fit's penalty: ``null`` is the infinite one ("no correction"); files written
    before strict JSON said ``"inf"``, which ``float`` reads as well."""
    if value is None:
        return float("inf")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(source, Problem("penalty", f"{value!r} is not a number or null")) from None


SHIPPED = "data/calibrated.json"


@cache
def shipped_fit() -> CalibratedFit:
    """The coefficients shipped with negotia (fitted on the DEU III development table)."""
    text = resources.files("negotia.models").joinpath(SHIPPED).read_text(encoding="utf-8")
    return CalibratedFit.from_dict(json.loads(text), f"negotia/models/{SHIPPED}")


def shipped_sha256() -> str:
    """SHA-256 of the shipped coefficient file (to tell fits apart in reports)."""
    data = resources.files("negotia.models").joinpath(SHIPPED).read_bytes()
    return hashlib.sha256(data).hexdigest()


def trained_on() -> set[str]:
    """SHA-256 digests of the tables the shipped coefficients were fitted on.

    ``negotia evaluate`` uses it to warn that a score on such a table is in-sample.
    """
    digest = shipped_fit().provenance.get("table_sha256")
    return {digest} if digest else set()


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    """Apply the shipped coefficients to a scenario batch (no refitting).

    Parameters
    ----------
    arrays
        The scenario batch.  Commission and Parliament are recognised by actor id
        (``com``/``ep``, ...); procedure, voting rule and the number of issues come from
        ``arrays.issue_attributes`` when present (DEU tables fill them).  The ids and
        attribute names are the DEU data's, read from ``scenario/data/deu.json``
        (:func:`negotia.scenario.deu_names.deu_names`).
    rng
        Unused (deterministic).
    """
    p = MODEL_INFO.resolve(params)
    fit = shipped_fit()
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=fit.predict(arrays),
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=p,
        actor_ids=arrays.actor_ids,
        notes=equal_weight_notes(arrays, arrays.weight),
    )


def describe() -> Any:
    """The shipped coefficients and their provenance, as a rich table."""
    from rich.table import Table

    fit = shipped_fit()
    prov = fit.provenance
    t = Table(
        title="calibrated: shipped coefficients (pull of each location relative to the weighted mean)",
        title_justify="left",
        caption=(
            f"LAD-lasso, feature set {prov.get('feature_set', '?')!r}, penalty {fit.penalty:.4g} "
            f"(both chosen by {prov.get('selection', 'grouped CV')}); "
            f"fitted on {prov.get('table', '?')} ({prov.get('issues', '?')} issues, "
            f"{prov.get('proposals', '?')} proposals, sha256 {str(prov.get('table_sha256', '?'))[:12]}), "
            f"seed {prov.get('seed', '?')}. Zero = not selected, or outside the chosen feature set."
        ),
        caption_justify="left",
    )
    t.add_column("feature")
    t.add_column("location", overflow="fold")
    t.add_column("coefficient", justify="right")
    for name in FEATURE_NAMES:
        c = fit.coefficients[name]
        t.add_row(name, FEATURES[name], f"{c:+.3f}" if c != 0 else "[dim]0[/dim]")
    return t
