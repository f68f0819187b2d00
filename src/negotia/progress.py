"""Progress of long computations, drawn on a terminal's stderr.

One helper for every long loop of the library (the rounds of a dynamic model, say), so
that they all look and behave alike.  A computation takes a plain callback,
:data:`StepReport` -- called with (steps done, steps in all) -- and never draws anything
itself (ARCHITECTURE.md: models stay pure); whoever runs it (the command line) passes
the callback of :func:`steps`, which draws a rich bar on stderr:

* only when stderr is a terminal, so piped and captured output never holds a bar;
* only from the first report after :data:`DELAY` seconds, so quick runs never flash one;
* removed when the computation ends (transient), leaving the output as it was.

Lowest layer: imports nothing of negotia, and rich only once a bar is drawn (``import
negotia`` and ``negotia --help`` stay light).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Called with (steps done, steps in all) after each step, e.g. each round of a model.
StepReport = Callable[[int, int], None]

#: Seconds a computation runs before its bar appears.
DELAY = 1.0


class _Bar:
    """The callback behind :func:`steps`: opens a rich bar on first need."""

    def __init__(self, label: str, console: Any, delay: float, quiet: bool) -> None:
        self.label = label
        self.delay = delay
        self.start = time.monotonic()
        self._console = console
        self._off = quiet
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if self._off or time.monotonic() - self.start < self.delay:
                return
            if not self._open():
                return
        self._bar.update(self._task, completed=done, total=total)

    def _open(self) -> bool:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        console = self._console if self._console is not None else Console(stderr=True)
        if not console.is_terminal:
            self._off = True
            return False
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task(self.label, total=None)
        self._bar.start()
        return True

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


@contextmanager
def steps(
    label: str, *, quiet: bool = False, delay: float = DELAY, console: Any = None
) -> Iterator[StepReport]:
    """A :data:`StepReport` that draws a bar labelled ``label`` on stderr (see the module
    notes); ``console`` is a rich console to draw on instead (default: stderr's)."""
    bar = _Bar(label, console, delay, quiet)
    try:
        yield bar
    finally:
        bar.close()
