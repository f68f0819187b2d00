"""Combine the prior from history with the evidence of the bargaining space.

The agreement analysis finds, under the scenario's uncertainty, the probability ``z``
that a zone of agreement exists (a package every party and veto player accepts).  The
prior ``π`` (:mod:`negotia.agreement.prior`) says how often crises like this one ended in
an agreement.  Neither is the answer alone.

**A zone is necessary, not sufficient.**  No deal can be signed that a party or veto
player rejects, so without a zone there is no deal; with one, talks still fail often
(private information, commitment problems, spoilers; Fearon 1995, "Rationalist
explanations for war", *International Organization* 49(3): 379-414).  Hence

    P(deal) = P(zone) x P(settle | zone) = z q,

and ``q`` comes from the historical prior by Bayes' rule.  History records agreements
(rate ``π``) but not the red lines behind them; one stated assumption links the two, the
*specificity* c = P(no zone | no agreement), the share of failed talks in which the
stances left no zone (0.5 by default: half of the failures had a zone and failed anyway).
With every agreement having had a zone (the *sensitivity* s = P(zone | agreement) = 1),

    q = P(settle | zone) = π / (π + (1 - π)(1 - c)).

Limits (tested): z = 0 gives 0; z = 1 gives q; and z equal to what history itself implies,
π + (1 - π)(1 - c), gives back π.  P(deal) rises with ``z`` and with ``π``.

**Soft red lines (s < 1).**  Stated red lines are sometimes relaxed before a deal; a user
who wants to allow for that passes ``sensitivity`` below 1, and the finding then acts as
a diagnostic test with likelihood ratios s / (1 - c) (zone) and (1 - s) / c (no zone):

    P(A | Z)     = π s / (π s + (1 - π)(1 - c)),
    P(A | not Z) = π (1 - s) / (π (1 - s) + (1 - π) c),
    P(A)         = z P(A | Z) + (1 - z) P(A | not Z)     (Jeffrey's rule for the
                                                           uncertain finding),

of which the default is the case s = 1 (P(A | not Z) = 0, P(A | Z) = q).  A red line's
``sd`` in the scenario is the better way to say that it may move: it enters ``z``.  The
evidence is informative only when s + c > 1; s + c = 1 leaves the prior unchanged.

Neither s nor c is measured: no data set records both the parties' red lines and how
their talks ended.  ``docs/agreement-prior.md`` shows how the result moves with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negotia.errors import ParameterError

#: P(a zone exists | the talks end in agreement): 1, a zone is necessary (see module doc).
SENSITIVITY = 1.0
#: P(the analysis finds no zone | the talks fail): an assumption (see module doc).
SPECIFICITY = 0.5


def _check_assumptions(sensitivity: float, specificity: float) -> None:
    if not 0 < sensitivity <= 1:
        raise ParameterError(f"sensitivity must be in (0, 1], got {sensitivity}")
    if not 0 < specificity < 1:
        raise ParameterError(f"specificity must be strictly between 0 and 1, got {specificity}")
    if sensitivity + specificity < 1:
        raise ParameterError(
            f"sensitivity + specificity = {sensitivity + specificity:g} < 1: finding a zone would then "
            "make agreement less likely, which no one assumes; use values that sum to 1 or more"
        )


def _check_probability(name: str, v: np.ndarray) -> None:
    if not np.all(np.isfinite(v)) or np.any((v < 0) | (v > 1)):
        raise ParameterError(f"{name} must be a probability in [0, 1]")


def conditionals(
    prior: float | np.ndarray,
    *,
    sensitivity: float = SENSITIVITY,
    specificity: float = SPECIFICITY,
) -> tuple[np.ndarray, np.ndarray]:
    """P(agreement | a zone exists) and P(agreement | no zone), by Bayes' rule from the prior
    (the second is 0 when a zone is necessary, ``sensitivity`` 1)."""
    _check_assumptions(sensitivity, specificity)
    pi = np.asarray(prior, dtype=float)
    _check_probability("the prior", pi)
    s, c = sensitivity, specificity
    if_zone = pi * s / (pi * s + (1 - pi) * (1 - c))
    # 0/0 only when π = 1 and s = 1: no zone, no deal, whatever history says.
    den = pi * (1 - s) + (1 - pi) * c
    if_none = np.divide(pi * (1 - s), den, out=np.zeros_like(den, dtype=float), where=den > 0)
    return if_zone, if_none


def combine_with_zone(
    prior: float | np.ndarray,
    p_zone: float | np.ndarray,
    *,
    sensitivity: float = SENSITIVITY,
    specificity: float = SPECIFICITY,
) -> np.ndarray:
    """P(agreement) from the prior and the probability that a zone of agreement exists.

    Vectorised: ``prior`` and ``p_zone`` broadcast against each other (e.g. one prior
    and the ``p_zone`` of every issue or partial package).  See the module docstring
    for the formula and its assumptions.
    """
    z = np.asarray(p_zone, dtype=float)
    _check_probability("p_zone", z)
    if_zone, if_none = conditionals(prior, sensitivity=sensitivity, specificity=specificity)
    return z * if_zone + (1 - z) * if_none


def expected_zone(
    prior: float | np.ndarray, *, sensitivity: float = SENSITIVITY, specificity: float = SPECIFICITY
) -> np.ndarray:
    """The probability of finding a zone that the prior alone implies: π s + (1 - π)(1 - c).

    An analysis that finds a zone with exactly this probability leaves the prior as it was.
    """
    _check_assumptions(sensitivity, specificity)
    pi = np.asarray(prior, dtype=float)
    _check_probability("the prior", pi)
    return pi * sensitivity + (1 - pi) * (1 - specificity)


@dataclass(frozen=True)
class CombinedAgreement:
    """The probability of agreement from history and the bargaining space.

    ``low``/``high`` carry the prior's interval and, when given, the interval of
    ``p_zone`` (the result is monotone in both, so the corners bound it).  They do not
    carry the uncertainty of the two assumptions; :func:`sensitivity_table` shows that.
    """

    probability: float
    low: float
    high: float
    prior: float
    p_zone: float
    if_zone: float
    if_no_zone: float
    sensitivity: float
    specificity: float

    @property
    def likelihood_ratios(self) -> tuple[float, float]:
        """How finding a zone, and finding none, multiply the prior odds."""
        return self.sensitivity / (1 - self.specificity), (1 - self.sensitivity) / self.specificity

    def to_dict(self) -> dict[str, Any]:
        return {
            "probability": self.probability,
            "interval": [self.low, self.high],
            "prior": self.prior,
            "p_zone": self.p_zone,
            "if_zone": self.if_zone,
            "if_no_zone": self.if_no_zone,
            "assumptions": {"sensitivity": self.sensitivity, "specificity": self.specificity},
        }


def combine_evidence(
    prior: Any,
    p_zone: float,
    *,
    p_zone_interval: tuple[float, float] | None = None,
    sensitivity: float = SENSITIVITY,
    specificity: float = SPECIFICITY,
) -> CombinedAgreement:
    """:func:`combine_with_zone` for one case, with intervals.

    ``prior`` is a probability or an :class:`~negotia.agreement.prior.AgreementPrior`
    (whose interval is then carried through).
    """
    pi = float(getattr(prior, "probability", prior))
    pi_lo = float(getattr(prior, "low", pi))
    pi_hi = float(getattr(prior, "high", pi))
    z_lo, z_hi = p_zone_interval if p_zone_interval is not None else (p_zone, p_zone)
    kw = {"sensitivity": sensitivity, "specificity": specificity}
    corners = combine_with_zone(np.array([pi_lo, pi_hi]), np.array([z_lo, z_hi]), **kw)
    if_zone, if_none = conditionals(pi, **kw)
    return CombinedAgreement(
        probability=float(combine_with_zone(pi, p_zone, **kw)),
        low=float(corners[0]),
        high=float(corners[1]),
        prior=pi,
        p_zone=float(p_zone),
        if_zone=float(if_zone),
        if_no_zone=float(if_none),
        sensitivity=sensitivity,
        specificity=specificity,
    )


def sensitivity_table(
    prior: float,
    p_zones: tuple[float, ...] = (0.0, 0.5, 1.0),
    assumptions: tuple[tuple[float, float], ...] = (
        (1.0, 0.3),
        (1.0, 0.5),
        (1.0, 0.7),
        (0.95, 0.5),
        (0.8, 0.5),
    ),
) -> list[dict[str, float]]:
    """P(agreement) for each (sensitivity, specificity) and each ``p_zone``: how much the
    answer leans on the assumptions."""
    rows = []
    for s, c in assumptions:
        vals = combine_with_zone(prior, np.array(p_zones), sensitivity=s, specificity=c)
        rows.append(
            {
                "sensitivity": s,
                "specificity": c,
                **{f"p_zone={z:g}": float(v) for z, v in zip(p_zones, vals, strict=True)},
            }
        )
    return rows
