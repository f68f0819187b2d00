"""Fixtures of the report tests: one report of the bundled case, and headless Chromium.

Chromium comes from the system's packages (Debian: ``apt-get install chromium``) and is
driven by Playwright through its executable path; nothing downloads a browser.  On a
machine without it the browser tests skip and say why; with ``NEGOTIA_REQUIRE_BROWSER=1``
(set by ``.ci/run``) a missing browser fails them instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def chromium_path() -> str | None:
    """The system Chromium: ``NEGOTIA_CHROMIUM``, else ``chromium`` on the PATH."""
    given = os.environ.get("NEGOTIA_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_or_skip() -> str:
    """The Chromium executable, or skip (fail when NEGOTIA_REQUIRE_BROWSER is set)."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed (pip install -e '.[dev]')"
    exe = chromium_path()
    if reason is None and exe is None:
        reason = "no system Chromium found (Debian/Ubuntu: apt-get install chromium)"
    if reason is not None:
        if os.environ.get("NEGOTIA_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {reason}")
        pytest.skip(reason)
    assert exe is not None
    return exe


@pytest.fixture(scope="session")
def ukraine_report():
    """The report data of ukraine-2025 (a small Monte Carlo keeps the suite quick)."""
    import negotia
    from negotia.report import collect

    return collect(negotia.load_scenario("ukraine-2025"), montecarlo=200, seed=0)
