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

import importlib as _importlib
import typing as _typing

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


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'negotia' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    # Cached in the module's namespace, so __getattr__ runs once per name.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*(n for n in globals() if not n.startswith("_") or n.startswith("__")), *_LAZY})
