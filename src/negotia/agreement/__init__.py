"""Will they agree?  The probability of agreement and what holds without one.

- :mod:`negotia.agreement.prior`: the prior from how past crises ended (ICB), with each
  factor's contribution and the model's out-of-time skill;
- :mod:`negotia.agreement.combine`: the prior combined with the evidence of the
  bargaining space (the probability that a zone of agreement exists).
"""

from negotia.agreement.combine import CombinedAgreement, combine_evidence, combine_with_zone, conditionals
from negotia.agreement.prior import (
    AgreementPrior,
    Contribution,
    agreement_prior,
    prior_for_scenario,
    prior_models,
)

__all__ = [
    "AgreementPrior",
    "CombinedAgreement",
    "Contribution",
    "agreement_prior",
    "combine_evidence",
    "combine_with_zone",
    "conditionals",
    "prior_for_scenario",
    "prior_models",
]
