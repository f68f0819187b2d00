"""``negotia agreement`` through the installed entry point and typer's runner."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from negotia.cli import app
from tests.conftest import run_cli


def test_json_is_strict_and_matches_the_library() -> None:
    import negotia

    r = run_cli("agreement", "ukraine-2025", "-n", "300", "--seed", "2", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    lib = json.loads(
        json.dumps(negotia.agreement_analysis("ukraine-2025", 300, seed=2).to_dict(), default=float)
    )
    assert data["package"] == lib["package"]
    assert data["issues"] == lib["issues"]
    # The bundled case: the territorial red lines of the two parties do not overlap as
    # stated, so the package almost never has a zone, and territory blocks it.
    assert data["package"]["p_zone"] < 0.1
    top = data["package"]["blockers"][0]
    assert top["kind"] == "red_line" and top["issue"] == "territory"
    assert {c["who"] for c in data["consent"] if c["role"] == "party"} == {"UKR", "RUS"}
    assert "USA" not in {c["who"] for c in data["consent"]}  # the mediator does not vote


def test_csv_keeps_every_digit() -> None:
    r = run_cli("agreement", "ukraine-2025", "-n", "200", "--format", "csv", "--all-or-nothing")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and rows[0]["model"] == "compromise"
    lib = json.loads(
        run_cli("agreement", "ukraine-2025", "-n", "200", "-f", "json", "--all-or-nothing").stdout
    )
    first = lib["outcomes"][0]
    median = first["if_agreed"]["median"]  # None when no variant settles the package
    assert (float(rows[0]["if_agreed"]) if rows[0]["if_agreed"] else None) == median
    assert int(rows[0]["agreed_variants"]) == first["if_agreed"]["variants"]
    assert all(r_["p_zone_partial"] != "" for r_ in rows)
    # all-or-nothing: every issue uses the package's probability
    assert {r_["p_agreement"] for r_ in rows} == {repr(lib["package"]["p_agreement"])}


def test_table_fits_80_columns() -> None:
    res = CliRunner().invoke(app, ["agreement", "ukraine-2025", "-n", "200"], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
    assert "territory" in res.output and "What blocks the whole package" in res.output
    assert "…" not in res.output  # nothing cut off


def test_bad_input_exits_2_with_a_message() -> None:
    for args, words in (
        (["agreement", "ukraine-2025", "--seed", "-1"], "seed"),
        (["agreement", "ukraine-2025", "--as-of", "14/12/2025"], "YYYY-MM-DD"),
        (["agreement", "no-such-scenario"], "no-such-scenario"),
        (["agreement", "ukraine-2025", "-n", "0"], "positive"),
        (["agreement", "ukraine-2025", "-m", "nope"], "nope"),
    ):
        r = run_cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr


def test_as_of_uses_the_snapshot_of_that_day() -> None:
    early = json.loads(
        run_cli("agreement", "ukraine-2025", "-n", "100", "--as-of", "2025-11-21", "-f", "json").stdout
    )
    late = json.loads(run_cli("agreement", "ukraine-2025", "-n", "100", "-f", "json").stdout)
    assert early["scenario"] == late["scenario"]
    assert early["issues"] != late["issues"] or early["outcomes"] != late["outcomes"]


def test_the_facade_function_survives_importing_the_agreement_package() -> None:
    """``negotia.agreement`` is the subpackage; the facade's function has its own name, so
    importing ``negotia.agreement.analysis`` cannot shadow it."""
    import negotia
    import negotia.agreement.analysis

    assert callable(negotia.agreement_analysis)
