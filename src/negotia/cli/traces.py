"""Per-round tables for ``negotia forecast --trace``.

A dynamic model's trace is rendered by the function registered under its name in
:data:`RENDERERS`; models without one get the generic table of the forecast per round.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from negotia.cli.trace_eum import render_eum
from negotia.cli.trace_exchange import render_exchange
from negotia.models.base import Forecast
from negotia.scenario.schema import Scenario

Renderer = Callable[[Forecast, Scenario, Console], None]

RENDERERS: dict[str, Renderer] = {}
RENDERERS["eum"] = render_eum
RENDERERS["exchange"] = render_exchange


def render_generic(fc: Forecast, scenario: Scenario, console: Console) -> None:
    """The forecast of every issue after each round (needs ``trace["outcome"]``)."""
    if "outcome" not in fc.trace:
        console.print(f"[dim]{fc.model}: no per-round trace (a static model)[/dim]")
        return
    per_round = fc.on_scale(fc.trace["outcome"][:, 0, :])
    t = Table(title=f"{fc.model}: forecast per round", title_justify="left")
    t.add_column("round", justify="right")
    for iid in fc.issue_ids:
        t.add_column(scenario.issue(iid).label, justify="right")
    for r, row in enumerate(per_round):
        t.add_row(str(r), *(f"{v:.2f}" for v in row))
    console.print(t)


def render(fc: Forecast, scenario: Scenario, console: Console) -> None:
    RENDERERS.get(fc.model, render_generic)(fc, scenario, console)
