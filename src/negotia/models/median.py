r"""The weighted median: the position of the pivotal actor.

Black's median voter theorem (Black 1948, *J. Political Economy* 56: 23-34) extended
to weighted actors: with single-peaked preferences on one dimension and decisions by
weighted majority, the only position that no majority prefers to move away from is the
weighted median.  As a forecasting model of EU decisions it is the "median voter"
model of Thomson et al. (2006, *The European Union Decides*, ch. 10), weighted by
capability x salience as in Bueno de Mesquita's (1994) forecast.

Definition used here: sort the positions of actors with positive weight; let
:math:`W` be the total weight and :math:`C_k` the cumulative weight up to the
:math:`k`-th position.  The lower median is the first position with
:math:`C_k \ge W/2`, the upper median the first with :math:`C_k > W/2`.  The forecast
is their midpoint.  So a tie (a cumulative weight that hits exactly half) is broken by
splitting the difference, which with equal weights and an even number of actors gives
the ordinary median.  Comparisons with :math:`W/2` allow a relative tolerance of
1e-12 so that float rounding does not decide a tie.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from negotia.models.base import WEIGHTING, Forecast, ModelInfo, equal_weight_notes, weights_for
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="median",
    title="Weighted median (median voter)",
    citation=(
        "Black, D. (1948). On the rationale of group decision-making. Journal of Political "
        "Economy 56(1): 23-34; as a forecasting model: Thomson, R. et al. (2006), The "
        "European Union Decides, ch. 10. Cambridge University Press."
    ),
    summary="Position at which the cumulative capability x salience weight reaches half.",
    params=(WEIGHTING,),
)


def weighted_median(position: np.ndarray, weight: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Weighted median over the actor axis (-2), ties split; ``(B, A, I) -> (B, I)``.

    Where every weight is zero the present actors count equally; NaN where nobody is
    present.
    """
    total0 = weight.sum(axis=-2, keepdims=True)
    weight = np.where(total0 <= 0, np.where(present, 1.0, 0.0), weight)
    order = np.argsort(position, axis=-2, kind="stable")
    x = np.take_along_axis(position, order, axis=-2)
    w = np.take_along_axis(weight, order, axis=-2)
    cum = np.cumsum(w, axis=-2)
    total = cum[..., -1:, :]
    half = total / 2.0
    tol = 1e-12 * total
    # Positions with zero weight must never be chosen: they share the cumulative
    # weight of the previous actor, so require the actor itself to carry weight.
    has_w = w > 0
    lower_hit = (cum >= half - tol) & has_w
    upper_hit = (cum > half + tol) & has_w
    lo_idx = np.argmax(lower_hit, axis=-2)
    hi_idx = np.argmax(upper_hit, axis=-2)
    # If no actor lies strictly past half (all weight at or below), use the lower one.
    hi_idx = np.where(upper_hit.any(axis=-2), hi_idx, lo_idx)
    lo = np.take_along_axis(x, lo_idx[..., None, :], axis=-2)[..., 0, :]
    hi = np.take_along_axis(x, hi_idx[..., None, :], axis=-2)[..., 0, :]
    out = (lo + hi) / 2.0
    return np.where(total[..., 0, :] > 0, out, np.nan)


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    """Weighted median per issue and batch element.

    Parameters
    ----------
    arrays
        The scenario batch.
    rng
        Unused (deterministic).
    weights
        ``capability_salience`` (default), ``salience``, ``capability`` or ``equal``
        (the plain median).
    """
    p = MODEL_INFO.resolve(params)
    w = weights_for(arrays, p["weights"])
    out = weighted_median(arrays.position, w, arrays.present)
    out = np.where(np.isnan(out), arrays.status_quo, out)
    notes = equal_weight_notes(arrays, w, p["weights"])
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
