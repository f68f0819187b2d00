"""Per-round tables of the expected utility model for ``negotia forecast --model eum --trace``.

For every issue (batch element 0): the median voter and mean forecast after each round
with who moved toward whom in that round, then each actor's risk exponent by round.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from negotia.models.base import Forecast
from negotia.scenario.schema import Scenario


def _fmt(v: float) -> str:
    return "—" if not np.isfinite(v) else f"{v:.3f}"


def render_eum(fc: Forecast, scenario: Scenario, console: Console) -> None:
    """Print the rounds of an ``eum`` forecast: forecasts and moves, then risk exponents."""
    if "median" not in fc.trace:
        console.print(f"[dim]{fc.model}: no per-round trace[/dim]")
        return
    median = fc.on_scale(fc.trace["median"][:, 0, :])  # (R+1, I)
    mean = fc.on_scale(fc.trace["mean"][:, 0, :])
    risk = fc.trace["risk"][:, 0]  # (R, A, I)
    n_rounds = median.shape[0] - 1
    by_round_issue: dict[tuple[int, str], list[str]] = {}
    for e in fc.events:
        by_round_issue.setdefault((e["round"], e["issue"]), []).append(
            f"{e['actor']} → {e['toward']} ({e['kind']}, {e['from']:.3g} → {e['to']:.3g})"
        )
    params = ", ".join(f"{k}={v}" for k, v in fc.params.items())
    for k, iid in enumerate(fc.issue_ids):
        label = scenario.issue(iid).label if iid in scenario.issue_ids else iid
        t = Table(title=f"eum ({params}): {label}", title_justify="left", show_lines=False)
        t.add_column("round", justify="right")
        t.add_column("median", justify="right")
        t.add_column("mean", justify="right")
        t.add_column("moves (actor → toward whom)", overflow="fold")
        for r in range(n_rounds + 1):
            moves = by_round_issue.get((r, iid), [])
            t.add_row(str(r), _fmt(median[r, k]), _fmt(mean[r, k]), "\n".join(moves) or "—")
        console.print(t)
        if n_rounds == 0:
            continue
        rt = Table(
            title=f"risk exponents r (0.5 risk-acceptant, 2 risk-averse): {label}", title_justify="left"
        )
        rt.add_column("actor")
        for r in range(1, n_rounds + 1):
            rt.add_column(str(r), justify="right")
        for a, aid in enumerate(fc.actor_ids):
            row = risk[:, a, k]
            if np.all(np.isnan(row)):
                continue  # absent from this issue
            rt.add_row(aid, *(_fmt(v) for v in row))
        console.print(rt)
