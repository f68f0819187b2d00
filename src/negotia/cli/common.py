"""What every CLI command shares: the console, error handling, the scenario's time
options; and, re-exported from :mod:`negotia.cli.output`, the output formats."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date as Date
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from negotia.cli.output import (
    OutputFormat,
    TableConsole,
    TableOrJson,
    emit,
    format_option,
    json_text,
    print_json,
    records,
    write_csv,
)
from negotia.errors import NegotiaError

__all__ = [
    "AS_OF_OPTION",
    "FORMAT_OPTION",
    "KNOWN_BY_OPTION",
    "OutputFormat",
    "TableOrJson",
    "console",
    "dated_title",
    "emit",
    "err_console",
    "fail",
    "fmt_num",
    "format_option",
    "handle_errors",
    "json_text",
    "parse_day",
    "print_day",
    "print_json",
    "progress_bar",
    "records",
    "with_day",
    "write_csv",
]

# Tables printed through this console never lose digits (negotia.cli.output).
console = TableConsole()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


# One option for every command offering all three formats (negotia.cli.output).
FORMAT_OPTION = format_option(OutputFormat)


def fail(error: NegotiaError) -> None:
    """Print a user error as one readable block and exit with status 2."""
    err_console.print(Panel(str(error), title="[bold red]error", title_align="left", border_style="red"))
    raise typer.Exit(2)


def handle_errors(func: F) -> F:
    """Turn :class:`NegotiaError` (and file-system errors) into a clean message and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if "seed" in kwargs:  # every command's --seed follows the one seed rule
                from negotia.seeding import check_seed

                check_seed(kwargs["seed"], "--seed")
            return func(*args, **kwargs)
        except NegotiaError as e:
            fail(e)
        except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
            fail(NegotiaError(f"{e.filename}: {e.strerror}"))
        except BrokenPipeError:  # pragma: no cover - e.g. piped into head
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def fmt_num(x: float, digits: int = 2) -> str:
    """A number for a table: fixed digits, '—' for missing."""
    import math

    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"


def parse_day(text: str) -> Date:
    """A day typed by a user as YYYY-MM-DD; a message naming what is wrong otherwise.

    ``date.fromisoformat`` alone would also take ``20251214`` and week dates; a user
    who types those most likely meant something else, so only the plain form is taken.
    """
    import re

    if isinstance(text, Date):  # typer passes a default through the parser too
        return text
    s = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise typer.BadParameter(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-12-14")
    try:
        return Date.fromisoformat(s)
    except ValueError as e:
        raise typer.BadParameter(f"{s} is not a day of the calendar ({e})") from None


# The scenario's time options: one definition that every command taking a scenario uses.
AS_OF_OPTION = typer.Option(
    None,
    "--as-of",
    metavar="DATE",
    parser=parse_day,
    help="Analyse the scenario as it stood on DATE (YYYY-MM-DD; default: its own date).",
)
KNOWN_BY_OPTION = typer.Option(
    None,
    "--known-by",
    metavar="DATE",
    parser=parse_day,
    help="Use only the revisions known (recorded) by DATE (default: every revision).",
)


def dated_title(name: str, day: Date | None, as_of: Date | None, known_by: Date | None) -> str:
    """A scenario's name for a table title, saying which day (and knowledge) it shows.

    Names often carry their date already ("Berlin (14 December 2025)"), so the day is
    added only when it is not the name's own or the user asked for another one.
    """
    if as_of is None and known_by is None:
        return name + (f" ({day})" if day and str(day.year) not in name else "")
    return name + (f", as of {day}" if day else "") + (f", known by {known_by}" if known_by else "")


def with_day(data: dict[str, Any], day: Date | None, known_by: Date | None) -> dict[str, Any]:
    """A result's JSON with the day it was computed for and the knowledge cut-off."""
    return {**data, "as_of": day, "known_by": known_by}


def print_day(day: Date | None, as_of: Date | None, known_by: Date | None) -> None:
    """Under a table: the day analysed, when the user chose one (the default is the
    scenario's own date, which its name already gives)."""
    if as_of is not None or known_by is not None:
        console.print(f"as of {day}" + (f", known by {known_by}" if known_by else "") + ".", highlight=False)


@contextmanager
def progress_bar(label: str, total: int | None, quiet: bool) -> Iterator[tuple[Callable[[int], None], Any]]:
    """A rich progress bar on stderr (off when quiet or stderr is not a terminal, so piped
    and captured output never holds one).

    Yields ``(advance, set_total)``.
    """
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
    )
    task = bar.add_task(label, total=total)
    with bar:
        yield (
            lambda k: bar.advance(task, k),
            lambda t: bar.update(task, total=t),
        )
