"""Fit the calibrated compromise model on a table of decisions and write its coefficients.

Run from the project root::

    python tools/fit_calibrated.py ../shared/reference/deu3/deu3_dev.tsv \
        --out src/negotia/models/data/calibrated.json [--seed 0]

It writes the coefficients with their provenance (table name, SHA-256, issues,
proposals, seed, folds, the search grid and its cross-validated MAE, negotia version).
The method is :func:`negotia.evaluate.fit_calibrated.fit_calibrated`.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import replace
from pathlib import Path

import negotia
from negotia.errors import NegotiaError
from negotia.evaluate.features import design_from_table
from negotia.evaluate.fit_calibrated import fit_calibrated
from negotia.models.calibrated import CalibratedFit


def fit_table(path: str | Path, *, seed: int = 0, folds: int = 5, repeats: int = 2) -> CalibratedFit:
    """Load a DEU-style table and fit on all its issues with an outcome."""
    path = Path(path)
    table = negotia.load_scenario(path)
    design = design_from_table(table, str(path))
    fit = fit_calibrated(
        design,
        seed=seed,
        folds=folds,
        repeats=repeats,
        provenance={"table": path.name, "table_sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
    )
    return replace(fit, provenance={**fit.provenance, "negotia_version": negotia.__version__})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/fit_calibrated.py",
        description="Fit the calibrated compromise model on a DEU-style table and write its coefficients.",
    )
    parser.add_argument("table", help="table of decisions with known outcomes (DEU-style)")
    parser.add_argument("--out", required=True, help="where to write the coefficients (JSON)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        fit = fit_table(args.table, seed=args.seed, folds=args.folds, repeats=args.repeats)
    except (NegotiaError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    Path(args.out).write_text(fit.to_json(), encoding="utf-8")
    try:
        print(f"wrote {args.out}: feature set {fit.provenance['feature_set']!r}, penalty {fit.penalty:.5g}")
        for name, c in fit.coefficients.items():
            print(f"  {name:32s} {c:+.4f}")
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
