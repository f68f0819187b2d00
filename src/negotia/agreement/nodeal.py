"""What holds without a deal: each model's forecast as a mixture of settlement and status quo.

A model's forecast is the content of a settlement.  Talks fail often, and then the
status quo of each issue holds (the no-deal outcome).  So the outcome of issue ``k`` is

    with probability P_k:  the model's forecast (its spread over the Monte Carlo
                           variants: the uncertainty of the stances),
    otherwise:             the status quo q_k,

where P_k is the probability of agreement on the issue (:mod:`negotia.agreement.analysis`).
The unconditional median and interval are quantiles of that mixture: the variants' forecasts
each weigh P_k / n, the status quo weighs 1 - P_k.  An issue without a status quo has no
no-deal outcome: its unconditional figures are left empty and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.ensemble.perturb import model_rng
from negotia.models import run_model

if TYPE_CHECKING:
    from negotia.scenario.arrays import ScenarioArrays
    from negotia.scenario.schema import Scenario

#: Quantiles of the reported intervals (a central 90% interval) and the median.
QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True)
class IssueOutcome:
    """One model's forecast of one issue, with and without a deal (issue scale)."""

    model: str
    issue: str
    p_agreement: float
    no_deal: float | None
    if_agreed: float
    if_agreed_low: float
    if_agreed_high: float
    median: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "issue": self.issue,
            "p_agreement": self.p_agreement,
            "no_deal": self.no_deal,
            "if_agreed": {"median": self.if_agreed, "interval": [self.if_agreed_low, self.if_agreed_high]},
            "unconditional": {"median": self.median, "interval": [self.low, self.high]},
            "level": QUANTILES[2] - QUANTILES[0],
        }


def mixture_quantiles(
    samples: np.ndarray, p: float, status_quo: float, quantiles: tuple[float, ...] = QUANTILES
) -> np.ndarray:
    """Quantiles of ``p`` x (the empirical law of ``samples``) + ``(1 - p)`` x (a point at ``status_quo``).

    The quantile at ``u`` is the smallest value whose cumulative weight reaches ``u``.
    """
    x = np.append(np.asarray(samples, dtype=float), status_quo)
    w = np.append(np.full(len(samples), p / len(samples)), 1.0 - p)
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    idx = np.searchsorted(cum, np.asarray(quantiles) - 1e-12, side="left")
    return x[order][np.minimum(idx, len(x) - 1)]


def outcomes_without_deal(
    scenario: Scenario,
    arrays: ScenarioArrays,
    p_agreement: dict[str, float],
    models: tuple[str, ...],
    seed: np.random.SeedSequence,
) -> tuple[tuple[IssueOutcome, ...], list[str]]:
    """Every model's forecast of every issue as a mixture; the warnings for issues without a status quo."""
    warnings = [
        f"issue {i.id!r} has no status quo: there is no no-deal outcome, so its forecast "
        "without a deal is left empty"
        for i in scenario.issues
        if i.status_quo is None
    ]
    out = []
    for name in models:
        fc = run_model(name, arrays, rng=model_rng(seed, 0))
        values = fc.on_scale()
        for k, issue in enumerate(scenario.issues):
            col = values[:, k]
            cond = np.quantile(col, QUANTILES)
            p = p_agreement[issue.id]
            sq = issue.status_quo
            mix = mixture_quantiles(col, p, sq) if sq is not None else (None, None, None)
            out.append(
                IssueOutcome(
                    model=name,
                    issue=issue.id,
                    p_agreement=p,
                    no_deal=sq,
                    if_agreed=float(cond[1]),
                    if_agreed_low=float(cond[0]),
                    if_agreed_high=float(cond[2]),
                    median=None if mix[1] is None else float(mix[1]),
                    low=None if mix[0] is None else float(mix[0]),
                    high=None if mix[2] is None else float(mix[2]),
                )
            )
    return tuple(out), warnings
