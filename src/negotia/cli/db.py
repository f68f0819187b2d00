"""``negotia db``: the database of scenarios and recorded runs (init, import, export,
list, runs, remove).  SQLAlchemy is imported only when a db command runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from negotia.cli.common import FORMAT_OPTION, OutputFormat, console, emit, handle_errors
from negotia.errors import InputError, Problem

db_app = typer.Typer(
    name="db",
    help="The database of scenarios and recorded runs (SQLite by default; NEGOTIA_DB for another).",
    no_args_is_help=True,
)


@db_app.command()
@handle_errors
def init() -> None:
    """Create the database, or upgrade one made by an earlier negotia."""
    from negotia.store.database import Store

    with Store() as store:
        was, now = store.init()
        if was == now:
            console.print(f"{store.shown_url}: up to date (schema {now})")
        elif was is None:
            console.print(f"{store.shown_url}: created (schema {now})")
        else:
            console.print(f"{store.shown_url}: upgraded from schema {was} to {now}")


@db_app.command("import")
@handle_errors
def import_(
    source: str = typer.Argument(..., help="Scenario file (or bundled scenario name)."),
    name: str = typer.Option(None, "--name", help="Name to store it under (default: the file's name)."),
    replace: bool = typer.Option(False, "--replace", help="Replace a stored scenario of that name."),
) -> None:
    """Store a scenario with its revisions (all of it or, if anything is wrong, nothing)."""
    from negotia.api import import_scenario
    from negotia.scenario.formats import bundled_names

    info = import_scenario(source, name, replace=replace)
    console.print(
        f"stored {info.name!r}: {info.actors} actors, {info.issues} issues, {info.stances} stances, "
        f"{info.revisions} revisions"
    )
    if info.name in bundled_names():
        console.print(
            f"[yellow]note[/yellow]: a bundled scenario is also called {info.name!r}; "
            f"use db:{info.name} to mean the stored one"
        )


@db_app.command()
@handle_errors
def export(
    name: str = typer.Argument(..., help="Stored scenario."),
    dest: Path = typer.Argument(..., help="Output file; its ending picks the format unless --to is given."),
    to: str = typer.Option(None, "--to", help="Output format (yaml or json keep everything)."),
    force: bool = typer.Option(False, "--force", help="Write even if the format drops data."),
) -> None:
    """Write a stored scenario to a file (YAML or JSON give back exactly what was stored)."""
    from negotia.api import load_stored
    from negotia.scenario.formats import format_for_output, lost_in, save_scenario

    sc = load_stored(name.removeprefix("db:"))
    fmt = format_for_output(dest, to)
    lost = lost_in(sc, fmt)
    if lost and not force:
        raise InputError(
            str(dest),
            Problem("", f"the {fmt} format cannot hold {', '.join(lost)} of this scenario; use --force"),
        )
    save_scenario(sc, dest, fmt)
    console.print(f"wrote {dest} ({fmt})" + (f"; dropped: {', '.join(lost)}" if lost else ""))


@db_app.command("list")
@handle_errors
def list_(format: OutputFormat = FORMAT_OPTION) -> None:
    """List the stored scenarios."""
    from negotia.store.database import Store

    with Store() as store:
        infos = store.list()
        where = store.shown_url
    emit(
        format,
        json=lambda: [vars(i) for i in infos],
        csv=lambda: _csv(["name", "title", "date", "actors", "issues", "stances", "revisions"], infos),
        table=lambda: _scenarios_table(infos, where),
    )


def _scenarios_table(infos: list[Any], where: str) -> None:
    t = Table(title=f"Stored scenarios ({where})", title_justify="left")
    for c in ("name", "title", "date", "actors", "issues", "stances", "revisions"):
        t.add_column(c, justify="right" if c in ("actors", "issues", "stances", "revisions") else "left")
    for i in infos:
        t.add_row(
            i.name,
            i.title,
            str(i.date or ""),
            str(i.actors),
            str(i.issues),
            str(i.stances),
            str(i.revisions),
        )
    console.print(t if infos else f"no stored scenarios in {where}")


@db_app.command()
@handle_errors
def runs(
    scenario: str = typer.Argument(None, help="Only the runs on this scenario."),
    show: int = typer.Option(None, "--show", help="Print the output of run ID exactly as recorded."),
    format: OutputFormat = FORMAT_OPTION,
) -> None:
    """List recorded runs (made with `negotia forecast --record`), or show one again."""
    from negotia.store.database import Store

    with Store() as store:
        if show is not None:
            run = store.run(show)
            sys.stdout.write(run.outputs if run.outputs.endswith("\n") else run.outputs + "\n")
            return
        found = store.runs(scenario.removeprefix("db:") if scenario else None)
    cols = ["id", "scenario", "as_of", "created", "command", "models", "seed", "input_hash", "code_version"]
    emit(
        format,
        json=lambda: [{k: v for k, v in vars(r).items() if k != "outputs"} for r in found],
        csv=lambda: _csv(cols, found),
        table=lambda: _runs_table(found),
    )


def _runs_table(found: list[Any]) -> None:
    t = Table(title="Recorded runs", title_justify="left")
    for c in ("id", "scenario", "as of", "recorded", "models", "input", "version"):
        t.add_column(c)
    for r in found:
        t.add_row(
            str(r.id),
            r.scenario,
            str(r.as_of or ""),
            r.created.strftime("%Y-%m-%d %H:%M"),
            ", ".join(r.models),
            r.input_hash[:12],
            r.code_version,
        )
    console.print(t if found else "no recorded runs")


@db_app.command()
@handle_errors
def remove(name: str = typer.Argument(..., help="Stored scenario.")) -> None:
    """Delete a stored scenario (its recorded runs stay, by name and input hash)."""
    from negotia.store.database import Store

    with Store() as store:
        store.remove(name.removeprefix("db:"))
    console.print(f"removed {name!r}")


def _csv(cols: list[str], items: list[object]) -> Iterator[list[Any]]:
    yield cols
    for item in items:
        row = vars(item)
        yield [";".join(v) if isinstance(v, list) else v for v in (row[c] for c in cols)]


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)
