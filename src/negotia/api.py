"""The high-level API: scenario in, results out (the functions a notebook calls)."""

from __future__ import annotations

import os
from datetime import date as Date
from typing import Any

import numpy as np

from negotia.models import model_names, run_model
from negotia.models.base import Forecast
from negotia.scenario import formats
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario


def load_scenario(source: str | os.PathLike[str], format: str | None = None) -> Scenario:
    """Load a scenario from a file, or a bundled scenario by name, with every check.

    The file's own problems and those of its ``guarantees`` entries (checked against the
    treaty catalogue) are reported together, each with its line and field.  Formats:
    see :func:`negotia.scenario.formats.load_scenario`.
    """
    from negotia.guarantees.link import guarantee_problems

    return formats.load_scenario(source, format, checks=(guarantee_problems,))


def scenario_as_of(
    scenario: Scenario | str | os.PathLike[str],
    as_of: Date | None = None,
    *,
    known_by: Date | None = None,
) -> Scenario:
    """The plain snapshot of a scenario (object, file or bundled name) on a day.

    ``as_of`` defaults to the scenario's own date; ``known_by`` leaves out revisions
    recorded after it (see :meth:`negotia.scenario.schema.Scenario.as_of`).  Every
    analysis in this module runs on such a snapshot, so domain code never sees
    revisions it should not use.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if as_of is None and known_by is None and not sc.revisions:
        return sc
    return sc.as_of(as_of, known_by=known_by)


def _as_scenario(
    scenario: Scenario | str | os.PathLike[str], as_of: Date | None = None, known_by: Date | None = None
) -> Scenario:
    return scenario_as_of(scenario, as_of, known_by=known_by)


def forecast(
    scenario: Scenario | str | os.PathLike[str],
    model: str = "compromise",
    *,
    seed: int | None = None,
    as_of: Date | None = None,
    known_by: Date | None = None,
    **params: Any,
) -> Forecast:
    """Forecast the outcome of every issue of a scenario with one registered model.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a file path or the name of a bundled scenario.
    model
        A registered model name (see :func:`negotia.models.model_names`).
    seed
        Seed for stochastic models (ignored by deterministic ones).
    as_of, known_by
        The day to analyse (default: the scenario's date) and the knowledge cut-off;
        see :func:`scenario_as_of`.
    **params
        The model's parameters (see ``negotia models``).
    """
    sc = _as_scenario(scenario, as_of, known_by)
    rng = np.random.default_rng(seed)
    return run_model(model, ScenarioArrays.from_scenario(sc), rng=rng, **params)


def compare_models(
    scenario: Scenario | str | os.PathLike[str],
    models: list[str] | None = None,
    *,
    seed: int | None = None,
    as_of: Date | None = None,
    known_by: Date | None = None,
) -> dict[str, Forecast]:
    """Forecasts of several models (all registered ones by default), keyed by name,
    on the snapshot as of a day (see :func:`scenario_as_of`)."""
    sc = _as_scenario(scenario, as_of, known_by)
    arrays = ScenarioArrays.from_scenario(sc)
    names = models or model_names()
    return {m: run_model(m, arrays, rng=np.random.default_rng(seed)) for m in names}
