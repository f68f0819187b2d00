"""Per-round tables of the exchange model for ``negotia forecast --model exchange --trace``.

Batch element 0: the capability x salience weighted mean of the preferences and of the
voting positions of every issue after each round, with the number of exchanges, then
the exchanges realised in each round, in the order they were realised (who supplied
which issue, from where to where, and the equal gain).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from negotia.models.base import Forecast
from negotia.scenario.schema import Scenario


def render_exchange(fc: Forecast, scenario: Scenario, console: Console) -> None:
    """Print the rounds of an ``exchange`` forecast: means per round, then the trades."""
    if "preference_mean" not in fc.trace:
        console.print(f"[dim]{fc.model}: no per-round trace[/dim]")
        return
    pref = fc.on_scale(fc.trace["preference_mean"][:, 0, :])  # (R+1, I)
    vote = fc.on_scale(fc.trace["voting_mean"][:, 0, :])
    count = fc.trace["exchanges"][:, 0]
    labels = [scenario.issue(i).label for i in fc.issue_ids]
    t = Table(
        title=f"{fc.model}: weighted mean per round — preference / voting (round 0 = start)",
        title_justify="left",
    )
    t.add_column("round", justify="right")
    t.add_column("exchanges", justify="right")
    for lab in labels:
        t.add_column(lab, justify="right")
    for r in range(pref.shape[0]):
        cells = [
            f"{p:.2f}" if r == 0 else f"{p:.2f} / {v:.2f}" for p, v in zip(pref[r], vote[r], strict=True)
        ]
        t.add_row(str(r), str(int(count[r])), *cells)
    console.print(t)
    actor_label = {a.id: a.label for a in scenario.actors}
    issue_label = dict(zip(fc.issue_ids, labels, strict=True))
    by_round: dict[int, list[dict]] = {}
    for e in fc.events:
        by_round.setdefault(int(e["round"]), []).append(e)
    for r in sorted(by_round):
        et = Table(title=f"exchanges realised in round {r}", title_justify="left")
        for col, just in (
            ("#", "right"),
            ("gain", "right"),
            ("actor", "left"),
            ("moves on", "left"),
            ("from → to", "right"),
            ("partner", "left"),
            ("moves on", "left"),
            ("from → to", "right"),
        ):
            et.add_column(col, justify=just)  # type: ignore[arg-type]
        for e in by_round[r]:
            i, j = e["i"], e["j"]
            et.add_row(
                str(e["step"]),
                f"{e['gain']:.4f}",
                actor_label.get(i["actor"], i["actor"]),
                issue_label.get(i["supply"], i["supply"]),
                f"{i['from']:.2f} → {i['to']:.2f}",
                actor_label.get(j["actor"], j["actor"]),
                issue_label.get(j["supply"], j["supply"]),
                f"{j['from']:.2f} → {j['to']:.2f}",
            )
        console.print(et)
