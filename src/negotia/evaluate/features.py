"""The training view of a table of decisions: per issue with a known outcome, the inputs of
the calibrated model (:func:`negotia.models.calibrated.feature_matrix`), the outcome, the
proposal it belongs to and its institutional attributes.

Everything is on each issue's [0, 1] scale; errors are reported on the issue's own scale
by :mod:`negotia.evaluate.cv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from negotia.errors import InputError, Problem
from negotia.models.calibrated import feature_matrix
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario


@dataclass(frozen=True)
class Design:
    """Issues with a known outcome, as arrays (one row per issue).

    Attributes
    ----------
    issue_ids
        The issues, in table order.
    index
        Position of each row among the table's issues.
    features
        ``(N, K)`` features of the calibrated model.
    base, low, high
        ``(N,)`` weighted mean and the range of the positions.
    outcome
        ``(N,)`` the decision outcome on [0, 1].
    span
        ``(N,)`` width of each issue's scale (to report errors on the scale).
    groups
        ``(N,)`` proposal of each issue (the issue id itself where no group is given).
    attributes
        Per row, the issue's attributes.
    """

    issue_ids: tuple[str, ...]
    index: np.ndarray
    features: np.ndarray
    base: np.ndarray
    low: np.ndarray
    high: np.ndarray
    outcome: np.ndarray
    span: np.ndarray
    groups: np.ndarray
    attributes: tuple[dict[str, Any], ...]

    @property
    def n(self) -> int:
        return int(self.outcome.shape[0])

    def subset(self, rows: np.ndarray) -> Design:
        """The rows ``rows`` (boolean mask or index array)."""
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows)
        return Design(
            issue_ids=tuple(self.issue_ids[k] for k in rows),
            index=self.index[rows],
            features=self.features[rows],
            base=self.base[rows],
            low=self.low[rows],
            high=self.high[rows],
            outcome=self.outcome[rows],
            span=self.span[rows],
            groups=self.groups[rows],
            attributes=tuple(self.attributes[k] for k in rows),
        )


def design_from_table(table: Scenario, source: str = "table") -> Design:
    """The :class:`Design` of the issues of ``table`` that have an outcome and a forecast.

    Raises :class:`~negotia.errors.InputError` (naming ``source``) when no issue has both.
    """
    arrays = ScenarioArrays.from_scenario(table)
    features, base, low, high = (x[0] for x in feature_matrix(arrays))
    outcome = arrays.from_scale(
        np.array([np.nan if i.outcome is None else i.outcome for i in table.issues], dtype=float)
    )
    keep = np.flatnonzero(np.isfinite(outcome) & np.isfinite(base))
    if keep.size == 0:
        raise InputError(
            source,
            Problem("", "no issue has both a known outcome (column 'out') and an actor with a position"),
        )
    groups = np.array([table.issues[k].group or f"issue:{table.issues[k].id}" for k in keep])
    return Design(
        issue_ids=tuple(table.issues[k].id for k in keep),
        index=keep,
        features=features[keep],
        base=base[keep],
        low=low[keep],
        high=high[keep],
        outcome=outcome[keep],
        span=(arrays.scale_max - arrays.scale_min)[keep],
        groups=groups,
        attributes=tuple(dict(table.issues[k].attributes) for k in keep),
    )
