"""``negotia guarantees``: the catalogue, trigger checks, credibility and comparisons.

One module per command (``listing``: list and show; ``check``; ``assess``; ``compare``),
registered below in the order ``--help`` lists them; the options and helpers they
share are in ``shared``.
"""

from __future__ import annotations

import typer

from negotia.cli.common import console
from negotia.cli.guarantees import assess, check, compare, listing
from negotia.cli.guarantees.shared import app

__all__ = ["app", "console", "register"]

app.command("list")(listing.list_)
app.command()(listing.show)
app.command()(check.check)
app.command()(assess.assess)
app.command()(compare.compare)


def register(root: typer.Typer) -> None:
    """Add the ``guarantees`` command group to the root app."""
    root.add_typer(app, name="guarantees")
