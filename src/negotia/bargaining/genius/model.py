"""A GENIUS domain and a party's profile as negotia holds them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotia.bargaining.genius.numeric import NumericIssue
from negotia.bargaining.space import IssueOptions, OutcomeSpace, categorical_options


@dataclass(frozen=True)
class Domain:
    """Issues and their values, in file order."""

    name: str
    issues: tuple[tuple[str, tuple[str, ...]], ...]
    #: The integer and real issues by name, with the values they are read at.
    numeric: tuple[tuple[str, NumericIssue], ...] = ()

    def numeric_issue(self, name: str) -> NumericIssue | None:
        return dict(self.numeric).get(name)

    @property
    def space(self) -> OutcomeSpace:
        return OutcomeSpace(tuple(self._options(n, v) for n, v in self.issues))

    def _options(self, name: str, values: tuple[str, ...]) -> IssueOptions:
        num = self.numeric_issue(name)
        if num is None:
            return categorical_options(name, name, list(values))
        hi = num.high if num.high > num.low else num.low + 1.0
        return IssueOptions(name, name, np.asarray(num.values, dtype=float), values, True, num.low, hi)

    def notes(self) -> list[str]:
        """The numeric issues read at fewer values than they have, each with what was kept."""
        return [n for n in (num.note(name) for name, num in self.numeric) if n]

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.issues)


@dataclass(frozen=True)
class Profile:
    """A linear additive profile: issue weights (sum 1), value utilities (max 1 per issue)."""

    name: str
    weights: tuple[float, ...]
    utilities: tuple[tuple[float, ...], ...]
    reservation: float = 0.0
    #: The issue weights' sum as written in the file (``weights`` are divided by it).
    weight_sum: float = 1.0

    def note(self) -> str | None:
        """What negotia did with weights that do not sum to 1 (GENIUS uses them as written)."""
        if abs(self.weight_sum - 1.0) <= 1e-6:
            return None
        return (
            f"profile {self.name}: issue weights sum to {self.weight_sum:.6g}, not 1; negotia "
            "divided them by their sum (GENIUS uses them as written and caps utility at 1)"
        )

    def tables(self) -> list[np.ndarray]:
        return [w * np.asarray(u, dtype=float) for w, u in zip(self.weights, self.utilities, strict=True)]
