"""Run every ``bench/*_bench.py`` script, one after the other (``make bench``).

Each script is a plain Python program that prints its own tables (see
bench/README.md).  Extra arguments are passed on to every script, e.g.
``python bench/run_all.py --quick``.  Exits non-zero when a script fails, after
running all of them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    if not scripts:
        print("no bench/*_bench.py scripts found")
        return 1
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *argv], cwd=HERE.parent)
        took = time.perf_counter() - start
        print(f"=== {script.name}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {took:.1f} s ===")
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    print(f"\nall {len(scripts)} benchmark scripts ran")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
