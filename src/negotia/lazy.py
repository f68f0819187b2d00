"""Names a package exports on first use (PEP 562), for packages whose imports are heavy.

A package writes its table ``{name: module that defines it}`` and takes its module
``__getattr__`` and ``__dir__`` from :func:`lazy_exports`: ``from package import name``
and ``package.name`` then import the defining module on first use and keep the value in
the package's namespace, so the lookup runs once per name (ARCHITECTURE.md, "Heavy
imports are lazy").  The package also lists the names under ``if TYPE_CHECKING:`` for
type checkers and in ``__all__``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def lazy_exports(
    namespace: dict[str, Any], table: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of the package whose ``globals()`` is
    ``namespace``, exporting each name of ``table`` from the module it names."""
    package = namespace["__name__"]

    def get(name: str) -> object:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def names() -> list[str]:
        # Private helpers (the table itself, aliased imports) stay out of a user's view.
        shown = (n for n in namespace if not n.startswith("_") or n.startswith("__"))
        return sorted({*shown, *table})

    return get, names
