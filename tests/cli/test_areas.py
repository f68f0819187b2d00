"""How the app is built (issue 11 item 3): commands are module-level functions of their
area module, registered by name in cli/root.py, in the order of ``negotia --help``."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import typer

import negotia.cli.root as root
from negotia.cli.root import app


def _commands(t: typer.Typer) -> list[typer.models.CommandInfo]:
    out = list(t.registered_commands)
    for group in t.registered_groups:
        out += _commands(group.typer_instance)
    return out


def test_every_command_is_a_module_level_function() -> None:
    commands = _commands(app)
    assert len(commands) > 15
    for info in commands:
        callback = info.callback
        # handle_errors keeps the command's own name (functools.wraps).
        assert "<locals>" not in callback.__qualname__, callback.__qualname__
        module = sys.modules[callback.__module__]
        assert getattr(module, callback.__name__).__qualname__ == callback.__qualname__


def test_root_names_its_areas_without_importing_by_string() -> None:
    tree = ast.parse(Path(root.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert "importlib" not in imported
    called = [
        node.func.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "register"
        and isinstance(node.func.value, ast.Name)
    ]
    assert called[:2] == ["outlook", "core"]  # the main job first
    assert len(called) == len(set(called)) == 9
