"""Calibrate the shipped forecast intervals on the DEU III development table.

    python tools/fit_intervals.py ../shared/reference/deu3/deu3_dev.tsv \\
        --out src/negotia/evaluate/data/intervals.json

For every registered model the calibration issues' errors are out-of-fold: one grouped
10-fold split by proposal (seed 0), so the calibrated model is refitted without the issue
it is scored on; for models that learn nothing from outcomes this equals their plain
error.  The quantiles are those of :func:`negotia.evaluate.intervals.fit_intervals`
(split-conformal, per voting rule, 80%).  How well they cover out of sample is measured by
``negotia evaluate TABLE --intervals`` (docs/intervals.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from negotia.api import load_scenario
from negotia.evaluate.cv import cross_validate
from negotia.evaluate.intervals import fit_intervals
from negotia.models import model_names


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("table", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--level", type=float, default=0.8)
    args = ap.parse_args()
    table = load_scenario(args.table)
    cv = cross_validate(table, model_names(), folds=10, repeats=1, seed=0, source=args.table.name)
    predictions = {label: p[0] for label, p in cv.predictions.items()}
    cal = fit_intervals(
        predictions,
        cv.design,
        level=args.level,
        source=args.table.name,
        source_bytes=args.table.read_bytes(),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(cal.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {', '.join(cal.quantiles)} at level {cal.level}")


if __name__ == "__main__":
    main()
