"""Score forecasts against known outcomes (a DEU-style table, or any scenario whose
issues carry ``outcome``).

Models are named as in ``negotia forecast`` (``compromise``, ``median:weights=equal``,
...).  Three baselines that are not models are also accepted, since the literature
reports them next to the models (Thomson et al. 2006, ch. 10):

- ``status-quo``: the reference point (issues without one are left out of its score),
- ``constant-<v>``: the constant ``v`` on each issue's own scale (e.g. ``constant-50``),
- ``actor-<id>``: the position of one actor (e.g. ``actor-com``, the Commission).

Errors are absolute differences on the issue's own scale.  Only issues with an
outcome and a finite prediction count; ``n`` says how many.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.errors import InputError, Problem, UnknownNameError
from negotia.models import parse_model_spec, run_model
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario

#: Issue attributes that scores are broken down by when a table has them (the DEU
#: table's procedure and Council voting rule): the one place the library names them.
DEFAULT_BREAKDOWN = ("proc", "counvte")


@dataclass(frozen=True)
class Scores:
    """Accuracy of one set of predictions."""

    mae: float
    rmse: float
    median_ae: float
    n: int

    @classmethod
    def of(cls, predicted: np.ndarray, actual: np.ndarray) -> Scores:
        ok = np.isfinite(predicted) & np.isfinite(actual)
        err = np.abs(predicted[ok] - actual[ok])
        if err.size == 0:
            return cls(float("nan"), float("nan"), float("nan"), 0)
        return cls(float(err.mean()), float(np.sqrt((err**2).mean())), float(np.median(err)), int(err.size))

    def to_dict(self) -> dict[str, Any]:
        return {"mae": self.mae, "rmse": self.rmse, "median_ae": self.median_ae, "n": self.n}


@dataclass
class ModelScore:
    """Scores of one model, overall and broken down by issue attributes."""

    label: str
    scores: Scores
    by: dict[str, dict[str, Scores]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.scores.to_dict(),
            "by": {k: {v: s.to_dict() for v, s in d.items()} for k, d in self.by.items()},
        }


@dataclass
class Evaluation:
    """The result of a back-test: per-model scores and per-issue predictions."""

    source: str
    issue_ids: list[str]
    outcome: np.ndarray
    predictions: dict[str, np.ndarray]
    models: list[ModelScore]
    attributes: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "models": {m.label: m.to_dict() for m in self.models}}

    def predictions_csv(self) -> str:
        """Per-issue predictions of every model beside the outcome, as CSV."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        labels = list(self.predictions)
        extra = [k for k in DEFAULT_BREAKDOWN if any(k in a for a in self.attributes)]
        w.writerow(["issue", "group", *extra, "outcome", *labels])
        for k, iid in enumerate(self.issue_ids):
            attrs = self.attributes[k] if self.attributes else {}
            w.writerow(
                [
                    iid,
                    attrs.get("_group", ""),
                    *(attrs.get(e, "") for e in extra),
                    _fmt(self.outcome[k]),
                    *(_fmt(self.predictions[m][k]) for m in labels),
                ]
            )
        return out.getvalue()


def _fmt(x: float) -> str:
    return "" if not np.isfinite(x) else repr(float(x))


def _baseline(spec: str, scenario: Scenario, arrays: ScenarioArrays) -> np.ndarray | None:
    """Predictions ``(I,)`` on the issue scale of a named baseline, or None if not one."""
    if spec == "status-quo":
        return arrays.to_scale(arrays.status_quo)
    if spec.startswith("constant-"):
        try:
            v = float(spec[len("constant-") :])
        except ValueError:
            raise UnknownNameError(f"baseline {spec!r}: write constant-<number>, e.g. constant-50") from None
        return np.full(arrays.n_issues, v)
    if spec.startswith("actor-"):
        actor = spec[len("actor-") :]
        try:
            a = arrays.actor_ids.index(scenario.resolve_actor(actor))
        except KeyError:
            raise UnknownNameError(f"baseline {spec!r}: no actor {actor!r} in the table") from None
        pos = np.where(arrays.present[0, a], arrays.position[0, a], np.nan)
        return arrays.to_scale(pos)
    return None


def predict(
    scenario: Scenario,
    spec: str,
    *,
    arrays: ScenarioArrays | None = None,
    seed: int | None = 0,
) -> np.ndarray:
    """Predictions ``(I,)`` on each issue's scale of a model spec or baseline."""
    arrays = arrays if arrays is not None else ScenarioArrays.from_scenario(scenario)
    base = _baseline(spec, scenario, arrays)
    if base is not None:
        return base
    name, params = parse_model_spec(spec)
    fc = run_model(name, arrays, rng=np.random.default_rng(seed), **params)
    return fc.on_scale()[0]


def score(
    predicted: np.ndarray,
    outcome: np.ndarray,
    attributes: list[dict[str, Any]],
    label: str,
    breakdown: tuple[str, ...] = DEFAULT_BREAKDOWN,
) -> ModelScore:
    """Scores overall and by each attribute in ``breakdown`` that the issues have."""
    by: dict[str, dict[str, Scores]] = {}
    for key in breakdown:
        values = np.array([str(a.get(key, "")) for a in attributes])
        if not any(values):
            continue
        by[key] = {
            str(v): Scores.of(predicted[values == v], outcome[values == v]) for v in sorted(set(values)) if v
        }
    return ModelScore(label, Scores.of(predicted, outcome), by)


def evaluate(
    table: Scenario,
    models: list[str],
    *,
    source: str = "table",
    breakdown: tuple[str, ...] = DEFAULT_BREAKDOWN,
    seed: int | None = 0,
) -> Evaluation:
    """Back-test model specs and baselines on the issues of ``table`` that have an outcome.

    Parameters
    ----------
    table
        A scenario whose issues carry ``outcome`` (e.g. loaded from a DEU table).
    models
        Model specs (``"compromise"``, ``"median:weights=equal"``) or baselines
        (``"status-quo"``, ``"constant-50"``, ``"actor-com"``).
    source
        A name for the table, for reports.
    breakdown
        Issue attributes to break the scores down by.
    seed
        Seed for stochastic models.
    """
    with_outcome = [k for k, i in enumerate(table.issues) if i.outcome is not None]
    if not with_outcome:
        raise InputError(
            source, Problem("", "no issue has a known outcome (column 'out' or field 'outcome')")
        )
    arrays = ScenarioArrays.from_scenario(table)
    outcome_all = np.array([np.nan if i.outcome is None else i.outcome for i in table.issues], dtype=float)
    idx = np.array(with_outcome)
    attributes = [{**table.issues[k].attributes, "_group": table.issues[k].group or ""} for k in idx]
    predictions: dict[str, np.ndarray] = {}
    scores = []
    for spec in models:
        pred = predict(table, spec, arrays=arrays, seed=seed)[idx]
        predictions[spec] = pred
        scores.append(score(pred, outcome_all[idx], attributes, spec, breakdown))
    return Evaluation(
        source=source,
        issue_ids=[table.issues[k].id for k in idx],
        outcome=outcome_all[idx],
        predictions=predictions,
        models=scores,
        attributes=attributes,
    )
