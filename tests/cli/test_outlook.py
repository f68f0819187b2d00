"""``negotia outlook``, the main job: the summary leads, fits 80 columns, loses no figure.

The figures checked are those of the agreement analysis itself (``negotia.agreement``),
so the test says the summary presents the result faithfully; the analysis's own
validity is tested in ``tests/agreement``.
"""

from __future__ import annotations

import json
import string

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from negotia.api import agreement_analysis as agreement
from negotia.cli import app
from negotia.cli.outlook import short_names
from tests.conftest import run_cli

MODELS = ("compromise", "median")
ARGS = ("outlook", "ukraine-2025", "-n", "200", "-m", MODELS[0], "-m", MODELS[1])


def _point(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def _pct(p: float) -> str:
    # Whole percent, except that a probability strictly between 0 and 1 never rounds to either.
    return "<1%" if 0 < p < 0.005 else ">99%" if 0.995 < p < 1 else f"{100 * p:.0f}%"


def _check_summary(text: str) -> None:
    """Every issue's row holds the analysis's figures, before the detail starts."""
    result = agreement("ukraine-2025", 200, models=MODELS)
    lines = text.splitlines()
    assert lines[0].startswith("Deal or no deal: Ukraine peace talks")
    head = next(k for k, line in enumerate(lines) if line.lstrip().startswith("──"))  # under the header
    detail = next(k for k, line in enumerate(lines) if "Detail" in line)
    for issue in result.issues:
        row = next(line for line in lines[head:detail] if line.split()[:1] == [issue.issue])
        cells = row.split()
        if issue.zone_trivial:  # the status quo is acceptable to all: "sq ok"
            assert cells[1:3] == ["sq", "ok"], issue.issue
            cells = [cells[0], "sq ok", *cells[3:]]
        else:
            assert cells[1] == _pct(issue.p_agreement), issue.issue
        assert cells[2] == _point(issue.status_quo), issue.issue
        medians = [o.if_agreed for o in result.outcomes if o.issue == issue.issue]
        if all(m is None for m in medians):  # no variant settles the issue
            assert " ".join(cells[3:6]) == "no variant agrees", issue.issue
            cells = cells[:3] + ["—"] * len(medians) + cells[6:]
        assert cells[3 : 3 + len(medians)] == ["—" if m is None else f"{m:.0f}" for m in medians], issue.issue
        lows = [o.low for o in result.outcomes if o.issue == issue.issue]
        highs = [o.high for o in result.outcomes if o.issue == issue.issue]
        assert cells[3 + len(medians)] == f"{min(lows):.0f}–{max(highs):.0f}", issue.issue
    assert "…" not in text  # nothing cut


def test_summary_leads_and_fits_an_80_column_terminal() -> None:
    res = CliRunner().invoke(app, list(ARGS), env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
    _check_summary(res.output)


def test_piped_to_a_file_it_loses_no_figure() -> None:
    r = run_cli(*ARGS)  # stdout is a pipe, not a terminal
    assert r.returncode == 0, r.stderr
    _check_summary(r.stdout)
    # The territorial deadlock of the bundled case is named as the main blocker.
    assert "blocked by RUS: red line on territory" in " ".join(r.stdout.split())


def test_json_is_the_agreement_analysis_itself() -> None:
    # A presenter only presents: the same run through `agreement` gives the same result.
    a = run_cli(*ARGS, "--format", "json")
    b = run_cli("agreement", *ARGS[1:], "--format", "json")
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_bad_input_exits_2_with_a_message() -> None:
    for args, words in (
        (["outlook", "ukraine-2025", "--seed", "-1"], "seed"),
        (["outlook", "no-such-scenario"], "no-such-scenario"),
        (["outlook", "ukraine-2025", "-m", "nope"], "nope"),
    ):
        r = run_cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr


@given(st.lists(st.text(string.ascii_lowercase + ":=", min_size=1, max_size=12), max_size=12, unique=True))
def test_model_labels_are_short_and_unique(models: list[str]) -> None:
    labels = short_names(models)
    assert len(labels) == len(models) == len(set(labels))
    assert all(1 <= len(x) <= 4 for x in labels)
