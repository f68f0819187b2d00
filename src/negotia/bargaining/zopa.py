"""The zone of possible agreement (ZOPA) and what blocks it.

The ZOPA of a set of parties is the set of packages that every one of them could
accept: inside each party's red lines and worth at least its reservation value
(Raiffa 1982, *The Art and Science of Negotiation*; Sebenius 1992, "Negotiation analysis",
*Management Science* 38(1): 18-38).  Because
red lines are per-issue intervals, the packages inside them form a sub-grid (the
product of each issue's allowed options); only that sub-grid is evaluated.

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
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np

from negotia.bargaining.space import CHUNK
from negotia.bargaining.utility import RedLineBound, UtilityModel
from negotia.errors import ParameterError

#: Most packages the ZOPA search evaluates (in chunks).
MAX_ENUMERATE = 50_000_000


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

    @property
    def empty(self) -> bool:
        return self.size == 0

    def sentences(self) -> list[str]:
        """The diagnosis in plain words."""
        who = _join(self.parties)
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
        return json.dumps(self.to_dict(), indent=2)


def _join(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def subgrid(
    model: UtilityModel, options: list[np.ndarray], chunk: int = CHUNK
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(index, utilities)`` over the product of ``options`` (original package indices)."""
    shape = tuple(len(o) for o in options)
    total = int(np.prod(shape, dtype=object)) if shape else 0
    if total == 0:
        return
    full = model.space.shape
    strides = np.array(
        [int(np.prod(full[k + 1 :], dtype=np.int64)) for k in range(len(full))], dtype=np.int64
    )
    for start in range(0, total, chunk):
        local = np.unravel_index(np.arange(start, min(start + chunk, total), dtype=np.int64), shape)
        opt = np.stack([np.asarray(options[k])[local[k]] for k in range(len(full))], axis=-1)
        yield opt @ strides, model.utilities_of_options(opt)


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


def _check_size(options: list[np.ndarray]) -> int:
    within = int(np.prod([len(o) for o in options], dtype=object))
    if within > MAX_ENUMERATE:
        raise ParameterError(
            f"{within:.3g} packages to check ({len(options)} issues): more than the "
            f"{MAX_ENUMERATE:.0e} negotia enumerates; use a coarser --resolution or choose "
            "issues (--issues a,b,c)"
        )
    return within


def _count(model: UtilityModel, options: list[np.ndarray]) -> tuple[int, int]:
    within = _check_size(options)
    size = 0
    for _, U in subgrid(model, options):
        size += int(np.all((U - model.reservation[:, None]) >= -1e-12, axis=0).sum())
    return within, size


def _nearest(
    model: UtilityModel, relaxed: tuple[RedLineBound, ...]
) -> tuple[int, int, tuple[Move, ...]] | None:
    """With ``relaxed`` removed: ZOPA size, and the acceptable package that needs the least move."""
    keep = tuple(r for r in model.red_lines if r not in relaxed)
    m = model.with_red_lines(keep)
    options = m.allowed_options()
    if any(len(o) == 0 for o in options):
        return None
    _check_size(options)
    issue_pos = {o.id: k for k, o in enumerate(model.space.issues)}
    best, best_cost, size = None, np.inf, 0
    for index, U in subgrid(m, options):
        ok = np.all((U - m.reservation[:, None]) >= -1e-12, axis=0)
        if not ok.any():
            continue
        size += int(ok.sum())
        idx = index[ok]
        vals = model.space.values(idx)
        cost = np.zeros(idx.size)
        for r in relaxed:
            o = model.space.issues[issue_pos[r.issue]]
            v = vals[:, issue_pos[r.issue]]
            below = 0.0 if r.min is None else np.maximum(r.min - v, 0.0)
            above = 0.0 if r.max is None else np.maximum(v - r.max, 0.0)
            cost = cost + (below + above) / (o.scale_max - o.scale_min)
        j = int(np.argmin(cost))
        if cost[j] < best_cost:
            best_cost, best = float(cost[j]), int(idx[j])
    if best is None:
        return None
    vals = model.space.values(best)[0]
    moves = []
    for r in relaxed:
        v = float(vals[issue_pos[r.issue]])
        if r.min is not None and v < r.min:
            moves.append(Move(r.party, r.issue, "min", r.min, v))
        elif r.max is not None and v > r.max:
            moves.append(Move(r.party, r.issue, "max", r.max, v))
        else:  # the line did not have to move for this package
            bound = "min" if r.min is not None else "max"
            moves.append(Move(r.party, r.issue, bound, float(r.min if r.min is not None else r.max), v))
    return size, best, tuple(moves)


def zopa(model: UtilityModel, *, max_relaxed: int = 3, max_checks: int = 400) -> Zopa:
    """The ZOPA of all of ``model``'s parties, diagnosed when empty.

    Parameters
    ----------
    model
        Utilities, red lines and reservation values of the parties whose consent is
        required (use :meth:`UtilityModel.subset` to choose them).
    max_relaxed
        Largest set of red lines tried in the relaxation search.
    max_checks
        Upper bound on the number of relaxed ZOPAs evaluated.
    """
    _check_size([np.arange(o.size) for o in model.space.issues])
    options = model.allowed_options()
    per_issue = {o.id: len(opt) for o, opt in zip(model.space.issues, options, strict=True)}
    within, size = _count(model, options)
    base = dict(
        parties=model.parties,
        n_packages=model.space.size,
        n_within_red_lines=within,
        size=size,
        options_within_red_lines=per_issue,
    )
    if size > 0:
        return Zopa(**base)
    found: list[Relaxation] = []
    checks = 0
    lines = model.red_lines
    for n in range(1, min(max_relaxed, len(lines)) + 1):
        for combo in itertools.combinations(lines, n):
            checks += 1
            if checks > max_checks:
                break
            res = _nearest(model, combo)
            if res is not None:
                found.append(Relaxation(combo, res[2], res[1], res[0]))
        if found or checks > max_checks:
            break
    reservation_blocks = (
        _count(model.without_red_lines(), [np.arange(o.size) for o in model.space.issues])[1] == 0
    )
    empty_issues = tuple(o.id for o, opt in zip(model.space.issues, options, strict=True) if len(opt) == 0)
    notes = ()
    if checks > max_checks:
        notes = (f"relaxation search stopped after {max_checks} checks",)
    return Zopa(
        **base,
        conflicts=conflicts(model),
        issues_without_option=empty_issues,
        relaxations=tuple(found),
        reservation_blocks=reservation_blocks,
        notes=notes,
    )
