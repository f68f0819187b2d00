"""The bargaining space of a negotiation, in packages and plain words.

:func:`bargaining_space` puts the pieces together: the parties' utilities over the
outcome space, the ZOPA of the parties whose consent is required (and what blocks it),
the Pareto frontier of the packages they could accept, the Nash, Kalai-Smorodinsky and
utilitarian packages, and the top packages by Nash product with the trade each one
implies.

*Who concedes where* is measured against a reference outcome: for a scenario, the
capability x salience weighted mean of all actors' positions (the compromise model's
forecast); for a GENIUS domain, on each issue the option with the largest sum of the
parties' utilities.  A party *concedes* on an issue when the package gives it less
there than the reference does, and *gains* when it gives more; an issue is *traded*
when one party concedes on it and another gains.  Only differences above
:data:`CONCESSION_TOL` (on the 0-1 utility scale) count.

Top packages are taken from the Pareto frontier: a package that another acceptable
package beats for everyone is never worth proposing.

When the ZOPA is empty, the frontier and solutions are computed ignoring red lines (and,
if even then no package beats every reservation value, ignoring reservation values);
the result says so (``ignored``) and each package lists the red lines it crosses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from negotia.bargaining.pareto import FrontierTooLargeError, grid_frontier
from negotia.bargaining.solutions import (
    Solution,
    individually_rational,
    kalai_point,
    nash_point,
    nash_products,
    utilitarian_point,
)
from negotia.bargaining.space import Resolution
from negotia.bargaining.utility import UtilityModel, utility_model
from negotia.bargaining.zopa import Zopa, _join, zopa
from negotia.jsonable import json_text

if TYPE_CHECKING:
    from negotia.scenario.schema import Scenario

#: Smallest per-issue utility difference counted as a concession or a gain.
CONCESSION_TOL = 0.002
#: Most candidate packages one step of the frontier search compares (then no packages
#: are shown, with a note saying why).
FRONTIER_BUDGET = 1_000_000


@dataclass(frozen=True)
class PackageReport:
    """One package: its options, each party's utility and the trade it implies."""

    rank: int
    index: int
    values: dict[str, float]
    labels: dict[str, str]
    utilities: dict[str, float]
    nash_product: float
    concedes: dict[str, list[str]]  # issues, largest concession first
    gains: dict[str, list[str]]  # issues, largest gain first
    traded: list[str]
    crosses: list[str]

    @property
    def within_red_lines(self) -> bool:
        return not self.crosses

    def trade(self) -> str:
        """``"UKR concedes on nato; RUS concedes on guarantees"`` (largest concession first)."""
        parts = [f"{p} concedes on {', '.join(v)}" for p, v in self.concedes.items() if v]
        return "; ".join(parts) if parts else "no party concedes against the reference"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "index": self.index,
            "values": self.values,
            "labels": self.labels,
            "utilities": self.utilities,
            "nash_product": self.nash_product,
            "concedes": self.concedes,
            "gains": self.gains,
            "traded": self.traded,
            "crosses": self.crosses,
            "within_red_lines": self.within_red_lines,
            "trade": self.trade(),
        }


@dataclass(frozen=True)
class BargainingResult:
    """The bargaining space of one negotiation.

    Attributes
    ----------
    name
        Scenario (or domain) name.
    parties
        The parties whose consent is required (the utilities' axis).
    issue_ids, issue_names
        Issues of the outcome space.
    options
        Number of options per issue.
    n_packages
        Size of the outcome space.
    zopa
        The ZOPA of ``parties`` and its diagnosis.
    ignored
        ``()`` when the solutions lie in the ZOPA; ``("red lines",)`` or
        ``("red lines", "reservation values")`` when they had to be computed without them.
    pareto_size
        Packages on the Pareto frontier of the searched set.
    nash, kalai, utilitarian
        The solution packages (None if the searched set is empty).
    top
        The best frontier packages by Nash product.
    reservation
        Each party's reservation value.
    reference
        The reference outcome per issue (for concessions), on the issue scale; None for
        categorical issues.
    frontier
        Indices (original enumeration) of the Pareto frontier packages, ascending.
    pareto_size_all, frontier_all
        The whole Pareto frontier of the searched set, reservation values aside (the
        frontier above is its part every party accepts); None and ``()`` when it was
        too large to search.
    """

    name: str
    parties: tuple[str, ...]
    issue_ids: tuple[str, ...]
    issue_names: tuple[str, ...]
    options: tuple[int, ...]
    n_packages: int
    zopa: Zopa
    ignored: tuple[str, ...]
    pareto_size: int
    nash: PackageReport | None
    kalai: PackageReport | None
    utilitarian: PackageReport | None
    top: tuple[PackageReport, ...]
    reservation: dict[str, float]
    reference: dict[str, float | None]
    frontier: tuple[int, ...] = field(default=(), repr=False)
    pareto_size_all: int | None = None
    frontier_all: tuple[int, ...] = field(default=(), repr=False)
    notes: tuple[str, ...] = ()

    def summary(self) -> list[str]:
        """The result in plain words."""
        out = list(self.zopa.sentences())
        if self.ignored:
            out.append(
                f"Packages below are computed ignoring {_join(list(self.ignored))} and are flagged: "
                "they show what a bargain would look like if those lines moved."
            )
        if self.nash is not None:
            out.append(f"Nash bargaining package: {self.nash.trade()}.")
            for t in _trades(self.nash):
                out.append(t)
        if self.kalai is not None and self.nash is not None and self.kalai.index != self.nash.index:
            out.append(f"Kalai-Smorodinsky package: {self.kalai.trade()}.")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "parties": list(self.parties),
            "issues": list(self.issue_ids),
            "options": dict(zip(self.issue_ids, self.options, strict=True)),
            "n_packages": self.n_packages,
            "zopa": self.zopa.to_dict(),
            "ignored": list(self.ignored),
            "pareto_size": self.pareto_size,
            "frontier": list(self.frontier),
            "pareto_size_all": self.pareto_size_all,
            "frontier_all": list(self.frontier_all),
            "nash": None if self.nash is None else self.nash.to_dict(),
            "kalai": None if self.kalai is None else self.kalai.to_dict(),
            "utilitarian": None if self.utilitarian is None else self.utilitarian.to_dict(),
            "top": [p.to_dict() for p in self.top],
            "reservation": self.reservation,
            "reference": self.reference,
            "summary": self.summary(),
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        return json_text(self.to_dict())


def _trades(p: PackageReport) -> list[str]:
    """``"Trade: UKR gives ground on nato, where RUS gains; ..."`` sentences."""
    out = []
    for issue in p.traded:
        losers = [q for q, v in p.concedes.items() if issue in v]
        winners = [q for q, v in p.gains.items() if issue in v]
        out.append(
            f"  on {issue}: {_join(losers)} give{'s' if len(losers) == 1 else ''} ground "
            f"to {_join(winners)} ({p.labels[issue]})"
        )
    return out


def package_report(model: UtilityModel, index: int, rank: int = 0) -> PackageReport:
    """Options, utilities, concessions and crossed red lines of one package."""
    space = model.space
    opt = space.decode(index)[0]
    vals = space.values(index)[0]
    u = model.utilities(index)[:, 0]
    contrib = np.stack([t[:, j] for t, j in zip(model.tables, opt, strict=True)], axis=1)  # (P, K)
    concedes: dict[str, list[str]] = {}
    gains: dict[str, list[str]] = {}
    for p, party in enumerate(model.parties):
        concedes[party], gains[party] = [], []
        if model.reference is None:
            continue
        diff = contrib[p] - model.reference[p]
        # Largest concession (gain) first.
        for k in np.argsort(diff, kind="stable"):
            if np.isfinite(diff[k]) and diff[k] < -CONCESSION_TOL:
                concedes[party].append(space.issues[k].id)
        for k in np.argsort(-diff, kind="stable"):
            if np.isfinite(diff[k]) and diff[k] > CONCESSION_TOL:
                gains[party].append(space.issues[k].id)
    traded = [
        o.id
        for o in space.issues
        if any(o.id in v for v in concedes.values()) and any(o.id in v for v in gains.values())
    ]
    crosses = []
    for r in model.red_lines:
        k = space.issue_ids.index(r.issue)
        v = vals[k]
        if (r.min is not None and v < r.min - 1e-9) or (r.max is not None and v > r.max + 1e-9):
            crosses.append(r.describe())
    return PackageReport(
        rank=rank,
        index=int(index),
        values={o.id: float(v) for o, v in zip(space.issues, vals, strict=True)},
        labels=space.labels(index),
        utilities={p: float(x) for p, x in zip(model.parties, u, strict=True)},
        nash_product=float(nash_products(u[:, None], model.reservation)[0]),
        concedes=concedes,
        gains=gains,
        traded=traded,
        crosses=crosses,
    )


def _frontier(
    model: UtilityModel, search: UtilityModel, ignored: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """Indices and utilities of the individually rational frontier packages of ``search``.

    The frontier is built above the reservation values (the same packages as filtering
    the whole frontier, with far fewer partial packages); when none reaches them, the
    reservation values are ignored (set to 0) and the whole frontier is used.
    """
    tables, options = list(search.tables), search.allowed_options()
    reservation = search.reservation
    opts, U = grid_frontier(tables, options, floor=reservation, budget=FRONTIER_BUDGET)
    ir = individually_rational(U, reservation)
    if not ir.any():
        opts, U = grid_frontier(tables, options, budget=FRONTIER_BUDGET)
        if len(opts):
            ignored = (*ignored, "reservation values")
            reservation = np.zeros_like(reservation)
        ir = np.ones(len(opts), dtype=bool)
    idx = model.space.encode(opts) if len(opts) else np.zeros(0, dtype=np.int64)
    return idx[ir], U[:, ir], reservation, ignored


def _whole_frontier(model: UtilityModel, search: UtilityModel) -> tuple[int, ...] | None:
    """Indices of the whole frontier of ``search`` (reservation values aside), ascending."""
    try:
        opts, _ = grid_frontier(list(search.tables), search.allowed_options(), budget=FRONTIER_BUDGET)
    except FrontierTooLargeError:
        return None
    idx = model.space.encode(opts) if len(opts) else np.zeros(0, dtype=np.int64)
    return tuple(sorted(int(i) for i in idx))


def analyse(model: UtilityModel, *, top: int = 5, name: str = "") -> BargainingResult:
    """The bargaining space of ``model``'s parties (see :func:`bargaining_space`)."""
    z = zopa(model)
    ignored: tuple[str, ...] = ()
    search = model
    if z.empty:
        blocking = tuple(dict.fromkeys(r for x in z.relaxations for r in x.red_lines))
        if blocking:
            ignored = tuple(f"{r.party}'s red line on {r.issue}" for r in blocking)
            search = model.with_red_lines(tuple(r for r in model.red_lines if r not in blocking))
        else:
            ignored = ("red lines",)
            search = model.without_red_lines()
    notes = list(model.notes)
    whole: tuple[int, ...] | None = None
    try:
        idx, U, reservation, ignored = _frontier(model, search, ignored)
        whole = _whole_frontier(model, search)  # larger still when the part above failed
    except FrontierTooLargeError as e:
        notes.append(
            f"no packages shown: after {e.merged} of {e.issues} issues the Pareto frontier "
            f"needs more than {e.size:,} candidate packages compared, too many to search; "
            "choose issues (--issues) or a coarser --resolution to see packages"
        )
        idx, U, reservation = np.zeros(0, dtype=np.int64), np.zeros((model.n_parties, 0)), search.reservation
    order = np.argsort(idx, kind="stable")
    idx, U = idx[order], U[:, order]
    sols: list[Solution | None] = [
        f(idx, U, reservation) for f in (nash_point, kalai_point, utilitarian_point)
    ]
    shown = model  # all red lines stay on the model so that crossings are listed
    if "reservation values" in ignored:
        from dataclasses import replace

        shown = replace(model, reservation=reservation)
    reports = [None if s is None else package_report(shown, s.index) for s in sols]
    products = nash_products(U, reservation)
    rank_order = np.lexsort((idx, -U.sum(axis=0), -products))[:top]
    tops = tuple(package_report(shown, int(idx[j]), rank=r + 1) for r, j in enumerate(rank_order))
    ref_vals = model.reference_values
    reference = {
        o.id: (None if ref_vals is None or not np.isfinite(ref_vals[k]) else float(ref_vals[k]))
        for k, o in enumerate(model.space.issues)
    }
    return BargainingResult(
        name=name,
        parties=model.parties,
        issue_ids=model.space.issue_ids,
        issue_names=tuple(o.name for o in model.space.issues),
        options=model.space.shape,
        n_packages=model.space.size,
        zopa=z,
        ignored=ignored,
        pareto_size=int(idx.size),
        nash=reports[0],
        kalai=reports[1],
        utilitarian=reports[2],
        top=tops,
        reservation={p: float(r) for p, r in zip(model.parties, model.reservation, strict=True)},
        reference=reference,
        frontier=tuple(int(i) for i in idx),
        pareto_size_all=None if whole is None else len(whole),
        frontier_all=whole or (),
        notes=tuple(notes),
    )


def bargaining_space(
    scenario: Scenario,
    parties: list[str] | tuple[str, ...] | None = None,
    *,
    resolution: Resolution = None,
    top: int = 5,
    loss: str | None = None,
    issues: list[str] | tuple[str, ...] | None = None,
) -> BargainingResult:
    """Which packages the required parties could accept, what blocks a deal, what a fair bargain picks.

    Parameters
    ----------
    scenario
        A :class:`~negotia.scenario.schema.Scenario`.  For a scenario file or name, or a
        GENIUS or GeniusWeb domain file, call :func:`negotia.bargaining_space`; the
        utility model read from a GENIUS domain goes to :func:`analyse`.
    parties
        The parties whose consent is required; default: the scenario's
        ``required_parties`` (or every actor with a stance).
    resolution
        Options per issue (see :func:`negotia.bargaining.space.space_from_scenario`).
    top
        Number of top packages to report.
    loss
        Override the scenario's ``loss``.
    issues
        Bargain over these issues only (default: all; scenarios only).

    Examples
    --------
    >>> r = bargaining_space(negotia.load_scenario("ukraine-2025"))  # doctest: +SKIP
    >>> print("\\n".join(r.summary()))                 # doctest: +SKIP
    """
    from negotia.scenario.schema import require_scenario

    scenario = require_scenario(scenario, "bargaining_space")
    model = utility_model(scenario, parties, resolution, loss=loss, issues=issues)
    return analyse(model, top=top, name=scenario.name)
