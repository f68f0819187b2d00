"""``negotia outlook``: the main job. Deal or no deal per issue first, then the detail.

The first table answers the question a user brings to a scenario, one row per issue:
how likely an agreement is, what holds without one (the status quo), where each model
puts the settlement if there is one, the range the outcome falls in either way, and
what blocks agreement. The detail that follows is the agreement analysis's own report
(:func:`negotia.cli.agreement.render`). Everything shown comes from one
:class:`~negotia.agreement.analysis.AgreementAnalysis`; this module only presents it.

The summary is written for an 80-column terminal: figures on the issues' scales are
rounded to whole points there (the detail gives one decimal, ``--format json`` or
``csv`` every digit), and the shared console never cuts a number (:mod:`negotia.cli.output`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.table import Table

from negotia.cli.agreement import AgreementOptions, print_analysis
from negotia.cli.agreement import render as render_detail
from negotia.cli.common import FORMAT_OPTION, OutputFormat, console, dated_title, handle_errors
from negotia.cli.options import group, option_groups

if TYPE_CHECKING:
    from negotia.agreement.analysis import AgreementAnalysis, Blocker

#: Models shown side by side unless ``--model`` says otherwise. ``exchange`` is left out
#: by default only for time: it takes about 100 s per 1,000 variants (bench/), the
#: others a few seconds together.
DEFAULT_MODELS = ("compromise", "median", "nash", "calibrated", "eum")
#: Blockers named per issue in the summary, and the least share worth naming.
TOP_BLOCKERS = 2
MIN_SHARE = 0.05
#: Shown instead of the models' settlements when no variant settles the issue.
NO_VARIANT = "no variant agrees"
#: Shown instead of P(deal) when the status quo is acceptable to all (a trivial zone).
SQ_OK = "sq ok"


def short_names(models: Sequence[str]) -> list[str]:
    """Short column labels for models, unique: the first three letters (``compromise`` ->
    ``com``), or two letters and a number where two models share them."""
    out: list[str] = []
    for m in models:
        base = m.split(":")[0] or "m"
        label, k = base[:3], 1
        while label in out:
            label, k = f"{base[:2]}{k}", k + 1
        out.append(label)
    return out


def _pct(p: float) -> str:
    """Whole percent; a probability that is neither 0 nor 1 never reads as one of them."""
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1:
        return ">99%"
    return f"{100 * p:.0f}%"


def _point(x: float | None) -> str:
    """A value on an issue's scale, to whole points; an exact status quo keeps its decimals."""
    if x is None:
        return "—"
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def blocker_text(b: Blocker) -> str:
    """One blocker in a few words: who, and how (a red line is the default, "(res.)" a
    reservation value: the actor prefers no deal to every option left)."""
    who = f"{b.who} veto" if b.role == "veto" else b.who
    return who if b.kind == "red_line" else f"{who} (res.)"


def blockers_cell(blockers: Sequence[Blocker], failures: int) -> str:
    """The main blockers of an issue alone, with the share of failed variants each blocked."""
    if failures == 0:
        return "—"
    named = [b for b in blockers if b.share >= MIN_SHARE][:TOP_BLOCKERS]
    return ", ".join(f"{blocker_text(b)} {_pct(b.share)}" for b in named) or "—"


def summary_table(result: AgreementAnalysis) -> Table:
    """One row per issue: P(deal), no deal, the models if agreed, the 90% range, blockers."""
    models = list(dict.fromkeys(o.model for o in result.outcomes))
    labels = short_names(models)
    t = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False)
    # Issue ids are not folded: the column is as wide as the longest.
    t.add_column("issue", style="bold", min_width=max(len(i.issue) for i in result.issues))
    # Number columns never wrap: the blockers' text is what gives way to a narrow terminal.
    t.add_column("P\ndeal", justify="right", no_wrap=True)
    t.add_column("no\ndeal", justify="right", no_wrap=True)
    t.add_column("if agreed\n" + " ".join(f"{x:>3}" for x in labels), justify="right", no_wrap=True)
    t.add_column("90%\nrange", justify="right", no_wrap=True)
    t.add_column("blocked by", ratio=1, overflow="fold")
    for i in result.issues:
        rows = [o for o in result.outcomes if o.issue == i.issue]
        if all(o.if_agreed is None for o in rows):
            agreed = NO_VARIANT
        else:
            agreed = " ".join("  —" if o.if_agreed is None else f"{o.if_agreed:>3.0f}" for o in rows)
        lows = [o.low for o in rows if o.low is not None]
        highs = [o.high for o in rows if o.high is not None]
        span = f"{min(lows):.0f}–{max(highs):.0f}" if lows and highs else "—"
        t.add_row(
            i.issue,
            SQ_OK if i.zone_trivial else _pct(i.p_agreement),
            _point(i.status_quo),
            agreed,
            span,
            blockers_cell(i.alone.blockers, i.alone.failures),
        )
    return t


def _legend(result: AgreementAnalysis) -> list[str]:
    models = list(dict.fromkeys(o.model for o in result.outcomes))
    names = ", ".join(f"{s} {m}" for s, m in zip(short_names(models), models, strict=True))
    return [
        "P deal: probability that the issue is settled (zone of agreement under the "
        "scenario's uncertainty, times the chance that talks with a zone settle, from "
        "history). sq ok: the status quo is acceptable to every party and veto player "
        "(in most variants): no deal is needed, and a zone there says nothing about one.",
        "no deal: the status quo, which holds if the talks fail. if agreed: each model's "
        f"median settlement ({names}) over the variants that settle the issue "
        "(how many: in the detail).",
        "90% range: where the outcome falls, deal or no deal, over those models. "
        "blocked by: whose red line (or, marked (res.), whose preference for no deal) "
        "blocked the issue alone, in what share of the variants it failed in.",
    ]


def render_outlook(
    result: AgreementAnalysis, as_of: Date | None = None, known_by: Date | None = None
) -> None:
    """The summary, then the detail of the agreement analysis."""
    pkg = result.package
    title = dated_title(result.scenario, result.date, as_of, known_by)
    console.print(f"[bold]Deal or no deal: {title}[/bold]")
    top = [b for b in pkg.blockers if b.share >= MIN_SHARE][:3]
    blocked = "; ".join(f"{b.sentence()} ({_pct(b.share)})" for b in top)
    console.print(
        f"Whole package: P(agreement) {_pct(pkg.combined.probability)} "
        f"[{_pct(pkg.combined.low)}, {_pct(pkg.combined.high)}]"
        + (f"; blocked by {blocked}." if blocked else ".")
    )
    trivial = [i.issue for i in result.issues if i.zone_trivial]
    if trivial:
        console.print(
            f"No deal needed on {', '.join(trivial)}: the status quo is acceptable to all "
            "(these add nothing to the package's P)."
        )
    console.print()
    console.print(summary_table(result))
    console.print()
    for line in _legend(result):
        console.print(f"[dim]{line}[/dim]")
    console.rule("[bold]Detail[/bold]")
    render_detail(result, as_of, known_by)


@handle_errors
@option_groups
def outlook(
    run: AgreementOptions = group(
        replace={
            "model": typer.Option(
                None,
                "--model",
                "-m",
                help=f"Model shown side by side (repeatable; default {', '.join(DEFAULT_MODELS)}).",
            )
        }
    ),
    format: OutputFormat = FORMAT_OPTION,
) -> None:
    """The main job: per issue, will they agree and what holds if not; then the detail.

    One row per issue: P(deal), the status quo, each model's settlement if agreed,
    the 90% range deal or no deal, and what blocks agreement (docs/outlook.md).
    """
    print_analysis(run.analyse(DEFAULT_MODELS), format, run, render_outlook)


def register(app: typer.Typer) -> None:
    """Add the ``outlook`` command to the root app."""
    app.command()(outlook)
