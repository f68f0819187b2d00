"""The items of a scenario: sources, actors, issues (with their scales), stances, red lines.

They live apart from :class:`~negotia.scenario.schema.Scenario` so that the modules that
replay revisions onto them (:mod:`~negotia.scenario.snapshot`) can build them without
importing the schema, which imports those modules; ``negotia.scenario.schema`` re-exports
every class, and that is where users import them from.
"""

from __future__ import annotations

import math
from datetime import date as Date
from typing import Any

from pydantic import Field, field_validator, model_validator

from negotia.scenario.fields import MAX_CAPABILITY, MAX_SCALE, Uncertainty, check_interval
from negotia.scenario.fields import Strict as _Strict
from negotia.scenario.fields import finite as _finite
from negotia.scenario.redlines import within
from negotia.scenario.roles import DecisionRule, RoleName

__all__ = ["Actor", "Issue", "RedLine", "Scale", "Source", "Stance"]


class Source(_Strict):
    """Where a stance or figure comes from."""

    title: str
    publisher: str | None = None
    date: Date | None = None
    url: str | None = None
    note: str | None = None


def _capability(v: float | None) -> float | None:
    if v is not None and v > MAX_CAPABILITY:
        raise ValueError(
            f"capability {v:g} is above {MAX_CAPABILITY:g}: the models' weighted sums would "
            "overflow; only ratios of capabilities matter, so state them in a larger unit"
        )
    return v


class Actor(_Strict):
    """A party to the negotiation.

    ``capability`` is the actor's default power resource (e.g. military expenditure in
    US$ bn); a stance may override it per issue.  ``role`` says whether its consent
    counts (see :mod:`negotia.scenario.roles`; left out, it follows from
    ``required_parties`` and ``group``); ``veto_on`` names the issues a ``veto`` player
    can block (all when empty).
    """

    id: str = Field(min_length=1)
    name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    group: str | None = None
    capability: float | None = Field(default=None, ge=0)  # at most MAX_CAPABILITY (below)
    capability_source: str | None = None
    role: RoleName | None = None
    veto_on: list[str] = Field(default_factory=list)
    note: str | None = None

    @field_validator("capability")
    @classmethod
    def _cap_finite(cls, v: float | None) -> float | None:
        return _capability(_finite(v, "capability"))

    @property
    def label(self) -> str:
        return self.name or self.id


class Scale(_Strict):
    """The numeric range of an issue."""

    min: float = 0.0
    max: float = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        _finite(self.min, "scale.min")
        _finite(self.max, "scale.max")
        if not self.max > self.min:
            raise ValueError(f"scale.max ({self.max}) must be greater than scale.min ({self.min})")
        if max(-self.min, self.max) > MAX_SCALE:
            raise ValueError(
                f"the scale from {self.min:g} to {self.max:g} goes beyond ±{MAX_SCALE:g}: sums and "
                "means of forecasts on it would overflow; state it in a larger unit"
            )
        return self


class Issue(_Strict):
    """One issue: a numeric scale whose points mean something.

    ``anchors`` label points of the scale (``{0: "membership on a timetable"}``).
    ``status_quo`` is the reversion point if no agreement is reached.  ``outcome`` is the
    known decision, for back-testing; ``group`` ties issues of one proposal together and
    ``attributes`` holds the institutional setting (procedure, voting rule, ...).
    ``decision_rule`` overrides the scenario's rule on this issue.
    """

    id: str = Field(min_length=1)
    name: str | None = None
    description: str | None = None
    scale: Scale = Field(default_factory=Scale)
    anchors: dict[float, str] = Field(default_factory=dict)
    status_quo: float | None = None
    outcome: float | None = None
    group: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    decision_rule: DecisionRule | None = None

    @model_validator(mode="after")
    def _inside_scale(self) -> Issue:
        lo, hi = self.scale.min, self.scale.max
        bad = []
        for what, v in (("status_quo", self.status_quo), ("outcome", self.outcome)):
            if v is None:
                continue
            if not math.isfinite(v):
                bad.append(f"{what} must be a finite number, got {v}")
            elif not lo <= v <= hi:
                bad.append(f"{what} {v:g} is outside the issue scale [{lo:g}, {hi:g}]")
        for point in self.anchors:
            if not math.isfinite(point) or not lo <= point <= hi:
                bad.append(f"anchor {point:g} is outside the issue scale [{lo:g}, {hi:g}]")
        if bad:
            raise ValueError("; ".join(bad))
        return self

    @property
    def label(self) -> str:
        return self.name or self.id

    def nearest_anchor(self, value: float) -> str | None:
        """The label of the anchor closest to ``value`` (None if the issue has none)."""
        if not self.anchors or not math.isfinite(value):
            return None
        point = min(self.anchors, key=lambda p: (abs(p - value), p))
        return self.anchors[point]


class Stance(_Strict):
    """An actor's stance on one issue."""

    actor: str
    issue: str
    # Finite numbers checked by pydantic itself (no Python call per field): a scenario
    # may hold a hundred thousand stances.
    position: float = Field(allow_inf_nan=False)
    salience: float = Field(ge=0, allow_inf_nan=False)
    capability: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    uncertainty: Uncertainty | None = None

    @field_validator("capability")
    @classmethod
    def _cap_size(cls, v: float | None) -> float | None:
        return _capability(v)

    source: str | None = None
    note: str | None = None


class RedLine(_Strict):
    """The interval of outcomes on one issue that an actor can accept.

    ``sd`` is the uncertainty of its bounds (a standard deviation on the issue scale),
    for Monte Carlo runs; a plain forecast uses the bounds as stated.
    """

    actor: str
    issue: str
    min: float | None = None
    max: float | None = None
    sd: float | None = Field(default=None, ge=0)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _interval(self) -> RedLine:
        check_interval(self.min, self.max, self.sd, "a red line")
        return self

    def accepts(self, value: float, span: float = 1.0) -> bool:
        """Whether ``value`` (on the issue scale) is inside the line.

        ``span`` is the issue's scale width, to which the tolerance of the one red-line
        test (:mod:`negotia.scenario.redlines`) is relative;
        :meth:`Scenario.red_line_crossings` passes it.
        """
        return within(value, self.min, self.max, span)
