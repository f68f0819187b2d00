"""tools/size_check.py (run by ``make lint``) flags long files and functions, and only those."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "size_check.py"


def _tool():
    spec = importlib.util.spec_from_file_location("size_check", TOOL)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _function(name: str, body_lines: int) -> str:
    return f"def {name}():\n" + "    x = 1\n" * (body_lines - 1)


def test_limits_are_600_lines_per_file_and_80_per_function(tmp_path: Path) -> None:
    tool = _tool()
    ok = tmp_path / "ok.py"
    ok.write_text(_function("f", 80) + "\n" * (600 - 80))
    assert len(ok.read_text().splitlines()) == 600
    assert tool.offences(ok) == []
    long_fn = tmp_path / "long_fn.py"
    long_fn.write_text("@staticmethod\n" + _function("g", 80))  # the decorator counts
    assert [k for k, _ in tool.offences(long_fn)] == [f"{long_fn.as_posix()}::g"]
    long_file = tmp_path / "long_file.py"
    long_file.write_text("x = 1\n" * 601)
    assert [k for k, _ in tool.offences(long_file)] == [long_file.as_posix()]


def test_a_reason_at_the_top_exempts_the_file(tmp_path: Path) -> None:
    tool = _tool()
    for reason in ("# size: one table per statement", "# Over 600 lines: one command group"):
        p = tmp_path / "reasoned.py"
        p.write_text('"""Doc."""\n' + reason + "\n" + "x = 1\n" * 700 + _function("h", 100))
        assert tool.offences(p) == []
    p.write_text("x = 1\n" * 10 + "# size: too far down\n" + "x = 1\n" * 700)
    assert len(tool.offences(p)) == 1


def test_the_library_is_within_the_limits_or_listed(monkeypatch) -> None:
    tool = _tool()
    monkeypatch.chdir(TOOL.parents[1])  # the exceptions name paths from the project root
    assert tool.main(["src/negotia"]) == 0
