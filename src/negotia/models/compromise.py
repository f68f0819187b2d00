r"""The compromise model: the capability x salience weighted mean of positions.

Achen, C. H. (2006). "Institutional realism and bargaining models." In Thomson,
Stokman, Achen & König (eds.), *The European Union Decides*, Cambridge UP, ch. 4,
eq. (4.9): the outcome of issue :math:`i` is

.. math:: \hat{x}_i = \frac{\sum_a c_{ai}\, s_{ai}\, x_{ai}}{\sum_a c_{ai}\, s_{ai}}

with capability :math:`c`, salience :math:`s` and position :math:`x` of actor
:math:`a`.  It is the solution of a Nash bargaining game with quadratic losses in
which actors are weighted by capability x salience, and on EU data it is the most
accurate of the published models (Thomson et al. 2006, ch. 10).

Where every weight on an issue is zero the present actors count equally, and the
forecast's notes name the issue; where no actor takes part, the forecast is the status
quo (NaN if none is known).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from negotia.models.base import (
    WEIGHTING,
    Forecast,
    ModelInfo,
    equal_weight_notes,
    weight_factors,
    weights_for,
)
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="compromise",
    title="Compromise model (weighted mean)",
    citation=(
        "Achen, C. H. (2006). Institutional realism and bargaining models. In R. Thomson et al. "
        "(eds.), The European Union Decides, ch. 4, eq. 4.9. Cambridge University Press."
    ),
    summary="Capability x salience weighted mean of the actors' positions.",
    params=(WEIGHTING,),
)


def weighted_mean(position: np.ndarray, weight: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Weighted mean over the actor axis (-2) with the fall-backs described above.

    All arguments are ``(B, A, I)``; returns ``(B, I)`` (NaN where nobody is present).
    """
    # einsum contracts the actor axis without the (B, A, I) temporaries of sum(w * x),
    # which dominate the cost on large batches.
    total = np.einsum("...ai->...i", weight)
    num = np.einsum("...ai,...ai->...i", weight, position)
    use_equal = total <= 0
    if np.any(use_equal):
        equal = present.astype(float)
        num = np.where(use_equal, np.einsum("...ai,...ai->...i", equal, position), num)
        total = np.where(use_equal, np.einsum("...ai->...i", equal), total)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / total


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    """Capability x salience weighted mean per issue and batch element.

    Parameters
    ----------
    arrays
        The scenario batch.
    rng
        Unused (the model is deterministic); accepted for a uniform interface.
    weights
        ``capability_salience`` (default, Achen's model), ``salience``, ``capability``
        or ``equal`` (the unweighted mean).
    """
    p = MODEL_INFO.resolve(params)
    factors = weight_factors(arrays, p["weights"])
    notes: list[str] = []
    if factors:
        # One pass over the batch: sum_a c*s*x and sum_a c*s without the product array.
        subs = ",".join(["...ai"] * len(factors))
        num = np.einsum(f"{subs},...ai->...i", *factors, arrays.position)
        total = np.einsum(f"{subs}->...i", *factors)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = num / total
        if np.any(total <= 0):
            w = weights_for(arrays, p["weights"])
            out = np.where(total <= 0, weighted_mean(arrays.position, w, arrays.present), out)
            notes = equal_weight_notes(arrays, w, p["weights"])
    else:
        out = weighted_mean(arrays.position, weights_for(arrays, "equal"), arrays.present)
    out = np.where(np.isnan(out), arrays.status_quo, out)
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=out,
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=p,
        actor_ids=arrays.actor_ids,
        notes=notes,
    )
