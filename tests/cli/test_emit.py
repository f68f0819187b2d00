"""The one output-format mechanism (negotia.cli.output): format_option declares the
formats a command offers, emit runs only the renderer asked for."""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from negotia.cli.output import OutputFormat, TableOrJson, emit, format_option, records


def _app(formats: type) -> typer.Typer:
    app = typer.Typer()
    called: list[str] = []

    def show(format: str = format_option(formats)) -> None:
        called.clear()
        emit(
            format,
            json=lambda: called.append("json") or {"x": float("nan"), "y": 1.5},
            csv=None
            if formats is TableOrJson
            else (lambda: called.append("csv") or [["a", "b"], [None, 2.0]]),
            table=lambda: called.append("table") or typer.echo("a table"),
        )
        typer.echo(f"ran {called}")

    # The enum is chosen per test, so the annotation is set here (this module's
    # annotations are strings that typer would look up in its globals).
    show.__annotations__["format"] = formats
    app.command()(show)
    return app


def test_each_format_runs_only_its_renderer() -> None:
    app = _app(OutputFormat)
    r = CliRunner().invoke(app, [])
    assert r.exit_code == 0 and r.stdout == "a table\nran ['table']\n"
    r = CliRunner().invoke(app, ["-f", "json"])
    head, ran = r.stdout.rsplit("ran", 1)
    assert json.loads(head) == {"x": None, "y": 1.5} and ran == " ['json']\n"  # strict JSON: NaN -> null
    r = CliRunner().invoke(app, ["--format", "csv"])
    assert r.stdout == "a,b\n,2.0\nran ['csv']\n"


def test_a_command_without_csv_refuses_it_as_a_bad_value() -> None:
    app = _app(TableOrJson)
    r = CliRunner().invoke(app, ["-f", "csv"])
    assert r.exit_code == 2 and "ran" not in r.stdout
    assert "'csv' is not one of 'table', 'json'" in re.sub(r"[\s│]+", " ", r.output)  # unwrapped
    assert CliRunner().invoke(app, ["-f", "json"]).exit_code == 0


def test_help_names_the_formats_offered() -> None:
    assert format_option(OutputFormat).help == "Output format: table, json or csv."
    assert format_option(TableOrJson).help == "Output format: table or json."


def test_emit_without_a_csv_renderer_never_writes_half_a_table() -> None:
    with pytest.raises(ValueError, match="no CSV"):
        emit("csv", json=dict, table=lambda: None)


def test_records_take_the_first_rows_keys_as_header() -> None:
    assert list(records([])) == []
    assert list(records([{"a": 1, "b": None}, {"b": 3, "a": 2}])) == [["a", "b"], [1, None], [2, 3]]
