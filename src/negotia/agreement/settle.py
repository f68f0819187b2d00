"""Which issues could be settled on their own: the largest settleable partial package.

A partial package settles a set ``S`` of issues and leaves the others at the status quo.
Enumerating all 2^n sets is out of the question with 12 or more issues, and most of them
need no search, because of two exact facts about the constraints of
:mod:`negotia.bargaining.feasible`:

* an issue whose red lines do not overlap (an empty red-line box) is in no settleable set;
* an issue is *free* when its status quo lies inside its red-line box (or it has no
  status quo): settling it at the status quo changes no one's loss, so adding it to a
  settleable set keeps that set settleable.

So the largest settleable sets are the free issues plus the largest settleable subsets
``T`` of the remaining *contested* issues (overlapping red lines that exclude the status
quo).  They are searched by decreasing size of ``T``, exactly, as long as a level holds at
most :data:`MAX_SUBSETS` candidate sets for a variant; beyond that the variant drops, one
at a time, the contested issue that costs the blocking rows most (the extra loss of moving
it from the status quo to the nearest point of its box), a greedy step that is not exact
and is counted in the result.  When several sets of the largest size settle, each counts as
equally likely: an issue's *inclusion* is the share of them that contain it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from math import comb
from typing import Any

import numpy as np

from negotia.bargaining.feasible import ATOL_SCALE, Rows, loss_of, red_line_box, settle
from negotia.bargaining.majority import Voting, red_line_compatible, settle_majority

#: Candidate sets per variant and level searched exactly before the greedy step takes over.
MAX_SUBSETS = 64


@dataclass(frozen=True)
class Settled:
    """Per variant: the inclusion of each issue in the largest settleable partial package.

    ``inclusion`` ``(B, K)`` in [0, 1]; ``sets`` maps a settleable set (a tuple of issue
    indices) to its summed weight over variants; ``greedy`` counts the variants decided
    (partly) by the greedy step; ``fallback`` the problems the SciPy solve decided.
    """

    inclusion: np.ndarray
    sets: dict[tuple[int, ...], float]
    greedy: int
    fallback: int


def _count_sets(sets: dict[tuple[int, ...], float], masks: np.ndarray, weights: np.ndarray) -> None:
    """Add ``weights`` to the count of each set in ``masks`` (rows of issue masks)."""
    if not len(masks):
        return
    codes, inverse = np.unique(_bits(masks), return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=weights)
    for code, w in zip(codes.tolist(), sums.tolist(), strict=True):
        key = tuple(k for k in range(masks.shape[1]) if (code >> k) & 1)
        sets[key] = sets.get(key, 0.0) + w


def _bits(mask: np.ndarray) -> np.ndarray:
    return (mask.astype(np.int64) << np.arange(mask.shape[-1], dtype=np.int64)).sum(axis=-1)


def settled_sets(rows: Rows, voting: Voting | None = None) -> Settled:
    """The largest settleable partial packages of every variant (see the module doc).

    With ``voting`` (qualified-majority rules) a set settles when some minimal winning
    coalition accepts a package (:func:`~negotia.bargaining.majority.settle_majority`).
    Neither shortcut of the unanimity case holds there (adding an issue changes which
    coalitions win, and the red lines of a coalition may overlap where everyone's do
    not): every issue whose red lines leave a winning coalition some room is contested.
    """
    B, K = rows.batch, rows.n_issues
    box = red_line_box(rows)
    q = np.full(K, np.nan) if rows.status_quo is None else np.asarray(rows.status_quo, dtype=float)
    if voting is not None:
        compatible = red_line_compatible(rows, voting)
        free = np.zeros((B, K), dtype=bool)

        def solve(r: Rows, s: np.ndarray) -> Any:
            return settle_majority(r, voting, s)
    else:
        compatible = ~box.empty
        free = compatible & (~np.isfinite(q) | ((q >= box.lo - ATOL_SCALE) & (q <= box.hi + ATOL_SCALE)))
        solve = settle
    contested = compatible & ~free
    inclusion = np.zeros((B, K))
    sets: dict[tuple[int, ...], float] = {}
    greedy_rows: set[int] = set()
    fallback = n_greedy = 0
    pattern = _bits(contested)
    undecided = np.ones(B, dtype=bool)
    for level in range(K + 1):
        if not undecided.any():
            break
        cand_b: list[np.ndarray] = []
        cand_s: list[np.ndarray] = []
        for pat in np.unique(pattern[undecided]):
            members = np.flatnonzero(undecided & (pattern == pat))
            bits = [k for k in range(K) if (int(pat) >> k) & 1]
            m = len(bits)
            size = m - level
            if size < 0:
                continue
            if comb(m, size) > MAX_SUBSETS:
                greedy_rows.update(members.tolist())
                continue
            for keep in itertools.combinations(bits, size):
                s = np.zeros(K, dtype=bool)
                s[list(keep)] = True
                cand_b.append(members)
                cand_s.append(np.broadcast_to(s, (members.size, K)))
        if cand_b:
            b_idx = np.concatenate(cand_b)
            s_idx = np.concatenate(cand_s) | free[b_idx]
            res = solve(rows.take(b_idx), s_idx)
            fallback += res.fallback
            ok = res.feasible
            hits = np.bincount(b_idx[ok], minlength=B).astype(float)
            share = 1.0 / hits[b_idx[ok]]
            np.add.at(inclusion, b_idx[ok], s_idx[ok] * share[:, None])
            _count_sets(sets, s_idx[ok], share)
            undecided &= ~(hits > 0)
        if greedy_rows:
            todo = np.array(sorted(b for b in greedy_rows if undecided[b]), dtype=np.int64)
            greedy_rows.clear()
            if todo.size:
                fb, found = _greedy(rows, todo, free, contested, q, box.lo, box.hi, solve)
                fallback += fb
                n_greedy += todo.size
                for b, s in found.items():
                    inclusion[b] = s
                if found:
                    _count_sets(sets, np.array(list(found.values())) > 0, np.ones(len(found)))
                undecided[todo] = False
    # Variants never decided have no settleable set (only with reservations above the
    # status quo's utility): their inclusion stays 0.
    return Settled(inclusion, sets, n_greedy, fallback)


def _greedy(
    rows: Rows,
    todo: np.ndarray,
    free: np.ndarray,
    contested: np.ndarray,
    q: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    solve: Callable[[Rows, np.ndarray], Any] = settle,
) -> tuple[int, dict[int, np.ndarray]]:
    """Drop contested issues one at a time until the set settles (not exact)."""
    found: dict[int, np.ndarray] = {}
    fallback = 0
    cur = contested[todo].copy()
    live = np.arange(todo.size)
    while live.size:
        b = todo[live]
        s = cur[live] | free[b]
        res = solve(rows.take(b), s)
        fallback += res.fallback
        for j in np.flatnonzero(res.feasible):
            found[int(b[j])] = s[j].astype(float)
        left = ~res.feasible & cur[live].any(axis=1)
        if not left.any():
            break
        sub = live[left]
        bb = todo[sub]
        # The extra loss of moving each contested issue to its box's point nearest the
        # status quo, summed over the rows that block (all involved rows if none is named).
        near = np.clip(np.where(np.isfinite(q), q, 0.5 * (lo[bb] + hi[bb])), lo[bb], hi[bb])
        extra = rows.coef[bb] * loss_of(near[:, None, :] - rows.ideal[bb], rows.loss) - rows.base[bb]
        who = res.blocking[left]
        who = np.where(who.any(axis=1, keepdims=True), who, True)
        cost = np.where(cur[sub], (extra * who[:, :, None]).sum(axis=1), -np.inf)
        drop = np.argmax(cost, axis=1)
        cur[sub, drop] = False
        live = sub
    return fallback, found
