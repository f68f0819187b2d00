"""Deal or no deal: the agreement analysis of a scenario under its uncertainty.

For ``n`` Monte Carlo variants (positions and saliences drawn as in
:mod:`negotia.ensemble.perturb`; each red line's and ratification interval's bounds moved
by a normal draw with the ``sd`` the scenario gives it), the consent rows of
:mod:`negotia.bargaining.consent` -- parties, veto players on the issues they name,
ratification steps; never mediators, guarantors or observers -- are checked with the
exact kernel of :mod:`negotia.bargaining.feasible`:

* the **package**: a zone of agreement for all issues at once;
* **each issue alone** (the others at the status quo), in closed form;
* **partial packages**: the largest set of issues that could be settled on its own
  (:mod:`negotia.agreement.settle`); an issue's probability is how often it belongs to it.

Each failure is explained: the red lines (of a party, a veto player or a ratification
step) that do not overlap, or the rows whose reservation values jointly exclude every
package, counted over the variants.  The probability that a zone exists is then combined
with the prior from history (:func:`negotia.agreement.combine.combine_evidence`); both
numbers are reported.  With ``all_or_nothing`` ("nothing is agreed until everything is
agreed") every issue takes the package's probability.

Seed rule (:mod:`negotia.seeding`): variant ``j`` depends only on ``seed`` and ``j``.
The perturbation of stances uses the streams of :mod:`negotia.ensemble.perturb` (block
``k``: spawn key ``(k, 0)``); the red-line bounds of block ``k`` use spawn key ``(k, 2)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date as Date
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.agreement.combine import CombinedAgreement, combine_evidence
from negotia.agreement.nodeal import IssueOutcome, outcomes_without_deal
from negotia.agreement.prior import AgreementPrior, prior_for_scenario
from negotia.agreement.settle import Settled, settled_sets
from negotia.bargaining.consent import Consent, consent_of, consent_rows, interval_arrays
from negotia.bargaining.feasible import ATOL_SCALE, Rows, issue_zones, reservation_intervals, settle
from negotia.bargaining.majority import MajorityZones, majority_issue_zones, settle_majority
from negotia.ensemble.perturb import BLOCK, Perturbation, PerturbationSpec, check_n
from negotia.seeding import Seed, check_seed, child, seed_sequence

if TYPE_CHECKING:
    from negotia.scenario.schema import Scenario

#: Spawn-key purpose of the red-line draws (0 = stances, 1 = a stochastic model's rng).
_RED_LINES = 2
#: Level of the Monte Carlo interval of a probability (Jeffreys interval).
LEVEL = 0.9
#: An issue's zone is called trivial when the status quo is acceptable to every party and
#: veto player in at least this share of the variants (most of them).
TRIVIAL_SHARE = 0.5


@dataclass(frozen=True)
class Blocker:
    """One reason a zone was empty, and in how many variants.

    ``kind`` is ``red_line`` (an interval that does not overlap another's) or
    ``reservation`` (the row's reservation value, jointly with the others named);
    ``role`` is ``party``, ``veto`` or ``ratification``; ``issue`` is None for a
    reservation.  ``share`` is of the variants in which the zone was empty.
    """

    kind: str
    who: str
    role: str
    issue: str | None
    count: int
    share: float

    def sentence(self) -> str:
        if self.kind == "red_line":
            if self.role == "ratification":
                return f"{self.who} on {self.issue}"
            return f"{'veto of ' if self.role == 'veto' else ''}{self.who}: red line on {self.issue}"
        if self.role == "veto":
            return f"veto of {self.who}: no better than no deal"
        return f"{self.who}: reservation value"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "who": self.who,
            "role": self.role,
            "issue": self.issue,
            "count": self.count,
            "share": self.share,
            "sentence": self.sentence(),
        }


@dataclass(frozen=True)
class ZoneProbability:
    """The probability that a zone of agreement exists, and the combined P(agreement)."""

    p_zone: float
    low: float
    high: float
    failures: int
    blockers: tuple[Blocker, ...]
    combined: CombinedAgreement

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_zone": self.p_zone,
            "p_zone_interval": [self.low, self.high],
            "failures": self.failures,
            "blockers": [b.to_dict() for b in self.blockers],
            "p_agreement": self.combined.probability,
            "p_agreement_interval": [self.combined.low, self.combined.high],
        }


@dataclass(frozen=True)
class IssueAgreement:
    """One issue: alone, in the largest partial package, and what P the forecast uses."""

    issue: str
    name: str
    status_quo: float | None
    alone: ZoneProbability
    zone_low: float | None
    zone_high: float | None
    p_partial: float
    partial: CombinedAgreement
    p_zone: float
    p_agreement: float
    status_quo_acceptable: float = 0.0

    @property
    def zone_trivial(self) -> bool:
        """The status quo is acceptable to all in most variants: no deal is needed, and the
        zone (which always holds the status quo then) is no evidence of a deal."""
        return self.status_quo_acceptable >= TRIVIAL_SHARE

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "name": self.name,
            "status_quo": self.status_quo,
            "alone": self.alone.to_dict(),
            "zone_alone_median": [self.zone_low, self.zone_high],
            "p_partial": self.p_partial,
            "p_partial_agreement": self.partial.probability,
            "p_zone": self.p_zone,
            "p_agreement": self.p_agreement,
            "status_quo_acceptable": self.status_quo_acceptable,
            "zone_trivial": self.zone_trivial,
        }


@dataclass(frozen=True)
class AgreementAnalysis:
    """The agreement analysis of a scenario (see the module docstring).

    ``issues[k].p_agreement`` is the probability the forecast mixture uses: the largest
    partial package's (combined with the prior), or the package's with ``all_or_nothing``.
    """

    scenario: str
    date: Date | None
    n: int
    seed: int
    all_or_nothing: bool
    consent: tuple[tuple[str, str], ...]
    package: ZoneProbability
    issues: tuple[IssueAgreement, ...]
    partial_sets: tuple[tuple[tuple[str, ...], float], ...]
    prior: AgreementPrior
    outcomes: tuple[IssueOutcome, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def issue(self, issue_id: str) -> IssueAgreement:
        for i in self.issues:
            if i.issue == issue_id:
                return i
        raise KeyError(issue_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "date": None if self.date is None else self.date.isoformat(),
            "variants": self.n,
            "seed": self.seed,
            "all_or_nothing": self.all_or_nothing,
            "consent": [{"who": w, "role": r} for w, r in self.consent],
            "prior": self.prior.to_dict(),
            "assumptions": {
                "sensitivity": self.package.combined.sensitivity,
                "specificity": self.package.combined.specificity,
            },
            "package": self.package.to_dict(),
            "issues": [i.to_dict() for i in self.issues],
            "partial_packages": [{"issues": list(s), "share": w} for s, w in self.partial_sets],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def jeffreys(successes: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The Jeffreys interval of a binomial proportion (Monte Carlo error of a share)."""
    from scipy.stats import beta

    tail = (1.0 - level) / 2.0
    lo = 0.0 if successes == 0 else float(beta.ppf(tail, successes + 0.5, n - successes + 0.5))
    hi = 1.0 if successes == n else float(beta.ppf(1.0 - tail, successes + 0.5, n - successes + 0.5))
    return lo, hi


def draw_bounds(consent: Consent, n: int, seed: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
    """Intervals of every row for ``n`` variants, each bound moved by N(0, its sd)."""
    m = len(consent.bounds)
    sd = np.array([b.sd for b in consent.bounds])
    shifts = np.zeros((n, m, 2))
    if m and np.any(sd > 0):
        blocks = []
        for k in range((n + BLOCK - 1) // BLOCK):
            rng = np.random.Generator(np.random.PCG64(child(seed, k, _RED_LINES)))
            blocks.append(rng.standard_normal((BLOCK, m, 2)))
        shifts = np.concatenate(blocks)[:n] * sd[None, :, None]
    return interval_arrays(consent, n, shifts)


def _blockers(counter: Counter, failures: int) -> tuple[Blocker, ...]:
    out = [
        Blocker(kind, who, role, issue, int(c), c / failures if failures else 0.0)
        for (kind, who, role, issue), c in counter.items()
    ]
    return tuple(sorted(out, key=lambda b: (-b.count, b.kind, b.who, b.issue or "")))


def _red_key(consent: Consent, row: int, issue: str) -> tuple[str, str, str, str | None]:
    label = consent.labels[row]
    who = label.split(":", 1)[1] if consent.kinds[row] == "ratification" else label
    return ("red_line", who, consent.kinds[row], issue)


def _res_key(consent: Consent, row: int) -> tuple[str, str, str, str | None]:
    return ("reservation", consent.labels[row], consent.kinds[row], None)


def _count_rows(counter: Counter, rows: np.ndarray, key: Any) -> None:
    """Add one count per entry of ``rows`` (row indices; -1 = the end of a scale, skipped)."""
    rows = rows[rows >= 0]
    for row, c in enumerate(np.bincount(rows, minlength=0).tolist()):
        if c:
            counter[key(row)] += c


def package_blockers(consent: Consent, rows: Rows, feasible: Any) -> Counter:
    """Counted reasons of the failed variants of :func:`settle` on the whole package.

    A variant whose red lines leave no room on some issues counts, on each such issue, the
    two rows whose bounds meet emptily (once if they are the same row); a variant blocked by
    reservation values counts the rows of its infeasibility certificate.
    """
    B, R, K = rows.ideal.shape
    failed = ~feasible.feasible
    red = np.zeros((B, R, K), dtype=bool)
    box = feasible.box
    for k in range(K):
        m = np.flatnonzero(failed & feasible.red_lines[:, k])
        for row in (box.low_row[m, k], box.high_row[m, k]):
            ok = row >= 0
            red[m[ok], row[ok], k] = True
    by_res = failed & ~feasible.red_lines.any(axis=1)
    return count_marks(consent, red, feasible.blocking & by_res[:, None])


def count_marks(consent: Consent, red: np.ndarray, reservation: np.ndarray) -> Counter:
    """Count, over the variants, each row marked as blocking by its red line on an issue
    (``red`` ``(B, R, K)``) or by its reservation value (``reservation`` ``(B, R)``)."""
    counter: Counter = Counter()
    for (row, k), c in np.ndenumerate(red.sum(axis=0)):
        if c:
            counter[_red_key(consent, row, consent.issue_ids[k])] += int(c)
    for row, c in enumerate(reservation.sum(axis=0).tolist()):
        if c:
            counter[_res_key(consent, row)] += int(c)
    return counter


def _issue_blockers(consent: Consent, zones: Any, k: int) -> Counter:
    if isinstance(zones, MajorityZones):
        rej = zones.rejects[:, :, k]
        red = np.zeros(zones.rejects.shape, dtype=bool)
        red[:, :, k] = rej & zones.rejects_red_line[:, :, k]
        return count_marks(consent, red, rej & ~zones.rejects_red_line[:, :, k])
    counter: Counter = Counter()
    issue = consent.issue_ids[k]
    m = ~zones.exists[:, k]
    low, high = zones.low_row[m, k], zones.high_row[m, k]
    low_red, high_red = zones.low_is_red_line[m, k], zones.high_is_red_line[m, k]
    same = (high == low) & (high_red == low_red)
    for rows_, red in ((low, low_red), (np.where(same, -1, high), high_red)):
        _count_rows(counter, rows_[red], lambda row: _red_key(consent, row, issue))
        _count_rows(counter, rows_[~red], lambda row: _res_key(consent, row))
    return counter


def _zone(successes: int, n: int, counter: Counter, prior: AgreementPrior) -> ZoneProbability:
    p = successes / n
    lo, hi = jeffreys(successes, n)
    return ZoneProbability(
        p_zone=p,
        low=lo,
        high=hi,
        failures=n - successes,
        blockers=_blockers(counter, n - successes),
        combined=combine_evidence(prior, p, p_zone_interval=(lo, hi)),
    )


def analyse_agreement(
    scenario: Scenario,
    n: int = 1000,
    *,
    seed: Seed = 0,
    all_or_nothing: bool = False,
    models: tuple[str, ...] | list[str] = ("compromise",),
    spec: PerturbationSpec | None = None,
    prior_model: str | None = None,
) -> AgreementAnalysis:
    """The agreement analysis of ``scenario`` over ``n`` Monte Carlo variants.

    Parameters
    ----------
    scenario
        A validated scenario (revisions are applied as of its date).
    n
        Number of variants.
    seed
        Seed of the run (see the module docstring).
    all_or_nothing
        Nothing is agreed until everything is agreed: every issue takes the package's P.
    models
        Registered models whose forecasts become the settlement (conditional) forecasts.
    spec
        Perturbation defaults for stances without an ``uncertainty``.
    prior_model
        The prior's model (default: the one ``metadata.prior`` names).
    """
    n = check_n(n)
    if scenario.revisions:
        scenario = scenario.as_of()
    checked = check_seed(seed)
    ss = seed_sequence(checked)
    consent = consent_of(scenario)
    arrays = Perturbation.from_scenario(scenario, spec).draw(ss, 0, n)
    lo, hi = draw_bounds(consent, n, ss)
    rows = consent_rows(consent, arrays, lo, hi)
    prior = prior_for_scenario(scenario, prior_model)
    package, zones, fallback, package_ok = _package(consent, rows, prior, n)
    voting = consent.voting
    partial = settled_sets(rows, voting if voting.any_qualified else None)
    notes = _solver_notes(partial, fallback)
    issues = _issue_results(scenario, consent, zones, partial.inclusion, package, prior, all_or_nothing)
    sq_ok = status_quo_acceptable(rows).mean(axis=0)
    issues = [replace(i, status_quo_acceptable=float(sq_ok[k])) for k, i in enumerate(issues)]
    ids = consent.issue_ids
    sets = sorted(((tuple(ids[k] for k in s), w / n) for s, w in partial.sets.items()), key=lambda t: -t[1])
    p_by_issue = {i.issue: i.p_agreement for i in issues}
    # The forecast if agreed counts the variants that settle the issue only.
    agreed = {
        issue: package_ok if all_or_nothing else partial.inclusion[:, k] > 0 for k, issue in enumerate(ids)
    }
    outcomes, warnings = outcomes_without_deal(scenario, arrays, p_by_issue, tuple(models), ss, agreed)
    return AgreementAnalysis(
        scenario=scenario.name,
        date=scenario.date,
        n=n,
        seed=checked if isinstance(checked, int) else int(checked.entropy),
        all_or_nothing=all_or_nothing,
        consent=tuple(zip(consent.labels, consent.kinds, strict=True)),
        package=package,
        issues=tuple(issues),
        partial_sets=tuple(sets[:10]),
        prior=prior,
        outcomes=outcomes,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


def _package(
    consent: Consent, rows: Rows, prior: AgreementPrior, n: int
) -> tuple[ZoneProbability, Any, int, np.ndarray]:
    """The whole package under the decision rule: its zone probability, the zones of each
    issue alone, the problems decided by the fallback solve, and the variants it settles."""
    voting = consent.voting
    if voting.any_qualified:
        # A qualified majority: every minimal winning coalition is a unanimity problem.
        whole_m = settle_majority(rows, voting)
        # Marked on failed variants only: a row counts once per variant when it blocked
        # some minimal winning coalition.
        blockers = count_marks(consent, whole_m.red, whole_m.blocking)
        package = _zone(int(whole_m.feasible.sum()), n, blockers, prior)
        return package, majority_issue_zones(rows, voting), whole_m.fallback, whole_m.feasible
    whole = settle(rows)
    package = _zone(int(whole.feasible.sum()), n, package_blockers(consent, rows, whole), prior)
    return package, issue_zones(rows), whole.fallback, whole.feasible


def _solver_notes(partial: Settled, fallback: int) -> list[str]:
    """What the reader should know about how the zones were found."""
    notes: list[str] = []
    if partial.greedy:
        notes.append(f"largest partial package found greedily (not exactly) in {partial.greedy} variants")
    if fallback + partial.fallback:
        notes.append(
            f"{fallback + partial.fallback} problems lay on the edge of a zone and were "
            "decided by a SciPy solve at tolerance 1e-9"
        )
    return notes


def status_quo_acceptable(rows: Rows) -> np.ndarray:
    """``(B, K)``: every row with a say on the issue accepts its status quo (inside its red
    lines, and at least its reservation value with the issue settled alone); False where
    an issue has no status quo."""
    K = rows.n_issues
    q = np.full(K, np.nan) if rows.status_quo is None else np.asarray(rows.status_quo, dtype=float)
    scope = rows.scope[None]
    r_lo, r_hi = reservation_intervals(rows)
    lo = np.maximum(np.where(scope, rows.lo, -np.inf), r_lo)
    hi = np.minimum(np.where(scope, rows.hi, np.inf), r_hi)
    with np.errstate(invalid="ignore"):
        ok = (lo <= q + ATOL_SCALE) & (hi >= q - ATOL_SCALE)
    return ok.all(axis=1) & np.isfinite(q)


def _issue_results(
    scenario: Scenario,
    consent: Consent,
    zones: Any,
    inclusion: np.ndarray,
    package: ZoneProbability,
    prior: AgreementPrior,
    all_or_nothing: bool,
) -> list[IssueAgreement]:
    """Per issue: the zone alone (with its median bounds), the partial inclusion, the P used."""
    n = inclusion.shape[0]
    out = []
    for k, issue in enumerate(scenario.issues):
        ok = int(zones.exists[:, k].sum())
        alone = _zone(ok, n, _issue_blockers(consent, zones, k), prior)
        p_part = float(inclusion[:, k].mean())
        part = combine_evidence(prior, p_part)
        lo_s, span = issue.scale.min, issue.scale.max - issue.scale.min
        zl = zones.lo[:, k][zones.exists[:, k]]
        zh = zones.hi[:, k][zones.exists[:, k]]
        out.append(
            IssueAgreement(
                issue=issue.id,
                name=issue.label,
                status_quo=issue.status_quo,
                alone=alone,
                zone_low=float(lo_s + span * np.median(zl)) if ok else None,
                zone_high=float(lo_s + span * np.median(zh)) if ok else None,
                p_partial=p_part,
                partial=part,
                p_zone=package.p_zone if all_or_nothing else p_part,
                p_agreement=package.combined.probability if all_or_nothing else part.probability,
            )
        )
    return out
