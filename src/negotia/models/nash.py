r"""The Nash bargaining solution on each issue.

Nash, J. (1950). "The bargaining problem." *Econometrica* 18(2): 155-162, with the
asymmetric (weighted) generalisation of Kalai (1977, *Int. J. Game Theory* 6: 129-133)
and Roth (1979, *Axiomatic Models of Bargaining*, ch. 1).  On issue :math:`i` the
outcome maximises the weighted Nash product over the disagreement point :math:`d`:

.. math:: \hat{x} = \arg\max_x \prod_a \big(u_a(x) - u_a(d)\big)^{w_a}
          \quad\text{s.t. } u_a(x) \ge u_a(d)\ \forall a

with bargaining weights :math:`w_a` = capability x salience (as in Achen 2006, who
derives the compromise model from this product with quadratic losses and an
"everything is at stake" disagreement point) and utility
:math:`u_a(x) = -|x - x_a|` (linear) or :math:`-(x - x_a)^2` (quadratic).

The disagreement point is the issue's status quo where given (``disagreement=
"status_quo"``, the default) and otherwise the worst outcome on the scale for each
actor (:math:`u_a(d) = -\max(x_a, 1-x_a)` on the unit scale, raised to the loss power).

Because each gain is concave in :math:`x` and the logarithm is concave and
increasing, :math:`\sum_a w_a \log(u_a(x) - u_a(d))` is concave on the feasible
interval, so a vectorised bisection on the sign of its derivative finds the maximum.
The feasible interval is the intersection of the intervals in which every actor gains;
when it is a single point (actors on both sides of a status quo) no actor can be made
better off without another losing, and the solution is that point: the status quo.
Analytic check: two actors at 0 and 1 with weights :math:`w_1, w_2`, linear loss and
the worst-outcome disagreement point give :math:`\hat{x} = w_2/(w_1+w_2)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from negotia.models.base import WEIGHTING, Forecast, ModelInfo, Param, equal_weight_notes, weights_for
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="nash",
    title="Nash bargaining solution",
    citation=(
        "Nash, J. (1950). The bargaining problem. Econometrica 18(2): 155-162; weighted form: "
        "Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining. "
        "International Journal of Game Theory 6: 129-133."
    ),
    summary="Maximises the capability x salience weighted Nash product of gains over the disagreement point.",
    params=(
        WEIGHTING,
        Param(
            "loss",
            "quadratic",
            "utility loss in distance: linear or quadratic",
            choices=("linear", "quadratic"),
        ),
        Param(
            "disagreement",
            "status_quo",
            "disagreement point: status_quo (where given, else worst) or worst",
            choices=("status_quo", "worst"),
        ),
        Param(
            "iterations",
            60,
            "bisection iterations (precision 2^-n of the feasible interval)",
            type=int,
            minimum=10,
        ),
    ),
)


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    """Weighted Nash bargaining solution per issue and batch element.

    Parameters
    ----------
    arrays
        The scenario batch.
    rng
        Unused (deterministic).
    weights
        Bargaining weights (default capability x salience).
    loss
        ``quadratic`` (default) or ``linear`` utility loss in distance.
    disagreement
        ``status_quo`` (the status quo where the issue has one, else the worst outcome)
        or ``worst``.
    iterations
        Bisection iterations.
    """
    p = MODEL_INFO.resolve(params)
    w = weights_for(arrays, p["weights"])
    x = arrays.position
    # Where all weights on an issue are zero, present actors count equally (and a note says so).
    notes = equal_weight_notes(arrays, w, p["weights"])
    total = w.sum(axis=-2, keepdims=True)
    w = np.where(total > 0, w, np.where(arrays.present, 1.0, 0.0))
    active = w > 0
    sq = np.broadcast_to(arrays.status_quo, x.shape[:1] + x.shape[2:])[:, None, :]
    use_sq = (p["disagreement"] == "status_quo") & np.isfinite(sq)
    worst = np.maximum(x, 1.0 - x)
    d_dist = np.where(use_sq, np.abs(np.where(use_sq, sq, 0.0) - x), worst)
    # Each actor gains on (x - r, x + r) with r its distance to the disagreement point.
    lo = np.where(active, x - d_dist, -np.inf).max(axis=-2)
    hi = np.where(active, x + d_dist, np.inf).min(axis=-2)
    lo = np.clip(lo, 0.0, 1.0)
    hi = np.clip(hi, 0.0, 1.0)
    degenerate = ~(hi > lo)

    def right_slope(t: np.ndarray) -> np.ndarray:
        # Right derivative of sum_a w_a log(gain_a(t)); it decreases in t because the
        # objective is concave, so bisection on its sign finds the maximum to machine
        # precision (a value search stalls near a flat maximum at about sqrt(eps)).
        diff = t[:, None, :] - x
        if p["loss"] == "linear":
            gain = d_dist - np.abs(diff)
            dgain = np.where(diff >= 0, -1.0, 1.0)
        else:
            gain = d_dist * d_dist - diff * diff
            dgain = -2.0 * diff
        # Degenerate elements (a single feasible point) divide by a zero gain; their
        # result is replaced below, so the warnings carry no information.
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(active, w * dgain / gain, 0.0).sum(axis=-2)

    a, b = lo.copy(), np.where(degenerate, lo, hi)
    for _ in range(p["iterations"]):
        mid = (a + b) / 2.0
        up = right_slope(mid) > 0
        a = np.where(up, mid, a)
        b = np.where(up, b, mid)
    out = (a + b) / 2.0
    # With a single feasible point the solution is that point (the status quo when
    # actors sit on both sides of it).
    point = np.where(np.isfinite(sq[:, 0, :]) & (p["disagreement"] == "status_quo"), sq[:, 0, :], lo)
    out = np.where(degenerate, np.clip(point, 0.0, 1.0), out)
    nobody = ~arrays.present.any(axis=-2)
    out = np.where(nobody, arrays.status_quo, out)
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
