"""Folds that never split a group (the issues of one proposal), shared by the
cross-validation (:mod:`negotia.evaluate.cv`) and the penalty search of the calibrated
model's fit (:mod:`negotia.evaluate.fit_calibrated`)."""

from __future__ import annotations

import numpy as np

from negotia.errors import ParameterError


def grouped_folds(groups: np.ndarray, n_folds: int, rng: np.random.Generator) -> np.ndarray:
    """Fold index ``(N,)`` of each item such that all items of a group share one fold.

    Groups are shuffled by ``rng``, then placed largest first (stable, so the shuffle
    breaks ties) into the fold that has the fewest items so far; this balances fold sizes
    when proposals have different numbers of issues.
    """
    groups = np.asarray(groups)
    names, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    if n_folds < 2:
        raise ParameterError(f"cross-validation needs at least 2 folds, got {n_folds}")
    if n_folds > len(names):
        raise ParameterError(f"{n_folds} folds but only {len(names)} proposals (groups) in the data")
    order = rng.permutation(len(names))
    order = order[np.argsort(-counts[order], kind="stable")]
    load = np.zeros(n_folds, dtype=int)
    fold_of_group = np.empty(len(names), dtype=int)
    for g in order:  # one step per proposal (about a hundred), not per actor
        f = int(np.argmin(load))
        fold_of_group[g] = f
        load[f] += counts[g]
    return fold_of_group[inverse]
