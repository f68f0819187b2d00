"""Names exported on first use (negotia.lazy) and the packages that export theirs so."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types

import pytest

from negotia.lazy import lazy_exports

PACKAGES = ("negotia.ensemble", "negotia.guarantees")


def test_a_name_is_imported_on_first_use_and_kept() -> None:
    namespace = {"__name__": "pkg", "eager": 1}
    get, names = lazy_exports(namespace, {"dumps": "json"})
    assert "dumps" not in namespace
    assert get("dumps") is json.dumps
    assert namespace["dumps"] is json.dumps  # later lookups find it without get
    assert names() == ["__name__", "dumps", "eager"]


def test_an_unknown_name_is_an_attribute_error_naming_the_package() -> None:
    get, _ = lazy_exports({"__name__": "pkg"}, {"dumps": "json"})
    with pytest.raises(AttributeError, match=r"^module 'pkg' has no attribute 'loads'$"):
        get("loads")


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_exports_its_table(package: str) -> None:
    pkg = importlib.import_module(package)
    for name, module in pkg._LAZY.items():
        assert getattr(pkg, name) is getattr(importlib.import_module(module), name)
    assert set(pkg.__all__) <= set(dir(pkg))
    assert hasattr(pkg, "no_such_name") is False


@pytest.mark.parametrize("package", PACKAGES)
def test_from_import_works_in_a_fresh_process(package: str) -> None:
    """``from package import name`` for every lazy name, before anything else imported them."""
    pkg = importlib.import_module(package)
    code = f"from {package} import {', '.join(sorted(pkg._LAZY))}; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_ensemble_keeps_its_functions_over_same_named_submodules() -> None:
    """``perturb`` and ``sensitivity`` are functions, also after their submodules load."""
    import negotia.ensemble as ens
    import negotia.ensemble.sensitivity  # noqa: F401  (the submodule import sets the attribute)

    assert callable(ens.sensitivity) and not isinstance(ens.sensitivity, types.ModuleType)
    assert callable(ens.perturb) and not isinstance(ens.perturb, types.ModuleType)
