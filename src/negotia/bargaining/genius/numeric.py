r"""Integer and real issues of GENIUS and GeniusWeb files, read at a stated resolution.

negotia bargains over a finite set of options per issue, so a numeric issue is read as
evenly spaced points of its range, ends included:

* an **integer** issue whose range holds at most ``points`` integers is read exactly
  (every integer); a longer range is read at ``points`` integers spread evenly over it;
* a **real** issue is always read at ``points`` values (a continuum cannot be read exactly);
* a GeniusWeb **number** issue (``{"range": {"low", "high", "step"}}``) is read exactly
  when it has at most ``points`` steps, otherwise at ``points`` of its steps.

Every issue read at fewer values than it has is named in the notes of the result, with
the values kept, so no output hides the discretisation.

The utility of a value follows the GENIUS evaluators (Lin et al. 2014; the GENIUS source
``EvaluatorInteger``, ``EvaluatorReal`` and ``EVALFUNCTYPE``) and GeniusWeb's
``NumberValueSetUtilities``:

* integer, ``<evaluator ftype="linear" slope= offset=>``:
  :math:`u(v) = \min(1, \max(0, \text{offset} + \text{slope}\,(v - \text{lower})))`;
  older files write ``parameter0``/``parameter1`` instead:
  :math:`u(v) = \text{clip}(p_1 v + p_0)`;
* real, ``linear``: :math:`u(v) = \text{clip}(p_1 v + p_0)`; ``constant``: :math:`p_0`;
  ``triangular`` (:math:`p_0` lower, :math:`p_1` upper, :math:`p_2` top): rising from 0
  at :math:`p_0` to 1 at :math:`p_2`, falling back to 0 at :math:`p_1`, 0 outside;
  ``triangular_variable_top`` the same with height :math:`p_3`;
* GeniusWeb ``numberutils``: linear from ``lowUtility`` at ``lowValue`` to ``highUtility``
  at ``highValue``, 0 outside that interval.

Unlike a discrete issue, whose evaluations GENIUS divides by their maximum, these
utilities are used as they are (GENIUS does not rescale them either).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from negotia.errors import Problem

#: Values per numeric issue when the caller does not say (``--resolution`` overrides it).
DEFAULT_POINTS = 11

#: Points per issue: one number for every numeric issue, or per issue name.
Points = int | Mapping[str, int] | None


@dataclass(frozen=True)
class NumericIssue:
    """A numeric issue's range and the values negotia reads it at."""

    kind: str  # "integer", "real" or "number" (GeniusWeb)
    low: float
    high: float
    values: tuple[float, ...]
    #: How many values the issue has (None for a real issue: a continuum).
    size: int | None

    @property
    def exact(self) -> bool:
        return self.size is not None and self.size == len(self.values)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label(v) for v in self.values)

    def note(self, name: str) -> str | None:
        """What was done to the issue, or None when it was read exactly."""
        if self.exact:
            return None
        total = "a continuum" if self.size is None else f"{self.size:,} values"
        shown = ", ".join(self.labels) if len(self.values) <= 6 else f"{label(self.values[0])}, ..."
        return (
            f"{self.kind} issue {name!r} ({total} on [{label(self.low)}, {label(self.high)}]) "
            f"read at {len(self.values)} evenly spaced values ({shown}); "
            "--resolution sets how many"
        )


def label(x: float) -> str:
    """A value as the option's label (integers without a decimal point, all digits kept)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**53 else repr(float(x))


def points_for(points: Points, name: str) -> int:
    """The number of values asked for ``name``; below 2 is an error the caller reports."""
    if points is None:
        return DEFAULT_POINTS
    if isinstance(points, Mapping):
        return int(points.get(name, DEFAULT_POINTS))
    return int(points)


def _bounds(el: ET.Element) -> tuple[str | None, str | None]:
    """The bounds written on the issue element or on its ``<range>`` child (both forms exist)."""
    lo, hi = el.get("lowerbound"), el.get("upperbound")
    rng = el.find("range")
    if rng is not None:
        lo = rng.get("lowerbound", lo)
        hi = rng.get("upperbound", hi)
    return lo, hi


def finite(raw: object) -> float | None:
    """``raw`` as a finite float, or None (missing, non-numeric, nan or infinite)."""
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _spread(size: int, n: int) -> np.ndarray:
    """``n`` distinct indices spread evenly over ``0..size-1``, both ends included."""
    return np.unique(np.rint(np.linspace(0, size - 1, n)).astype(np.int64))


def from_xml(el: ET.Element, kind: str, name: str, n: int) -> tuple[NumericIssue | None, list[Problem]]:
    """The numeric issue a GENIUS domain declares, read at ``n`` values."""
    where = f"issue {name!r}"
    raw_lo, raw_hi = _bounds(el)
    lo, hi = finite(raw_lo), finite(raw_hi)
    problems = []
    if lo is None or hi is None:
        problems.append(
            Problem(
                where, f"{kind} issue needs finite lowerbound and upperbound, got {raw_lo!r} and {raw_hi!r}"
            )
        )
    elif lo > hi:
        problems.append(Problem(where, f"lowerbound {raw_lo} is above upperbound {raw_hi}"))
    elif kind == "integer" and not (lo.is_integer() and hi.is_integer()):
        problems.append(Problem(where, f"integer issue has non-integer bounds {raw_lo} and {raw_hi}"))
    if n < 2:
        problems.append(Problem(where, f"resolution must be at least 2 values, got {n}"))
    if problems:
        return None, problems
    assert lo is not None and hi is not None
    if kind == "integer":
        size = int(hi - lo) + 1
        values = lo + _spread(size, min(n, size)).astype(float)
        return NumericIssue(kind, lo, hi, tuple(float(v) for v in values), size), []
    values = np.linspace(lo, hi, n) if hi > lo else np.array([lo])
    # 12 significant digits keep 0.3 from printing as 0.30000000000000004; the utilities
    # are evaluated at these very values, so nothing shown differs from what is used.
    return NumericIssue(kind, lo, hi, tuple(float(f"{v:.12g}") for v in values), None), []


def from_json(spec: Mapping, name: str, n: int) -> tuple[NumericIssue | None, list[Problem]]:
    """The GeniusWeb number issue ``{"range": {"low", "high", "step"}}`` read at ``n`` values."""
    where = f"issuesValues.{name}.range"
    rng = spec.get("range")
    if not isinstance(rng, Mapping):
        return None, [Problem(f"issuesValues.{name}", "expected {'values': [...]} or {'range': {...}}")]
    lo, hi, step = (finite(rng.get(k)) for k in ("low", "high", "step"))
    if lo is None or hi is None or step is None:
        return None, [Problem(where, "needs finite numbers low, high and step")]
    if step <= 0 or lo > hi:
        return None, [Problem(where, f"needs low <= high and step > 0, got {lo}, {hi}, {step}")]
    if n < 2:
        return None, [Problem(where, f"resolution must be at least 2 values, got {n}")]
    # A float step rarely divides the range exactly; a value within 1e-9 steps of high counts.
    size = math.floor((hi - lo) / step + 1e-9) + 1
    idx = _spread(size, min(n, size)).astype(float)
    return NumericIssue("number", lo, hi, tuple(float(f"{lo + k * step:.12g}") for k in idx), size), []


def _clip(u: np.ndarray) -> np.ndarray:
    return np.clip(u, 0.0, 1.0)


def _triangle(x: np.ndarray, lower: float, upper: float, top: float, height: float) -> np.ndarray:
    rising = (x >= lower) & (x < top)
    falling = (x >= top) & (x < upper)
    u = np.zeros_like(x)
    if top > lower:
        u[rising] = (x[rising] - lower) / (top - lower)
    if upper > top:
        u[falling] = 1.0 - (x[falling] - top) / (upper - top)
    return height * u


def evaluate_xml(el: ET.Element, issue: NumericIssue, name: str) -> tuple[np.ndarray | None, list[Problem]]:
    """A GENIUS profile's utility of each of the issue's values."""
    where = f"issue {name!r}"
    ev = el.find("evaluator")
    if ev is None:
        return None, [Problem(where, f"{issue.kind} issue has no <evaluator> in the profile")]
    ftype = (ev.get("ftype") or "linear").lower()
    x = np.asarray(issue.values, dtype=float)

    def param(key: str) -> float | None:
        return finite(ev.get(key))

    if ftype == "linear" and ev.get("slope") is not None:
        slope, offset = param("slope"), param("offset")
        if slope is None or offset is None:
            return None, [Problem(where, "linear evaluator needs finite slope and offset")]
        # The newer GENIUS integer evaluator measures from the lower bound.
        start = issue.low if issue.kind == "integer" else 0.0
        return _clip(offset + slope * (x - start)), []
    needs = {"linear": 2, "constant": 1, "triangular": 3, "triangular_variable_top": 4}
    if ftype not in needs:
        return None, [Problem(where, f"evaluator ftype {ftype!r} is not supported ({', '.join(needs)})")]
    ps = [param(f"parameter{k}") for k in range(needs[ftype])]
    if any(p is None for p in ps):
        keys = ", ".join(f"parameter{k}" for k in range(needs[ftype]))
        return None, [Problem(where, f"{ftype} evaluator needs finite {keys}")]
    p = [float(v) for v in ps]  # type: ignore[arg-type]
    if ftype == "linear":
        return _clip(p[1] * x + p[0]), []
    if ftype == "constant":
        return _clip(np.full_like(x, p[0])), []
    height = p[3] if ftype == "triangular_variable_top" else 1.0
    if not (p[0] <= p[2] <= p[1]):
        return None, [
            Problem(where, f"{ftype} evaluator needs lower <= top <= upper, got {p[0]}, {p[2]}, {p[1]}")
        ]
    return _clip(_triangle(x, p[0], p[1], p[2], height)), []


def evaluate_json(spec: object, issue: NumericIssue, name: str) -> tuple[np.ndarray | None, list[Problem]]:
    """A GeniusWeb profile's utility of each of the issue's values (``numberutils``)."""
    where = f"issueUtilities.{name}"
    inner = None
    if isinstance(spec, Mapping):
        inner = spec.get("numberutils") or spec.get("NumberValueSetUtilities")
    if not isinstance(inner, Mapping):
        return None, [Problem(where, "missing numberutils (lowValue, lowUtility, highValue, highUtility)")]
    keys = ("lowValue", "lowUtility", "highValue", "highUtility")
    got = [finite(inner.get(k)) for k in keys]
    if any(v is None for v in got):
        bad = ", ".join(k for k, v in zip(keys, got, strict=True) if v is None)
        return None, [Problem(where, f"numberutils needs finite {bad}")]
    lv, lu, hv, hu = (float(v) for v in got)  # type: ignore[arg-type]
    if not (0 <= lu <= 1 and 0 <= hu <= 1):
        return None, [Problem(where, "lowUtility and highUtility must lie in [0, 1]")]
    if hv <= lv:
        return None, [Problem(where, f"highValue {hv} must be above lowValue {lv}")]
    x = np.asarray(issue.values, dtype=float)
    inside = (x >= lv) & (x <= hv)
    return np.where(inside, lu + (x - lv) / (hv - lv) * (hu - lu), 0.0), []


def points_from_resolution(resolution: object) -> Points:
    """``--resolution`` as values per numeric issue (``'anchors'`` belongs to negotia scenarios)."""
    from negotia.errors import ParameterError

    def one(key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(
                f"--resolution {key}{value!r}: a GENIUS integer or real issue takes a number of "
                "values ('anchors' applies to negotia scenarios)"
            )
        return value

    if resolution is None:
        return None
    if isinstance(resolution, Mapping):
        return {str(k): one(f"{k}=", v) for k, v in resolution.items()}
    return one("", resolution)
