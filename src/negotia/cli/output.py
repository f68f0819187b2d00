"""How the command line writes its results: one ``--format`` option, and tables that
never lose a digit, in a terminal or a file.

Every command with a result to print declares the formats it offers with
:func:`format_option` and hands one renderer per format to :func:`emit`, which runs the
one asked for: strict JSON, CSV rows, or tables.  A command without a CSV form declares
``format_option(TableOrJson)``, so ``-f csv`` is refused by typer like any bad value.

rich fits a table to the console's width by wrapping cells and, in columns that may
not wrap, cutting them with an ellipsis: piped to a file (80 columns unless COLUMNS says
otherwise) a wide table lost digits ("775…").  :class:`TableConsole` prints every table
so that this cannot happen:

- a column whose cells are all numbers (with signs, %, ranges, separators) is never
  wrapped nor cut: its width is at least its widest cell and its header;
- other columns wrap their text (folding long words) instead of being cut;
- if the numbers alone do not fit, the table is printed at the width it needs, wider
  than the console, rather than dropping anything.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text


class OutputFormat(str, Enum):
    """The formats a command may offer (``--format``/``-f``)."""

    table = "table"
    json = "json"
    csv = "csv"


class TableOrJson(str, Enum):
    """The formats of a command whose result has no flat, row-per-record form."""

    table = "table"
    json = "json"


def format_option(formats: type[Enum] = OutputFormat) -> Any:
    """The ``--format``/``-f`` option offering the members of ``formats`` (default table).

    Annotate the parameter with the same enum: typer then lists its values in the help
    and refuses any other with its usual "is not one of" error (exit 2).
    """
    names = [str(f.value) for f in formats]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return typer.Option(formats["table"], "--format", "-f", help=f"Output format: {listed}.")


def emit(
    format: Enum | str,
    *,
    table: Callable[[], None],
    json: Callable[[], Any],
    csv: Callable[[], Iterable[Sequence[Any]]] | None = None,
) -> None:
    """Print a result in ``format``: only the renderer asked for runs.

    ``table`` prints (through the command line's console); ``json`` returns the data that
    :func:`print_json` writes; ``csv`` returns the rows, header first, that
    :func:`write_csv` writes.  Each is a callable so that nothing is built for a format
    not asked for.
    """
    name = format.value if isinstance(format, Enum) else format
    if name == "json":
        print_json(json())
    elif name == "csv":
        if csv is None:  # format_option(TableOrJson) keeps typer from getting here
            raise ValueError("this command has no CSV output")
        write_csv(csv())
    else:
        table()


def print_json(data: Any) -> None:
    """Write strict JSON to stdout without rich markup (machine-readable).

    NaN and infinities (a missing value, an open red line) are written as null, since
    JSON has no such numbers and strict parsers reject them.
    """
    sys.stdout.write(json_text(data) + "\n")


def json_text(data: Any) -> str:
    """``data`` as the strict JSON text :func:`print_json` writes."""
    from negotia.jsonable import json_text as strict

    return strict(data)


def write_csv(rows: Iterable[Sequence[Any]]) -> None:
    """Rows (the header first) as CSV on stdout: ``\\n`` line ends, ``None`` as empty."""
    import csv

    csv.writer(sys.stdout, lineterminator="\n").writerows(rows)


def records(rows: Sequence[Mapping[str, Any]]) -> Iterator[list[Any]]:
    """Dicts as CSV rows: the first dict's keys as the header, then each dict's values
    in that order (nothing at all for no dicts)."""
    if not rows:
        return
    header = list(rows[0])
    yield header
    for r in rows:
        yield [r.get(h, "") for h in header]


#: A cell that holds only numbers: digits with signs, separators, units and markers.
_NUMERIC = re.compile(r"^[\s\d.,:;/+\-−–—%×x()eE⚠*$€£]*\d[\s\d.,:;/+\-−–—%×x()eE⚠*$€£bnkKM]*$")


def _plain(cell: Any) -> str:
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        try:
            return Text.from_markup(cell).plain
        except Exception:  # markup errors: the raw string is what will be measured
            return cell
    return ""


def is_numeric(cell: Any) -> bool:
    """Whether a cell holds only numbers (``"78.3"``, ``"0 / 3 / 764"``, ``"22.2% ⚠"``)."""
    return bool(_NUMERIC.match(_plain(cell)))


def keep_digits(table: Table) -> Table:
    """Number columns never wrap nor shrink below their widest cell; text columns fold."""
    for column in table.columns:
        cells = [c for c in column.cells if _plain(c).strip() not in ("", "—", "-")]
        if cells and all(is_numeric(c) for c in cells):
            # The header counts too: a column that may not wrap would otherwise cut it.
            lines = [line for c in [*cells, column.header] for line in _plain(c).splitlines()]
            widest = max((cell_len(line) for line in lines), default=1)
            column.no_wrap = True
            column.overflow = "fold"
            column.min_width = max(column.min_width or 0, widest)
        else:
            column.no_wrap = False
            column.overflow = "fold"
    return table


class TableConsole(Console):
    """A console whose tables never lose a digit (see the module's docstring)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        tables = [o for o in objects if isinstance(o, Table)]
        for t in tables:
            keep_digits(t)
        if tables and not self.is_terminal:
            # Measured without a width limit: the least width at which no cell is cut.
            unlimited = self.options.update_width(10**6)
            need = max(self.measure(t, options=unlimited).minimum for t in tables)
            if need > self.width:
                wide = Console(
                    file=self.file,
                    width=need,
                    no_color=self.no_color,
                    color_system=None,
                    highlight=False,
                    force_terminal=False,
                )
                wide.print(*objects, **kwargs)
                return
        super().print(*objects, **kwargs)
