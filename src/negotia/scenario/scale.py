"""Issue scale <-> [0, 1]: the one mapping every model, result and format uses.

Models work on the unit interval; a user reads each issue on its own scale (``min`` to
``max``, e.g. 0-100 % of territory).  Both directions are written once here, as the
exact same arithmetic everywhere, so a value mapped there and back is the value a
forecast, a Monte Carlo summary and a file report alike.  Arguments broadcast like
NumPy arrays (the last axis is usually the issues).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["to_scale", "to_unit"]


def to_unit(value: Any, lo: Any, hi: Any) -> Any:
    """``value`` on the scale ``[lo, hi]`` as a fraction of the way from ``lo`` to ``hi``."""
    return (np.asarray(value, dtype=float) - lo) / (np.asarray(hi, dtype=float) - lo)


def to_scale(unit: Any, lo: Any, hi: Any) -> Any:
    """``unit`` on [0, 1] as a value on the scale ``[lo, hi]``."""
    return lo + np.asarray(unit, dtype=float) * (np.asarray(hi, dtype=float) - lo)
