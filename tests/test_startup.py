"""Start-up stays light: what a fresh interpreter imports for ``import negotia`` and the
lazy facade's names (issue 13, item 1; the rule is in ARCHITECTURE.md, "Heavy imports
are lazy").

Each check runs in a new interpreter, because this test process has long since imported
everything; it reads ``sys.modules`` there, so it fails as soon as someone adds an eager
import of a heavy package on the path. It times nothing (timings live in
bench/startup_bench.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import negotia

# Packages that cost from a tenth of a second to over a second each to import; none is
# needed to print the version or the help.
HEAVY = (
    "numba",
    "scipy",
    "dask",
    "distributed",
    "plotly",
    "matplotlib",
    "sqlalchemy",
    "alembic",
    "playwright",
)


def _imported_after(code: str) -> list[str]:
    """Top-level packages of HEAVY (plus numpy and pydantic) in sys.modules after ``code``
    has run in a fresh interpreter."""
    probe = textwrap.dedent(
        """
        import json, sys
        {code}
        names = {{m.partition(".")[0] for m in sys.modules}}
        print(json.dumps(sorted(names & set({watch!r}))))
        """
    ).format(code=code, watch=(*HEAVY, "numpy", "pydantic"))
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_negotia_imports_no_heavy_package() -> None:
    # The package itself needs neither NumPy nor pydantic until a name is used.
    assert _imported_after("import negotia") == []


def test_a_facade_name_imports_what_it_needs() -> None:
    # The probe can see heavy imports: using a name does load its module.
    assert "numpy" in _imported_after("import negotia; negotia.ScenarioArrays")


def test_all_lists_exactly_the_lazy_names() -> None:
    assert sorted(negotia.__all__) == sorted([*negotia._LAZY, "__version__"])
    assert set(negotia.__all__) <= set(dir(negotia))


@pytest.mark.parametrize("name", sorted(negotia._LAZY))
def test_every_facade_name_is_the_object_of_its_module(name: str) -> None:
    import importlib

    module = importlib.import_module(negotia._LAZY[name])
    assert getattr(negotia, name) is getattr(module, name)
    ns: dict[str, object] = {}
    exec(f"from negotia import {name}", ns)
    assert ns[name] is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        negotia.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from negotia import no_such_name", {})


def _cli_probe(argvs: list[list[str]], watch: tuple[str, ...] = (*HEAVY, "numpy")) -> dict[str, list[str]]:
    """For each argv, run the real entry point (``negotia.cli.main``) in one fresh
    interpreter, one after the other, and name the packages of ``watch`` each one added
    (HEAVY and NumPy by default: no help needs NumPy either)."""
    probe = textwrap.dedent(
        """
        import json, sys
        from negotia.cli import main
        heavy = set({watch!r})
        seen, added = set(), {{}}
        for argv in {argvs!r}:
            sys.argv = ["negotia", *argv]
            try:
                main()
            except SystemExit as e:
                assert e.code in (None, 0), (argv, e.code)
            now = {{m.partition(".")[0] for m in sys.modules}} & heavy
            added[" ".join(argv)] = sorted(now - seen)
            seen |= now
        sys.stderr.write("\\nPROBE " + json.dumps(added) + "\\n")
        """
    ).format(watch=watch, argvs=argvs)
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300
    )
    line = next(x for x in out.stderr.splitlines() if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


def _command_paths() -> list[list[str]]:
    """Every command and command group of the app, as argv prefixes (``["db", "runs"]``)."""
    import typer.main

    from negotia.cli import app

    paths: list[list[str]] = []

    def walk(group: object, prefix: list[str]) -> None:
        for name, cmd in sorted(getattr(group, "commands", {}).items()):
            paths.append([*prefix, name])
            walk(cmd, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_import_no_heavy_package(argv: list[str]) -> None:
    # Not even pydantic: typer builds its validators only for a command's own --help.
    assert _cli_probe([argv], watch=(*HEAVY, "numpy", "pydantic")) == {" ".join(argv): []}


def test_no_command_help_imports_a_heavy_package() -> None:
    paths = _command_paths()
    assert len(paths) > 15  # the walk found the commands (and sub-commands)
    added = _cli_probe([[*p, "--help"] for p in paths])
    assert {argv: mods for argv, mods in added.items() if mods} == {}


def test_version_fast_path_prints_what_typer_prints() -> None:
    from typer.testing import CliRunner

    from negotia.cli import app

    fast = subprocess.run(
        [sys.executable, "-c", "from negotia.cli import main; main()", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert fast.stdout == CliRunner().invoke(app, ["--version"]).stdout == f"negotia {negotia.__version__}\n"


def test_help_texts_written_out_match_their_libraries() -> None:
    # The CLI writes these tuples out so that --help need not import the libraries.
    from negotia.bargaining.simulation import PROTOCOLS, RED_LINES
    from negotia.cli import bargain, core
    from negotia.scenario.formats import FORMATS

    assert core._FORMATS == FORMATS
    assert bargain._PROTOCOLS == PROTOCOLS
    assert bargain._RED_LINES == RED_LINES


def test_the_probe_sees_an_eager_import() -> None:
    # A command that does use SciPy (the guarantees model) is seen to import it, so an
    # eager import on the help path would be seen too.
    added = _cli_probe([["guarantees", "assess", "budapest", "--draws", "100"]])
    assert "scipy" in added["guarantees assess budapest --draws 100"]
