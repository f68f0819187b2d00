"""``negotia guarantees compare``: arrangements side by side against one attack."""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    FORMAT_OPTION,
    KNOWN_BY_OPTION,
    OutputFormat,
    console,
    fmt_num,
    handle_errors,
    print_json,
)
from negotia.cli.guarantees.shared import (
    ATTACKER,
    BINDING,
    CAPCH,
    CEASEFIRE,
    DATE,
    DRAWS,
    ERA,
    EVENT_FILE,
    INSTCH,
    MEASURE,
    NOLOGIT,
    ORIGTAR,
    REPLACE,
    RHO,
    SALIENCE,
    SCENARIO,
    SEED,
    SIDE,
    TARGET,
    TERMS,
    TREATIES,
    TROOPS,
    WEIGHT,
    _catalogue,
    _day,
    _event_data,
    _pct,
    _print_left_out,
    _scenario,
    _settings,
    _write_csv,
)

# negotia.guarantees is imported inside the commands: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    pass


# -- compare ----------------------------------------------------------------------------


@handle_errors
def compare(
    arrangements: list[str] | None = typer.Argument(
        # The default set is case data (guarantees/data/cases.yaml), read when the command
        # runs, not to print the help (ARCHITECTURE.md, "Heavy imports are lazy").
        None,
        help="Arrangements to compare (default: those of the bundled guarantee case).",
    ),
    event_file: Path | None = EVENT_FILE,
    attacker: str | None = ATTACKER,
    target: str | None = TARGET,
    date: str | None = DATE,
    ceasefire_side: str | None = SIDE,
    ceasefire_in_force: bool | None = CEASEFIRE,
    era: str | None = ERA,
    salience: list[str] | None = SALIENCE,
    troops: list[str] | None = TROOPS,
    capability_change: list[str] | None = CAPCH,
    institution_change: list[str] | None = INSTCH,
    bindingness: list[str] | None = BINDING,
    logit_terms: str | None = TERMS,
    no_logit: bool = NOLOGIT,
    measure: str | None = MEASURE,
    weight: list[str] | None = WEIGHT,
    original_target: bool | None = ORIGTAR,
    draws: int = DRAWS,
    seed: int = SEED,
    rho: float = RHO,
    treaties: Path | None = TREATIES,
    replace: bool = REPLACE,
    scenario: str | None = SCENARIO,
    format: OutputFormat = FORMAT_OPTION,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Put arrangements side by side against one attack (default: a renewed Russian attack on Ukraine).

    With --scenario and no ARRANGEMENTS, compare the arrangements the scenario's guarantee-issue
    anchors stand for, with each guarantor's salience on that issue as its salience for the
    beneficiary (unless --salience sets it).
    """
    from negotia.guarantees.compare import compare_arrangements, guarantee_case, summary
    from negotia.guarantees.link import anchor_arrangements, scenario_saliences

    sc = _scenario(scenario, as_of, known_by)
    ev = _event_data(
        event_file,
        guarantee_case().attack().model_dump(mode="json"),
        attacker=attacker,
        target=target,
        date=date,
        area=None,
        inside_area=None,
        ceasefire_side=ceasefire_side,
        ceasefire_in_force=ceasefire_in_force,
    )
    s = _settings(
        era,
        salience,
        troops,
        capability_change,
        institution_change,
        bindingness,
        logit_terms,
        no_logit,
        measure,
        weight,
        scenario_saliences(sc) if sc is not None else None,
        original_target,
    )
    cat = _catalogue(treaties, _day(sc, as_of), replace=replace)
    chosen = list(arrangements or [])
    if not chosen and sc is not None:
        anchors = anchor_arrangements(sc)
        chosen = list(dict.fromkeys(a.arrangement for a in anchors if a.arrangement))
    comp = compare_arrangements(
        chosen or list(guarantee_case().arrangements),
        ev,
        settings=s,
        n_draws=draws,
        seed=seed,
        rho=rho,
        cat=cat,
    )
    rows = [summary(a) for a in comp.assessments]
    if format is OutputFormat.json:
        print_json(comp.to_dict())
        return
    if format is OutputFormat.csv:
        _write_csv(rows)
        return
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
