"""Issue 16 items 2-3: NumPy's overflow and invalid-value RuntimeWarnings reached stderr
on extreme but finite input (capabilities of 1e308, an issue scale of ±1e308), and the
forecast was then silently 0, 50 or missing (the compromise model gave 0.0 where the
two strongest actors stand at 20 and 80).  Such input is now refused with the field
named, and the extremes still accepted run without a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

HUGE_CAPABILITY = """\
name: huge capabilities
actors: [{id: A, capability: 1e308}, {id: B, capability: 1e308}, {id: C, capability: 1}]
issues: [{id: x}]
stances:
  - {actor: A, issue: x, position: 20, salience: 0.9}
  - {actor: B, issue: x, position: 80, salience: 0.9}
  - {actor: C, issue: x, position: 50, salience: 0.5, capability: 2e300}
"""

HUGE_SCALE = """\
name: huge scale
actors: [{id: A, capability: 1}, {id: B, capability: 2}]
issues: [{id: x, scale: {min: -1e308, max: 1e308}}]
stances:
  - {actor: A, issue: x, position: -1e308, salience: 0.9}
  - {actor: B, issue: x, position: 1e308, salience: 0.9}
"""

# The largest capabilities and scale accepted, with the tiniest saliences and
# capabilities a float holds (subnormal), and two positions 1e-12 apart.
EXTREMES = """\
name: extremes accepted
actors: [{id: A, capability: 1e100}, {id: B, capability: 1e100}, {id: C, capability: 1e-300},
         {id: D, capability: 1e100}]
issues: [{id: x, scale: {min: -1e100, max: 1e100}, status_quo: 0}, {id: y}]
stances:
  - {actor: A, issue: x, position: -1e100, salience: 1}
  - {actor: B, issue: x, position: 1e100, salience: 1}
  - {actor: C, issue: x, position: 0, salience: 5e-324}
  - {actor: D, issue: x, position: 1e99, salience: 1e-300}
  - {actor: A, issue: y, position: 0, salience: 1}
  - {actor: B, issue: y, position: 100, salience: 1e-320}
  - {actor: C, issue: y, position: 50, salience: 1}
  - {actor: D, issue: y, position: 50.000000000001, salience: 1}
red_lines:
  - {actor: A, issue: y, min: 0, max: 60}
"""


def _write(tmp_path: Path, text: str) -> str:
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_huge_capabilities_are_refused_naming_the_field(tmp_path: Path) -> None:
    r = run_cli("forecast", _write(tmp_path, HUGE_CAPABILITY), "--format", "csv")
    assert r.returncode == 2 and r.stdout == ""
    assert "actors[0].capability: capability 1e+308 is above 1e+100" in r.stderr
    assert "stances[2].capability" in r.stderr
    assert "RuntimeWarning" not in r.stderr and "Traceback" not in r.stderr


def test_a_scale_beyond_a_googol_is_refused(tmp_path: Path) -> None:
    r = run_cli("validate", _write(tmp_path, HUGE_SCALE))
    assert r.returncode == 2 and "issues[0].scale" in r.stderr + r.stdout
    assert "RuntimeWarning" not in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("forecast", "--format", "csv"),
        ("forecast", "--format", "json", "--trace"),
        ("montecarlo", "-n", "300", "-m", "eum", "--format", "json"),
        ("montecarlo", "-n", "300", "-m", "nash", "--format", "json"),
        ("bargain",),
    ],
)
def test_the_extremes_accepted_run_without_a_warning(tmp_path: Path, args: tuple[str, ...]) -> None:
    r = run_cli(args[0], _write(tmp_path, EXTREMES), *args[1:])
    assert r.returncode == 0, r.stderr
    assert "RuntimeWarning" not in r.stderr and "Warning" not in r.stderr


def test_the_extremes_give_finite_forecasts_inside_the_scale(tmp_path: Path) -> None:
    import csv
    import io
    import math

    r = run_cli("forecast", _write(tmp_path, EXTREMES), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 12  # two issues x six models
    for row in rows:
        v = float(row["forecast"])
        lo, hi = (-1e100, 1e100) if row["issue"] == "x" else (0.0, 100.0)
        assert math.isfinite(v) and lo <= v <= hi, row
