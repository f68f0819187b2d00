"""CITATION.cff is valid CFF 1.2.0 in the fields GitHub and Zenodo read, and names the
version that pyproject.toml ships."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_citation_file_matches_the_package() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "type", "version", "license"} <= set(cff)
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"]
    for ref in cff["references"]:
        assert ref["type"] and ref["title"] and ref["authors"], ref
