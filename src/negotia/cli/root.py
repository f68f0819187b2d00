"""The ``negotia`` typer app, assembled from one module per area.

Each area module (``forecast``, ``guarantees``, ...) exposes ``register(app)`` and adds
its commands; this keeps the commands of one concept beside each other without one
file that every feature edits. Area modules import their libraries inside the commands
(ARCHITECTURE.md, "Heavy imports are lazy"), so building this app for ``--help`` costs
typer and rich only.
"""

from __future__ import annotations

import importlib

import typer

from negotia import __version__

app = typer.Typer(
    name="negotia",
    help="Model, forecast and simulate multi-party negotiations and security guarantees.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Areas register their commands in this order (which is the order of `negotia --help`).
_AREAS: tuple[str, ...] = (
    "outlook",  # the main job first (make run)
    "core",
    "ensemble",
    "guarantees",
    "bargain",
    "agreement",
    "timeline",
    "db",
    "report",
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


for _area in _AREAS:
    importlib.import_module(f"negotia.cli.{_area}").register(app)
