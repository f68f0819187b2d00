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
