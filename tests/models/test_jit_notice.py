"""The one-time compilation notice of the exchange model (issue 13, item 1).

numba keeps compiled code in an on-disk cache (NUMBA_CACHE_DIR when set); the notice is
written when that cache holds nothing for the loop, and never again once it does. The
tests point numba at an empty temporary cache so that the cold case is real.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

NOTICE = "negotia: compiling the exchange model's inner loop"


def _run(code: str, cache: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )


def test_cold_then_warm_on_a_small_compiled_function(tmp_path: Path) -> None:
    # A one-line function compiles in well under a second: the same mechanism as the
    # exchange loop's, without its cost.
    (tmp_path / "tiny_kernel.py").write_text(
        "from numba import njit\n\n\n@njit(cache=True)\ndef add_one(x):\n    return x + 1\n"
    )
    probe = """
        import sys
        sys.path.insert(0, ".")
        import tiny_kernel
        from negotia.models.jit_notice import cache_is_cold, compile_notice
        cold = cache_is_cold(tiny_kernel.add_one)
        said = compile_notice(tiny_kernel.add_one, "a tiny loop")
        again = compile_notice(tiny_kernel.add_one, "a tiny loop")
        assert tiny_kernel.add_one(1) == 2
        print(cold, said, again, cache_is_cold(tiny_kernel.add_one))
        """
    first = _run(probe, tmp_path / "cache", tmp_path)
    # Cold: the notice is said once, on stderr; once compiled it is not cold.
    assert first.stdout.split() == ["True", "True", "False", "False"]
    assert first.stderr.count("negotia: compiling a tiny loop") == 1
    second = _run(probe, tmp_path / "cache", tmp_path)
    # Warm (a new process reading the cache written by the first): nothing said.
    assert second.stdout.split() == ["False", "False", "False", "False"]
    assert second.stderr == ""


def test_notice_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    from negotia.models import jit_notice
    from negotia.models.jit_notice import compile_notice

    # The notice is said once per process; in a fresh clone an exchange run earlier in
    # this test worker (cold numba cache) has already said it, and this test then failed
    # or passed by test order. It gets a process state of its own.
    monkeypatch.setattr(jit_notice, "_said", set())

    class Cold:
        signatures = ()

        class _cache:  # noqa: N801 - numba's attribute names
            class _cache_file:  # noqa: N801
                _index_path = "/nonexistent/negotia-test-index.nbi"

    out = io.StringIO()
    assert compile_notice(Cold(), "the exchange model's inner loop", stream=out)
    assert out.getvalue().startswith(NOTICE)
    assert all(len(line) <= 80 for line in out.getvalue().splitlines())


@pytest.mark.slow
def test_exchange_forecast_says_it_compiles_only_when_the_cache_is_cold(tmp_path: Path) -> None:
    # Through the real command: an empty NUMBA_CACHE_DIR makes the first run compile.
    run = """
        import sys
        sys.argv = ["negotia", "forecast", "ukraine-2025", "-m", "exchange", "-f", "json"]
        from negotia.cli import main
        main()
        """
    cache = tmp_path / "numba-cache"
    first = _run(run, cache, tmp_path)
    assert first.stderr.count(NOTICE) == 1
    assert any(cache.rglob("*.nbi"))  # the compiled loop was cached there
    second = _run(run, cache, tmp_path)
    assert NOTICE not in second.stderr
    assert first.stdout == second.stdout  # the same forecast, compiled or read back
