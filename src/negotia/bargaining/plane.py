"""Two parties' utility plane: what a picture of their bargaining problem needs.

:func:`utility_plane` gives, for two parties of a scenario, the utilities of a sample
of packages (all of them when the space is small) with a mask of those inside every
red line of both, the Pareto frontier with and without the red lines, the reservation
values (the disagreement point) and the Nash and Kalai-Smorodinsky packages.

Nothing here enumerates the whole outcome space: the frontiers come from
:func:`negotia.bargaining.pareto.grid_frontier` (issue by issue), so the plane of a
scenario with many issues costs no more than its sample.  The solutions are picked
among the frontier inside the red lines when one exists and beats both reservation
values; otherwise without the red lines that conflict pairwise on an issue (as
``negotia bargain`` relaxes the blocking ones), and failing that without any red line;
``ignored`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negotia.bargaining.pareto import FrontierTooLargeError, grid_frontier
from negotia.bargaining.solutions import Solution, individually_rational, kalai_point, nash_point
from negotia.bargaining.utility import utility_model
from negotia.bargaining.zopa import zopa
from negotia.errors import ParameterError

#: Packages drawn for the cloud when the space is larger than this.
SAMPLE = 4000
#: Most candidate packages one step of the frontier construction compares (the budget
#: of :func:`grid_frontier`): when two parties' gains trade one for one on many issues,
#: nearly every package is on the frontier, and building it could exhaust memory.
FRONTIER_BUDGET = 4_000_000


def _frontier(
    tables: list[np.ndarray], options: list[np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`grid_frontier` within :data:`FRONTIER_BUDGET`, or a clear error."""
    try:
        return grid_frontier(tables, options, budget=FRONTIER_BUDGET)
    except FrontierTooLargeError as e:
        raise ParameterError(
            f"the two parties' Pareto frontier is too large to draw ({e}): their gains trade "
            "one for one on many issues"
        ) from None


@dataclass(frozen=True)
class UtilityPlane:
    """Two parties' utilities over the outcome space (axis 0 = ``parties[0]``).

    Attributes
    ----------
    parties
        The two parties.
    n_packages
        Size of the outcome space.
    utilities
        ``(2, n)`` utilities of the sampled packages (all when ``sampled`` is False).
    within
        ``(n,)`` True where a sampled package respects both parties' red lines.
    sampled
        Whether ``utilities`` is a uniform sample (seeded) rather than every package.
    frontier
        ``(2, m)`` the Pareto frontier ignoring red lines, sorted by the first party.
    frontier_within
        ``(2, k)`` the Pareto frontier of the packages inside every red line (empty if
        none is), sorted by the first party.
    reservation
        ``(2,)`` each party's utility of no agreement (its status quo).
    nash, kalai
        The solutions (None if no package beats both reservation values).
    ignored
        The red lines the solutions had to be found without (``""`` when none): those
        that conflict pairwise on an issue, or ``"all red lines"``.
    """

    parties: tuple[str, str]
    n_packages: int
    utilities: np.ndarray
    within: np.ndarray
    sampled: bool
    frontier: np.ndarray
    frontier_within: np.ndarray
    reservation: np.ndarray
    nash: Solution | None
    kalai: Solution | None
    ignored: str = ""

    def to_dict(self) -> dict[str, Any]:
        def sol(s: Solution | None) -> dict[str, Any] | None:
            return None if s is None else s.to_dict(self.parties)

        return {
            "parties": list(self.parties),
            "n_packages": self.n_packages,
            "sampled": self.sampled,
            "utilities": self.utilities.tolist(),
            "within": self.within.tolist(),
            "frontier": self.frontier.tolist(),
            "frontier_within": self.frontier_within.tolist(),
            "reservation": self.reservation.tolist(),
            "nash": sol(self.nash),
            "kalai": sol(self.kalai),
            "ignored": self.ignored,
        }


def _sorted(U: np.ndarray) -> np.ndarray:
    return U[:, np.argsort(U[0], kind="stable")] if U.shape[1] else U


def _search(
    model: Any,
    opts_in: np.ndarray,
    F_in: np.ndarray,
    opts_all: np.ndarray,
    F_all: np.ndarray,
    res: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Where the solutions are sought: inside every red line if that beats both reservation
    values; else without the red lines of the minimal relaxations (as ``bargain`` relaxes
    them); else without any red line."""
    if F_in.shape[1] and individually_rational(F_in, res).any():
        return model.space.encode(opts_in), F_in, ""
    # The red lines of the minimal relaxations that reopen the zone, as `bargain` relaxes them.
    blocking = tuple(dict.fromkeys(r for x in zopa(model).relaxations for r in x.red_lines))
    if blocking:
        relaxed = model.with_red_lines(tuple(r for r in model.red_lines if r not in blocking))
        opts, F = _frontier(list(relaxed.tables), relaxed.allowed_options())
        if F.shape[1] and individually_rational(F, res).any():
            names = sorted(f"{r.party}'s red line on {r.issue}" for r in blocking)
            return model.space.encode(opts), F, ", ".join(names)
    return model.space.encode(opts_all), F_all, "all red lines"


def utility_plane(
    scenario: Any,
    parties: list[str] | tuple[str, ...] | None = None,
    *,
    sample: int = SAMPLE,
    seed: int = 0,
) -> UtilityPlane:
    """The utility plane of two parties of ``scenario`` (default: its first two parties).

    ``sample`` packages are drawn uniformly (with ``seed``) when the space holds more.
    """
    if sample < 1:
        raise ParameterError(f"sample must be a positive number of packages, got {sample}")
    chosen = list(parties) if parties else list(getattr(scenario, "parties", []))[:2]
    if len(chosen) != 2:
        raise ParameterError(f"the utility plane needs exactly two parties, got {len(chosen)}")
    model = utility_model(scenario, chosen)
    size = int(model.space.size)
    if size > sample:
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        idx = np.sort(rng.choice(size, size=sample, replace=False)).astype(np.int64)
    else:
        idx = np.arange(size, dtype=np.int64)
    U = model.utilities(idx)
    within = model.acceptable(idx)
    opts_all, F_all = _frontier(list(model.tables))
    opts_in, F_in = _frontier(list(model.tables), model.allowed_options())
    res = np.asarray(model.reservation, dtype=float)
    index, F, ignored = _search(model, opts_in, F_in, opts_all, F_all, res)
    return UtilityPlane(
        parties=(model.parties[0], model.parties[1]),
        n_packages=size,
        utilities=U,
        within=within,
        sampled=size > sample,
        frontier=_sorted(F_all),
        frontier_within=_sorted(F_in),
        reservation=res,
        nash=nash_point(index, F, res),
        kalai=kalai_point(index, F, res),
        ignored=ignored,
    )
