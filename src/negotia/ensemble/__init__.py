"""Uncertainty: perturbed scenario ensembles, Monte Carlo summaries, sensitivity
indices (SALib), and the backends that run them (serial, processes, Dask).

See docs/uncertainty.md for a tour.
"""

from negotia.ensemble.backends import (
    BACKENDS,
    Backend,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    make_backend,
)
from negotia.ensemble.montecarlo import (
    IssueSummary,
    MonteCarloResult,
    RedLineRisk,
    RoundsSummary,
    monte_carlo,
)
from negotia.ensemble.perturb import BLOCK, Perturbation, PerturbationSpec, perturb, truncated_normal
from negotia.ensemble.sensitivity import SensitivityResult, sensitivity

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
