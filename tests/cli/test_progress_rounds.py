"""Issue 16 item 1: progress inside long models (per round of the EUM), drawn by one
shared helper (negotia.progress) on a terminal's stderr only, and only for runs that
last; the models themselves just call back."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
from rich.console import Console

import negotia
from negotia import progress
from negotia.models import run_model
from negotia.scenario.arrays import ScenarioArrays
from tests.conftest import reference, run_cli


def _terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=80)


def test_a_bar_is_drawn_on_a_terminal_once_the_delay_has_passed() -> None:
    console = _terminal()
    with progress.steps("eum", delay=0.0, console=console) as report:
        for t in range(1, 4):
            report(t, 3)
    assert "eum" in console.file.getvalue()  # type: ignore[attr-defined]


def test_no_bar_before_the_delay_when_quiet_or_not_a_terminal() -> None:
    consoles = [
        (_terminal(), {"delay": 3600.0}),
        (_terminal(), {"delay": 0.0, "quiet": True}),
        (Console(file=io.StringIO(), force_terminal=False), {"delay": 0.0}),
    ]
    for console, options in consoles:
        with progress.steps("eum", console=console, **options) as report:
            report(1, 2)
            report(2, 2)
        assert console.file.getvalue() == "", options  # type: ignore[attr-defined]


def test_the_eum_reports_every_round_and_ends_complete() -> None:
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario(reference("eum", "ec_car_emissions.csv")))
    heard: list[tuple[int, int]] = []
    plain = run_model("eum", arrays, rounds=6)
    told = run_model("eum", arrays, rounds=6, progress=lambda done, total: heard.append((done, total)))
    assert heard[0] == (1, 6) and heard[-1] == (6, 6)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)  # never goes back
    np.testing.assert_array_equal(plain.outcome, told.outcome)  # listening changes nothing


def test_models_without_rounds_ignore_the_callback() -> None:
    arrays = ScenarioArrays.from_scenario(negotia.load_scenario("ukraine-2025"))
    heard: list[tuple[int, int]] = []
    run_model("compromise", arrays, progress=lambda d, t: heard.append((d, t)))
    assert heard == []


def test_importing_the_helper_does_not_import_rich() -> None:
    code = "import sys, negotia.progress; assert 'rich' not in sys.modules, 'rich imported'"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_forecast_with_the_eum_piped_keeps_stderr_clean() -> None:
    r = run_cli("forecast", "ukraine-2025", "-m", "eum", "--format", "csv")
    assert r.returncode == 0 and r.stderr == ""
