r"""Utilities of parties over packages, as arrays.

Every party's utility is *additive* over issues: the utility of a package is the sum of
per-issue contributions, held as one table per issue (``tables[k][p, j]`` = what option
``j`` of issue ``k`` is worth to party ``p``).  Evaluating a whole grid is then a sum of
broadcast tables, and a subset of packages a gather per issue (no loop over parties).

From a scenario (salience-weighted loss of distance, as in the spatial models collected
in Thomson et al. 2006, *The European Union Decides*, e.g. Achen's chapter), party
:math:`p` with position :math:`x_{pk}` and salience :math:`s_{pk}` values a package
:math:`v` at

.. math:: u_p(v) = \sum_k w_{pk}\Big(1 - \frac{L(|v_k - x_{pk}|)}{L(D_{pk})}\Big),
          \qquad w_{pk} = s_{pk} / \textstyle\sum_{k'} s_{pk'},
          \qquad D_{pk} = \max(x_{pk}, 1 - x_{pk}),

on each issue's unit scale, with :math:`L(d) = d` (``loss: linear``) or :math:`d^2`
(``loss: quadratic``, the scenario's choice).  The normalisation makes the actor's
ideal package worth exactly 1 and the worst package on the scales worth exactly 0.
Issues the actor takes no part in carry weight 0; an actor with zero salience on every
issue it takes part in weighs those issues equally.

Red lines are boolean masks per issue (``allowed[k][p, j]``): a package is acceptable
to a party only if every option lies inside that party's red lines.

The *reservation value* (the value of no agreement; Raiffa 1982, *The Art and Science of
Negotiation*) is, per party, ``scenario.metadata["reservation"][actor]`` when given (a
number on the 0-1 utility scale), and otherwise the utility of the status quo,
:math:`\sum_k w_{pk} e_{pk}(q_k)` over the issues with a status quo :math:`q_k`; an issue without a status quo
contributes 0 (no agreement leaves that issue at its worst for the party).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.bargaining.space import CHUNK, OutcomeSpace, Resolution, space_from_scenario
from negotia.errors import InputError, ParameterError, Problem, UnknownNameError
from negotia.scenario.redlines import within

if TYPE_CHECKING:
    from negotia.scenario.arrays import ScenarioArrays
    from negotia.scenario.schema import Scenario


@dataclass(frozen=True)
class RedLineBound:
    """One red line of a party: the acceptable interval on an issue's own scale."""

    party: str
    issue: str
    min: float | None
    max: float | None
    note: str | None = None

    def describe(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.party} on {self.issue}: between {self.min:g} and {self.max:g}"
        if self.min is not None:
            return f"{self.party} on {self.issue}: min {self.min:g}"
        return f"{self.party} on {self.issue}: max {self.max:g}"


@dataclass(frozen=True)
class UtilityModel:
    """Additive utilities, red-line masks and reservation values of the parties.

    Attributes
    ----------
    space
        The outcome space.
    parties
        Party ids (axis ``p`` of every array).
    tables
        One ``(P, n_k)`` array per issue: the contribution of each option to each
        party's utility.
    allowed
        One ``(P, n_k)`` bool array per issue: the option is inside the party's red lines.
    reservation
        ``(P,)`` utility of no agreement.
    red_lines
        The red lines behind ``allowed`` (for diagnosis), on the issues' own scales.
    reference
        ``(P, K)`` per-issue contribution at the reference outcome (the weighted-mean
        forecast for a scenario), against which concessions are measured; NaN if none.
    reference_values
        ``(K,)`` the reference outcome on each issue's scale (NaN for none).
    ideal
        ``(P, K)`` each party's position on each issue's scale (NaN where none).
    loss
        ``linear``, ``quadratic`` or ``table`` (utilities read from a GENIUS profile).
    """

    space: OutcomeSpace
    parties: tuple[str, ...]
    tables: tuple[np.ndarray, ...]
    allowed: tuple[np.ndarray, ...]
    reservation: np.ndarray
    red_lines: tuple[RedLineBound, ...] = ()
    reference: np.ndarray | None = None
    reference_values: np.ndarray | None = None
    ideal: np.ndarray | None = None
    loss: str = "quadratic"
    notes: tuple[str, ...] = field(default=())

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    def party_index(self, names: list[str] | tuple[str, ...]) -> np.ndarray:
        idx = []
        for n in names:
            if n not in self.parties:
                raise UnknownNameError(f"unknown party {n!r}; parties: {', '.join(self.parties)}")
            idx.append(self.parties.index(n))
        return np.array(idx, dtype=np.int64)

    def subset(self, parties: list[str] | tuple[str, ...]) -> UtilityModel:
        """The model restricted to ``parties`` (in that order)."""
        idx = self.party_index(parties)
        keep = set(parties)
        return replace(
            self,
            parties=tuple(parties),
            tables=tuple(t[idx] for t in self.tables),
            allowed=tuple(a[idx] for a in self.allowed),
            reservation=self.reservation[idx],
            red_lines=tuple(r for r in self.red_lines if r.party in keep),
            reference=None if self.reference is None else self.reference[idx],
            ideal=None if self.ideal is None else self.ideal[idx],
        )

    def with_red_lines(self, red_lines: tuple[RedLineBound, ...]) -> UtilityModel:
        """The same utilities with exactly ``red_lines`` as masks."""
        return replace(self, red_lines=tuple(red_lines), allowed=_masks(self.space, self.parties, red_lines))

    def without_red_lines(self) -> UtilityModel:
        return self.with_red_lines(())

    # -- evaluation --------------------------------------------------------------------
    def utilities(self, index: np.ndarray | int) -> np.ndarray:
        """``(P, n)`` utilities of the packages ``index``."""
        opt = self.space.decode(index)
        u = np.zeros((self.n_parties, opt.shape[0]))
        for k, t in enumerate(self.tables):
            u += t[:, opt[:, k]]
        return u

    def utilities_of_options(self, options: np.ndarray) -> np.ndarray:
        """``(P, n)`` utilities of option-index rows ``(n, K)``."""
        opt = np.atleast_2d(options)
        u = np.zeros((self.n_parties, opt.shape[0]))
        for k, t in enumerate(self.tables):
            u += t[:, opt[:, k]]
        return u

    def dense_utilities(self) -> np.ndarray:
        """``(P, N)`` utilities of every package (broadcast sum; use for spaces that fit memory)."""
        shape = self.space.shape
        P, K = self.n_parties, len(shape)
        u = np.zeros((P, *shape))
        for k, t in enumerate(self.tables):
            u += t.reshape((P,) + (1,) * k + (shape[k],) + (1,) * (K - k - 1))
        return u.reshape(P, -1)

    def range_utilities(self, start: int, stop: int) -> np.ndarray:
        """``(P, stop-start)`` utilities of the packages ``start..stop-1``."""
        if start == 0 and stop == self.space.size:
            return self.dense_utilities()
        return self.utilities(np.arange(start, stop, dtype=np.int64))

    def acceptable(self, index: np.ndarray | int, parties: np.ndarray | None = None) -> np.ndarray:
        """``(n,)`` True where the packages respect the red lines of ``parties`` (all by default)."""
        opt = self.space.decode(index)
        ok = np.ones(opt.shape[0], dtype=bool)
        for k, a in enumerate(self.allowed):
            row = a if parties is None else a[parties]
            ok &= row.all(axis=0)[opt[:, k]]
        return ok

    def acceptable_each(self, index: np.ndarray | int) -> np.ndarray:
        """``(P, n)`` True where each party's red lines hold."""
        opt = self.space.decode(index)
        ok = np.ones((self.n_parties, opt.shape[0]), dtype=bool)
        for k, a in enumerate(self.allowed):
            ok &= a[:, opt[:, k]]
        return ok

    def allowed_options(self, parties: np.ndarray | None = None) -> list[np.ndarray]:
        """Per issue, the option indices inside the red lines of ``parties`` (all by default)."""
        out = []
        for a in self.allowed:
            row = a if parties is None else a[parties]
            out.append(np.flatnonzero(row.all(axis=0)))
        return out

    def best_utility(self) -> np.ndarray:
        """``(P,)`` highest utility each party can reach in the space (ignoring red lines)."""
        return np.sum([t.max(axis=1) for t in self.tables], axis=0)


def _masks(space: OutcomeSpace, parties: tuple[str, ...], red_lines: tuple[RedLineBound, ...]) -> tuple:
    pos = {p: k for k, p in enumerate(parties)}
    out = []
    for o in space.issues:
        a = np.ones((len(parties), o.size), dtype=bool)
        for r in red_lines:
            if r.issue != o.id or r.party not in pos:
                continue
            a[pos[r.party]] &= within(o.values, r.min, r.max, o.scale_max - o.scale_min)
        out.append(a)
    return tuple(out)


def _loss(d: np.ndarray, kind: str) -> np.ndarray:
    return d if kind == "linear" else d * d


def _evaluation(unit_value: np.ndarray, x: np.ndarray, kind: str) -> np.ndarray:
    """``1 - L(|v - x|)/L(max(x, 1-x))`` broadcast over trailing axes."""
    worst = _loss(np.maximum(x, 1.0 - x), kind)
    return 1.0 - _loss(np.abs(unit_value - x), kind) / worst


def reservation_from_metadata(scenario: Scenario, parties: tuple[str, ...]) -> dict[str, float]:
    """Explicit reservation values from ``scenario.metadata["reservation"]`` (checked)."""
    raw = (scenario.metadata or {}).get("reservation")
    if raw is None:
        return {}
    src = f"scenario {scenario.name!r}"
    if not isinstance(raw, dict):
        raise InputError(src, Problem("metadata.reservation", "must map actor ids to numbers in [0, 1]"))
    problems, out = [], {}
    actors = {a.id for a in scenario.actors}
    for actor, value in raw.items():
        where = f"metadata.reservation.{actor}"
        if actor not in actors:
            problems.append(Problem(where, f"unknown actor {actor!r}"))
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
            problems.append(Problem(where, f"must be a number in [0, 1] (utility scale), got {value!r}"))
            continue
        out[actor] = float(value)
    if problems:
        raise InputError(src, problems)
    return {a: v for a, v in out.items() if a in parties}


def restrict_issues(scenario: Scenario, issues: list[str] | tuple[str, ...]) -> Scenario:
    """The scenario with only ``issues`` (their stances and red lines kept, in the given order)."""
    # Revisions may touch the issues left out: restrict the snapshot they produce.
    if scenario.revisions:
        scenario = scenario.as_of()
    known = {i.id: i for i in scenario.issues}
    unknown = [i for i in issues if i not in known]
    if unknown:
        raise UnknownNameError(f"unknown issue(s) {', '.join(unknown)}; issues: {', '.join(known)}")
    keep = set(issues)
    return scenario.model_copy(
        update={
            "issues": [known[i] for i in dict.fromkeys(issues)],
            "stances": [s for s in scenario.stances if s.issue in keep],
            "red_lines": [r for r in scenario.red_lines if r.issue in keep],
        }
    )


def utility_model(
    scenario: Scenario,
    parties: list[str] | tuple[str, ...] | None = None,
    resolution: Resolution = None,
    *,
    space: OutcomeSpace | None = None,
    loss: str | None = None,
    issues: list[str] | tuple[str, ...] | None = None,
) -> UtilityModel:
    """The utility model of a scenario's parties over its outcome space.

    Parameters
    ----------
    scenario
        A :class:`~negotia.scenario.schema.Scenario`.
    parties
        Actor ids (or names/aliases); default: the scenario's ``required_parties``, or
        every actor with a stance when none are required.
    resolution
        See :func:`negotia.bargaining.space.space_from_scenario`.
    space
        Use this outcome space instead of building one.
    loss
        Override the scenario's ``loss`` (``linear`` or ``quadratic``).
    issues
        Bargain over these issues only (default: all).
    """
    from negotia.scenario.arrays import ScenarioArrays

    if issues:
        scenario = restrict_issues(scenario, issues)
    kind = loss or scenario.loss
    if kind not in ("linear", "quadratic"):
        raise ParameterError(f"loss must be linear or quadratic, got {kind!r}")
    arrays = ScenarioArrays.from_scenario(scenario)
    parties_t = _resolve_parties(scenario, arrays, parties)
    space = space or space_from_scenario(scenario, resolution)
    if space.issue_ids != arrays.issue_ids:
        raise ParameterError("the outcome space's issues differ from the scenario's")
    a_idx = np.array([arrays.actor_ids.index(p) for p in parties_t])
    x = arrays.position[0, a_idx]  # (P, K) unit
    present = arrays.present[0, a_idx]
    w = _issue_weights(arrays, a_idx, parties_t)
    tables = []
    for k, o in enumerate(space.issues):
        e = _evaluation(o.unit[None, :], x[:, k : k + 1], kind)
        tables.append(w[:, k : k + 1] * e)
    res, explicit = _reservation(scenario, arrays, parties_t, x, w, kind)
    ref, ref_unit = _reference(arrays, x, w, kind)
    red = tuple(
        RedLineBound(r.actor, r.issue, r.min, r.max, r.note)
        for r in scenario.red_lines
        if r.actor in parties_t
    )
    return UtilityModel(
        space=space,
        parties=parties_t,
        tables=tuple(tables),
        allowed=_masks(space, parties_t, red),
        reservation=res,
        red_lines=red,
        reference=ref,
        reference_values=arrays.to_scale(ref_unit),
        ideal=np.where(present, arrays.to_scale(x), np.nan),
        loss=kind,
        notes=_reservation_notes(space, arrays, parties_t, explicit),
    )


def _resolve_parties(
    scenario: Scenario, arrays: ScenarioArrays, parties: list[str] | tuple[str, ...] | None
) -> tuple[str, ...]:
    """The bargaining parties' actor ids (default: the required parties, else every actor with a stance)."""
    if parties is None or len(parties) == 0:
        parties = list(scenario.required_parties) or [
            a for k, a in enumerate(arrays.actor_ids) if arrays.present[0, k].any()
        ]
    resolved = []
    for name in parties:
        try:
            resolved.append(scenario.resolve_actor(name))
        except KeyError:
            raise UnknownNameError(f"unknown party {name!r}; actors: {', '.join(arrays.actor_ids)}") from None
    if len(set(resolved)) != len(resolved):
        raise ParameterError(f"a party is named twice: {', '.join(parties)}")
    if len(resolved) < 2:
        raise ParameterError("bargaining needs at least two parties")
    return tuple(resolved)


def _issue_weights(arrays: ScenarioArrays, a_idx: np.ndarray, parties: tuple[str, ...]) -> np.ndarray:
    """``(P, K)`` issue weights ``w_pk``: saliences summing to 1 per party (equal when all are zero)."""
    present = arrays.present[0, a_idx]
    sal = np.where(present, arrays.salience[0, a_idx], 0.0)
    absent = ~present.any(axis=1)
    if absent.any():
        who = ", ".join(p for p, m in zip(parties, absent, strict=True) if m)
        raise ParameterError(f"party {who} has no stance on any issue; it cannot bargain")
    total = sal.sum(axis=1, keepdims=True)
    return np.where(
        total > 0, sal / np.where(total > 0, total, 1.0), present / present.sum(axis=1, keepdims=True)
    )


def _reservation(
    scenario: Scenario,
    arrays: ScenarioArrays,
    parties: tuple[str, ...],
    x: np.ndarray,
    w: np.ndarray,
    kind: str,
) -> tuple[np.ndarray, dict[str, float]]:
    """``(P,)`` reservation values (explicit, else the status quo's utility) and the explicit ones."""
    sq = arrays.status_quo
    has_sq = np.isfinite(sq)
    e_sq = _evaluation(np.where(has_sq, sq, 0.0)[None, :], x, kind)
    res = (w * np.where(has_sq[None, :], e_sq, 0.0)).sum(axis=1)
    explicit = reservation_from_metadata(scenario, parties)
    for p, v in explicit.items():
        res[parties.index(p)] = v
    return res, explicit


def _reference(
    arrays: ScenarioArrays, x: np.ndarray, w: np.ndarray, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """``(P, K)`` contributions at the reference outcome and ``(K,)`` that outcome on the unit scale.

    The reference is the capability x salience weighted mean of all actors' positions.
    """
    wt = arrays.weight[0]
    tw = wt.sum(axis=0)
    ref_unit = np.where(tw > 0, (wt * arrays.position[0]).sum(axis=0) / np.where(tw > 0, tw, 1.0), np.nan)
    ref = w * _evaluation(np.nan_to_num(ref_unit, nan=0.0)[None, :], x, kind)
    return np.where(np.isfinite(ref_unit)[None, :], ref, np.nan), ref_unit


def _reservation_notes(
    space: OutcomeSpace, arrays: ScenarioArrays, parties: tuple[str, ...], explicit: dict[str, float]
) -> tuple[str, ...]:
    """Where the reservation values come from, for the model's notes."""
    notes = []
    if explicit:
        notes.append("reservation values from metadata.reservation for " + ", ".join(sorted(explicit)))
    has_sq = np.isfinite(arrays.status_quo)
    missing = [o.id for o, h in zip(space.issues, has_sq, strict=True) if not h]
    if len(explicit) < len(parties) and missing:
        notes.append(
            "reservation values from the status quo; issues without one count as worst: " + ", ".join(missing)
        )
    return tuple(notes)


def iter_chunks(model: UtilityModel, chunk: int = CHUNK) -> Any:
    """``(index, utilities)`` per chunk of the whole space."""
    for start, stop in model.space.chunks(chunk):
        yield np.arange(start, stop, dtype=np.int64), model.range_utilities(start, stop)
