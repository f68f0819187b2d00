"""How the command line writes tables: never a lost digit, in a terminal or a file.

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
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
