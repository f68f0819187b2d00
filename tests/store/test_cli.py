"""``negotia db ...`` and stored scenarios through the command line (the typer app in
process, and the installed entry point where a fresh process matters): names resolve
file > bundled > stored, ``db:NAME`` always means the stored one, and a recorded run is
shown again byte for byte."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from negotia.cli import app
from tests.conftest import ROOT, run_cli
from tests.store.conftest import DATA


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(*args: str) -> Result:
    """``negotia ARGS`` in this process (NEGOTIA_DB and the folder as the test set them)."""
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Result(r.exit_code, r.stdout, _plain(r.stderr))


def _plain(text: str) -> str:
    """An error panel's text on one line (rich wraps it and draws a box around it)."""
    return re.sub(r"[│╭╮╰╯─\s]+", " ", text)


@pytest.fixture
def db(db_url: str, monkeypatch) -> str:
    monkeypatch.setenv("NEGOTIA_DB", db_url)
    r = cli("db", "init")
    assert r.returncode == 0, r.stderr
    return db_url


def test_import_list_export(db: str, tmp_path: Path) -> None:
    r = cli("db", "import", str(DATA / "small.yaml"))
    assert r.returncode == 0, r.stderr
    assert "stored 'small': 3 actors, 2 issues, 5 stances, 5 revisions" in r.stdout
    r = cli("db", "list", "-f", "json")
    [info] = json.loads(r.stdout)
    assert (info["name"], info["revisions"], info["date"]) == ("small", 5, "2025-12-14")
    out = tmp_path / "out.yaml"
    r = cli("db", "export", "small", str(out))
    assert r.returncode == 0, r.stderr
    from negotia.api import load_scenario

    assert load_scenario(out) == load_scenario(DATA / "small.yaml")
    # A file whose name cannot be a stored name asks for --name.
    odd = tmp_path / "Berlin talks.yaml"
    shutil.copyfile(DATA / "small.yaml", odd)
    r = cli("db", "import", str(odd))
    assert r.returncode == 2 and "--name" in r.stderr
    # A format that cannot hold the revisions is refused unless forced.
    r = cli("db", "export", "small", str(tmp_path / "out.csv"))
    assert r.returncode == 2 and "revisions" in r.stderr


def test_names_resolve_file_then_bundled_then_stored(db: str, tmp_path: Path, monkeypatch) -> None:
    small = DATA / "small.yaml"
    assert cli("db", "import", str(small), "--name", "ukraine-2025").returncode == 0
    assert cli("db", "import", str(small), "--name", "mine").returncode == 0
    title = "Two parties and a mediator"
    # A stored name no file or bundled scenario has: the stored one.
    r = cli("forecast", "mine", "-m", "median", "-f", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["scenario"] == title
    # The bundled scenario wins over a stored one of the same name, unless db: is said.
    r = cli("forecast", "ukraine-2025", "-m", "median", "-f", "json")
    assert json.loads(r.stdout)["scenario"].startswith("Ukraine")
    r = cli("forecast", "db:ukraine-2025", "-m", "median", "-f", "json")
    assert json.loads(r.stdout)["scenario"] == title
    # A file in the working folder wins over a stored scenario of the same name.
    shutil.copyfile(ROOT / "src/negotia/scenario/bundled/ukraine-2025.yaml", tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    r = cli("validate", "mine")
    assert r.returncode == 2 and "cannot tell the format" in r.stderr
    r = cli("validate", "db:mine")
    assert r.returncode == 0 and "3 actors" in r.stdout
    # Neither: one message naming all three places.
    r = cli("forecast", "nothing-here")
    assert r.returncode == 2
    assert "no bundled scenario 'nothing-here'" in r.stderr and "no such file" in r.stderr
    assert "negotia db list" in r.stderr
    r = cli("forecast", "db:nothing-here")
    assert r.returncode == 2 and "no stored scenario 'nothing-here'" in r.stderr


def test_a_recorded_run_is_shown_again_exactly(db: str) -> None:
    assert cli("db", "import", "ukraine-2025", "--name", "ukr").returncode == 0
    # A fresh process, as a user runs it.
    r = run_cli("forecast", "db:ukr", "-m", "compromise", "-m", "median", "-f", "json", "--record")
    assert r.returncode == 0, r.stderr
    assert "recorded as run 1" in r.stderr
    first = r.stdout
    r = cli("db", "runs", "-f", "json")
    [run] = json.loads(r.stdout)
    assert run["scenario"] == "ukr" and run["models"] == ["compromise", "median"]
    assert run["seed"] == 0 and run["as_of"] == "2025-12-14" and len(run["input_hash"]) == 64
    shown = run_cli("db", "runs", "--show", "1").stdout
    # The recorded output holds every model's full result, and the table rows as printed.
    assert json.loads(shown)["forecasts"] == json.loads(first)["forecasts"]
    assert set(json.loads(shown)["models"]) == {"compromise", "median"}
    assert cli("db", "runs", "--show", "1").stdout == shown
    r = cli("db", "runs", "--show", "7")
    assert r.returncode == 2 and "no recorded run 7" in r.stderr


def test_without_a_database_the_commands_say_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEGOTIA_DB", str(tmp_path / "none.sqlite"))
    r = cli("db", "list")
    assert r.returncode == 2 and "negotia db init" in r.stderr
    assert not (tmp_path / "none.sqlite").exists()
    monkeypatch.setenv("NEGOTIA_DB", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    r = cli("db", "list")
    assert r.returncode == 2 and "cannot reach the database" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_version_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys; sys.argv = ['negotia', '--version']\n"
        "from negotia.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg', 'platformdirs') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip().splitlines()[-1] == "[]", r.stdout + r.stderr
