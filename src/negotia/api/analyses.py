"""The facade's Monte Carlo, sensitivity, bargaining space and agent negotiation.

Each takes a scenario as an object, a file or a name (file > bundled > stored, as
:func:`negotia.api.load_scenario` resolves it), and the bargaining ones also a GENIUS or
GeniusWeb domain file; the domain functions they call take the `Scenario` (or the
utility model read from a GENIUS domain) and never a path.  Their modules are imported
inside the functions: they need SciPy and SALib, which `import negotia.api` does not.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from negotia.scenario.schema import Scenario

if TYPE_CHECKING:
    from negotia.bargaining.negotiation import NegotiationRun
    from negotia.bargaining.report import BargainingResult
    from negotia.bargaining.space import Resolution
    from negotia.bargaining.utility import UtilityModel
    from negotia.ensemble.backends import Backend
    from negotia.ensemble.montecarlo import MonteCarloResult
    from negotia.ensemble.perturb import PerturbationSpec
    from negotia.ensemble.sensitivity import SensitivityResult


def _scenario(scenario: Scenario | str | os.PathLike[str]) -> Scenario:
    from negotia.api import load_scenario

    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _genius(scenario: object) -> str | None:
    """The path of a GENIUS or GeniusWeb domain file, if ``scenario`` names one."""
    if isinstance(scenario, Scenario):
        return None
    from negotia.bargaining import genius

    path = os.fspath(scenario)  # type: ignore[call-overload]
    return path if genius.is_genius_file(path) else None


def _genius_model(
    path: str, parties: list[str] | tuple[str, ...] | None, resolution: Resolution
) -> tuple[UtilityModel, str]:
    from negotia.bargaining import genius

    return genius.load_model(path, parties, genius.points_from_resolution(resolution))


def monte_carlo(
    scenario: Scenario | str | os.PathLike[str],
    model: str = "compromise",
    n: int = 10_000,
    *,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    perturbation: PerturbationSpec | None = None,
    backend: str | Backend = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    timeout: float = 10.0,
    bins: int = 20,
    progress: Callable[[int], None] | None = None,
) -> MonteCarloResult:
    """Run a registered model over ``n`` perturbed variants of a scenario.

    The parameters, result and errors are those of
    :func:`~negotia.ensemble.montecarlo.monte_carlo` (documented there, once), except
    that ``scenario`` may also be a file or a bundled or stored scenario name.
    """
    from negotia.ensemble.montecarlo import monte_carlo as run

    return run(
        _scenario(scenario),
        model,
        n,
        seed=seed,
        params=params,
        perturbation=perturbation,
        backend=backend,
        workers=workers,
        scheduler=scheduler,
        chunk_size=chunk_size,
        timeout=timeout,
        bins=bins,
        progress=progress,
    )


def sensitivity(
    scenario: Scenario | str | os.PathLike[str],
    model: str = "compromise",
    *,
    method: str = "sobol",
    n: int | None = None,
    group_by: str = "none",
    dist: str = "normal",
    inputs: tuple[str, ...] = ("position", "salience"),
    seed: int = 0,
    params: dict[str, Any] | None = None,
    perturbation: PerturbationSpec | None = None,
    num_levels: int = 4,
    backend: str | Backend = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    timeout: float = 10.0,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Sobol or Morris sensitivity indices of every issue's forecast to the stance inputs.

    The parameters, result and errors are those of
    :func:`~negotia.ensemble.sensitivity.sensitivity` (documented there, once), except
    that ``scenario`` may also be a file or a bundled or stored scenario name.
    """
    from negotia.ensemble.sensitivity import sensitivity as run

    return run(
        _scenario(scenario),
        model,
        method=method,
        n=n,
        group_by=group_by,
        dist=dist,
        inputs=inputs,
        seed=seed,
        params=params,
        perturbation=perturbation,
        num_levels=num_levels,
        backend=backend,
        workers=workers,
        scheduler=scheduler,
        chunk_size=chunk_size,
        timeout=timeout,
        progress=progress,
        on_plan=on_plan,
    )


def bargaining_space(
    scenario: Scenario | str | os.PathLike[str],
    parties: list[str] | tuple[str, ...] | None = None,
    *,
    resolution: Resolution = None,
    top: int = 5,
    loss: str | None = None,
    issues: list[str] | tuple[str, ...] | None = None,
) -> BargainingResult:
    """Which packages the required parties could accept, what blocks a deal, what a fair bargain picks.

    The parameters, result and errors are those of
    :func:`~negotia.bargaining.report.bargaining_space` (documented there, once), except
    that ``scenario`` may also be a file, a bundled or stored scenario name, or a GENIUS
    or GeniusWeb domain file.
    """
    from negotia.bargaining import report

    path = _genius(scenario)
    if path is not None:
        model, name = _genius_model(path, parties, resolution)
        return report.analyse(model, top=top, name=name)
    return report.bargaining_space(
        _scenario(scenario), parties, resolution=resolution, top=top, loss=loss, issues=issues
    )


def simulate(
    scenario: Scenario | str | os.PathLike[str],
    *,
    protocol: str = "offers",
    strategy: str | list[str] = "boulware",
    seed: int = 0,
    steps: int = 100,
    parties: list[str] | None = None,
    resolution: Resolution = None,
    quota: float = 0.5,
    veto: list[str] | None = None,
    weights: str = "equal",
    red_lines: str = "keep",
    start: str = "reference",
    issues: list[str] | None = None,
) -> NegotiationRun:
    """Simulate a negotiation.

    The parameters, result and errors are those of
    :func:`~negotia.bargaining.simulation.simulate` (documented there, once), except
    that ``scenario`` may also be a file, a bundled or stored scenario name, or a GENIUS
    or GeniusWeb domain file.
    """
    from negotia.bargaining.simulation import simulate as run

    path = _genius(scenario)
    source = _genius_model(path, parties, resolution)[0] if path is not None else _scenario(scenario)
    return run(
        source,
        protocol=protocol,
        strategy=strategy,
        seed=seed,
        steps=steps,
        parties=parties,
        resolution=resolution,
        quota=quota,
        veto=veto,
        weights=weights,
        red_lines=red_lines,
        start=start,
        issues=issues,
    )


def export_genius(
    scenario: Scenario | str | os.PathLike[str],
    dest: str | os.PathLike[str],
    parties: list[str] | tuple[str, ...] | None = None,
    *,
    resolution: Resolution = None,
    issues: list[str] | tuple[str, ...] | None = None,
) -> list[str]:
    """Write the parties' utility model as a GENIUS and a GeniusWeb domain with one profile
    per party, into the folder ``dest``; returns the files written.

    ``scenario`` is read as :func:`bargaining_space` reads it (a GENIUS file is re-written
    in both formats).  Files are named ``<domain>_domain.xml``/``.json`` and
    ``<profile>.xml``/``.json``; existing files of those names are replaced.
    """
    from pathlib import Path

    from negotia.bargaining import genius
    from negotia.bargaining.utility import utility_model

    path = _genius(scenario)
    if path is not None:
        model, _ = _genius_model(path, parties, resolution)
    else:
        model = utility_model(_scenario(scenario), parties, resolution, issues=issues)
    domain, profiles = genius.profiles_from_model(model)
    folder = Path(dest)
    written = [folder / f"{domain.name}_domain.xml", folder / f"{domain.name}_domain.json"]
    genius.write_genius_domain(domain, written[0])
    genius.write_geniusweb_domain(domain, written[1])
    for p in profiles:
        written += [folder / f"{p.name}.xml", folder / f"{p.name}.json"]
        genius.write_genius_profile(domain, p, written[-2])
        genius.write_geniusweb_profile(domain, p, written[-1])
    return [str(f) for f in written]
