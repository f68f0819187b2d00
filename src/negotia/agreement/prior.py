"""The prior probability of agreement: how often crises like this one ended in a deal.

A logistic model fitted on the International Crisis Behavior data (Brecher, Wilkenfeld et
al., ICB v14: 433 interstate crises triggered 1918-1999; an agreement is a formal or
semi-formal one, ICB ``forout`` 1 or 2) by ``tools/fit_agreement_prior.py``, which also
wrote the coefficients shipped in ``agreement/data/prior.json`` and the page
``docs/agreement-prior.md`` with every figure quoted here.

Three models are shipped; each feature says when it is known:

- ``onset``: facts coded as at the crisis's start (territorial stakes, a violent trigger,
  an ongoing war, a protracted conflict, great-power level, ethnicity);
- ``in-talks`` (the default): the onset facts plus what is known at a moment of the
  talks, whether a mediator has started and how many days the crisis has lasted
  (landmark design: every training row holds only what was known at that day);
- ``after-the-fact``: adds mediation, full-scale war and a second crisis actor *as ICB
  codes them over the whole crisis*.  They can be stated for a live case, but in the
  data they include what happened later, so this model's skill is an upper bound.

Out of time (trained on earlier crises, scored on later decades, one conflict never in
both), the onset and in-talks models do not beat the base rate by a margin the data can
resolve; the after-the-fact model's skill is an upper bound.  Each result carries its
model's out-of-time Brier skill so that nobody reads the probability as sharper than it
is.  What the probability means: among past crises with these features, about this
share ended in a formal or semi-formal agreement.  It knows nothing of the parties'
positions; :mod:`negotia.agreement.combine` adds that evidence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from negotia.errors import InputError, Problem, UnknownNameError

SHIPPED = "data/prior.json"
_Z = {0.5: 0.6744897501960817, 0.8: 1.2815515655446004, 0.9: 1.6448536269514722, 0.95: 1.959963984540054}


@dataclass(frozen=True)
class PriorFeature:
    """One input of a prior model.

    ``kind`` is ``bool`` (true/false, 1/0) or ``days`` (a number of days, used as
    log(1 + min(days, cap))).  ``timing`` says when it is known: ``onset``, ``in-talks``,
    ``after-the-fact`` (coded over the whole crisis in the data) or ``hindsight``.
    ``mean`` is its average over the training rows: the reference a contribution is
    measured from.
    """

    name: str
    label: str
    kind: str
    timing: str
    after_the_fact: bool
    coding: str
    coef: float
    mean: float
    cap_days: float | None = None

    def encode(self, value: Any, where: str) -> float:
        """The numeric value of a user's ``value``, or :class:`InputError` naming ``where``."""
        if self.kind == "bool":
            if isinstance(value, bool) or value in (0, 1):
                return float(value)
            raise InputError(where, Problem(self.name, f"expected true or false, got {value!r}"))
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise InputError(where, Problem(self.name, f"expected a number of days >= 0, got {value!r}"))
        days = min(float(value), self.cap_days) if self.cap_days is not None else float(value)
        return math.log1p(days)


@dataclass(frozen=True)
class Contribution:
    """What one feature adds to the log-odds of agreement, against the average crisis.

    ``log_odds`` is coef x (value - training mean): summed over the features and added
    to the log-odds of the average crisis, it gives the case's log-odds exactly.
    ``given`` is False when the case did not state the feature (it then sits at the
    average and contributes 0).
    """

    name: str
    label: str
    value: Any
    log_odds: float
    timing: str
    after_the_fact: bool
    given: bool

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class OutOfTimeSkill:
    """The model's Brier skill over the base rate on later decades (see the docs page)."""

    skill: float
    low: float
    high: float
    n: int
    brier: float
    brier_base: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class AgreementPrior:
    """The prior probability of agreement for one case.

    Attributes
    ----------
    model
        The shipped model used (``onset``, ``in-talks``, ``after-the-fact``).
    probability
        P(the talks end in a formal or semi-formal agreement), from history alone.
    low, high
        Interval of that probability at ``level`` from the sampling uncertainty of the
        fitted coefficients (cluster-robust by conflict).  It is not a measure of skill:
        see ``skill``.
    average
        The probability for the average crisis of the training data.
    contributions
        Per feature, its push on the log-odds (see :class:`Contribution`).
    features_used, after_the_fact, missing
        Names of the model's features, those coded after the fact in the data, and
        those the case left unstated.
    skill
        The model's out-of-time Brier skill with its interval.
    notes
        Plain-language caveats for a reader.
    """

    model: str
    probability: float
    low: float
    high: float
    level: float
    average: float
    contributions: tuple[Contribution, ...]
    features_used: tuple[str, ...]
    after_the_fact: tuple[str, ...]
    missing: tuple[str, ...]
    skill: OutOfTimeSkill
    notes: tuple[str, ...]

    @property
    def log_odds(self) -> float:
        return math.log(self.probability / (1 - self.probability))

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "probability": self.probability,
            "interval": [self.low, self.high],
            "level": self.level,
            "average": self.average,
            "contributions": [c.to_dict() for c in self.contributions],
            "features_used": list(self.features_used),
            "after_the_fact": list(self.after_the_fact),
            "missing": list(self.missing),
            "out_of_time_skill": self.skill.to_dict(),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PriorModel:
    """A shipped logistic model of agreement (coefficients on the raw feature scale)."""

    name: str
    description: str
    intercept: float
    features: tuple[PriorFeature, ...]
    covariance: np.ndarray
    skill: OutOfTimeSkill
    base_rate: float

    @property
    def average_log_odds(self) -> float:
        return self.intercept + sum(f.coef * f.mean for f in self.features)

    def predict(self, case: Mapping[str, Any], *, level: float = 0.9, source: str = "case") -> AgreementPrior:
        """The prior for a case given as ``{feature name: value}`` (see :func:`agreement_prior`)."""
        if level not in _Z:
            raise UnknownNameError(f"interval level {level}: use one of {', '.join(map(str, sorted(_Z)))}")
        known = {f.name for f in self.features}
        unknown = sorted(set(case) - known)
        if unknown:
            raise InputError(
                source,
                [
                    Problem(
                        k,
                        f"not a feature of the {self.name!r} prior model "
                        f"(it knows: {', '.join(sorted(known))})",
                    )
                    for k in unknown
                ],
            )
        x = np.array([f.encode(case[f.name], source) if f.name in case else f.mean for f in self.features])
        mean = np.array([f.mean for f in self.features])
        coef = np.array([f.coef for f in self.features])
        eta = self.intercept + float(x @ coef)
        design = np.concatenate([[1.0], x])
        se = math.sqrt(max(float(design @ self.covariance @ design), 0.0))
        z = _Z[level]
        contributions = tuple(
            Contribution(
                f.name,
                f.label,
                case.get(f.name),
                float(c * (xi - m)),
                f.timing,
                f.after_the_fact,
                f.name in case,
            )
            for f, c, xi, m in zip(self.features, coef, x, mean, strict=True)
        )
        missing = tuple(f.name for f in self.features if f.name not in case)
        return AgreementPrior(
            model=self.name,
            probability=_expit(eta),
            low=_expit(eta - z * se),
            high=_expit(eta + z * se),
            level=level,
            average=_expit(self.average_log_odds),
            contributions=contributions,
            features_used=tuple(f.name for f in self.features),
            after_the_fact=tuple(f.name for f in self.features if f.after_the_fact),
            missing=missing,
            skill=self.skill,
            notes=self._notes(case, missing),
        )

    def _notes(self, case: Mapping[str, Any], missing: tuple[str, ...]) -> tuple[str, ...]:
        s = self.skill
        notes = [
            f"out of time this model's Brier skill over the base rate is {s.skill:+.1%} "
            f"[{s.low:+.1%}, {s.high:+.1%}]: "
            + (
                "it does not tell cases apart much better than the base rate"
                if s.low <= 0
                else "it tells cases apart better than the base rate"
            )
        ]
        late = [f.name for f in self.features if f.after_the_fact]
        if late:
            notes.append(
                f"{', '.join(late)} are coded over the whole crisis in the data (after the fact): "
                "the model's skill is an upper bound"
            )
        if missing:
            notes.append(f"not stated, taken at the historical average: {', '.join(missing)}")
        for f in self.features:
            v = case.get(f.name)
            if f.kind == "days" and f.cap_days is not None and isinstance(v, int | float) and v > f.cap_days:
                notes.append(
                    f"{f.name} = {v:g} is beyond the {f.cap_days:g} days the data can speak for; "
                    f"used as {f.cap_days:g}"
                )
        return tuple(notes)


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def model_from_dict(name: str, d: Mapping[str, Any]) -> PriorModel:
    """A :class:`PriorModel` from its entry in the shipped file (``models.<name>``)."""
    feats = tuple(
        PriorFeature(
            name=f["name"],
            label=f["label"],
            kind=f["kind"],
            timing=f["timing"],
            after_the_fact=bool(f["after_the_fact"]),
            coding=f["coding"],
            coef=float(f["coef"]),
            mean=float(f["mean"]),
            cap_days=f.get("cap_days"),
        )
        for f in d["features"]
    )
    s = d["out_of_time"]
    return PriorModel(
        name=name,
        description=d["description"],
        intercept=float(d["intercept"]),
        features=feats,
        covariance=np.asarray(d["covariance"], dtype=float),
        skill=OutOfTimeSkill(s["skill"], s["low"], s["high"], s["n"], s["brier"], s["brier_base"]),
        base_rate=float(d["training"]["base_rate"]),
    )


@cache
def shipped() -> dict[str, Any]:
    """The shipped file as data (models, data sources, settings)."""
    text = resources.files("negotia.agreement").joinpath(SHIPPED).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def prior_models() -> dict[str, PriorModel]:
    """The shipped prior models by name."""
    return {name: model_from_dict(name, d) for name, d in shipped()["models"].items()}


def default_model() -> str:
    return str(shipped()["default_model"])


def agreement_prior(
    case: Mapping[str, Any], model: str | None = None, *, level: float = 0.9, source: str = "case"
) -> AgreementPrior:
    """The prior probability of agreement for a case described by its features.

    Parameters
    ----------
    case
        ``{feature name: value}``: booleans for facts (``territorial``, ``mediation_under_way``,
        ...), a number for ``days_elapsed``.  Unstated features are taken at their
        historical average and listed in ``missing``.  :func:`prior_models` lists each
        model's features with their meaning.
    model
        ``onset``, ``in-talks`` (default) or ``after-the-fact``.
    level
        Level of the interval (0.5, 0.8, 0.9 or 0.95).
    source
        Where the case came from, for error messages (e.g. ``metadata.prior``).
    """
    models = prior_models()
    name = model or default_model()
    if name not in models:
        raise UnknownNameError(f"no prior model {name!r}; shipped: {', '.join(models)}")
    return models[name].predict(case, level=level, source=source)


def case_from_metadata(
    metadata: Mapping[str, Any], source: str = "scenario"
) -> tuple[dict[str, Any], str | None]:
    """The prior's case and model named in a scenario's ``metadata.prior``.

    The block is ``{model: <name>, features: {<feature>: <value>, ...}}`` (``model`` is
    optional).  Returns ``({}, None)`` when the scenario has no such block.
    """
    block = metadata.get("prior")
    if block is None:
        return {}, None
    where = f"{source}: metadata.prior"
    if not isinstance(block, Mapping):
        raise InputError(where, Problem("", "expected a mapping with 'features' (and optionally 'model')"))
    extra = sorted(set(block) - {"model", "features", "note", "sources"})
    if extra:
        raise InputError(
            where, [Problem(k, "unknown key (use model, features, note, sources)") for k in extra]
        )
    features = block.get("features", {})
    if not isinstance(features, Mapping):
        raise InputError(where, Problem("features", "expected a mapping of feature names to values"))
    model = block.get("model")
    if model is not None and not isinstance(model, str):
        raise InputError(where, Problem("model", f"expected a model name, got {model!r}"))
    return dict(features), model


def prior_for_scenario(scenario: Any, model: str | None = None, *, level: float = 0.9) -> AgreementPrior:
    """The prior for a :class:`~negotia.scenario.schema.Scenario` from its ``metadata.prior``.

    ``model`` overrides the model the scenario names.  A scenario without the block gets
    the prior of the average crisis (every feature missing, said in the notes).
    """
    case, named = case_from_metadata(scenario.metadata, getattr(scenario, "name", "scenario"))
    return agreement_prior(case, model or named, level=level, source="metadata.prior.features")
