"""What a report shows, gathered from the library: typed results only, nothing computed here.

:func:`collect` calls the library's own functions (forecasts, Monte Carlo, sensitivity,
the bargaining plane, an agent negotiation, the guarantee comparison, forecasts as of
each revision date) on a scenario and keeps their typed results in a
:class:`ReportData`.  A part that cannot be computed for this scenario (no second
party, no guarantee issue, an outcome space too large for the agents) is left out and
its reason kept in ``skipped``, so the report shows only sections that were computed
and says why the others are missing.  A Python user gets the same object the command
line renders.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from negotia.errors import InputError, NegotiaError, ParameterError
from negotia.models.base import Forecast
from negotia.scenario.schema import Scenario

#: Models whose Monte Carlo runs by default: the static ones (a variant costs
#: microseconds); the dynamic models cost milliseconds a variant (eum about 4 ms,
#: exchange about 30 ms on ukraine-2025) and are added with ``mc_models``.
STATIC_MODELS = ("compromise", "median", "nash", "calibrated")


@dataclass(frozen=True)
class ForecastTimeline:
    """Forecasts of one scenario as of each date on which a revision took effect.

    ``forecasts[model]`` is ``(D, I)`` on each issue's own scale, one row per date;
    ``revisions[d]`` counts the revisions that took effect on ``dates[d]``;
    ``agreement`` maps ``"package"`` and each issue id to its P(agreement) ``(D,)`` at
    each date (from :func:`negotia.api.agreement_analysis` over ``agreement_n`` variants; empty
    when not computed).
    """

    dates: tuple[_dt.date, ...]
    issue_ids: tuple[str, ...]
    forecasts: dict[str, np.ndarray]
    revisions: tuple[int, ...]
    agreement: dict[str, np.ndarray] = field(default_factory=dict)
    agreement_n: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dates": [d.isoformat() for d in self.dates],
            "issue_ids": list(self.issue_ids),
            "forecasts": {m: v.tolist() for m, v in self.forecasts.items()},
            "revisions": list(self.revisions),
            "agreement": {k: v.tolist() for k, v in self.agreement.items()},
            "agreement_n": self.agreement_n,
        }


@dataclass
class ReportData:
    """Everything a report shows, as the library's typed results.

    ``scenario`` is the snapshot analysed (as of ``as_of``); ``history`` the scenario
    with its revisions (for sources and the timeline).  Optional parts are None when
    not asked for or not computable; ``skipped`` says why for each missing part.
    """

    scenario: Scenario
    history: Scenario
    as_of: _dt.date | None
    seed: int
    forecasts: dict[str, Forecast]
    montecarlo: dict[str, Any] = field(default_factory=dict)  # model -> MonteCarloResult
    sensitivity: Any = None  # SensitivityResult
    agreement: Any = None  # AgreementAnalysis
    bargaining: Any = None  # BargainingResult
    plane: Any = None  # UtilityPlane
    negotiation: Any = None  # NegotiationRun
    guarantees: Any = None  # Comparison
    timeline: ForecastTimeline | None = None
    revisions: Any = None  # negotia.scenario.history.History
    skipped: dict[str, str] = field(default_factory=dict)
    generated: str = ""


def _attempt(data: ReportData, part: str, compute: Callable[[], Any]) -> Any:
    """Run one optional part; a user-facing reason (not a traceback) if it cannot run."""
    try:
        return compute()
    except InputError as e:
        data.skipped[part] = "; ".join(str(p) for p in e.problems)
    except NegotiaError as e:
        data.skipped[part] = " ".join(line.strip() for line in str(e).strip().splitlines())
    return None


def revision_dates(history: Scenario, until: _dt.date | None) -> list[tuple[_dt.date, int]]:
    """Each date on which revisions took effect (up to ``until``), with their count."""
    counts: dict[_dt.date, int] = {}
    for r in history.revisions:
        if getattr(r, "status", "accepted") != "accepted":
            continue
        if until is None or r.valid_from <= until:
            counts[r.valid_from] = counts.get(r.valid_from, 0) + 1
    return sorted(counts.items())


def forecast_timeline(
    history: Scenario,
    models: list[str],
    until: _dt.date | None,
    seed: int = 0,
    known_by: _dt.date | None = None,
) -> ForecastTimeline | None:
    """Each model's forecast as of every revision date up to ``until`` (None without
    revisions); ``known_by`` leaves out revisions recorded after it."""
    from negotia.api import forecast

    dated = revision_dates(history, until)
    if not dated:
        return None
    values: dict[str, list[np.ndarray]] = {m: [] for m in models}
    issue_ids: tuple[str, ...] = ()
    for day, _ in dated:
        for m in models:
            fc = forecast(history, m, seed=seed, as_of=day, known_by=known_by)
            issue_ids = fc.issue_ids
            values[m].append(fc.on_scale()[0])
    return ForecastTimeline(
        dates=tuple(d for d, _ in dated),
        issue_ids=issue_ids,
        forecasts={m: np.vstack(v) for m, v in values.items()},
        revisions=tuple(n for _, n in dated),
    )


def agreement_timeline(
    history: Scenario, timeline: ForecastTimeline, n: int, seed: int = 0, known_by: _dt.date | None = None
) -> ForecastTimeline:
    """``timeline`` with P(agreement) of the package and each issue at each of its dates."""
    from dataclasses import replace

    from negotia.api import agreement_analysis

    series: dict[str, list[float]] = {"package": []}
    for day in timeline.dates:
        a = agreement_analysis(history, n, seed=seed, models=(), as_of=day, known_by=known_by)
        series["package"].append(a.package.combined.probability)
        for i in a.issues:
            series.setdefault(i.issue, []).append(i.p_agreement)
    return replace(timeline, agreement={k: np.asarray(v) for k, v in series.items()}, agreement_n=n)


def _guarantees(sc: Scenario, seed: int) -> Any:
    from negotia.guarantees import anchor_arrangements, catalogue, compare_arrangements
    from negotia.guarantees.credibility import CredibilitySettings
    from negotia.guarantees.link import scenario_saliences

    # The catalogue as of the snapshot's day: nothing signed or reported later is used.
    cat = catalogue(sc.date)
    anchored = [a.arrangement for a in anchor_arrangements(sc) if a.arrangement]
    chosen = [a for a in dict.fromkeys(anchored) if a in cat.arrangements]
    if not chosen:
        raise ParameterError(f"the guarantee issue's anchors name no arrangement known on {sc.date}")
    settings = CredibilitySettings(salience=scenario_saliences(sc))
    return compare_arrangements(chosen, settings=settings, seed=seed, cat=cat)


def collect(
    scenario: Scenario,
    *,
    as_of: _dt.date | None = None,
    known_by: _dt.date | None = None,
    models: list[str] | None = None,
    montecarlo: int = 1000,
    mc_models: list[str] | None = None,
    sensitivity: bool = True,
    parties: list[str] | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> ReportData:
    """Run every analysis the report shows on ``scenario`` as of ``as_of``.

    Parameters
    ----------
    scenario
        The scenario with its revisions (load it with :func:`negotia.load_scenario`).
    as_of, known_by
        The day analysed (default: the scenario's own date) and the knowledge cut-off
        (revisions recorded later are left out); see :func:`negotia.api.scenario_as_of`.
    models
        Models to forecast with (default: every registered model).
    montecarlo
        Monte Carlo variants per model in ``mc_models`` (0: no uncertainty section).
    mc_models
        Models given a Monte Carlo interval (default: the static models among ``models``).
    sensitivity
        Morris screening of the first Monte Carlo model (needs ``montecarlo`` > 0).
    parties
        The two parties of the bargaining plane (default: the scenario's first two).
    seed
        One seed for every random part (the seed rule: default 0).
    progress
        Called with the name of each part before it runs.
    """
    from negotia.api import compare_models, scenario_as_of
    from negotia.models import model_names

    if seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, got {seed}")
    if montecarlo < 0:
        raise ParameterError(f"montecarlo must be 0 or a positive number of variants, got {montecarlo}")
    say = progress or (lambda _part: None)
    snap = scenario_as_of(scenario, as_of, known_by=known_by)
    names = list(models or model_names())
    say("forecasts")
    data = ReportData(
        scenario=snap,
        history=scenario,
        as_of=snap.date,
        seed=seed,
        forecasts=compare_models(snap, names, seed=seed),
    )
    from negotia.scenario.history import history

    data.revisions = history(scenario) if scenario.revisions else None
    _uncertainty(data, names, montecarlo, mc_models, sensitivity, say)
    if montecarlo:
        _agreement(data, names, montecarlo, say)
    _bargaining(data, parties, say)
    say("guarantees")
    data.guarantees = _attempt(data, "guarantees", lambda: _guarantees(snap, seed))
    _over_time(data, names, montecarlo, known_by, say)
    return data


def _agreement(data: ReportData, names: list[str], n: int, say: Callable[[str], None]) -> None:
    from negotia.api import agreement_analysis

    say(f"agreement ({n} variants)")
    mixed = tuple(data.montecarlo) or tuple(names[:1])
    data.agreement = _attempt(
        data, "deal or no deal", lambda: agreement_analysis(data.scenario, n, seed=data.seed, models=mixed)
    )


def _over_time(
    data: ReportData,
    names: list[str],
    montecarlo: int,
    known_by: _dt.date | None,
    say: Callable[[str], None],
) -> None:
    """Forecasts as of each revision date, and P(agreement) at each when it was computed."""
    scenario, seed = data.history, data.seed
    say("over time")
    data.timeline = _attempt(
        data, "over time", lambda: forecast_timeline(scenario, names, data.scenario.date, seed, known_by)
    )
    if data.timeline is None:
        data.skipped.setdefault("over time", "the scenario has no dated revisions")
    elif montecarlo and data.agreement is not None:
        say("agreement over time")
        # At most 1,000 variants a date: the trend is what this chart shows.
        n_t = min(montecarlo, 1000)
        timeline = data.timeline
        dated = _attempt(
            data, "agreement over time", lambda: agreement_timeline(scenario, timeline, n_t, seed, known_by)
        )
        data.timeline = dated or data.timeline


def _uncertainty(
    data: ReportData,
    names: list[str],
    n: int,
    mc_models: list[str] | None,
    sensitivity: bool,
    say: Callable[[str], None],
) -> None:
    from negotia.ensemble import monte_carlo
    from negotia.ensemble import sensitivity as run_sensitivity

    if n == 0:
        data.skipped["uncertainty"] = "no Monte Carlo variants were asked for (--montecarlo 0)"
        return
    chosen = list(mc_models) if mc_models else [m for m in names if m in STATIC_MODELS] or names[:1]
    for m in chosen:
        say(f"Monte Carlo ({m}, {n} variants)")
        result = _attempt(
            data, f"Monte Carlo {m}", lambda m=m: monte_carlo(data.scenario, m, n, seed=data.seed)
        )
        if result is not None:
            data.montecarlo[m] = result
    if sensitivity and chosen:
        say(f"sensitivity ({chosen[0]})")
        data.sensitivity = _attempt(
            data,
            "sensitivity",
            lambda: run_sensitivity(data.scenario, chosen[0], method="morris", seed=data.seed),
        )


def _bargaining(data: ReportData, parties: list[str] | None, say: Callable[[str], None]) -> None:
    from negotia.bargaining import bargaining_space
    from negotia.bargaining.plane import utility_plane

    sc = data.scenario
    say("bargaining")
    data.plane = _attempt(data, "bargaining", lambda: utility_plane(sc, parties, seed=data.seed))
    data.bargaining = _attempt(data, "zone of agreement", lambda: bargaining_space(sc, parties))
    say("agent negotiation")
    data.negotiation = _attempt(data, "agent negotiation", lambda: _agents(sc, parties, data.seed))


def _agents(sc: Scenario, parties: list[str] | None, seed: int) -> Any:
    """An agent negotiation; over a space too large for the agents, ``simulate`` itself
    runs it on a coarser grid and says so in the run's notes."""
    from negotia.bargaining import simulate

    return simulate(sc, parties=parties, seed=seed)
