"""The red-line test: is a value inside an actor's acceptable interval?

One test with one tolerance for the whole library: :meth:`RedLine.accepts`,
:meth:`Scenario.red_line_crossings`, the bargaining masks and zones, and the Monte
Carlo red-line risks all call :func:`within`.  The tolerance is relative to the issue's
span, so a value that reproduces a bound up to rounding (a package on a grid, a value
mapped to [0, 1] and back) is never reported as crossing it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["RED_LINE_ATOL", "within"]

#: Tolerance of the red-line test as a fraction of the issue's span (on the unit scale
#: it is absolute).
RED_LINE_ATOL = 1e-9


def within(value: Any, lo: Any = None, hi: Any = None, span: Any = 1.0) -> Any:
    """True where ``value`` lies in ``[lo, hi]`` up to ``RED_LINE_ATOL * span``.

    A bound that is None (or infinite) is open.  Arguments broadcast like NumPy
    arrays; scalars give a plain ``bool``.
    """
    v = np.asarray(value, dtype=float)
    tol = RED_LINE_ATOL * np.asarray(span, dtype=float)
    lower = -np.inf if lo is None else np.asarray(lo, dtype=float)
    upper = np.inf if hi is None else np.asarray(hi, dtype=float)
    out = (v >= lower - tol) & (v <= upper + tol)
    return bool(out) if np.ndim(out) == 0 else out
