"""Tables never lose digits when output is not a terminal (issue 15's last line)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table

from negotia.cli.output import TableConsole, is_numeric


def _render(table: Table, width: int) -> str:
    out = io.StringIO()
    TableConsole(file=out, width=width, force_terminal=False, color_system=None).print(table)
    return out.getvalue()


def test_numbers_recognised():
    for cell in ("78.3", "78.3 [red]⚠[/red]", "0 / 3 / 764", "22.2%", "-1.5e-07", "10 (1)", "1,129.5"):
        assert is_numeric(cell), cell
    for cell in ("nato", "UKR, RUS", "Ukraine drops the membership goal", ""):
        assert not is_numeric(cell), cell


@settings(max_examples=60)
@given(
    st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=6),
    st.integers(0, 8),
    st.integers(3, 12),
    st.integers(20, 90),
    st.text(alphabet="abcdefgh ", min_size=1, max_size=60),
)
def test_no_digit_is_lost_at_any_width(values, digits, columns, width, words):
    t = Table()
    t.add_column("label")
    for c in range(columns):
        t.add_column(f"value {c}", no_wrap=True, justify="right")
    cells = [f"{v:.{digits}f}" for v in values]
    for k, cell in enumerate(cells):
        t.add_row(f"{words} {k}", *([cell] * columns))
    text = _render(t, width)
    lines = text.splitlines()
    for cell in cells:
        # Every number appears whole on one line, once per column.
        assert sum(line.count(cell) for line in lines) >= columns, (cell, text)
    assert "…" not in text


def _cli(args: list[str]) -> str:
    exe = os.path.join(os.path.dirname(sys.executable), "negotia")
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    r = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_piped_guarantee_comparison_keeps_every_figure():
    # The widest table of the command line: at 80 columns it used to print "775…".
    table = _cli(["guarantees", "compare"])
    data = json.loads(_cli(["guarantees", "compare", "--format", "json"]))
    assert "…" not in table
    for row in data["arrangements"]:
        assert row["id"] in table
        assert f"{row['max_response']:.1f}" in table
        assert f"{row['expected_response']:.1f}" in table
        assert f"{row['p_outweighs']:.1%}" in table


def test_piped_forecast_table_keeps_every_forecast():
    table = _cli(["forecast", "ukraine-2025", "-m", "compromise", "-m", "median"])
    data = json.loads(
        _cli(["forecast", "ukraine-2025", "-m", "compromise", "-m", "median", "--format", "json"])
    )
    assert "…" not in table
    for row in data["forecasts"]:
        assert f"{row['forecast']:.1f}" in table
    # Text wraps to fit 80 columns; numbers do not need more here.
    assert max(len(line) for line in table.splitlines()) <= 80
