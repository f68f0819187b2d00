"""``negotia report``: one self-contained HTML file with charts, and the charts as PNG/SVG.

plotly, matplotlib and jinja2 are imported only when the command runs, so
``negotia --version`` and ``--help`` stay light.
"""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path

import typer

from negotia.cli.common import AS_OF_OPTION, KNOWN_BY_OPTION, err_console, handle_errors


def _names(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from negotia.models import get_model

    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for n in names:
        get_model(n)  # an unknown model is a clear error before anything runs
    return names


@handle_errors
def report(
    scenario: str = typer.Argument(..., help="Scenario file, or the name of a bundled scenario."),
    output: Path = typer.Option(..., "--output", "-o", help="The HTML file to write."),
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
    model: list[str] = typer.Option(
        None,
        "--model",
        "-m",
        help="Model to forecast with (repeatable or comma-separated; default: all).",
    ),
    montecarlo: int = typer.Option(
        1000,
        "--montecarlo",
        "-n",
        min=0,
        help="Monte Carlo variants per model (0: no uncertainty section).",
    ),
    mc_model: list[str] = typer.Option(
        None,
        "--mc-model",
        help="Models given a Monte Carlo interval (default: the static models chosen; "
        "eum and exchange cost milliseconds per variant).",
    ),
    sensitivity: bool = typer.Option(
        True, "--sensitivity/--no-sensitivity", help="Morris screening of the first Monte Carlo model."
    ),
    parties: str = typer.Option(
        None,
        "--parties",
        help="The two parties of the bargaining plane, e.g. UKR,RUS (default: the first two).",
    ),
    png: Path = typer.Option(None, "--png", help="Also write every chart as PNG and SVG into this folder."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of every random part (default 0)."),
) -> None:
    """Write a self-contained HTML report of SCENARIO: summary, positions, dynamics,
    bargaining, uncertainty, guarantees, forecasts over time and sources.

    The file opens offline in any browser (plotly.js is inside it) and prints well.
    """
    from negotia.api import load_scenario
    from negotia.report import collect, write_html, write_images

    sc = load_scenario(scenario)
    chosen = [p.strip() for p in parties.split(",")] if parties else None
    say = (lambda part: err_console.print(f"[dim]… {part}[/dim]")) if err_console.is_terminal else None
    data = collect(
        sc,
        as_of=as_of,
        known_by=known_by,
        models=_names(model),
        montecarlo=montecarlo,
        mc_models=_names(mc_model),
        sensitivity=sensitivity,
        parties=chosen,
        seed=seed,
        progress=say,
    )
    path = write_html(data, output)
    size = path.stat().st_size
    typer.echo(f"wrote {path} ({size / 1e6:.1f} MB)")
    if png is not None:
        files = write_images(data, png)
        typer.echo(f"wrote {len(files)} images into {png}")
    for part, why in data.skipped.items():
        typer.echo(f"not in the report: {part} ({why})")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app, in the order of `negotia --help`."""
    app.command()(report)
