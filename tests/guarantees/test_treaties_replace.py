"""Issue 16 item 3: a user's treaty file that redefines a catalogue entry said nothing
and silently replaced the catalogue's NATO treaty.  It is now refused unless --replace
is given, and with --replace the replacement is said."""

from __future__ import annotations

from pathlib import Path

import yaml

from negotia.guarantees import catalogue
from tests.conftest import run_cli


def _file(tmp_path: Path, ident: str) -> Path:
    inst = catalogue().instrument("nato-art5").model_dump(mode="json", exclude_none=True)
    inst["id"] = ident
    inst["name"] = "my own reading of Article 5"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"instruments": [inst]}, sort_keys=False), encoding="utf-8")
    return path


def test_redefining_a_catalogue_entry_is_refused(tmp_path: Path) -> None:
    r = run_cli("guarantees", "list", "--treaties", str(_file(tmp_path, "nato-art5")))
    assert r.returncode == 2
    assert "redefines the catalogue's instrument 'nato-art5'" in r.stderr and "--replace" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_replace_uses_the_file_and_says_so(tmp_path: Path) -> None:
    r = run_cli(
        "guarantees", "show", "nato-art5", "--treaties", str(_file(tmp_path, "nato-art5")), "--replace"
    )
    assert r.returncode == 0, r.stderr
    assert "replaces the catalogue's instrument 'nato-art5'" in r.stderr
    assert "my own reading of Article 5" in r.stdout


def test_a_new_id_is_added_without_a_word(tmp_path: Path) -> None:
    r = run_cli("guarantees", "show", "my-art5", "--treaties", str(_file(tmp_path, "my-art5")))
    assert r.returncode == 0, r.stderr
    assert "replaces" not in r.stderr and "my own reading of Article 5" in r.stdout
