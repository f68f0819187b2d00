"""``negotia guarantees assess``: one arrangement against an attack (triggers, credibility, deterrence)."""

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
    ATTACK_OPTIONS,
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
from negotia.errors import InputError, Problem

# negotia.guarantees is imported inside the commands: `negotia --help` and the other
# commands do not pay for it (ARCHITECTURE.md, "Heavy imports are lazy").
if TYPE_CHECKING:
    from negotia.guarantees.compare import Assessment
    from negotia.guarantees.credibility import ModelReport
    from negotia.guarantees.link import AnchorArrangement


# -- assess -----------------------------------------------------------------------------


@handle_errors
@option_groups
def assess(
    arrangement: str = typer.Argument(
        "nato-membership", help="Arrangement id or instrument ids joined by '+' (see `guarantees list`)."
    ),
    event: EventOptions = group(only=ATTACK_OPTIONS),
    credibility: CredibilityOptions = group(),
    mc: DrawOptions = group(),
    model: bool = typer.Option(
        False, "--model", help="Also print the fitted Leeds & Anac logit and its LOO Brier."
    ),
    treaties: CatalogueOptions = group(),
    scenario: str | None = SCENARIO,
    value: float | None = typer.Option(
        None, "--value", help="With --scenario: a point on the guarantee issue; assess its nearest anchor."
    ),
    format: OutputFormat = FORMAT_OPTION,
    time: ScenarioTime = group(),
) -> None:
    """Credibility of each triggered obligation (factor by factor) and the simulated response.

    The default event is a renewed Russian attack on Ukraine across a ceasefire line.
    """
    from negotia.guarantees.compare import assess_guarantees, guarantee_case
    from negotia.guarantees.credibility import model_report
    from negotia.guarantees.link import arrangement_for_value, scenario_saliences

    anchor = None
    sc = _scenario(scenario, time)
    if value is not None:
        if sc is None:
            raise InputError(
                "--value", Problem("", "--value needs --scenario (whose guarantee issue it lies on)")
            )
        anchor = arrangement_for_value(sc, value)
        if anchor.arrangement is None:
            raise InputError(
                scenario, Problem(f"anchor {anchor.value:g}", f"no arrangement for {anchor.label!r}")
            )
        arrangement = anchor.arrangement
    ev = event.event(guarantee_case().attack().model_dump(mode="json"))
    s = credibility.settings(scenario_saliences(sc) if sc is not None else None)
    cat = treaties.catalogue(_day(sc, time.as_of))
    a = assess_guarantees(arrangement, ev, settings=s, n_draws=mc.draws, seed=mc.seed, rho=mc.rho, cat=cat)
    report = model_report() if model else None
    emit(
        format,
        json=lambda: _json(a, report, anchor),
        csv=lambda: records(
            [
                {
                    "instrument": c.instrument,
                    "obligation": c.obligation,
                    "guarantor": c.guarantor,
                    "base_rate": c.base.rate,
                    **{f.name: f.log_odds if f.applied else "" for f in c.factors},
                    "probability": c.probability,
                }
                for c in a.credibility
            ]
        ),
        table=lambda: _print_all(a, report, anchor, value),
    )


def _json(a: Assessment, report: ModelReport | None, anchor: AnchorArrangement | None) -> dict[str, Any]:
    out = a.to_dict()
    if report:
        out["model"] = {"fit": report.fit, "loo_brier": report.brier}
    if anchor is not None:
        out["anchor"] = {"value": anchor.value, "label": anchor.label, "arrangement": anchor.arrangement}
    return out


def _print_all(
    a: Assessment, report: ModelReport | None, anchor: AnchorArrangement | None, value: float | None
) -> None:
    if anchor is not None:
        console.print(
            f"{value:g} on the guarantee issue is nearest the anchor {anchor.value:g} "
            f"({anchor.label!r}) -> arrangement {anchor.arrangement}",
            highlight=False,
        )
    _print_assessment(a)
    _print_left_out(a.as_of, a.left_out, f" of {a.arrangement.id}")
    if report:
        _print_model(report)


MAX_COLUMNS = 6


def _print_assessment(a: Assessment) -> None:
    ev, d = a.event, a.deterrence
    console.print(
        f"[bold]{a.arrangement.name}[/bold] - {ev.attacker} attacks {ev.target} ({ev.kind.value}, {ev.date})",
        highlight=False,
    )
    if not a.credibility:
        console.print("No obligation triggers for this event; run `negotia guarantees check` to see why.")
    # Factors as rows, the weightiest guarantors as columns (each with its strongest obligation).
    creds_by = {(c.guarantor, c.instrument, c.obligation): c for c in a.credibility}
    creds = [creds_by[(g.guarantor, g.instrument, g.obligation)] for g in d.guarantors]
    if creds:
        cols = creds[:MAX_COLUMNS]
        t = Table(
            title="Credibility: contributions to the log-odds of honouring "
            "(Δp = change in p if the factor alone were removed)"
        )
        t.add_column("factor")
        for c in cols:
            t.add_column(f"{c.guarantor}\n{c.instrument}:{c.obligation}", justify="right", overflow="fold")
        t.add_row("base rate (p)", *(f"{c.base.rate:.3f}" for c in cols))
        for k, f0 in enumerate(cols[0].factors):
            cells = []
            for c in cols:
                f = c.factors[k]
                if f.applied:
                    cells.append(f"{f.log_odds:+.2f} (Δp {f.delta_p:+.3f})")
                else:
                    cells.append(f"{f.log_odds:+.2f} off")
            t.add_row(f0.name.replace("logit:", "Leeds & Anac "), *cells)
        t.add_row("[bold]p(honour)[/bold]", *(f"[bold]{c.probability:.3f}[/bold]" for c in cols))
        console.print(t)
        if len(creds) > MAX_COLUMNS:
            console.print(f"... and {len(creds) - MAX_COLUMNS} more guarantors (use --format json for all).")
        bases = sorted({f"{c.base.label} ({c.base.source})" for c in creds})
        console.print("Base rate: " + "; ".join(bases) + ".", highlight=False)
        console.print(
            "'off': shown, not applied (Leeds & Anac's institutionalisation and formality terms most likely "
            "reflect selection; --logit-terms turns them on). Scenario-factor sizes are assumptions; "
            "see docs/guarantees.md.",
            highlight=False,
        )
    t = Table(
        title=f"Response if honoured ({d.measure}; attacker {d.attacker}: "
        f"{fmt_num(d.attacker_capability, 1)})"
    )
    for col in ("guarantor", "strength", "p(honour)", "brings", "basis"):
        t.add_column(col, overflow="fold")
    for g in d.guarantors[:15]:
        t.add_row(
            g.guarantor, str(g.response_strength), f"{g.probability:.3f}", fmt_num(g.contribution, 1), g.basis
        )
    console.print(t)
    if len(d.guarantors) > 15:
        console.print(f"... and {len(d.guarantors) - 15} more guarantors.")
    console.print(
        f"Monte Carlo ({d.n_draws} draws, seed {d.seed}, rho {d.rho:g}): "
        f"expected response {fmt_num(d.expected_response, 1)} "
        f"(5-50-95%: {fmt_num(d.quantiles['p05'], 1)} / {fmt_num(d.quantiles['p50'], 1)} / "
        f"{fmt_num(d.quantiles['p95'], 1)}), "
        f"max {fmt_num(d.max_response, 1)}; P(response > attacker) = {_pct(d.p_outweighs)}; "
        f"with the target's own forces {_pct(d.p_outweighs_with_target)}; "
        f"P(any guarantor honours) = {_pct(d.p_any_honours)}; "
        f"expected response strength {d.expected_strength:.2f} (0-5).",
        highlight=False,
    )
    if d.histogram and d.max_response > 0:
        bars = " ▁▂▃▄▅▆▇█"
        share = d.histogram["share"]
        peak = max(share) or 1.0
        spark = "".join(bars[max(1, min(8, round(8 * x / peak)))] if x > 0 else "·" for x in share)
        console.print(
            f"Distribution of the response, 0 to {fmt_num(d.max_response, 0)} in 20 bins: |{spark}|",
            highlight=False,
        )
    for n in d.notes:
        console.print(f"note: {n}", highlight=False)


def _print_model(report: ModelReport) -> None:
    t = Table(title="Leeds & Anac (2005) Table 4 logit, fitted on the 137 cases (honor3)")
    t.add_column("term")
    t.add_column("coef", justify="right")
    t.add_column("se", justify="right")
    for name in report.fit["terms"]:
        t.add_row(name, f"{report.fit['coef'][name]:.4f}", f"{report.fit['se'][name]:.4f}")
    console.print(t)
    b = report.brier
    console.print(
        f"Leave-one-out Brier score on the {int(b['n'])} cases: logit {b['brier_logit']:.4f}, "
        f"base rate {b['brier_base_rate']:.4f}. This is fit within 1816-1944 only, not calibration "
        "for a guarantee given today.",
        highlight=False,
    )
