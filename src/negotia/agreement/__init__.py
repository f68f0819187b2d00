"""Will they agree?  The probability of agreement and what holds without one.

- :mod:`negotia.agreement.prior`: the prior from how past crises ended (ICB), with each
  factor's contribution and the model's out-of-time skill;
- :mod:`negotia.agreement.combine`: the prior combined with the evidence of the
  bargaining space (the probability that a zone of agreement exists);
- :mod:`negotia.agreement.analysis`: that probability under the scenario's uncertainty,
  for the package, each issue and partial packages, with what blocks it
  (:mod:`negotia.agreement.settle` finds the largest partial packages);
- :mod:`negotia.agreement.nodeal`: what holds without a deal (each model's forecast as a
  mixture of settlement and status quo).
"""

from negotia.agreement.analysis import (
    AgreementAnalysis,
    Blocker,
    IssueAgreement,
    ZoneProbability,
    analyse_agreement,
)
from negotia.agreement.combine import CombinedAgreement, combine_evidence, combine_with_zone, conditionals
from negotia.agreement.nodeal import IssueOutcome
from negotia.agreement.prior import (
    AgreementPrior,
    Contribution,
    agreement_prior,
    prior_for_scenario,
    prior_models,
)

__all__ = [
    "AgreementAnalysis",
    "AgreementPrior",
    "Blocker",
    "CombinedAgreement",
    "Contribution",
    "IssueAgreement",
    "IssueOutcome",
    "ZoneProbability",
    "agreement_prior",
    "analyse_agreement",
    "combine_evidence",
    "combine_with_zone",
    "conditionals",
    "prior_for_scenario",
    "prior_models",
]
