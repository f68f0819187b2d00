"""How large and how long a run of the exchange model will be, before it starts.

A round has one candidate exchange per pair of actors on opposite sides of the expected
outcomes of a pair of issues: about ``A**2 I**2 / 16`` when every actor is on every
issue.  The compiled round holds each candidate's state in memory, and its time grows
with the same count: enumerating and calculating the candidates is linear in it, and
each of the ``O(A I)`` realised exchanges recalculates the ``O(A I)`` candidates that
share an actor and an issue with it (``bench/exchange_scaling_bench.py``: log-log
slopes of about 2 against actors and against issues).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from negotia.errors import ParameterError
from negotia.scenario.arrays import ScenarioArrays

#: Memory the compiled round holds per candidate exchange: a row of integers (32 bytes)
#: and one of floats (72), its entries in the index, the max-tree and the log, and the
#: keys of the index while it is built (kernel.py).  Measured: a peak of about 160
#: bytes per estimated candidate (300 actors x 20 issues); rounded up.
BYTES_PER_EXCHANGE = 200
#: CPU seconds per estimated candidate and round, default (decimal) arithmetic, measured
#: with bench/exchange_scaling_bench.py on the project's 2-core machine under load: 0.7 µs
#: (100 x 30) to 0.9 µs (25 x 20) at load average 7, up to 1 µs at load 10; rounded up.
SECONDS_PER_CANDIDATE_ROUND = 1.0e-6


def issue_blocks(arrays: ScenarioArrays, within: str) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of issues that exchange with each other, as CSR (offsets, issue indices).

    Issues with different values of the issue attribute ``within`` are separate
    negotiations; blocks are numbered by first appearance, issues ascending in each.
    """
    I = arrays.n_issues
    keys = None
    if within and arrays.issue_attributes is not None:
        keys = [attrs.get(within) for attrs in arrays.issue_attributes]
        if all(k is None for k in keys):
            keys = None
    if keys is None:
        return np.array([0, I], dtype=np.int64), np.arange(I, dtype=np.int64)
    ids: dict[Any, int] = {}
    block = np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=np.int64)
    order = np.argsort(block, kind="stable")
    off = np.concatenate([[0], np.cumsum(np.bincount(block, minlength=len(ids)))]).astype(np.int64)
    return off, order.astype(np.int64)


def candidates(arrays: ScenarioArrays, within: str = "prnr") -> np.ndarray:
    """Estimated candidate exchanges of each batch element's first round, ``(B,)``.

    On a pair of issues, the actors that can trade on both fall in four groups by their
    side of the two expected outcomes; exchanges pair group 0 with 3 and 1 with 2, about
    ``m**2 / 8`` of ``m`` such actors when sides are mixed at random (``m**2 / 4`` at
    most).  Pairs of issues in separate negotiations (``within``) do not trade.
    """
    present = arrays.present & (arrays.salience > 0) & (arrays.capability > 0)
    off, order = issue_blocks(arrays, within)
    out = np.zeros(arrays.batch)
    for b in range(arrays.batch):
        e = present[b].astype(np.float64)  # (A, I)
        for k in range(len(off) - 1):
            cols = order[off[k] : off[k + 1]]
            m = e[:, cols].T @ e[:, cols]  # actors eligible on both issues of each pair
            out[b] += (np.triu(m, 1) ** 2).sum() / 8.0
    return out


def size_estimate(arrays: ScenarioArrays, within: str = "prnr") -> tuple[int, float]:
    """(candidate exchanges, bytes) of the largest batch element's first round: the lanes
    run one after the other, so the largest one sets the memory."""
    n = round(float(candidates(arrays, within).max(initial=0.0)))
    return n, float(n) * BYTES_PER_EXCHANGE


def time_estimate(arrays: ScenarioArrays, rounds: int, within: str = "prnr") -> float:
    """CPU seconds of a run on one core: every batch element's candidates, every round."""
    return SECONDS_PER_CANDIDATE_ROUND * float(candidates(arrays, within).sum()) * rounds


def check_size(arrays: ScenarioArrays, within: str, rounds: int, max_seconds: float, max_gb: float) -> None:
    """:class:`ParameterError` with the numbers when a run would need more memory than
    ``max_gb`` or take longer than ``max_seconds``."""
    n, need = size_estimate(arrays, within)
    what = f"the exchange model on {arrays.n_actors:,} actors x {arrays.n_issues:,} issues"
    if need > max_gb * 1e9:
        raise ParameterError(
            f"{what} would weigh about {n:,} candidate exchanges a round, about {need / 1e9:.1f} GB of "
            f"memory (more than the limit of {max_gb:g} GB); choose other models (-m), or raise the limit "
            f"to go ahead (--max-gb {max(1, int(np.ceil(2 * need / 1e9)))})"
        )
    secs = time_estimate(arrays, rounds, within)
    if secs > max_seconds:
        runs = f", {arrays.batch:,} variants" if arrays.batch > 1 else ""
        raise ParameterError(
            f"{what}, {rounds} rounds{runs}, would take about {secs:,.0f} s on one core (more than the "
            f"limit of {max_seconds:g} s); choose fewer rounds or other models (-m), or raise the limit "
            f"to go ahead (--max-seconds {np.ceil(2 * secs):.0f})"
        )
