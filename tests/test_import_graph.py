"""No import cycle between the library's files, counting every import.

import-linter (``make lint``) checks the imports that run; this test also counts
imports under ``if TYPE_CHECKING:`` and inside functions, which import-linter leaves
out, so that a cycle cannot hide behind a lazy import (the scenario package had one:
snapshot -> schema through function-level imports).
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import negotia

ROOT = Path(negotia.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for p in ROOT.rglob("*.py"):
        name = ".".join(("negotia", *p.relative_to(ROOT).with_suffix("").parts))
        out[name.removesuffix(".__init__")] = p
    return out


def _graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                names = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            # Package __init__ files re-export; an edge to one is not a cycle of files.
            deps |= {t for t in names if t in mods and t != mod and mods[t].name != "__init__.py"}
        graph[mod] = deps
    return graph


def test_no_import_cycle_between_files_including_lazy_and_type_checking_imports() -> None:
    mods = _modules()
    assert "negotia.scenario.snapshot" in mods  # the walk sees the library
    try:
        TopologicalSorter(_graph(mods)).prepare()
    except CycleError as e:
        raise AssertionError(f"import cycle: {' -> '.join(e.args[1])}") from None


def test_the_check_finds_a_lazy_cycle(tmp_path: Path) -> None:
    """A function-level import one way and a TYPE_CHECKING import back is a cycle here."""
    (tmp_path / "a.py").write_text("def f():\n    from negotia.b import g\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from negotia.a import f\n"
    )
    graph = _graph({"negotia.a": tmp_path / "a.py", "negotia.b": tmp_path / "b.py"})
    assert graph == {"negotia.a": {"negotia.b"}, "negotia.b": {"negotia.a"}}
    with pytest.raises(CycleError):
        TopologicalSorter(graph).prepare()
