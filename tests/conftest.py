"""Shared test helpers: the reference data folder and running the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ../shared/reference beside the project root (read-only real data; see its README).
REFERENCE = ROOT.parent / "shared" / "reference"


def reference(*parts: str) -> Path:
    """A file under the reference folder, or skip the test with the reason."""
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"reference data not available: {path.relative_to(ROOT.parent)} (needs ../shared/reference)"
        )
    return path


def run_cli(
    *args: str, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``negotia ARGS`` through the installed entry point, as a user would."""
    exe = Path(sys.executable).with_name("negotia")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "negotia"]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, input=input, cwd=cwd or ROOT, env=env, timeout=600
    )


@pytest.fixture
def cli():
    return run_cli
