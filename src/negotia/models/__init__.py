"""The model registry.

Models are listed here explicitly (no plug-in magic) so that the CLI, the docs and the
contract tests all see the same set.  Each entry is a module with ``MODEL_INFO`` and
``forecast(arrays, *, rng=None, **params)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from negotia import seeding
from negotia.errors import UnknownNameError
from negotia.models import calibrated, compromise, eum, exchange, median, nash
from negotia.models.base import Forecast, ModelInfo, Param
from negotia.scenario.arrays import ScenarioArrays

_MODULES: tuple[ModuleType, ...] = (compromise, median, nash, calibrated, eum, exchange)

REGISTRY: dict[str, ModuleType] = {m.MODEL_INFO.name: m for m in _MODULES}


def model_names() -> list[str]:
    """Registered model names, in registry order."""
    return list(REGISTRY)


def get_model(name: str) -> ModuleType:
    """The module of the model called ``name``; a clear error if there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownNameError(f"unknown model {name!r}; registered models: {', '.join(REGISTRY)}") from None


def model_info(name: str) -> ModelInfo:
    return get_model(name).MODEL_INFO


@functools.cache
def _execution_options(module: ModuleType) -> frozenset[str]:
    """Which of ``mapper`` and ``progress`` the model's ``forecast`` takes."""
    accepted = inspect.signature(module.forecast).parameters
    return frozenset(k for k in ("mapper", "progress") if k in accepted)


def run_model(
    name: str,
    arrays: ScenarioArrays,
    *,
    rng: np.random.Generator | None = None,
    seed: int = 0,
    mapper: Callable[..., Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **params: Any,
) -> Forecast:
    """Run a registered model on a batch.  ``seed`` builds ``rng`` when none is given
    (the seed rule of :mod:`negotia.seeding`: default 0).

    ``mapper`` (a ``map`` over independent chunks of work, e.g. on threads: see
    :func:`negotia.ensemble.backends.thread_map`) and ``progress`` (called with steps
    done and steps in all, e.g. rounds) go to the models that take them; the others
    run as they always do.  Neither changes a result.
    """
    module = get_model(name)
    if rng is None:
        rng = seeding.rng(seed)
    execution = {"mapper": mapper, "progress": progress}
    extra = {k: v for k, v in execution.items() if v is not None and k in _execution_options(module)}
    return module.forecast(arrays, rng=rng, **extra, **params)


def parse_model_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``"name:key=value,key=value"`` into the name and its parameters."""
    name, _, rest = spec.partition(":")
    params: dict[str, str] = {}
    for part in filter(None, (x.strip() for x in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq:
            raise UnknownNameError(f"model option {part!r} in {spec!r} must be written key=value")
        params[key.strip().replace("-", "_")] = value.strip()
    get_model(name.strip())
    return name.strip(), params


__all__ = [
    "REGISTRY",
    "Forecast",
    "ModelInfo",
    "Param",
    "get_model",
    "model_info",
    "model_names",
    "parse_model_spec",
    "run_model",
]
