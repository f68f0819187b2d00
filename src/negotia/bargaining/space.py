"""The outcome space: every package (one option per issue) of a negotiation.

A package is a choice of one option on each issue; the space is the Cartesian product
of the issues' option lists.  Packages are numbered in C order (the last issue varies
fastest), so the number of a package is the mixed-radix number of its option indices.
That number is the package's *index*; every result of :mod:`negotia.bargaining`
refers to packages by it, whatever subset (red lines, a ZOPA) was searched, so that an
index never shifts when a mask is applied.

The options of an issue are either a regular grid over its scale (``resolution``
points, ends included) or its labelled anchors (the scenario's own meaningful points).
Large spaces are never materialised whole: :meth:`OutcomeSpace.chunks` yields index
ranges and :meth:`OutcomeSpace.decode` turns indices into option indices on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from negotia.errors import ParameterError
from negotia.scenario.scale import to_unit

if TYPE_CHECKING:
    from negotia.scenario.schema import Scenario

#: Default number of grid points of an issue without (enough) anchors.
DEFAULT_RESOLUTION = 5
#: Packages evaluated at once when a space is processed in chunks.
CHUNK = 1 << 20
_INT64_MAX = (1 << 63) - 1


@dataclass(frozen=True)
class IssueOptions:
    """The options of one issue.

    Attributes
    ----------
    id, name
        The issue's id and display name.
    values
        ``(n,)`` option values on the issue's own scale, increasing (for an ordered
        issue) or ``0..n-1`` for an unordered (categorical) issue.
    labels
        Display label of each option (the anchor's text, or the number).
    ordered
        True when the options lie on a numeric scale (neighbours are meaningful).
    scale_min, scale_max
        The issue's scale (``0`` and ``n-1`` for a categorical issue).
    """

    id: str
    name: str
    values: np.ndarray
    labels: tuple[str, ...]
    ordered: bool = True
    scale_min: float = 0.0
    scale_max: float = 1.0

    @property
    def size(self) -> int:
        return len(self.labels)

    @property
    def unit(self) -> np.ndarray:
        """Option values on [0, 1] of the issue scale."""
        return to_unit(self.values, self.scale_min, self.scale_max)

    def label(self, j: int) -> str:
        return self.labels[j]


@dataclass(frozen=True)
class OutcomeSpace:
    """The Cartesian product of the issues' options.

    Attributes
    ----------
    issues
        The options of each issue, in scenario order.
    """

    issues: tuple[IssueOptions, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(o.size for o in self.issues)

    @property
    def size(self) -> int:
        """Number of packages (as a Python int: it may exceed int64 for huge spaces)."""
        n = 1
        for s in self.shape:
            n *= s
        return n

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.issues)

    def decode(self, index: np.ndarray | int) -> np.ndarray:
        """Option indices ``(n, K)`` of package indices ``index`` (C order)."""
        if self.size > _INT64_MAX:
            return self._decode_big(index)
        idx = np.atleast_1d(np.asarray(index, dtype=np.int64))
        if idx.size and (idx.min() < 0 or idx.max() >= self.size):
            raise ParameterError(f"package index out of range 0..{self.size - 1}")
        return np.stack(np.unravel_index(idx, self.shape), axis=-1).astype(np.int64)

    def encode(self, options: np.ndarray) -> np.ndarray:
        """Package indices of option indices ``(n, K)`` (Python ints beyond int64)."""
        opt = np.atleast_2d(np.asarray(options, dtype=np.int64))
        if self.size > _INT64_MAX:
            out = np.zeros(opt.shape[0], dtype=object)
            for k, n in enumerate(self.shape):
                out = out * n + opt[:, k].astype(object)
            return out
        return np.ravel_multi_index(tuple(opt.T), self.shape).astype(np.int64)

    def _decode_big(self, index: np.ndarray | int) -> np.ndarray:
        # Spaces of more than 2**63 packages (e.g. 20 issues of 100 options): Python ints.
        idx = [int(i) for i in np.atleast_1d(np.asarray(index, dtype=object))]
        if idx and (min(idx) < 0 or max(idx) >= self.size):
            raise ParameterError(f"package index out of range 0..{self.size - 1}")
        out = np.zeros((len(idx), len(self.shape)), dtype=np.int64)
        for i, v in enumerate(idx):
            for k in range(len(self.shape) - 1, -1, -1):
                v, out[i, k] = divmod(v, self.shape[k])
        return out

    def values(self, index: np.ndarray | int) -> np.ndarray:
        """Option values ``(n, K)`` on each issue's own scale."""
        opt = self.decode(index)
        return np.stack([o.values[opt[:, k]] for k, o in enumerate(self.issues)], axis=-1)

    def labels(self, index: int) -> dict[str, str]:
        """``{issue id: option label}`` of one package."""
        opt = self.decode(index)[0]
        return {o.id: o.labels[j] for o, j in zip(self.issues, opt, strict=True)}

    def chunks(self, size: int = CHUNK) -> Iterator[tuple[int, int]]:
        """``(start, stop)`` index ranges covering the space, ``size`` packages each."""
        total = self.size
        for start in range(0, total, size):
            yield start, min(start + size, total)


def _fmt(x: float) -> str:
    return f"{x:g}"


#: Most grid options one issue may have (each is a labelled option).
MAX_RESOLUTION = 100_000


def grid_options(
    issue_id: str,
    name: str,
    lo: float,
    hi: float,
    resolution: int,
    anchors: Mapping[float, str] | None = None,
) -> IssueOptions:
    """``resolution`` evenly spaced options on ``[lo, hi]`` (ends included).

    Each option is labelled with its value and, where the issue has anchors, the text
    of the nearest anchor (``"75 (≈ drops the membership goal)"``).
    """
    if resolution < 2:
        raise ParameterError(f"issue {issue_id!r}: resolution must be at least 2, got {resolution}")
    if resolution > MAX_RESOLUTION:
        # NumPy would fail deep inside linspace (or fill the memory) on a typo like 10**20
        raise ParameterError(
            f"issue {issue_id!r}: resolution {resolution} is more than the {MAX_RESOLUTION:,} "
            "options per issue negotia builds"
        )
    values = np.linspace(lo, hi, int(resolution))
    labels = []
    for v in values:
        if anchors:
            point = min(anchors, key=lambda p, v=v: (abs(p - v), p))
            text = anchors[point]
            labels.append(f"{_fmt(v)}: {text}" if abs(point - v) < 1e-9 else f"{_fmt(v)} (≈ {text})")
        else:
            labels.append(_fmt(v))
    return IssueOptions(issue_id, name, values, tuple(labels), True, float(lo), float(hi))


def anchor_options(
    issue_id: str, name: str, lo: float, hi: float, anchors: Mapping[float, str]
) -> IssueOptions:
    """The issue's labelled anchors as its options, in increasing order."""
    points = sorted(float(p) for p in anchors)
    labels = tuple(f"{_fmt(p)}: {anchors[p]}" for p in points)
    return IssueOptions(issue_id, name, np.array(points, dtype=float), labels, True, float(lo), float(hi))


def categorical_options(issue_id: str, name: str, labels: list[str]) -> IssueOptions:
    """Unordered options (a GENIUS discrete issue): values ``0..n-1``."""
    n = len(labels)
    hi = float(max(n - 1, 1))
    return IssueOptions(issue_id, name, np.arange(n, dtype=float), tuple(labels), False, 0.0, hi)


Resolution = int | str | Mapping[str, int | str] | None


def space_from_scenario(scenario: Scenario, resolution: Resolution = None) -> OutcomeSpace:
    """The outcome space of a scenario.

    Parameters
    ----------
    scenario
        A :class:`~negotia.scenario.schema.Scenario`.
    resolution
        ``None`` (default): an issue with at least three anchors uses its anchors as
        options, any other issue a grid of :data:`DEFAULT_RESOLUTION` points.
        An int: that many grid points on every issue.  ``"anchors"``: anchors
        everywhere (an issue with fewer than two anchors falls back to the default
        grid).  A mapping ``{issue id: int | "anchors"}`` sets issues one by one (the
        others take the default).
    """
    per_issue: Mapping[str, int | str] = {}
    default: int | str | None = None
    if isinstance(resolution, Mapping):
        unknown = sorted(set(resolution) - {i.id for i in scenario.issues})
        if unknown:
            raise ParameterError(f"resolution given for unknown issue(s): {', '.join(unknown)}")
        per_issue = resolution
    elif resolution is not None:
        default = resolution
    out = []
    for issue in scenario.issues:
        choice = per_issue.get(issue.id, default)
        lo, hi = issue.scale.min, issue.scale.max
        name = issue.label
        if choice is None:
            choice = "anchors" if len(issue.anchors) >= 3 else DEFAULT_RESOLUTION
        if choice == "anchors":
            if len(issue.anchors) >= 2:
                out.append(anchor_options(issue.id, name, lo, hi, issue.anchors))
            else:
                out.append(grid_options(issue.id, name, lo, hi, DEFAULT_RESOLUTION, issue.anchors))
            continue
        try:
            n = int(choice)
        except (TypeError, ValueError):
            raise ParameterError(
                f"issue {issue.id!r}: resolution must be a number of points or 'anchors', got {choice!r}"
            ) from None
        out.append(grid_options(issue.id, name, lo, hi, n, issue.anchors))
    return OutcomeSpace(tuple(out))
