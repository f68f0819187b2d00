"""negotia: model, forecast and simulate multi-party negotiations and the security
guarantees that settle them.

The public API (see the README for a tour)::

    import negotia
    sc = negotia.load_scenario("ukraine-2025")
    negotia.forecast(sc, "compromise").to_rows()

The names below are imported on first use (PEP 562), not when ``negotia`` is: every
submodule import (``negotia.cli``, ``negotia.errors``, ...) runs this file first, and
importing the whole facade eagerly costs most of a second (SciPy, pydantic, the model
registry) that ``negotia --version`` and ``--help`` have no use for.
"""

import typing as _typing

from negotia.lazy import lazy_exports as _lazy_exports

__version__ = "0.1.0"

# Public name -> the module that defines it (``from negotia import X``, ``negotia.X`` and
# ``dir(negotia)`` read this table; tests/test_startup.py checks ``__all__`` against it).
_LAZY: dict[str, str] = {
    "InputError": "negotia.errors",
    "NegotiaError": "negotia.errors",
    "Scenario": "negotia.scenario.schema",
    "ScenarioArrays": "negotia.scenario.arrays",
    "agreement_analysis": "negotia.api",
    "assess_guarantees": "negotia.guarantees",
    "bargaining_space": "negotia.api",
    "check_event": "negotia.guarantees",
    "compare_arrangements": "negotia.guarantees",
    "compare_models": "negotia.api",
    "forecast": "negotia.api",
    "load_scenario": "negotia.api",
    "monte_carlo": "negotia.api",
    "save_scenario": "negotia.scenario.formats",
    "sensitivity": "negotia.api",
    "simulate": "negotia.api",
}

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

if _typing.TYPE_CHECKING:
    from negotia.api import (
        agreement_analysis,
        bargaining_space,
        compare_models,
        forecast,
        load_scenario,
        monte_carlo,
        sensitivity,
        simulate,
    )
    from negotia.errors import InputError, NegotiaError
    from negotia.guarantees import assess_guarantees, check_event, compare_arrangements
    from negotia.scenario.arrays import ScenarioArrays
    from negotia.scenario.formats import save_scenario
    from negotia.scenario.schema import Scenario


# ``negotia.X`` imports X's module on first use and keeps X here (negotia.lazy).
__getattr__, __dir__ = _lazy_exports(globals(), _LAZY)
