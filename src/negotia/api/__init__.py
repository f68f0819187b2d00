"""The high-level API: scenario in, results out (the functions a notebook calls)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from negotia import seeding
from negotia.api.analyses import bargaining_space as bargaining_space
from negotia.api.analyses import export_genius as export_genius
from negotia.api.analyses import monte_carlo as monte_carlo
from negotia.api.analyses import sensitivity as sensitivity
from negotia.api.analyses import simulate as simulate
from negotia.errors import ParameterError, StoreError, UnknownNameError
from negotia.models import model_names, run_model
from negotia.models.base import Forecast
from negotia.scenario import formats
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.history import InputDiff, input_changes
from negotia.scenario.schema import Scenario

if TYPE_CHECKING:
    from negotia.agreement.analysis import AgreementAnalysis
    from negotia.evaluate.intervals import ForecastInterval, IntervalCalibration
    from negotia.store.database import StoredInfo


#: Prefix naming a scenario stored in the database, whatever files or bundled scenarios
#: share its name (``db:berlin``).
STORED_PREFIX = "db:"


def load_scenario(source: str | os.PathLike[str], format: str | None = None) -> Scenario:
    """Load a scenario from a file, a bundled scenario or the database, with every check.

    A name is looked up in this order: an existing file; a bundled scenario; a scenario
    stored in the database (``NEGOTIA_DB``, see :mod:`negotia.store`).  ``db:NAME``
    always means the stored scenario.  The file's own problems and those of its
    ``guarantees`` entries (checked against the treaty catalogue) are reported together,
    each with its line and field.  Formats: see :func:`negotia.scenario.formats.load_scenario`.
    """
    from negotia.guarantees.link import guarantee_problems

    if isinstance(source, str) and source.startswith(STORED_PREFIX):
        return load_stored(source[len(STORED_PREFIX) :])
    if isinstance(source, str) and format is None and _may_be_stored(source):
        from negotia.store.database import Store

        with Store() as store:
            if store.has(source):
                return load_stored(source)
            raise UnknownNameError(
                f"no bundled scenario {source!r} (bundled: {', '.join(formats.bundled_names())}), "
                f"no such file, and no scenario of that name stored in {store.shown_url} "
                "(see `negotia db list`)"
            )
    return formats.load_scenario(source, format, checks=(guarantee_problems,))


def _may_be_stored(source: str) -> bool:
    from negotia.store.config import NAME_PATTERN

    return (
        NAME_PATTERN.fullmatch(source) is not None
        and not Path(source).exists()
        and source not in formats.bundled_names()
    )


def load_stored(name: str, url: str | None = None) -> Scenario:
    """The scenario stored as ``name`` (with its revisions), checked like a file."""
    from negotia.guarantees.link import guarantee_problems
    from negotia.scenario.validation import run_checks
    from negotia.store.database import Store

    with Store(url) as store:
        sc = store.load(name)
    return run_checks(sc, (guarantee_problems,), f"{STORED_PREFIX}{name}")


def stored_name(source: str | os.PathLike[str]) -> str | None:
    """The stored scenario ``source`` names, if it names one (see :func:`load_scenario`)."""
    if not isinstance(source, str):
        return None
    if source.startswith(STORED_PREFIX):
        return source[len(STORED_PREFIX) :]
    return source if _may_be_stored(source) else None


def import_scenario(
    source: str | os.PathLike[str], name: str | None = None, *, replace: bool = False, url: str | None = None
) -> StoredInfo:
    """Load a scenario (file, bundled or stored name) and store it as ``name`` (default:
    the file's name without its ending), in one transaction."""
    from negotia.store.config import NAME_PATTERN
    from negotia.store.database import Store

    if name is None and not NAME_PATTERN.fullmatch(Path(source).stem):
        raise StoreError(
            f"{Path(source).stem!r} (the file's name) cannot name a stored scenario: give a name "
            "of letters, digits, '-' and '_' (--name)"
        )
    sc = load_scenario(source)
    with Store(url) as store:
        return store.import_scenario(sc, name or Path(source).stem, replace=replace)


def record_run(
    sc: Scenario,
    source: str | os.PathLike[str],
    *,
    command: str,
    models: list[str],
    parameters: dict[str, Any],
    seed: int | None,
    outputs: str,
    url: str | None = None,
) -> int:
    """Keep a run's output in the database with its model, parameters, the hash of its
    input and this negotia's version, so it can be shown again exactly; its id."""
    from importlib.metadata import version

    from negotia.store.database import Store

    with Store(url) as store:
        return store.record_run(
            sc,
            scenario=stored_name(source) or str(source),
            command=command,
            models=models,
            parameters=parameters,
            seed=seed,
            outputs=outputs,
            code_version=version("negotia"),
            as_of=sc.date,
        )


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
    seed: int = 0,
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
        Seed for stochastic models (ignored by deterministic ones); the default 0 follows
        the library's seed rule (:mod:`negotia.seeding`).
    as_of, known_by
        The day to analyse (default: the scenario's date) and the knowledge cut-off;
        see :func:`scenario_as_of`.
    **params
        The model's parameters (see ``negotia models``).
    """
    from negotia.ensemble.backends import thread_map  # here: `import negotia` stays light

    sc = _as_scenario(scenario, as_of, known_by)
    with thread_map() as mapper:  # one model call in this process: every CPU
        return run_model(
            model, ScenarioArrays.from_scenario(sc), rng=seeding.rng(seed), mapper=mapper, **params
        )


def compare_models(
    scenario: Scenario | str | os.PathLike[str],
    models: list[str] | None = None,
    *,
    seed: int = 0,
    as_of: Date | None = None,
    known_by: Date | None = None,
) -> dict[str, Forecast]:
    """Forecasts of several models (all registered ones by default), keyed by name,
    on the snapshot as of a day (see :func:`scenario_as_of`)."""
    sc = _as_scenario(scenario, as_of, known_by)
    arrays = ScenarioArrays.from_scenario(sc)
    names = models or model_names()
    from negotia.ensemble.backends import thread_map

    with thread_map() as mapper:
        return {m: run_model(m, arrays, rng=seeding.rng(seed), mapper=mapper) for m in names}


# -- change between two days ----------------------------------------------------------------


@dataclass(frozen=True)
class ForecastChange:
    """One model's forecast of one issue on two days (on the issue's scale)."""

    issue: str
    model: str
    old: float
    new: float
    old_anchor: str | None = None
    new_anchor: str | None = None

    @property
    def delta(self) -> float:
        return self.new - self.old

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "model": self.model,
            "old": self.old,
            "new": self.new,
            "delta": self.delta,
            "old_anchor": self.old_anchor,
            "new_anchor": self.new_anchor,
        }


@dataclass(frozen=True)
class SpaceState:
    """The headline of the bargaining space on one day: the size of the zone of
    agreement of the required parties and the Nash package."""

    parties: tuple[str, ...]
    n_packages: int
    zopa_size: int
    within_red_lines: int
    ignored: tuple[str, ...]
    nash: dict[str, float] | None
    summary: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "parties": list(self.parties),
            "n_packages": self.n_packages,
            "zopa_size": self.zopa_size,
            "within_red_lines": self.within_red_lines,
            "ignored": list(self.ignored),
            "nash": self.nash,
            "summary": list(self.summary),
        }


@dataclass(frozen=True)
class AgreementChange:
    """The probability of agreement on the whole package on two days, each a
    :class:`negotia.agreement.analysis.ZoneProbability` (the probability that a zone of
    agreement exists over ``n`` variants, and that combined with the prior from history)."""

    n: int
    seed: int
    start: Any
    end: Any

    @property
    def delta(self) -> float:
        """The change in the combined probability of agreement."""
        return float(self.end.combined.probability - self.start.combined.probability)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "seed": self.seed,
            "from": self.start.to_dict(),
            "to": self.end.to_dict(),
            "delta": self.delta,
        }


@dataclass(frozen=True)
class ScenarioDiff:
    """What changed in a scenario from one day to another, and what it did to the results.

    ``inputs``: the stances, red lines, status quo and actors that differ, and the
    revisions (with sources) between the two days; ``forecasts``: every model's
    forecast of every issue on both days; ``space_from``/``space_to``: the bargaining
    space on both days; ``agreement``: the probability of agreement on both days (None,
    with the reason in ``notes``, where a day has too few parties for one).
    """

    scenario: str
    start: Date
    end: Date
    known_by: Date | None
    inputs: InputDiff
    forecasts: tuple[ForecastChange, ...]
    space_from: SpaceState | None
    space_to: SpaceState | None
    agreement: AgreementChange | None = None
    notes: tuple[str, ...] = field(default=())
    #: Instruments of the treaty catalogue signed or reported between the two days
    #: (they enter analyses of the later day, not of the earlier one).
    treaties: tuple[Any, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "known_by": self.known_by.isoformat() if self.known_by else None,
            "inputs": self.inputs.to_dict(),
            "forecasts": [f.to_dict() for f in self.forecasts],
            "space": {
                "from": None if self.space_from is None else self.space_from.to_dict(),
                "to": None if self.space_to is None else self.space_to.to_dict(),
            },
            "agreement": None if self.agreement is None else self.agreement.to_dict(),
            "treaties": [t.to_dict() for t in self.treaties],
            "notes": list(self.notes),
        }


def _space(sc: Scenario, notes: list[str]) -> SpaceState | None:
    """The bargaining space on the snapshot's day, or None (with the reason in
    ``notes``) where there is none, e.g. before a second party has stated a stance."""
    from negotia.bargaining import bargaining_space
    from negotia.errors import NegotiaError

    try:
        r = bargaining_space(sc)
    except NegotiaError as e:
        notes.append(f"no bargaining space on {sc.date}: {e}")
        return None
    return SpaceState(
        tuple(r.parties),
        r.n_packages,
        r.zopa.size,
        r.zopa.n_within_red_lines,
        tuple(r.ignored),
        None if r.nash is None else dict(r.nash.values),
        tuple(r.summary()),
    )


def diff(
    scenario: Scenario | str | os.PathLike[str],
    start: Date,
    end: Date | None = None,
    *,
    models: list[str] | None = None,
    known_by: Date | None = None,
    seed: int = 0,
    variants: int = 1000,
) -> ScenarioDiff:
    """How a scenario's inputs, every model's forecast, the bargaining space and the
    probability of agreement (over ``variants`` Monte Carlo variants) moved from
    ``start`` to ``end`` (default: the scenario's own date).

    Both days are analysed with the same knowledge cut-off ``known_by`` (default: every
    revision) and the same ``seed`` (the seed rule: 0 unless asked otherwise), so what
    moves is what the revisions between the two days changed.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    end = end if end is not None else sc.date
    if end is None:
        raise ParameterError("the scenario has no date: give the day to compare with (--to)")
    a, b = sc.as_of(start, known_by=known_by), sc.as_of(end, known_by=known_by)
    names = models or model_names()
    fa = compare_models(a, names, seed=seed)
    fb = compare_models(b, names, seed=seed)
    rows = []
    for issue in sc.issues:
        ia, ib = a.issue(issue.id), b.issue(issue.id)
        for m in names:
            old = float(fa[m].on_scale()[0, fa[m].issue_ids.index(issue.id)])
            new = float(fb[m].on_scale()[0, fb[m].issue_ids.index(issue.id)])
            rows.append(ForecastChange(issue.id, m, old, new, ia.nearest_anchor(old), ib.nearest_anchor(new)))
    notes: list[str] = []
    space_a, space_b = _space(a, notes), _space(b, notes)
    agreement = _agreement(a, b, variants, seed, notes)
    return ScenarioDiff(
        sc.name,
        start,
        end,
        known_by,
        input_changes(sc, start, end, known_by=known_by),
        tuple(rows),
        space_a,
        space_b,
        agreement=agreement,
        notes=tuple(notes),
        treaties=_treaties_between(start, end),
    )


def _agreement(a: Scenario, b: Scenario, n: int, seed: int, notes: list[str]) -> AgreementChange | None:
    """The agreement analysis of both snapshots with the same variants count and seed."""
    from negotia.agreement.analysis import analyse_agreement
    from negotia.errors import NegotiaError

    try:
        pa = analyse_agreement(a, n, seed=seed).package
        pb = analyse_agreement(b, n, seed=seed).package
    except NegotiaError as e:
        notes.append(f"no probability of agreement: {e}")
        return None
    return AgreementChange(n, seed, pa, pb)


def forecast_intervals(
    scenario: Scenario | str | os.PathLike[str],
    forecasts: dict[str, Forecast],
    calibration: IntervalCalibration | None = None,
) -> dict[str, ForecastInterval]:
    """Each forecast's interval for model error, calibrated on real outcomes (DEU III).

    The interval is split-conformal, per voting rule: an issue's group is its ``counvte``
    attribute when it has one, else its decision rule (unanimity or qualified majority).
    See :mod:`negotia.evaluate.intervals` for the method and docs/intervals.md for how well
    it covers.  Labels the calibration does not know get no interval.
    """
    from negotia.evaluate.intervals import RULE_GROUPS, model_error_intervals
    from negotia.scenario.roles import rule_for

    sc = _as_scenario(scenario)
    groups = [
        str(i.attributes.get("counvte") or "") or RULE_GROUPS.get(rule_for(sc, i.id).rule) for i in sc.issues
    ]
    return model_error_intervals(ScenarioArrays.from_scenario(sc), forecasts, groups, calibration)


def _treaties_between(start: Date, end: Date) -> tuple[Any, ...]:
    """Catalogue instruments known by the later day but not by the earlier one."""
    from negotia.guarantees.catalogue import catalogue

    early, late = catalogue(min(start, end)), catalogue(max(start, end))
    return tuple(x for k, x in early.left_out.items() if x.kind == "instrument" and k not in late.left_out)


def agreement_analysis(
    scenario: Scenario | str | os.PathLike[str],
    n: int = 1000,
    *,
    seed: int = 0,
    all_or_nothing: bool = False,
    models: list[str] | tuple[str, ...] = ("compromise",),
    as_of: Date | None = None,
    known_by: Date | None = None,
) -> AgreementAnalysis:
    """Deal or no deal: the agreement analysis of a scenario over ``n`` Monte Carlo variants.

    Returns an :class:`~negotia.agreement.analysis.AgreementAnalysis`: the probability
    that a zone of agreement exists for the package, each issue alone and the largest
    partial package, what blocks it (counted), that probability combined with the prior
    from history, and each model's forecast as a mixture of settlement and status quo.
    ``as_of`` and ``known_by``: see :func:`scenario_as_of`.
    """
    from negotia.agreement.analysis import analyse_agreement

    sc = _as_scenario(scenario, as_of, known_by)
    return analyse_agreement(sc, n, seed=seed, all_or_nothing=all_or_nothing, models=tuple(models))


def in_sample_models(table: str | os.PathLike[str], specs: list[str]) -> list[str]:
    """The specs among ``specs`` whose model's shipped fit was trained on the file ``table``.

    A score of such a model on that table is in-sample (optimistic): ``negotia evaluate``
    warns about it, and a notebook can ask the same.  A name that is not a file (a
    bundled or stored scenario) gives [].
    """
    path = Path(table)
    if not path.is_file():
        return []
    import hashlib

    from negotia.models import REGISTRY

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    out = []
    for spec in specs:
        name = spec.partition(":")[0]
        if name in REGISTRY:
            trained_on = getattr(REGISTRY[name], "trained_on", None)
            if trained_on is not None and digest in trained_on():
                out.append(spec)
    return out
