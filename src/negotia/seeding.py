"""The seed rule of the whole library (ARCHITECTURE.md, "The seed rule").

Anything random takes ``seed``: a non-negative ``int`` or a ``numpy.random.SeedSequence``.
The default is 0 everywhere, so a call without a seed gives the same numbers every time;
``None`` means the default, never fresh entropy.  Streams for independent parts of one
run (a Monte Carlo block, a model's own draws) are children of the run's sequence,
``SeedSequence(entropy, spawn_key=(*parent_key, k, purpose))`` — the child ``spawn`` would
make — so a result never depends on how many workers ran it or how a batch was cut.
No code in negotia touches NumPy's global random state.
"""

from __future__ import annotations

import numbers

import numpy as np

from negotia.errors import ParameterError

#: The seed used when none is given.
DEFAULT_SEED = 0

Seed = int | np.random.SeedSequence | None


def check_seed(seed: Seed, name: str = "seed") -> int | np.random.SeedSequence:
    """``seed`` checked: a non-negative int (``None`` gives :data:`DEFAULT_SEED`) or a SeedSequence."""
    if seed is None:
        return DEFAULT_SEED
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ParameterError(f"{name} {seed!r}: a seed is a whole number (0 or more)")
    if seed < 0:
        raise ParameterError(f"{name} {seed}: a seed must be 0 or more")
    return int(seed)


def seed_sequence(seed: Seed) -> np.random.SeedSequence:
    """The run's root sequence for ``seed``."""
    s = check_seed(seed)
    return s if isinstance(s, np.random.SeedSequence) else np.random.SeedSequence(s)


def child(seed: Seed, k: int, purpose: int) -> np.random.SeedSequence:
    """The stream of part ``k`` of a run for one ``purpose`` (e.g. drawing variants, a model)."""
    root = seed_sequence(seed)
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, k, purpose))


def rng(seed: Seed) -> np.random.Generator:
    """A generator for a single-stream computation (a model run, a simulation)."""
    s = check_seed(seed)
    return np.random.default_rng(s)
