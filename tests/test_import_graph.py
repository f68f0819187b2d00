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


#: Below the facade: these take a Scenario and never turn a path or a name into one.
DOMAIN = ("agreement", "bargaining", "ensemble", "evaluate", "guarantees", "models")


def _scenario_loading(path: Path) -> list[str]:
    """The lines of ``path`` that reach for the scenario loader or the facade (where
    paths and names become scenarios): imports of ``negotia.api``, of
    ``load_scenario`` from anywhere, and any ``.load_scenario`` attribute."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bad = [a.name for a in node.names if a.name == "negotia.api" or a.name.startswith("negotia.api.")]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            bad = [
                f"{module}.{n}"
                for n in sorted(names)
                if module == "negotia.api"
                or module.startswith("negotia.api.")
                or (module == "negotia" and n == "api")
                or n == "load_scenario"
            ]
        elif isinstance(node, ast.Attribute) and node.attr == "load_scenario":
            bad = ["load_scenario"]
        else:
            continue
        found += [f"{path.name}:{node.lineno}: {b}" for b in bad]
    return found


def test_domain_functions_take_a_scenario_not_a_path() -> None:
    """ARCHITECTURE.md: reading a file or resolving a name happens in the facade only."""
    files = [p for pkg in DOMAIN for p in sorted((ROOT / pkg).rglob("*.py"))]
    assert any(p.name == "montecarlo.py" for p in files)
    assert [hit for p in files for hit in _scenario_loading(p)] == []


@pytest.mark.parametrize(
    "line",
    [
        "from negotia.scenario.formats import load_scenario",
        "def f():\n    from negotia.scenario import formats\n    return formats.load_scenario('x')",
        "from negotia.api import scenario_as_of",
        "import negotia.api",
        "from negotia import api",
    ],
)
def test_the_check_finds_a_domain_module_that_loads(tmp_path: Path, line: str) -> None:
    (tmp_path / "m.py").write_text(line + "\n")
    assert _scenario_loading(tmp_path / "m.py")
