"""Bargaining over packages: utilities, outcome space, Pareto frontier, Nash and
Kalai-Smorodinsky solutions, the zone of possible agreement, and negotiation agents.

See ``docs/bargaining.md`` for the concepts with the Ukraine example.
"""

from negotia.bargaining.negotiation import NegotiationRun, Offer
from negotia.bargaining.pareto import grid_frontier, pareto_mask
from negotia.bargaining.report import BargainingResult, PackageReport, analyse, bargaining_space
from negotia.bargaining.simulation import simulate
from negotia.bargaining.solutions import Solution, kalai_point, nash_point, utilitarian_point
from negotia.bargaining.space import OutcomeSpace, space_from_scenario
from negotia.bargaining.utility import UtilityModel, utility_model
from negotia.bargaining.zopa import Zopa, zopa

__all__ = [
    "BargainingResult",
    "NegotiationRun",
    "Offer",
    "OutcomeSpace",
    "PackageReport",
    "Solution",
    "UtilityModel",
    "Zopa",
    "analyse",
    "bargaining_space",
    "grid_frontier",
    "kalai_point",
    "nash_point",
    "pareto_mask",
    "simulate",
    "space_from_scenario",
    "utilitarian_point",
    "utility_model",
    "zopa",
]
