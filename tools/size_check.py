"""Size limits of the library's source files (ARCHITECTURE.md, "Tests and checks").

No file under ``src/negotia`` is over 600 lines and no function over 80 lines, unless
the file says why in one line near its top::

    # size: <why this file or its functions must stay long>

or the offender is listed in ``tools/size_exceptions.txt`` (``path`` or
``path::function``, then the reason) -- the known offenders that predate the check,
each to be split by whoever works on it next.  That list only shrinks: an entry that
is no longer over the limit is reported (not failed), so it is removed with the split.

Run by ``make lint``; exits 1 and lists every offender (file, line, length) otherwise.
Usage: ``python tools/size_check.py [ROOT ...]`` (default ``src/negotia``), from the
project root.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
#: The reason line must be among the first lines of the file (after a shebang, a
#: docstring's first lines at most).
REASON = re.compile(r"^#\s*(?:size|over\s+\d+\s+lines)\s*:\s*\S", re.IGNORECASE)
REASON_WITHIN = 5


def has_reason(lines: list[str]) -> bool:
    return any(REASON.match(line.strip()) for line in lines[:REASON_WITHIN])


EXCEPTIONS = Path(__file__).with_name("size_exceptions.txt")


def read_exceptions(path: Path = EXCEPTIONS) -> dict[str, str]:
    """``{"path" or "path::function": reason}`` from the exceptions file."""
    out = {}
    if not path.exists():
        return out
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{n}: {key} has no reason")
        out[key] = reason.strip()
    return out


def offences(path: Path) -> list[tuple[str, str]]:
    """``(key, message)`` for every limit ``path`` exceeds; [] when the file has a reason.

    ``key`` is ``path`` for the file's length and ``path::function`` for a function.
    """
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if has_reason(lines):
        return []
    name = path.as_posix()
    out = []
    if len(lines) > MAX_FILE_LINES:
        out.append((name, f"{name}:1: {len(lines)} lines (limit {MAX_FILE_LINES})"))
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # Decorators belong to the function; the count starts at the first of them.
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_FUNCTION_LINES:
                msg = f"{name}:{first}: function {node.name} is {length} lines (limit {MAX_FUNCTION_LINES})"
                out.append((f"{name}::{node.name}", msg))
    return out


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("src/negotia")]
    allowed = read_exceptions()
    found, seen = [], set()
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            for key, msg in offences(path):
                seen.add(key)
                if key not in allowed:
                    found.append(msg)
    stale = [
        k for k in allowed if k not in seen and any(Path(k.split("::")[0]).is_relative_to(r) for r in roots)
    ]
    for line in found:
        print(line)
    for key in stale:
        print(
            f"{EXCEPTIONS.name}: {key} is within the limits now (or gone): remove its line", file=sys.stderr
        )
    # A stale entry is only reported: failing on it would fail the lint of whoever
    # splits the function, for a line in a file they did not touch.
    if found:
        print(
            f"{len(found)} over the size limits: split them, or say why in one line "
            "'# size: <reason>' at the top of the file",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
