"""Issue 16 item 3: `forecast` printed `nan` with exit status 0 for an issue without
stances; an issue no model can forecast is now an error naming it (exit 2)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

SCENARIO = """\
name: no stances on y
actors: [{id: A, capability: 1}, {id: B, capability: 1}]
issues: [{id: x}, {id: y}]
stances:
  - {actor: A, issue: x, position: 20, salience: 0.5}
  - {actor: B, issue: x, position: 80, salience: 0.5}
"""


def test_issue_without_stances_is_named_not_nan(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    for fmt in ("table", "csv", "json"):
        r = run_cli("forecast", str(p), "--format", fmt)
        assert r.returncode == 2, fmt
        assert "issue 'y': has no stances, so no model can forecast it" in r.stderr
        assert r.stdout == "" and "nan" not in r.stdout and "Traceback" not in r.stderr


def test_every_issue_with_stances_still_forecasts(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(SCENARIO.replace("issues: [{id: x}, {id: y}]", "issues: [{id: x}]"), encoding="utf-8")
    r = run_cli("forecast", str(p), "--format", "csv", "-m", "compromise")
    assert r.returncode == 0 and "x,compromise,50.0" in r.stdout
