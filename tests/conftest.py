"""Shared test helpers: the reference data folder, running the real CLI, and the
hypothesis profiles.

Hypothesis runs under the ``ci`` profile unless ``HYPOTHESIS_PROFILE`` names another:
derandomised (the examples are a fixed function of each test, so a run cannot fail by
luck), no deadline (the machine is shared; time is measured in ``bench/``), and a
failing example printed with the blob that reproduces it.  ``HYPOTHESIS_PROFILE=dev``
explores: random examples on every run, ten times as many per test, and failures kept
in the local example database so that the next run tries them first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    # timing-based, so it could fail a run on a busy machine
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", derandomize=False, deadline=None, print_blob=True)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)
#: How many times each test's own ``max_examples`` the ``dev`` profile runs.
DEV_FACTOR = 10


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``dev``, run every property test with ten times its own number of examples."""
    if PROFILE != "dev":
        return
    done: set[int] = set()
    for item in items:
        test = getattr(item, "obj", None)
        if not getattr(getattr(test, "hypothesis", None), "inner_test", None) or id(test) in done:
            continue
        done.add(id(test))  # parametrized tests share one function
        # Tests fix their count with @settings(max_examples=...); hypothesis keeps it on
        # the wrapped function, so the multiplier is applied there.
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is None:
            raise RuntimeError("hypothesis changed where a test keeps its settings: update tests/conftest.py")
        test._hypothesis_internal_use_settings = settings(own, max_examples=own.max_examples * DEV_FACTOR)


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
    *args: str, input: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``negotia ARGS`` through the installed entry point, as a user would (``env`` adds
    to the environment, e.g. ``{"COLUMNS": "80"}``)."""
    exe = Path(sys.executable).with_name("negotia")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "negotia"]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **(env or {})}
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, input=input, cwd=cwd or ROOT, env=env, timeout=600
    )


@pytest.fixture
def cli():
    return run_cli
