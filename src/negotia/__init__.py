"""negotia: model, forecast and simulate multi-party negotiations and the security
guarantees that settle them.

The public API (see the README for a tour)::

    import negotia
    sc = negotia.load_scenario("ukraine-2025")
    negotia.forecast(sc, "compromise").to_rows()
"""

__version__ = "0.1.0"

from negotia.api import agreement_analysis, compare_models, forecast, load_scenario
from negotia.bargaining import bargaining_space, simulate
from negotia.ensemble import monte_carlo, sensitivity
from negotia.errors import InputError, NegotiaError
from negotia.guarantees import assess_guarantees, check_event, compare_arrangements
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import save_scenario
from negotia.scenario.schema import Scenario

__all__ = [
    "InputError",
    "NegotiaError",
    "Scenario",
    "ScenarioArrays",
    "__version__",
    "agreement_analysis",
    "assess_guarantees",
    "bargaining_space",
    "check_event",
    "compare_arrangements",
    "compare_models",
    "forecast",
    "load_scenario",
    "monte_carlo",
    "save_scenario",
    "sensitivity",
    "simulate",
]
