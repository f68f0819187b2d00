"""Issue 16 item 1: progress on anything that can take more than a second or two, on
stderr, only when it is a terminal (piped or captured output never holds a bar)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from negotia.cli import common
from tests.conftest import run_cli


def test_bar_is_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.StringIO()
    monkeypatch.setattr(common, "err_console", Console(file=buf, force_terminal=True, width=80))
    with common.progress_bar("forecast", 3, quiet=False) as (advance, _):
        for _ in range(3):
            advance(1)
    assert "forecast" in buf.getvalue()


def test_no_bar_when_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for console, quiet in ((Console(file=io.StringIO(), force_terminal=True), True),
                           (Console(file=io.StringIO(), force_terminal=False), False)):  # fmt: skip
        monkeypatch.setattr(common, "err_console", console)
        with common.progress_bar("forecast", 2, quiet=quiet) as (advance, _):
            advance(2)
        assert console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_forecast_piped_has_a_clean_stderr() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "compromise", "-m", "median")
    assert r.returncode == 0 and r.stderr == ""
