"""Uncertainty commands: ``montecarlo`` and ``sensitivity``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from negotia.cli.common import (
    AS_OF_OPTION,
    KNOWN_BY_OPTION,
    TableOrJson,
    console,
    emit,
    fmt_num,
    format_option,
    handle_errors,
    print_day,
    progress_bar,
    with_day,
)
from negotia.cli.core import EXTRA_ARGS, parse_extra_params
from negotia.cli.options import annotated, group, option_groups
from negotia.errors import ParameterError

# negotia.ensemble (SciPy, SALib, the backends) is imported inside the commands: `negotia
# --help` and the other commands do not pay for it (ARCHITECTURE.md).
if TYPE_CHECKING:
    from negotia.ensemble.montecarlo import MonteCarloResult
    from negotia.ensemble.perturb import PerturbationSpec
    from negotia.ensemble.sensitivity import SensitivityResult
    from negotia.scenario.schema import Scenario


class BackendChoice(str, Enum):
    serial = "serial"
    processes = "processes"
    dask = "dask"


class Method(str, Enum):
    sobol = "sobol"
    morris = "morris"


class GroupBy(str, Enum):
    none = "none"
    actor = "actor"
    issue = "issue"


class Dist(str, Enum):
    normal = "normal"
    uniform = "uniform"


_SPARK = " ▁▂▃▄▅▆▇█"


def sparkline(counts: list[int]) -> str:
    """A histogram as a row of block characters (empty bins blank)."""
    top = max(counts) if counts else 0
    if top <= 0:
        return ""
    return "".join(_SPARK[0 if c == 0 else max(1, round(8 * c / top))] for c in counts)


def _coarser(counts: list[int], bins: int) -> list[int]:
    """Merge neighbouring histogram bins down to at most ``bins`` (for a narrow table)."""
    step = max(1, -(-len(counts) // bins))
    return [sum(counts[k : k + step]) for k in range(0, len(counts), step)]


def _spec(
    position_sd: float, salience_sd: float, capability_noise: float, dropout: float
) -> PerturbationSpec:
    from negotia.ensemble.perturb import PerturbationSpec

    spec = PerturbationSpec(
        position_sd=position_sd, salience_sd=salience_sd, capability_noise=capability_noise, dropout=dropout
    )
    spec.check()
    return spec


def _model_params(model: str, extra: list[str]) -> dict[str, str]:
    params = parse_extra_params(extra)
    return params


POSITION_SD = typer.Option(
    0.05, "--position-sd", help="Default position sd as a share of the issue scale (0.05 = 5 %)."
)
SALIENCE_SD = typer.Option(0.05, "--salience-sd", help="Default salience sd (salience on 0-1).")
CAPABILITY_NOISE = typer.Option(
    0.0, "--capability-noise", help="Relative capability sd where a stance gives none (0.1 = 10 %)."
)
DROPOUT = typer.Option(0.0, "--dropout", help="Probability that an actor sits out a draw.")
BACKEND = typer.Option(BackendChoice.serial, "--backend", help="Where to run: serial, processes or dask.")
WORKERS = typer.Option(None, "--workers", "-w", help="Workers (processes / local Dask cluster).")
SCHEDULER = typer.Option(
    None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786 (implies dask)."
)
CHUNK = typer.Option(None, "--chunk-size", help="Variants per task (default about N/32).")
TIMEOUT = typer.Option(10.0, "--timeout", help="Seconds to wait for the Dask scheduler.")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar.")
FORMAT = format_option(TableOrJson)


@dataclass(frozen=True)
class Execution:
    """Where the variants run (shared by montecarlo and sensitivity)."""

    backend: Annotated[BackendChoice, annotated(BACKEND)] = BackendChoice.serial
    workers: Annotated[int, annotated(WORKERS)] = None  # type: ignore[assignment]
    scheduler: Annotated[str, annotated(SCHEDULER)] = None  # type: ignore[assignment]
    chunk_size: Annotated[int, annotated(CHUNK)] = None  # type: ignore[assignment]
    timeout: Annotated[float, annotated(TIMEOUT)] = 10.0

    def kwargs(self) -> dict[str, Any]:
        """The backend keywords of the library calls (a scheduler address means Dask)."""
        return {
            "backend": self.backend.value if self.scheduler is None else "dask",
            "workers": self.workers,
            "scheduler": self.scheduler,
            "chunk_size": self.chunk_size,
            "timeout": self.timeout,
        }


@dataclass(frozen=True)
class Perturbation:
    """How stances are perturbed where they state no uncertainty of their own."""

    position_sd: Annotated[float, annotated(POSITION_SD)] = 0.05
    salience_sd: Annotated[float, annotated(SALIENCE_SD)] = 0.05
    capability_noise: Annotated[float, annotated(CAPABILITY_NOISE)] = 0.0
    dropout: Annotated[float, annotated(DROPOUT)] = 0.0

    def spec(self) -> PerturbationSpec:
        return _spec(self.position_sd, self.salience_sd, self.capability_noise, self.dropout)


def render_montecarlo(
    r: MonteCarloResult, day: Date | None, as_of: Date | None, known_by: Date | None
) -> None:
    """The distribution per issue, the red lines' risks, the rounds to settle, the day shown."""
    t = Table(
        title=(
            f"Monte Carlo: {r.scenario}\nmodel {r.model}, {r.n:,} variants, seed {r.seed}, "
            f"{r.backend}, {r.seconds:.2f} s"
        ),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        caption="point: forecast of the unperturbed scenario; distribution: histogram from the "
        "scale's minimum (left) to its maximum (right)",
        caption_justify="left",
    )
    t.add_column("issue", style="bold", no_wrap=True)
    for c in ("point", "mean", "median", "sd"):
        t.add_column(c, justify="right", no_wrap=True)
    t.add_column("5–95 %", justify="center", no_wrap=True)
    t.add_column("distribution", style="cyan", no_wrap=True)
    for s in r.issues:
        t.add_row(
            s.issue,
            fmt_num(s.forecast, 1),
            fmt_num(s.mean, 1),
            fmt_num(s.median, 1),
            fmt_num(s.sd, 1),
            f"{fmt_num(s.q05, 1)}–{fmt_num(s.q95, 1)}",
            sparkline(_coarser(s.hist_counts, 10)),
        )
    console.print(t)
    risks = [(s, x) for s in r.issues for x in s.red_lines]
    if risks:
        rt = Table(title="Red lines", title_justify="left", box=box.SIMPLE_HEAD)
        for c in ("issue", "actor", "accepts", "P(crossed)", "± se"):
            rt.add_column(c, no_wrap=True, justify="left" if c in ("issue", "actor", "accepts") else "right")
        for s, x in risks:
            accepts = " ".join(
                part
                for part in (
                    f"≥ {x.min:g}" if x.min is not None else "",
                    f"≤ {x.max:g}" if x.max is not None else "",
                )
                if part
            )
            style = "red" if x.probability >= 0.5 else None
            rt.add_row(
                s.issue, x.actor, accepts, f"{100 * x.probability:.1f} %", f"{100 * x.se:.2f}", style=style
            )
        console.print(rt)
    if r.rounds_summary is not None:
        q = r.rounds_summary
        console.print(
            f"rounds to settle: mean {q.mean:.2f}, median {q.median:g}, 5–95 % {q.q05:g}–{q.q95:g}, "
            f"range {q.min}–{q.max}"
        )
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(q.counts.items()))
        console.print(f"[dim]rounds (count): {counts}[/dim]")
    print_day(day, as_of, known_by)


def render_sensitivity(
    r: SensitivityResult, sc: Scenario, top: int, as_of: Date | None, known_by: Date | None
) -> None:
    """One table per issue of its ``top`` inputs, the notes, the day shown."""
    scenario_issues = {i.id: i.label for i in sc.issues}
    console.print(
        f"[bold]Sensitivity ({r.method}): {r.scenario}[/bold]\nmodel {r.model}, grouped by {r.group_by}, "
        f"{r.dist} inputs, {r.evaluations:,} model runs, seed {r.seed}, {r.backend}, {r.seconds:.2f} s"
    )
    for issue, _ in r.indices.items():
        t = Table(title=scenario_issues.get(issue, issue), title_justify="left")
        t.add_column("factor" if r.group_by == "none" else r.group_by, style="bold")
        if r.method == "sobol":
            cols = (("S1", "S1_conf"), ("ST", "ST_conf"))
            t.add_column("first order S1", justify="right")
            t.add_column("total ST", justify="right")
        else:
            cols = (("mu_star", "mu_star_conf"), ("sigma", None))
            t.add_column("μ* (scale units)", justify="right")
            t.add_column("σ", justify="right")
        for name, d in r.ranking(issue)[:top]:
            cells = [f"{fmt_num(d[v], 3)}" + (f" ± {fmt_num(d[c], 3)}" if c else "") for v, c in cols]
            t.add_row(name, *cells)
        console.print(t)
    for note in r.notes:
        console.print(f"[yellow]note[/yellow]: {note}")
    print_day(sc.date, as_of, known_by)


@handle_errors
@option_groups
def montecarlo(
    ctx: typer.Context,
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled scenario."),
    model: str = typer.Option("compromise", "--model", "-m", help="Model (options as name:key=value)."),
    n: int = typer.Option(10_000, "-n", "--draws", help="Number of perturbed variants."),
    seed: int = typer.Option(0, "--seed", help="Seed of the run (same seed, same summaries)."),
    execution: Execution = group(),
    perturbation: Perturbation = group(),
    format: TableOrJson = FORMAT,
    outcomes: bool = typer.Option(False, "--outcomes", help="JSON: include every draw's outcome."),
    quiet: bool = QUIET,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Forecast distribution of SCENARIO over N perturbed variants of its stances.

    Each stance's position and salience are drawn from its stated uncertainty
    (the defaults where it states none), truncated to the valid range.  Prints per
    issue the mean, median, sd, 5-95 % interval, a histogram and the probability
    that the outcome crosses each red line; for dynamic models the rounds to settle.
    """
    from negotia.api import scenario_as_of
    from negotia.ensemble.montecarlo import monte_carlo

    params = _model_params(model, list(ctx.args))
    spec = perturbation.spec()
    if n < 1:
        raise ParameterError(f"-n must be a positive number of draws, got {n}")
    sc = scenario_as_of(scenario, as_of, known_by=known_by)
    with progress_bar(f"{model} × {n:,}", n, quiet) as (advance, _):
        result = monte_carlo(
            sc,
            model,
            n,
            seed=seed,
            params=params,
            perturbation=spec,
            **execution.kwargs(),
            progress=advance,
        )
    emit(
        format,
        json=lambda: with_day(result.to_dict(outcomes=outcomes), sc.date, known_by),
        table=lambda: render_montecarlo(result, sc.date, as_of, known_by),
    )


@handle_errors
@option_groups
def sensitivity_cmd(
    ctx: typer.Context,
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled scenario."),
    model: str = typer.Option("compromise", "--model", "-m", help="Model (options as name:key=value)."),
    method: Method = typer.Option(Method.sobol, "--method", help="sobol (S1, ST) or morris (μ*, σ)."),
    n: int = typer.Option(
        None, "-n", help="Sobol: base samples (power of 2, default 256); Morris: trajectories (32)."
    ),
    group_by: GroupBy = typer.Option(GroupBy.none, "--group-by", help="Group inputs: none, actor, issue."),
    dist: Dist = typer.Option(
        Dist.normal, "--dist", help="Inputs: normal (truncated, stated sd) or uniform (mean ± 2 sd)."
    ),
    inputs: str = typer.Option(
        "position,salience", "--inputs", help="Stance inputs to vary: position, salience or both."
    ),
    top: int = typer.Option(10, "--top", help="Rows per issue in the table."),
    seed: int = typer.Option(0, "--seed"),
    execution: Execution = group(),
    perturbation: Perturbation = group(only=("position_sd", "salience_sd")),
    format: TableOrJson = FORMAT,
    quiet: bool = QUIET,
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """Which actor's position or salience moves each issue's forecast most (SALib).

    Sobol gives the share of the forecast's variance due to each input alone (S1)
    and with its interactions (ST); Morris the mean absolute effect of moving an
    input across its range (μ*, in the issue's units) and its spread (σ).
    """
    from negotia.api import scenario_as_of
    from negotia.ensemble.sensitivity import sensitivity

    params = _model_params(model, list(ctx.args))
    spec = perturbation.spec()
    kinds = tuple(x.strip() for x in inputs.split(",") if x.strip())
    sc = scenario_as_of(scenario, as_of, known_by=known_by)
    with progress_bar(f"{method.value}: {model}", None, quiet) as (advance, set_total):
        result = sensitivity(
            sc,
            model,
            method=method.value,
            n=n,
            group_by=group_by.value,
            dist=dist.value,
            inputs=kinds,
            seed=seed,
            params=params,
            perturbation=spec,
            **execution.kwargs(),
            progress=advance,
            on_plan=set_total,
        )
    emit(
        format,
        json=lambda: with_day(result.to_dict(), sc.date, known_by),
        table=lambda: render_sensitivity(result, sc, top, as_of, known_by),
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app, in the order of `negotia --help`."""
    app.command(context_settings=EXTRA_ARGS)(montecarlo)
    app.command("sensitivity", context_settings=EXTRA_ARGS)(sensitivity_cmd)


__all__ = ["register", "sparkline"]
