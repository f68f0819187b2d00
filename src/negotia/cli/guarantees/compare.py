"""``negotia guarantees compare``: arrangements side by side against one attack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from negotia.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    emit,
    fmt_num,
    handle_errors,
    records,
)
from negotia.cli.guarantees.shared import (
    SCENARIO,
    CatalogueOptions,
    CredibilityOptions,
    DrawOptions,
    EventOptions,
    _day,
    _pct,
    _print_left_out,
    _scenario,
)
from negotia.cli.options import ScenarioTime, group, option_groups

# negotia.guarantees is imported inside the command: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from negotia.guarantees.compare import Comparison
    from negotia.guarantees.schema import Event


# -- compare ----------------------------------------------------------------------------


@handle_errors
@option_groups
def compare(
    arrangements: list[str] | None = typer.Argument(
        # The default set is case data (guarantees/data/cases.yaml), read when the command
        # runs, not to print the help (ARCHITECTURE.md, "Heavy imports are lazy").
        None,
        help="Arrangements to compare (default: those of the bundled guarantee case).",
    ),
    event: EventOptions = group(
        only=("file", "attacker", "target", "date", "ceasefire_side", "ceasefire_in_force")
    ),
    credibility: CredibilityOptions = group(),
    mc: DrawOptions = group(),
    treaties: CatalogueOptions = group(),
    scenario: str | None = SCENARIO,
    format: OutputFormat = FORMAT_OPTION,
    time: ScenarioTime = group(),
) -> None:
    """Put arrangements side by side against one attack (default: a renewed Russian attack on Ukraine).

    With --scenario and no ARRANGEMENTS, compare the arrangements the scenario's guarantee-issue
    anchors stand for, with each guarantor's salience on that issue as its salience for the
    beneficiary (unless --salience sets it).
    """
    from negotia.guarantees.compare import compare_arrangements, guarantee_case, summary
    from negotia.guarantees.link import anchor_arrangements, scenario_saliences

    sc = _scenario(scenario, time)
    ev = event.event(guarantee_case().attack().model_dump(mode="json"))
    s = credibility.settings(scenario_saliences(sc) if sc is not None else None)
    cat = treaties.catalogue(_day(sc, time.as_of))
    chosen = list(arrangements or [])
    if not chosen and sc is not None:
        anchors = anchor_arrangements(sc)
        chosen = list(dict.fromkeys(a.arrangement for a in anchors if a.arrangement))
    comp = compare_arrangements(
        chosen or list(guarantee_case().arrangements),
        ev,
        settings=s,
        n_draws=mc.draws,
        seed=mc.seed,
        rho=mc.rho,
        cat=cat,
    )
    rows = [summary(a) for a in comp.assessments]
    emit(
        format,
        json=comp.to_dict,
        csv=lambda: records(rows),
        table=lambda: _print_comparison(comp, ev, rows),
    )


def _print_comparison(comp: Comparison, ev: Event, rows: list[dict[str, Any]]) -> None:
    """The arrangements ranked in one table, then what explains the ranking."""
    d0 = comp.assessments[0].deterrence
    console.print(
        f"[bold]{ev.description or 'Event'}[/bold]: {ev.attacker} -> {ev.target}, {ev.date}; "
        f"capability = {d0.measure}; {d0.n_draws} draws, seed {d0.seed}, rho {d0.rho:g}",
        highlight=False,
    )
    t = Table()
    for col, just in (
        ("rank", "right"),
        ("arrangement", "left"),
        ("triggered", "right"),
        ("guarantors (defence)", "right"),
        ("max response", "right"),
        ("expected", "right"),
        ("5-50-95%", "right"),
        ("P(> attacker)", "right"),
        ("+ own forces", "right"),
        ("P(any honours)", "right"),
        # Escaped: rich would read "[strength]" as a style tag and print "E".
        (r"E\[strength]", "right"),
    ):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for r in rows:
        t.add_row(
            str(comp.ranking.index(r["id"]) + 1),
            r["id"],
            str(r["triggered"]),
            f"{r['guarantors']} ({r['defence_guarantors']})",
            fmt_num(r["max_response"], 1),
            fmt_num(r["expected_response"], 1),
            f"{fmt_num(r['p05'], 0)} / {fmt_num(r['p50'], 0)} / {fmt_num(r['p95'], 0)}",
            _pct(r["p_outweighs"]),
            _pct(r["p_outweighs_with_target"]),
            _pct(r["p_any_honours"]),
            f"{r['expected_strength']:.2f}",
        )
    console.print(t)
    console.print(
        f"Attacker capability: {fmt_num(d0.attacker_capability, 1)}; "
        f"target's own: {fmt_num(d0.target_capability, 1)}."
    )
    for line in comp.explanations:
        console.print(f"- {line}", highlight=False)
    for ident, left in comp.left_out.items():
        _print_left_out(comp.as_of, left, f" of {ident}")
