"""The zone of agreement by enumerating every package: the method negotia used before
:mod:`negotia.bargaining.zone_count`, kept as the reference the tests and the benchmark
compare the new path with (it refuses spaces over :data:`MAX_ENUMERATE` packages)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from negotia.bargaining.space import CHUNK
from negotia.bargaining.utility import RedLineBound, UtilityModel
from negotia.bargaining.zopa import Move, Relaxation, Zopa, conflicts
from negotia.errors import ParameterError

#: Most packages the ZOPA search evaluates (in chunks).
MAX_ENUMERATE = 50_000_000


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


def enumerate_zopa(model: UtilityModel, *, max_relaxed: int = 3, max_checks: int = 400) -> Zopa:
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
