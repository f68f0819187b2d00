"""Errors a user can cause.

Every error raised because of bad input is a :class:`NegotiaError`.  The CLI prints
them as one readable block and exits with status 2; library users can catch the base
class.  An :class:`InputError` carries *all* problems found in one file so that a user
fixes them in one pass instead of one per run.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``where`` is a line (``"line 12"``), a field path (``"stances[3].salience"``) or both.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class NegotiaError(Exception):
    """Base class of every error a user can cause."""


class InputError(NegotiaError):
    """One or more problems in an input file or value.

    Parameters
    ----------
    source
        The file (or a description such as ``"<event>"``) the problems were found in.
    problems
        Every problem found, in file order.
    """

    def __init__(self, source: str, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.source = str(source)
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: {n} problem{'s' if n != 1 else ''}"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class UnknownNameError(NegotiaError):
    """A model, scenario, format or other name that negotia does not know."""


class ParameterError(NegotiaError):
    """A parameter value a model or command cannot use."""


class BackendError(NegotiaError):
    """An execution backend (process pool, Dask scheduler) is unusable."""


class StoreError(NegotiaError):
    """The database cannot do what was asked: no database yet, an unknown stored
    scenario, a name already taken, a schema older than this negotia."""


class StaleEditError(StoreError):
    """An edit based on a row that another writer changed in the meantime (optimistic
    locking): nothing was written; read the item again and redo the edit."""
