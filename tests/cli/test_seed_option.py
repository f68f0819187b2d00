"""Issue 16 item 2: `--seed -1` gave NumPy's traceback ("expected non-negative integer")
from commands whose seed does not pass through negotia.seeding first; the common CLI
error handler now checks every command's --seed by the seed rule (exit 2)."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "ukraine-2025", "-m", "exchange", "--ties", "random", "--seed", "-1"],
        ["simulate", "ukraine-2025", "--seed", "-1"],
        ["guarantees", "assess", "--seed", "-1"],
        ["montecarlo", "ukraine-2025", "-m", "compromise", "-n", "10", "--seed", "-1"],
    ],
)
def test_negative_seed_is_one_readable_error(args: list[str]) -> None:
    r = run_cli(*args)
    assert r.returncode == 2
    assert "--seed -1: a seed must be 0 or more" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
