"""Generate the API reference (HTML) with pdoc: ``make docs`` -> ``docs/api/``.

The reference is built from the docstrings (NumPy style) of the public facade
(``negotia``: what ``import negotia`` offers) and of the packages a Python user reaches
into.  It is not committed: it is regenerated from the code in seconds, and a
committed copy would be stale after every docstring change.  Any pdoc warning (a
module that fails to import, a broken annotation) fails the run, and
``tests/docs/test_api_docs.py`` runs it in CI.

Usage (from the project root): ``python tools/api_docs.py [OUTPUT_DIR]``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

#: The modules documented, the facade first; pdoc adds each package's submodules.
MODULES = (
    "negotia",
    "negotia.scenario",
    "negotia.models",
    "negotia.bargaining",
    "negotia.guarantees",
    "negotia.agreement",
    "negotia.ensemble",
    "negotia.evaluate",
    "negotia.errors",
    "negotia.seeding",
    "negotia.jsonable",
)


def build(output: Path, modules: tuple[str, ...] = MODULES) -> list[str]:
    """Write the HTML reference of ``modules`` into ``output``; the warnings pdoc gave."""
    import pdoc
    import pdoc.render

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.render.configure(docformat="numpy", footer_text="negotia API reference")
        pdoc.pdoc(*modules, output_directory=output)
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else Path("docs/api")
    problems = build(output)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} pdoc warnings: fix the docstrings or annotations", file=sys.stderr)
        return 1
    print(f"API reference written to {output}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
