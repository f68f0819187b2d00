"""What holds without a deal: each model's forecast as a mixture of settlement and status quo.

A model's forecast is the content of a settlement.  Talks fail often, and then the
status quo of each issue holds (the no-deal outcome).  So the outcome of issue ``k`` is

    with probability P_k:  the model's forecast (its spread over the Monte Carlo
                           variants in which the issue settles: the uncertainty of
                           the stances, given agreement),
    otherwise:             the status quo q_k,

where P_k is the probability of agreement on the issue (:mod:`negotia.agreement.analysis`).
The forecast *if agreed* is conditional on agreement: only the variants in which a zone
exists for the issue (it belongs to a largest settleable partial package, or the whole
package settles when nothing is agreed until everything is) count, and their number is
reported.  When no variant settles the issue there is no forecast if agreed (None, "no
variant agrees") and the outcome is the status quo.  The unconditional median and interval
are quantiles of the mixture: the settling variants' forecasts each weigh P_k / m (m of
them), the status quo weighs 1 - P_k.  An issue without a status quo has no no-deal
outcome: its unconditional figures are left empty and a warning says so.
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
    """One model's forecast of one issue, with and without a deal (issue scale).

    ``agreed_variants`` is how many variants settle the issue (the forecast if agreed is
    over those only); ``if_agreed*`` are None when none does.
    """

    model: str
    issue: str
    p_agreement: float
    no_deal: float | None
    agreed_variants: int
    if_agreed: float | None
    if_agreed_low: float | None
    if_agreed_high: float | None
    median: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "issue": self.issue,
            "p_agreement": self.p_agreement,
            "no_deal": self.no_deal,
            "if_agreed": {
                "median": self.if_agreed,
                "interval": [self.if_agreed_low, self.if_agreed_high],
                "variants": self.agreed_variants,
            },
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
    agreed: dict[str, np.ndarray] | None = None,
) -> tuple[tuple[IssueOutcome, ...], list[str]]:
    """Every model's forecast of every issue as a mixture; the warnings for issues without a
    status quo.  ``agreed[issue]`` ``(n,)`` bool: the variants that settle the issue (all
    when not given)."""
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
            col = values[:, k] if agreed is None else values[agreed[issue.id], k]
            p = p_agreement[issue.id]
            sq = issue.status_quo
            cond: Any = np.quantile(col, QUANTILES) if col.size else (None, None, None)
            if sq is None:
                mix: Any = (None, None, None)
            elif col.size:
                mix = mixture_quantiles(col, p, sq)
            else:
                mix = (sq, sq, sq)  # no variant settles: the status quo holds
            out.append(
                IssueOutcome(
                    model=name,
                    issue=issue.id,
                    p_agreement=p,
                    no_deal=sq,
                    agreed_variants=int(col.size),
                    if_agreed=None if cond[1] is None else float(cond[1]),
                    if_agreed_low=None if cond[0] is None else float(cond[0]),
                    if_agreed_high=None if cond[2] is None else float(cond[2]),
                    median=None if mix[1] is None else float(mix[1]),
                    low=None if mix[0] is None else float(mix[0]),
                    high=None if mix[2] is None else float(mix[2]),
                )
            )
    return tuple(out), warnings
