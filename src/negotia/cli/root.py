"""The ``negotia`` typer app, assembled from one module per area.

Each area module (``core``, ``guarantees``, ...) defines its commands as module-level
functions and exposes ``register(app)``, which adds them; this keeps the commands of one
concept beside each other without one file that every feature edits. The areas are
listed below by name, so that a reader (and a type checker) sees every module the app is
built from. Area modules import their libraries inside the commands (ARCHITECTURE.md,
"Heavy imports are lazy"), so building this app for ``--help`` costs typer and rich only.
"""

from __future__ import annotations

import typer

from negotia import __version__
from negotia.cli import agreement, bargain, core, db, ensemble, guarantees, outlook, report, timeline

app = typer.Typer(
    name="negotia",
    help="Model, forecast and simulate multi-party negotiations and security guarantees.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"negotia {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """negotia: forecasts, bargaining space and security guarantees of a negotiation."""


# Areas register their commands in this order, which is the order of `negotia --help`.
outlook.register(app)  # the main job first (make run)
core.register(app)
ensemble.register(app)
guarantees.register(app)
bargain.register(app)
agreement.register(app)
timeline.register(app)
db.register(app)
report.register(app)
