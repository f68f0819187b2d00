"""Results as strict JSON: the one place where NaN, infinities and NumPy types are cleaned.

JSON has no NaN or infinity, and strict parsers reject them, so a missing value (an
absent actor, an open red line, an undefined index) becomes ``null``.  NumPy scalars and
arrays become plain Python numbers and lists.  Every ``to_dict()`` and the command
line's ``--format json`` go through :func:`to_jsonable`, so a Python user and a shell
user read the same values.

NumPy is not imported here (this module sits below everything and is loaded by the
command line's start-up): NumPy values are recognised by their ``tolist`` method.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["json_text", "to_jsonable"]


def to_jsonable(x: Any) -> Any:
    """``x`` with every non-finite float as None and NumPy values as Python ones.

    Mappings get string keys, tuples become lists; anything else (str, int, bool, None,
    dates, ...) is returned as it is.
    """
    if isinstance(x, bool | int | str) or x is None:
        return x
    if isinstance(x, float):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, Mapping):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [to_jsonable(v) for v in x]
    tolist = getattr(x, "tolist", None)
    if callable(tolist):  # a NumPy array or scalar
        return to_jsonable(tolist())
    return x


def _default(x: Any) -> Any:
    if hasattr(x, "isoformat"):
        return x.isoformat()
    raise TypeError(f"cannot serialise {type(x).__name__}")


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as strict JSON text (dates as ISO strings); never writes NaN."""
    return json.dumps(to_jsonable(data), indent=indent, default=_default, allow_nan=False)
