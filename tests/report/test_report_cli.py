"""`negotia report` through the real entry point: the file, bad input, a light start-up."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import run_cli


def test_report_command_writes_html_and_images(tmp_path):
    out = tmp_path / "r.html"
    r = run_cli(
        "report",
        "ukraine-2025",
        "-o",
        str(out),
        "-n",
        "50",
        "--no-sensitivity",
        "-m",
        "compromise,eum",
        "--png",
        str(tmp_path / "img"),
        "--as-of",
        "2025-12-09",
    )
    assert r.returncode == 0, r.stderr
    assert "wrote" in r.stdout and out.exists()
    text = out.read_text(encoding="utf-8")
    assert "As of 2025-12-09" in text
    # Only the models asked for, and no sensitivity section's charts.
    assert 'id="chart-sensitivity-' not in text and "exchange-network" not in text
    pngs = sorted(p.name for p in (tmp_path / "img").glob("*.png"))
    svgs = sorted(p.name for p in (tmp_path / "img").glob("*.svg"))
    assert pngs and [p[:-4] for p in pngs] == [s[:-4] for s in svgs]
    assert "eum-territory.png" in pngs


def test_report_without_montecarlo_says_what_is_missing(tmp_path):
    r = run_cli("report", "ukraine-2025", "-o", str(tmp_path / "r.html"), "-n", "0", "-m", "compromise")
    assert r.returncode == 0, r.stderr
    assert "not in the report: uncertainty" in r.stdout
    assert 'id="not-computed"' in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_bad_input_is_a_clear_error(tmp_path):
    for args, words in (
        (("--as-of", "2025-02-30"), "not a day of the calendar"),
        (("-m", "nosuchmodel"), "unknown model 'nosuchmodel'"),
        (("--parties", "UKR"), "exactly two parties"),
    ):
        r = run_cli(
            "report", "ukraine-2025", "-o", str(tmp_path / "r.html"), "-n", "0", "-m", "compromise", *args
        )
        text = r.stdout + r.stderr
        if args[0] == "--parties":
            # A plane needs two parties: the report still renders and says why it left the part out.
            assert r.returncode == 0, text
        else:
            assert r.returncode == 2, text
        assert words in text
        assert "Traceback" not in text


def test_version_does_not_import_the_plotting_libraries():
    code = (
        "import sys\n"
        "from negotia.cli import app\n"
        "try:\n    app(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('plotly', 'matplotlib', 'jinja2') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
