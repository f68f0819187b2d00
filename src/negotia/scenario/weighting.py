"""How actors are weighted: the one table of weighting schemes and the weights it gives.

The literature's standard weight of an actor on an issue is capability x salience; some
models offer salience alone, capability alone or equal weights.  Every weight in the
library -- ``ScenarioArrays.weight``, the models' ``weights`` parameter, the dynamic
models' own sums -- comes from here, zero where the actor is absent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from negotia.errors import ParameterError

__all__ = ["WEIGHTING_SCHEMES", "weight_factors", "weights_for"]

#: The actor weighting schemes: each names the arrays whose product is the weight (the
#: one table :func:`weight_factors`, :func:`weights_for`, ``ScenarioArrays.weight`` and
#: the models' ``weights`` parameter read).
WEIGHTING_SCHEMES: dict[str, tuple[str, ...]] = {
    "capability_salience": ("capability", "salience"),
    "salience": ("salience",),
    "capability": ("capability",),
    "equal": (),
}


def _scheme(weighting: str) -> tuple[str, ...]:
    if weighting not in WEIGHTING_SCHEMES:  # pragma: no cover - guarded by Param.choices
        raise ParameterError(f"unknown weighting {weighting!r}")
    return WEIGHTING_SCHEMES[weighting]


def weight_factors(arrays: Any, weighting: str) -> tuple[np.ndarray, ...]:
    """The arrays whose product is the weight of :func:`weights_for`, unmultiplied.

    Hot paths contract them with ``np.einsum`` in one pass instead of building the
    ``(B, A, I)`` product first (the allocation costs more than the arithmetic).  The
    presence mask is a factor only where some actor is absent.
    """
    factors = tuple(getattr(arrays, name) for name in _scheme(weighting))
    mask = () if arrays.present.all() else (arrays.present.astype(float),)
    return factors + mask


def weights_for(arrays: Any, weighting: str) -> np.ndarray:
    """Actor weights ``(B, A, I)`` by a named scheme, zero where an actor is absent.

    ``capability_salience`` (the standard in the literature), ``salience``,
    ``capability`` or ``equal``.
    """
    names = _scheme(weighting)
    w = getattr(arrays, names[0]) if names else np.ones_like(arrays.position)
    for name in names[1:]:
        w = w * getattr(arrays, name)
    # Multiplying by the mask is several times faster than np.where on large batches.
    return w * arrays.present
