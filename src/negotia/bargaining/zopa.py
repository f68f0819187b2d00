"""The zone of possible agreement (ZOPA) and what blocks it.

The ZOPA of a set of parties is the set of packages that every one of them could
accept: inside each party's red lines and worth at least its reservation value
(Raiffa 1982, *The Art and Science of Negotiation*; Sebenius 1992, "Negotiation analysis",
*Management Science* 38(1): 18-38).  Because
red lines are per-issue intervals, the packages inside them form a sub-grid (the
product of each issue's allowed options).  No package list is ever formed: the size,
emptiness and the least move come from :mod:`negotia.bargaining.zone_count` (a count
issue by issue, the convex relaxation and Pareto sets of partial sums), so the time
grows polynomially with the number of issues wherever the zone's boundary stays small,
and the size becomes a labelled estimate where an exact count would not fit.

When the ZOPA is empty, :func:`zopa` says why:

* *conflicts*: two parties' red lines on one issue that do not overlap, with the gap
  between them on the issue's scale;
* *minimal relaxations*: the smallest sets of red lines whose removal opens the ZOPA
  (searched by increasing size), each with how far every line would have to move to
  reach the nearest package that would then be acceptable;
* whether the reservation values block agreement even without red lines.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from negotia.bargaining.utility import RedLineBound, UtilityModel
from negotia.bargaining.zone_count import ZoneSize, count, exists, least_cost_package
from negotia.jsonable import json_text
from negotia.seeding import check_seed


@dataclass(frozen=True)
class Conflict:
    """Red lines of two parties on one issue that leave no common ground."""

    issue: str
    high_party: str
    high_min: float
    low_party: str
    low_max: float

    @property
    def gap(self) -> float:
        return self.high_min - self.low_max

    def sentence(self) -> str:
        return (
            f"{self.high_party}'s red line on {self.issue} (min {self.high_min:g}) and "
            f"{self.low_party}'s (max {self.low_max:g}) are {self.gap:g} points apart"
        )


@dataclass(frozen=True)
class Move:
    """How far one relaxed red line has to move to admit the nearest acceptable package."""

    party: str
    issue: str
    bound: str  # "min" or "max"
    limit: float
    to: float

    @property
    def distance(self) -> float:
        return abs(self.to - self.limit)

    def sentence(self) -> str:
        return (
            f"{self.party}'s {self.bound} {self.limit:g} on {self.issue} moves "
            f"{self.distance:g} points, to {self.to:g}"
        )


@dataclass(frozen=True)
class Relaxation:
    """A set of red lines whose relaxation opens the ZOPA."""

    red_lines: tuple[RedLineBound, ...]
    moves: tuple[Move, ...]
    package: int
    zopa_size: int

    def sentence(self) -> str:
        return "; ".join(m.sentence() for m in self.moves) or "no red line has to move"


@dataclass(frozen=True)
class Zopa:
    """The zone of possible agreement of ``parties`` and, if empty, its diagnosis."""

    parties: tuple[str, ...]
    n_packages: int
    n_within_red_lines: int
    size: int
    options_within_red_lines: dict[str, int]
    conflicts: tuple[Conflict, ...] = ()
    issues_without_option: tuple[str, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    reservation_blocks: bool = False
    notes: tuple[str, ...] = field(default=())
    #: Set when ``size`` is an estimate (too many packages to count exactly).
    size_detail: ZoneSize | None = None

    @property
    def empty(self) -> bool:
        return self.size == 0

    def sentences(self) -> list[str]:
        """The diagnosis in plain words."""
        who = _join(self.parties)
        if not self.empty and self.size_detail is not None:
            d = self.size_detail
            if d.hits == 0:
                return [
                    f"Some of the {self.n_packages} packages are acceptable to {who} "
                    f"({self.n_within_red_lines} respect every red line), too few for "
                    f"{d.samples:,} random samples to meet one: fewer than {d.high:.4g} (95 %)."
                ]
            return [
                f"About {d.value:.4g} of {self.n_packages} packages are acceptable to {who} "
                f"({self.n_within_red_lines} respect every red line); estimated from "
                f"{d.samples:,} samples, 95 % interval {d.low:.4g} to {d.high:.4g}."
            ]
        if not self.empty:
            return [
                f"{self.size} of {self.n_packages} packages are acceptable to {who} "
                f"({self.n_within_red_lines} respect every red line)."
            ]
        every = "both" if len(self.parties) == 2 else "all of"
        out = []
        if self.conflicts:
            out.append(
                f"No package satisfies {every} {who}: "
                + "; ".join(c.sentence() for c in self.conflicts)
                + "."
            )
        elif self.issues_without_option:
            out.append(
                f"No package satisfies {every} {who}: no option on "
                + ", ".join(self.issues_without_option)
                + " lies inside every red line (try a finer --resolution)."
            )
        elif self.n_within_red_lines > 0:
            out.append(
                f"No package satisfies {every} {who}: {self.n_within_red_lines} packages respect every red "
                "line, but none gives each party at least its reservation value."
            )
        else:
            out.append(f"No package satisfies {every} {who}.")
        if self.relaxations:
            n = len(self.relaxations[0].red_lines)
            head = "Relaxing one red line would open a zone" if n == 1 else f"Relaxing {n} red lines would"
            head += " of agreement" if n == 1 else " open a zone of agreement"
            alts = [r.sentence() for r in self.relaxations]
            out.append(f"{head}: " + " — or — ".join(alts) + ".")
        if self.reservation_blocks:
            out.append(
                "Even without red lines no package gives every party its reservation value "
                "(the value of no agreement)."
            )
        return out

    def to_dict(self) -> dict:
        d = asdict(self)
        if self.size_detail is None:
            del d["size_detail"]  # an exact count: the output stays as it was
        else:
            d["size_exact"] = False
        d["empty"] = self.empty
        d["conflicts"] = [{**asdict(c), "gap": c.gap, "sentence": c.sentence()} for c in self.conflicts]
        d["relaxations"] = [
            {
                "red_lines": [asdict(r) for r in x.red_lines],
                "moves": [{**asdict(m), "distance": m.distance} for m in x.moves],
                "package": x.package,
                "zopa_size": x.zopa_size,
            }
            for x in self.relaxations
        ]
        d["sentences"] = self.sentences()
        return d

    def to_json(self) -> str:
        return json_text(self.to_dict())


def _join(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def conflicts(model: UtilityModel) -> tuple[Conflict, ...]:
    """Pairs of non-overlapping red lines on one issue (largest gap first per issue)."""
    out = []
    for o in model.space.issues:
        mins = [(r.min, r.party) for r in model.red_lines if r.issue == o.id and r.min is not None]
        maxs = [(r.max, r.party) for r in model.red_lines if r.issue == o.id and r.max is not None]
        for (lo, p), (hi, q) in itertools.product(mins, maxs):
            if lo > hi + 1e-12 and p != q:
                out.append(Conflict(o.id, p, lo, q, hi))
    return tuple(out)


def _tables(model: UtilityModel, options: list[np.ndarray]) -> list[np.ndarray]:
    return [t[:, o] for t, o in zip(model.tables, options, strict=True)]


def _size(model: UtilityModel, options: list[np.ndarray], seed: int) -> tuple[ZoneSize, bool | None]:
    """The zone's size and whether it is empty (None: undecided within the search budget)."""
    tables = _tables(model, options)
    size = count(tables, model.reservation, seed=seed)
    nonempty = size.nonempty
    if nonempty is None:
        nonempty = exists(tables, model.reservation, seed=seed)[0]
    if nonempty and size.value == 0:  # a package exists although no sample found one
        size = replace(size, value=1, low=max(size.low, 1), lower=max(size.lower, 1))
    return size, nonempty


def _costs(model: UtilityModel, options: list[np.ndarray], relaxed: tuple[RedLineBound, ...]) -> list:
    """Per issue, how far each allowed option lies beyond the relaxed lines (on [0, 1])."""
    costs = [np.zeros(len(o)) for o in options]
    pos = {o.id: k for k, o in enumerate(model.space.issues)}
    for r in relaxed:
        k = pos[r.issue]
        o = model.space.issues[k]
        v = o.values[options[k]]
        below = 0.0 if r.min is None else np.maximum(r.min - v, 0.0)
        above = 0.0 if r.max is None else np.maximum(v - r.max, 0.0)
        costs[k] = costs[k] + (below + above) / (o.scale_max - o.scale_min)
    return costs


def _moves(model: UtilityModel, relaxed: tuple[RedLineBound, ...], package: int) -> tuple[Move, ...]:
    vals = model.space.values(package)[0]
    issue_pos = {o.id: k for k, o in enumerate(model.space.issues)}
    moves = []
    for r in relaxed:
        v = float(vals[issue_pos[r.issue]])
        if r.min is not None and v < r.min:
            moves.append(Move(r.party, r.issue, "min", r.min, v))
        elif r.max is not None and v > r.max:
            moves.append(Move(r.party, r.issue, "max", r.max, v))
        else:  # the package lies inside the line: it need not move (distance 0)
            bound = "min" if r.min is not None else "max"
            limit = float(r.min if r.min is not None else r.max)
            moves.append(Move(r.party, r.issue, bound, limit, limit))
    return tuple(moves)


def _nearest(
    model: UtilityModel, relaxed: tuple[RedLineBound, ...], seed: int, notes: list[str]
) -> tuple[int, int, tuple[Move, ...]] | None:
    """With ``relaxed`` removed: ZOPA size, and the acceptable package that needs the least move
    (the smallest package index among equal moves)."""
    keep = tuple(r for r in model.red_lines if r not in relaxed)
    options = model.with_red_lines(keep).allowed_options()
    if any(len(o) == 0 for o in options):
        return None
    tables = _tables(model, options)
    row, decided = least_cost_package(tables, model.reservation, _costs(model, options, relaxed), seed=seed)
    if not decided:
        answer, row = exists(tables, model.reservation, seed=seed)
        if row is None:
            if answer is None:
                notes.append(
                    f"could not decide within the search budget whether relaxing {_lines(relaxed)} helps"
                )
            return None
        notes.append(
            f"relaxing {_lines(relaxed)}: the package shown is acceptable but may not need the least move"
        )
    if row is None:
        return None
    best = int(model.space.encode(np.array([[o[j] for o, j in zip(options, row, strict=True)]]))[0])
    size, _ = _size(model.with_red_lines(keep), options, seed)
    return size.value, best, _moves(model, relaxed, best)


def _lines(lines: tuple[RedLineBound, ...]) -> str:
    return "; ".join(r.describe() for r in lines)


def _relaxations(
    model: UtilityModel, max_relaxed: int, max_checks: int, blocked: bool, seed: int, notes: list[str]
) -> tuple[list[Relaxation], int]:
    """Smallest sets of red lines whose removal opens the zone, by increasing size."""
    found: list[Relaxation] = []
    checks = 0
    lines = model.red_lines
    for n in range(1, min(max_relaxed, len(lines)) + 1):
        for combo in itertools.combinations(lines, n):
            checks += 1
            if checks > max_checks:
                break
            # When reservation values block even without red lines, no relaxation helps.
            res = None if blocked else _nearest(model, combo, seed, notes)
            if res is not None:
                found.append(Relaxation(combo, res[2], res[1], res[0]))
        if found or checks > max_checks:
            break
    return found, checks


def zopa(model: UtilityModel, *, max_relaxed: int = 3, max_checks: int = 400, seed: int = 0) -> Zopa:
    """The ZOPA of all of ``model``'s parties, diagnosed when empty.

    Nothing enumerates the packages (see :mod:`negotia.bargaining.zone_count`): the size
    is exact when the issue-by-issue count stays within its budget, else an estimate
    with its interval (``size_detail``).

    Parameters
    ----------
    model
        Utilities, red lines and reservation values of the parties whose consent is
        required (use :meth:`UtilityModel.subset` to choose them).
    max_relaxed
        Largest set of red lines tried in the relaxation search.
    max_checks
        Upper bound on the number of relaxed ZOPAs evaluated.
    seed
        Seed of the Monte Carlo estimate (used only when the count is not exact).
    """
    seed = check_seed(seed)  # the seed rule: a bad seed is a ParameterError before any work
    options = model.allowed_options()
    per_issue = {o.id: len(opt) for o, opt in zip(model.space.issues, options, strict=True)}
    size, nonempty = _size(model, options, seed)
    notes: list[str] = []
    if nonempty is None:
        notes.append("whether any package is acceptable could not be decided within the search budget")
    base = dict(
        parties=model.parties,
        n_packages=model.space.size,
        n_within_red_lines=math.prod(len(o) for o in options),
        size=size.value if nonempty else 0,
        options_within_red_lines=per_issue,
        size_detail=None if size.exact else size,
    )
    if nonempty:
        return Zopa(**base, notes=tuple(notes))
    everything = [np.arange(o.size) for o in model.space.issues]
    blocked = exists(_tables(model, everything), model.reservation, seed=seed)[0] is False
    found, checks = _relaxations(model, max_relaxed, max_checks, blocked, seed, notes)
    empty_issues = tuple(o.id for o, opt in zip(model.space.issues, options, strict=True) if len(opt) == 0)
    if checks > max_checks:
        notes.append(f"relaxation search stopped after {max_checks} checks")
    return Zopa(
        **base,
        conflicts=conflicts(model),
        issues_without_option=empty_issues,
        relaxations=tuple(found),
        reservation_blocks=blocked,
        notes=tuple(notes),
    )
