"""Start-up of the ``negotia`` command (issue 13, item 1): whole process and in process.

Whole process, end to end: each command is started as a new process, ``--runs`` times
after one warm-up (warm file, bytecode and numba caches), and the median wall and CPU
time (user + system of the child) are printed. The commands are started through the
same entry point as the ``negotia`` script (``negotia.cli.main``), so that ``--src``
can time another source tree (e.g. an export of an older commit) with the same
interpreter and packages, side by side:

    python bench/startup_bench.py                       # this checkout
    python bench/startup_bench.py --src /tmp/old/src    # another tree, same venv

In process: what ``python -X importtime`` reports for each command (total import time
and the top-level imports that cost most), the time to build the typer app (import of
``negotia.cli.root``), and the model alone (``run_model("compromise", ...)`` on
``ukraine-2025``, already loaded), so the end-to-end figures can be read against it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time

from _timing import timed

RUNNER = "import sys; sys.argv[0] = 'negotia'; from negotia.cli import main; main()"

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--version",),
    ("--help",),
    ("forecast", "--help"),
    ("forecast", "ukraine-2025", "-m", "compromise"),
    ("outlook", "ukraine-2025"),
)
# outlook computes for seconds (the agreement analysis); fewer runs keep the bench short.
SLOW = {("outlook", "ukraine-2025")}


def _env(src: str | None) -> dict[str, str]:
    env = dict(os.environ, COLUMNS="80")
    # Warm caches include Python's bytecode cache: an installed package has its .pyc files,
    # and with PYTHONDONTWRITEBYTECODE set every run would compile negotia's sources again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run_once(args: tuple[str, ...], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def whole_process(runs: int, env: dict[str, str]) -> None:
    print("\n### Whole process, end to end (median of runs after a warm-up)\n")
    print("| command | runs | wall (s) | CPU (s) |")
    print("|---|---:|---:|---:|")
    for args in COMMANDS:
        n = max(1, min(runs, 2)) if args in SLOW else runs
        _run_once(args, env)
        results = [_run_once(args, env) for _ in range(n)]
        wall = statistics.median(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        print(f"| `negotia {' '.join(args)}` | {n} | {wall:.3f} | {cpu:.3f} |", flush=True)


_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_offenders(env: dict[str, str], top: int) -> None:
    print("\n### In process: import time per command (`python -X importtime`, one run)\n")
    print("Time spent running each package's modules (the sum of their own import times),")
    print("largest first; importtime's own overhead inflates the total a little.\n")
    print("| command | imports (s) | packages that cost most (ms) |")
    print("|---|---:|---|")
    for args in COMMANDS:
        if args in SLOW:
            continue
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", RUNNER, *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
        by_package: dict[str, int] = {}
        for m in map(_LINE.match, out.stderr.splitlines()):
            if m:
                root = m[4].partition(".")[0]
                by_package[root] = by_package.get(root, 0) + int(m[1])
        total = sum(by_package.values()) / 1e6
        worst = sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
        listed = ", ".join(f"{name} {us / 1000:.0f}" for name, us in worst)
        print(f"| `negotia {' '.join(args)}` | {total:.3f} | {listed} |", flush=True)


def in_process(env: dict[str, str], repeat: int) -> None:
    print("\n### In process: building the app, and the model alone\n")
    print("| what | time (s) |")
    print("|---|---:|")
    code = "import time; t = time.perf_counter(); import negotia.cli.root; print(time.perf_counter() - t)"
    walls = [
        float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout)
        for _ in range(repeat)
    ]
    print(
        f"| import `negotia.cli.root` (typer app, all commands registered), fresh process | "
        f"{statistics.median(walls):.3f} |"
    )
    import negotia
    from negotia.models import run_model
    from negotia.scenario.arrays import ScenarioArrays

    sc = negotia.load_scenario("ukraine-2025")
    arrays = ScenarioArrays.from_scenario(sc)
    wall, _ = timed(lambda: run_model("compromise", arrays), repeat)
    print(f'| model only: `run_model("compromise", ...)` on ukraine-2025 | {wall:.5f} |')
    wall, _ = timed(lambda: negotia.load_scenario("ukraine-2025"), repeat)
    what = '`negotia.load_scenario("ukraine-2025")` (bundled; named again in one process)'
    print(f"| load only: {what} | {wall:.3f} |")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="counted runs per command (default 5)")
    ap.add_argument("--top", type=int, default=6, help="import offenders listed per command")
    ap.add_argument("--src", help="time the negotia package under this directory instead")
    ap.add_argument("--quick", action="store_true", help="3 runs (run_all passes it on)")
    args = ap.parse_args(argv)
    runs = 3 if args.quick else args.runs
    env = _env(args.src)
    load = os.getloadavg()
    print("## Start-up (`startup_bench.py`)\n")
    print(f"source: {args.src or 'this checkout'}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("warm caches: one run of each command first writes the bytecode cache (and numba's)")
    whole_process(runs, env)
    import_offenders(env, args.top)
    if args.src is None:
        in_process(env, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
