"""Whose consent a deal needs, as the constraint rows of :mod:`negotia.bargaining.feasible`.

From a scenario's roles (:mod:`negotia.scenario.roles`):

* a ``party`` is a row with a say on every issue: its red lines and its reservation value
  (``metadata.reservation`` when given, else the utility of the status quo);
* a ``veto`` player is a row with a say on the issues it names only (every issue when it
  names none): its red lines there, and its reservation value on those issues
  (``metadata.reservation`` when given, on its utility over the issues it vetoes; else
  the status quo's) -- it blocks a package that leaves it below;
* a ratification step (a parliament, a referendum) is a row with intervals only (its
  ``accepts``) on the issues it votes on;
* mediators, guarantors and observers are no rows: they do not vote, so their positions
  and red lines change nothing here.

Utilities follow :mod:`negotia.bargaining.utility`: salience weights normalised over the
issues the row has a say on, loss ``L(|v - x|)`` over the loss of the worst outcome on
the scale.  The rows are built for a batch of variants (positions and saliences of a
perturbed :class:`~negotia.scenario.arrays.ScenarioArrays`, red-line bounds drawn with
their ``sd``), so one call serves a whole Monte Carlo run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from negotia.bargaining.feasible import Rows, loss_of
from negotia.bargaining.majority import Voting
from negotia.bargaining.utility import reservation_from_metadata
from negotia.errors import ParameterError
from negotia.scenario.roles import rule_for
from negotia.scenario.scale import to_unit

if TYPE_CHECKING:
    from negotia.scenario.arrays import ScenarioArrays
    from negotia.scenario.schema import Scenario


@dataclass(frozen=True)
class Bound:
    """One acceptable interval of a row on an issue (unit scale) with its sd (unit scale)."""

    row: int
    issue: int
    min: float
    max: float
    sd: float
    what: str


@dataclass(frozen=True)
class Consent:
    """The rows of a scenario: who must consent on which issues, and their intervals.

    ``labels`` are actor ids, or ``ratification:<id>`` for a ratification step;
    ``kinds`` says ``party``, ``veto`` or ``ratification``; ``actor_index`` is the row's
    actor in the scenario's actor order (-1 for ratification steps); ``voting`` how their
    consent is counted on each issue (the decision rules).
    """

    labels: tuple[str, ...]
    kinds: tuple[str, ...]
    actor_index: tuple[int, ...]
    scope: np.ndarray
    bounds: tuple[Bound, ...]
    reservation: np.ndarray
    issue_ids: tuple[str, ...]
    status_quo: np.ndarray
    loss: str
    voting: Voting

    @property
    def n_rows(self) -> int:
        return len(self.labels)


def consent_of(scenario: Scenario) -> Consent:
    """The consent rows of a scenario (a snapshot: apply ``as_of`` first)."""
    if scenario.revisions:
        scenario = scenario.as_of()
    roles = scenario.roles
    issues = scenario.issue_ids
    k_of = {i: k for k, i in enumerate(issues)}
    lo_s = np.array([i.scale.min for i in scenario.issues], dtype=float)
    hi_s = np.array([i.scale.max for i in scenario.issues], dtype=float)
    labels, kinds, actor_index, scope = [], [], [], []
    for j, a in enumerate(scenario.actors):
        role = roles[a.id]
        if role not in ("party", "veto"):
            continue
        on = set(a.veto_on) if role == "veto" and a.veto_on else set(issues)
        labels.append(a.id)
        kinds.append(role)
        actor_index.append(j)
        scope.append([i in on for i in issues])
    if not labels:
        raise ParameterError("the scenario has no party or veto player whose consent is needed")
    row_of = {a: r for r, a in enumerate(labels)}
    bounds: list[Bound] = []
    for line in scenario.red_lines:
        r = row_of.get(line.actor)
        if r is None or not scope[r][k_of[line.issue]]:
            continue  # no vote there: the red line does not bind the deal
        bounds.append(
            _bound(r, k_of[line.issue], line.min, line.max, line.sd, lo_s, hi_s, f"red line of {line.actor}")
        )
    for step in scenario.ratifications:
        r = len(labels)
        labels.append(f"ratification:{step.id}")
        kinds.append("ratification")
        actor_index.append(-1)
        scope.append([step.covers(i) for i in issues])
        for issue, b in step.accepts.items():
            bounds.append(_bound(r, k_of[issue], b.min, b.max, b.sd, lo_s, hi_s, f"ratification {step.id}"))
    # Parties and veto players alike: a veto player's reservation is the utility it needs
    # on the issues it vetoes.
    voters = tuple(a for a, kind in zip(labels, kinds, strict=False) if kind in ("party", "veto"))
    explicit = reservation_from_metadata(scenario, voters)
    reservation = np.array([explicit.get(a, np.nan) for a in labels])
    sq = np.array([np.nan if i.status_quo is None else i.status_quo for i in scenario.issues], dtype=float)
    return Consent(
        labels=tuple(labels),
        kinds=tuple(kinds),
        actor_index=tuple(actor_index),
        scope=np.array(scope, dtype=bool).reshape(len(labels), len(issues)),
        bounds=tuple(bounds),
        reservation=reservation,
        issue_ids=tuple(issues),
        status_quo=to_unit(sq, lo_s, hi_s),
        loss=scenario.loss,
        voting=_voting(
            scenario, kinds, actor_index, np.array(scope, dtype=bool).reshape(len(labels), len(issues))
        ),
    )


def _voting(scenario: Scenario, kinds: list[str], actor_index: list[int], scope: np.ndarray) -> Voting:
    """Each row's weight per issue, the thresholds and who must accept (see :class:`Voting`)."""
    from negotia.scenario.arrays import ScenarioArrays

    R, K = scope.shape
    kinds_a = np.array(kinds)
    voter = scope & np.isin(kinds_a, ("party", "veto"))[:, None]
    weight = np.zeros((R, K))
    threshold = np.ones(K)
    qualified = np.zeros(K, dtype=bool)
    required = scope & (kinds_a != "party")[:, None]
    capability = None
    ids = [a.id for a in scenario.actors]
    for k, issue in enumerate(scenario.issues):
        rule = rule_for(scenario, issue.id)
        if rule.rule == "unanimity":
            required[:, k] |= voter[:, k]
            weight[:, k] = voter[:, k]
            continue
        qualified[k] = True
        threshold[k] = float(rule.threshold or 1.0)
        how = rule.weighting
        for r in np.flatnonzero(voter[:, k]):
            if isinstance(how, dict):
                weight[r, k] = how.get(ids[actor_index[r]], 0.0)
            elif how == "equal":
                weight[r, k] = 1.0
            else:
                if capability is None:
                    capability = ScenarioArrays.from_scenario(scenario).capability[0]
                weight[r, k] = capability[actor_index[r], k]
    return Voting(weight, threshold, required, qualified, kinds_a == "party")


def _bound(
    r: int,
    k: int,
    lo: float | None,
    hi: float | None,
    sd: float | None,
    lo_s: np.ndarray,
    hi_s: np.ndarray,
    what: str,
) -> Bound:
    return Bound(
        row=r,
        issue=k,
        min=-np.inf if lo is None else float(to_unit(lo, lo_s[k], hi_s[k])),
        max=np.inf if hi is None else float(to_unit(hi, lo_s[k], hi_s[k])),
        sd=0.0 if sd is None else sd / (hi_s[k] - lo_s[k]),
        what=what,
    )


def interval_arrays(
    consent: Consent, n: int, shifts: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` of shape ``(n, R, K)``: every row's interval per issue.

    ``shifts`` ``(n, len(bounds), 2)`` moves each bound's min and max (unit scale); a
    bound whose min and max cross after the move collapses to their midpoint.
    Several intervals of one row on one issue intersect.
    """
    R, K = consent.scope.shape
    lo = np.full((n, R, K), -np.inf)
    hi = np.full((n, R, K), np.inf)
    for j, b in enumerate(consent.bounds):
        bmin = np.full(n, b.min)
        bmax = np.full(n, b.max)
        if shifts is not None:
            bmin = bmin + shifts[:, j, 0]
            bmax = bmax + shifts[:, j, 1]
        cross = bmin > bmax
        mid = 0.5 * (bmin + bmax)
        bmin = np.where(cross, mid, bmin)
        bmax = np.where(cross, mid, bmax)
        lo[:, b.row, b.issue] = np.maximum(lo[:, b.row, b.issue], bmin)
        hi[:, b.row, b.issue] = np.minimum(hi[:, b.row, b.issue], bmax)
    return lo, hi


def consent_rows(
    consent: Consent, arrays: ScenarioArrays, lo: np.ndarray | None = None, hi: np.ndarray | None = None
) -> Rows:
    """The :class:`Rows` of every variant of ``arrays`` (intervals as stated unless given)."""
    B = arrays.batch
    if lo is None or hi is None:
        lo, hi = interval_arrays(consent, B)
    idx = np.array([max(a, 0) for a in consent.actor_index])
    is_actor = np.array([a >= 0 for a in consent.actor_index])
    scope = consent.scope[None]
    x = arrays.position[:, idx, :]
    present = arrays.present[:, idx, :] & scope & is_actor[None, :, None]
    sal = np.where(present, arrays.salience[:, idx, :], 0.0)
    tot = sal.sum(axis=2, keepdims=True)
    npres = present.sum(axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.where(tot > 0, sal / tot, present / np.maximum(npres, 1))
    kind = consent.loss
    worst = loss_of(np.maximum(x, 1.0 - x), kind)
    coef = np.where(present, w / worst, 0.0)
    sq = consent.status_quo[None, None, :]
    base = np.where(np.isfinite(sq), coef * loss_of(np.nan_to_num(sq) - x, kind), w)
    base = np.where(present, base, 0.0)
    # Slack at the status quo: 0 for the default reservation (the status quo's utility);
    # with an explicit reservation u*, the row tolerates a total loss of 1 - u*.
    res = consent.reservation[None, :]
    has_w = present.any(axis=2)
    slack = np.where(np.isfinite(res), (1.0 - res) - base.sum(axis=2), 0.0)
    slack = np.where(is_actor[None, :] & has_w, slack, np.inf)
    return Rows(consent.labels, consent.scope, x, coef, base, slack, lo, hi, kind, consent.status_quo)
