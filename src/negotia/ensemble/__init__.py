"""Uncertainty: perturbed scenario ensembles, Monte Carlo summaries, sensitivity
indices (SALib), and the backends that run them (serial, processes, Dask).

See docs/uncertainty.md for a tour.
"""

import sys
import types
from typing import TYPE_CHECKING

from negotia.ensemble.backends import (
    BACKENDS,
    Backend,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    make_backend,
)
from negotia.lazy import lazy_exports

# The backends (standard library only) are imported with the package: `negotia forecast`
# needs their thread map. Monte Carlo, the perturbations and sensitivity need SciPy and
# SALib, so their names are imported on first use (PEP 562; ARCHITECTURE.md, "Heavy
# imports are lazy").
_LAZY = {
    "IssueSummary": "negotia.ensemble.montecarlo",
    "MonteCarloResult": "negotia.ensemble.montecarlo",
    "RedLineRisk": "negotia.ensemble.montecarlo",
    "RoundsSummary": "negotia.ensemble.montecarlo",
    "monte_carlo": "negotia.ensemble.montecarlo",
    "BLOCK": "negotia.ensemble.perturb",
    "Perturbation": "negotia.ensemble.perturb",
    "PerturbationSpec": "negotia.ensemble.perturb",
    "perturb": "negotia.ensemble.perturb",
    "truncated_normal": "negotia.ensemble.perturb",
    "SensitivityResult": "negotia.ensemble.sensitivity",
    "sensitivity": "negotia.ensemble.sensitivity",
}

if TYPE_CHECKING:
    from negotia.ensemble.montecarlo import (
        IssueSummary,
        MonteCarloResult,
        RedLineRisk,
        RoundsSummary,
        monte_carlo,
    )
    from negotia.ensemble.perturb import BLOCK, Perturbation, PerturbationSpec, perturb, truncated_normal
    from negotia.ensemble.sensitivity import SensitivityResult, sensitivity


__getattr__, __dir__ = lazy_exports(globals(), _LAZY)


class _Package(types.ModuleType):
    """``perturb`` and ``sensitivity`` name both a submodule and the function it defines.

    Importing such a submodule sets the package attribute to the module, which would
    hide the function from ``from negotia.ensemble import sensitivity``; the function is
    kept instead, as the eager imports this file used to make left it.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "BACKENDS",
    "BLOCK",
    "Backend",
    "DaskBackend",
    "IssueSummary",
    "MonteCarloResult",
    "Perturbation",
    "PerturbationSpec",
    "ProcessBackend",
    "RedLineRisk",
    "RoundsSummary",
    "SensitivityResult",
    "SerialBackend",
    "make_backend",
    "monte_carlo",
    "perturb",
    "sensitivity",
    "truncated_normal",
]
