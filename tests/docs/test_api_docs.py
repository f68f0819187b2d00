"""The API reference (``make docs``, tools/api_docs.py) builds without a pdoc warning."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("pdoc", reason="pdoc is in the dev extras (pip install -e '.[dev]')")

TOOL = Path(__file__).resolve().parents[2] / "tools" / "api_docs.py"


def _tool():
    spec = importlib.util.spec_from_file_location("api_docs", TOOL)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_public_facade_is_documented_without_warnings(tmp_path: Path) -> None:
    tool = _tool()
    assert tool.build(tmp_path, ("negotia",)) == []
    page = (tmp_path / "negotia.html").read_text(encoding="utf-8")
    # Every name the facade exports has its entry (the lazy names are resolved).
    import negotia

    missing = [name for name in negotia.__all__ if f'id="{name}"' not in page]
    assert missing == []


def test_a_broken_module_is_reported(tmp_path: Path) -> None:
    """A module pdoc cannot import gives a warning, so the build above can fail."""
    tool = _tool()
    problems = tool.build(tmp_path, ("negotia", "negotia.no_such_module"))
    assert problems and "no_such_module" in " ".join(problems)
