"""Issue 16 item 4: files are sacred.  ``convert`` never overwrites without --force,
never writes onto its input, keeps a YAML file's comments, and writes with the user's
usual permissions (0666 less the umask), never mkstemp's 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from negotia import load_scenario, save_scenario
from negotia.errors import InputError
from tests.conftest import run_cli

COMMENTED = """\
# Test talks: a comment at the top
name: test talks
date: 2025-12-14
salience_scale: 100   # saliences written 0-100
actors:
  - {id: A, name: Alpha, capability: 2}   # the big one
  - {id: B, name: "Beta", capability: 1}
issues:
  # the only issue
  - id: x
    scale: {min: 0, max: 10}
stances:
  - {actor: A, issue: x, position: 2, salience: 80}
  - {actor: B, issue: x, position: 8, salience: 40}
"""


@pytest.fixture
def src(tmp_path: Path) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(COMMENTED, encoding="utf-8")
    return p


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_convert_does_not_overwrite_without_force(src: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.json"
    dest.write_text("precious\n", encoding="utf-8")
    r = run_cli("convert", str(src), str(dest))
    assert r.returncode == 2 and "the file exists; nothing was written" in r.stderr
    assert dest.read_text(encoding="utf-8") == "precious\n"
    r = run_cli("convert", str(src), str(dest), "--force")
    assert r.returncode == 0, r.stderr
    assert load_scenario(dest) == load_scenario(src)


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_convert_refuses_to_write_onto_its_input(src: Path, tmp_path: Path, spelling: str) -> None:
    dest = {"same": src, "dotted": tmp_path / "." / "s.yaml", "symlink": tmp_path / "link.yaml"}[spelling]
    if spelling == "symlink":
        dest.symlink_to(src)
    r = run_cli("convert", str(src), str(dest), "--force")
    assert r.returncode == 2 and "this is the input file" in r.stderr
    assert src.read_text(encoding="utf-8") == COMMENTED


def test_convert_keeps_yaml_comments(src: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out.yaml"
    r = run_cli("convert", str(src), str(dest))
    assert r.returncode == 0, r.stderr
    text = dest.read_text(encoding="utf-8")
    for comment in ("# Test talks: a comment at the top", "# the big one", "# the only issue"):
        assert comment in text
    assert '"Beta"' in text  # quoting as written
    assert "salience: 0.8" in text and "salience_scale: 1 " in text  # values are the scenario's
    assert load_scenario(dest) == load_scenario(src)


def test_convert_of_a_bundled_scenario_keeps_its_comments(tmp_path: Path) -> None:
    dest = tmp_path / "mine.yaml"
    r = run_cli("convert", "ukraine-2025", str(dest))
    assert r.returncode == 0, r.stderr
    assert sum(line.lstrip().startswith("#") for line in dest.read_text(encoding="utf-8").splitlines()) > 10
    assert load_scenario(dest) == load_scenario("ukraine-2025")


def test_convert_writes_with_the_users_umask(src: Path, tmp_path: Path, umask_027: None) -> None:
    for name in ("new.yaml", "new.json", "new.csv"):
        r = run_cli("convert", str(src), str(tmp_path / name), "--force")
        assert r.returncode == 0, r.stderr
        assert mode(tmp_path / name) == 0o640, name


def test_overwriting_keeps_the_files_mode(src: Path, tmp_path: Path) -> None:
    dest = tmp_path / "shared.json"
    dest.write_text("{}", encoding="utf-8")
    dest.chmod(0o664)
    save_scenario(load_scenario(src), dest)
    assert mode(dest) == 0o664


def test_library_refuses_to_overwrite_when_asked(src: Path, tmp_path: Path) -> None:
    dest = tmp_path / "x.json"
    dest.write_text("keep", encoding="utf-8")
    with pytest.raises(InputError, match="the file exists"):
        save_scenario(load_scenario(src), dest, overwrite=False)
    assert dest.read_text(encoding="utf-8") == "keep"
