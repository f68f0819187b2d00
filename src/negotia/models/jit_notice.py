"""A word on stderr before a compiled loop is built for the first time.

The exchange model's inner loop is compiled by numba on its first use after install and
then read from numba's on-disk cache (``__pycache__`` beside the source, or
``NUMBA_CACHE_DIR``). The first build takes several seconds; without a word it looks
like a hang. This is the one place a model writes to a stream: a notice about the
machine, not a result, said once per process and only when the cache is cold.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

_said: set[str] = set()


def cache_is_cold(dispatcher: Any) -> bool:
    """True when numba has no usable cache entry for ``dispatcher`` (a ``cache=True``
    function not yet compiled in this process): its index file is missing, or written
    for another version of the source."""
    if getattr(dispatcher, "signatures", None):  # already compiled in this process
        return False
    cache = getattr(dispatcher, "_cache", None)
    index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
    if index is None:  # not a cached dispatcher, or numba's layout changed: say nothing
        return False
    if not os.path.exists(index):
        return True
    try:
        # An index written for another version of the source is read as empty.
        return not cache._cache_file._load_index()
    except Exception:  # numba's private layout changed: the file exists, trust it
        return False


def compile_notice(dispatcher: Any, what: str, stream: TextIO | None = None) -> bool:
    """Say once per process, on stderr, that ``what`` is being compiled, when the cache
    of ``dispatcher`` is cold. Returns whether the notice was written."""
    if what in _said or not cache_is_cold(dispatcher):
        return False
    _said.add(what)
    out = stream if stream is not None else sys.stderr
    # Two short lines: the notice fits an 80-column terminal.
    out.write(f"negotia: compiling {what} (once; several seconds),\n  later runs read it from the cache.\n")
    out.flush()
    return True
