"""The ``negotia`` command line (the typer app is built in ``negotia.cli.root``).

``negotia --version`` is answered here without building the app: it needs neither typer
nor any area module, and it is what scripts and installers call to check the install.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from negotia import __version__

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]


def __getattr__(name: str) -> typer.Typer:
    # ``from negotia.cli import app`` (tests, typer's CliRunner) builds the app on demand.
    if name == "app":
        from negotia.cli.root import app

        return app
    raise AttributeError(f"module 'negotia.cli' has no attribute {name!r}")


def main() -> None:
    """Entry point of the ``negotia`` script."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"negotia {__version__}\n")
        return
    from negotia.cli.root import app

    app()
