"""Building blocks shared by the scenario's models: the strict base model, the finite
number check, and an acceptable interval (``Bounds``) with an optional uncertainty."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    """A model that rejects unknown fields, so that a typo in a key is reported."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


#: The largest capability accepted.  Only ratios of capabilities matter to the models, but
#: they multiply and add them (weights, votes, products of two actors' weights): above
#: about 1e150 those sums overflow to infinity and the forecast is silently 0 or NaN.  A
#: googol leaves room for every product and sum the models take (issue 16 item 3).
MAX_CAPABILITY = 1e100
#: The largest magnitude of an issue scale's ends.  Positions, forecasts and their Monte
#: Carlo sums, means and variances (squares) are computed on the issue scale; with the
#: ends within a googol none of them overflows, where a scale near 1e308 gave inf and NaN.
MAX_SCALE = 1e100


def finite(v: float | None, what: str) -> float | None:
    """``v`` unchanged, or a ValueError naming ``what`` if it is NaN or infinite."""
    if v is not None and not math.isfinite(v):
        raise ValueError(f"{what} must be a finite number, got {v}")
    return v


class Uncertainty(Strict):
    """Standard deviations of a stance's estimate, on the issue scale and salience 0-1."""

    position: float = Field(default=0.0, ge=0)
    salience: float = Field(default=0.0, ge=0)
    capability: float = Field(default=0.0, ge=0)


class Bounds(Strict):
    """An interval of acceptable outcomes on an issue's scale.

    ``sd`` is the uncertainty of both bounds (a standard deviation on the issue scale):
    how far the true limit may lie from the stated one.  Monte Carlo runs can draw the
    bounds from it; a plain forecast uses them as stated.
    """

    min: float | None = None
    max: float | None = None
    sd: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _interval(self) -> Bounds:
        check_interval(self.min, self.max, self.sd, "an acceptable interval")
        return self


def check_interval(lo: float | None, hi: float | None, sd: float | None, what: str) -> None:
    """Raise ValueError unless ``[lo, hi]`` is a proper interval with finite numbers."""
    if lo is None and hi is None:
        raise ValueError(f"{what} needs min, max or both")
    finite(lo, "min")
    finite(hi, "max")
    finite(sd, "sd")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"min ({lo:g}) is greater than max ({hi:g})")
