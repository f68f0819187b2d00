"""Scaling of the zone of agreement (issue 13, item 3); prints Markdown tables.

What is timed is ``zopa(model)``: the zone of agreement, its size and what blocks it
(conflicts, minimal relaxations with the least move, whether reservation values block).
Synthetic scenarios as in ``bargaining_bench.py`` (random positions and saliences,
quadratic loss, 3 parties unless stated) in two variants:

* **open**: reservation value 0.6 for every party, no red lines (a zone exists; its size
  is counted or estimated);
* **blocked**: the same plus two red lines that do not overlap (P0: I0 at most 30, P1:
  I0 at least 70) and one compatible line (P2: I1 between 20 and 60), so the zone is
  empty and the conflicts and minimal relaxations are searched.

Rows:

1. **in process, model only**: ``zopa(model)`` on a built utility model (median of 3
   after a warm-up, one run after a warm-up with ``--quick``; one run when over 2 s).
   *Before* is the enumeration negotia ran until this change (kept as
   ``tests/bargaining/zopa_enumeration.py``), run where the space has at most 5e7
   packages (it refused more) and the estimated time fits ``--budget``.
2. **whole process, end to end**: ``negotia bargain FILE --resolution N --format json``
   on the same scenario written to a JSON file (start-up, loading, the zone, the
   frontier and the solutions).  *After* runs this checkout; *before* runs the previous
   commit's sources given by ``--before-src DIR`` (its ``src`` folder, e.g. from
   ``git archive <commit> src | tar -x -C DIR``), with the same interpreter.

Run: ``python bench/zone_bench.py [--quick] [--budget S] [--before-src DIR]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from _timing import timed  # noqa: E402
from bargaining_bench import synthetic  # noqa: E402

from negotia.bargaining import utility_model, zopa  # noqa: E402
from negotia.bargaining.utility import UtilityModel  # noqa: E402
from negotia.scenario.schema import Scenario  # noqa: E402

MAX_ENUMERATE = 50_000_000
LINES = [
    {"actor": "P0", "issue": "I0", "max": 30},
    {"actor": "P1", "issue": "I0", "min": 70},
    {"actor": "P2", "issue": "I1", "min": 20, "max": 60},
]


def scenario(parties: int, issues: int, blocked: bool) -> Scenario:
    data = synthetic(parties, issues).model_dump(mode="json", exclude_none=True)
    data["metadata"] = {"reservation": {f"P{a}": 0.6 for a in range(parties)}}
    if blocked:
        data["red_lines"] = [
            x for x in LINES if int(x["actor"][1:]) < parties and int(x["issue"][1:]) < issues
        ]
    return Scenario.model_validate(data)


def model(parties: int, issues: int, resolution: int, blocked: bool) -> UtilityModel:
    return utility_model(scenario(parties, issues, blocked), resolution=resolution)


def run(fn: Callable[[], object], quick: bool) -> float:
    """Seconds of one call after a warm-up (the first call also imports SciPy's solver);
    the median of 3 unless ``quick``.  A call over 2 s is timed once, without warm-up."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    if first > 2.0:
        return first
    return timed(fn, 1 if quick else 3)[0]


def before(m: UtilityModel, quick: bool, budget: float, guess: float | None) -> str:
    from tests.bargaining.zopa_enumeration import enumerate_zopa

    if m.space.size > MAX_ENUMERATE:
        return "refused (> 5e7 packages)"
    if guess is not None and guess > budget:
        return f"skipped (est. {guess:.0f} s)"
    return f"{run(lambda: enumerate_zopa(m), quick):.4f}"


def _kind(z: object) -> str:
    return "exact" if getattr(z, "size_detail", None) is None else "estimate"


def slope(xs: list[float], ts: list[float]) -> float:
    return float(np.polyfit(np.log(xs), np.log(ts), 1)[0])


def issues_table(quick: bool, budget: float) -> None:
    print("### In process, model only: time against issues (3 parties, 10 options an issue)\n")
    print(
        "| issues | packages | open: after (s) | size | blocked: after (s) "
        "| open: before (s) | blocked: before (s) |"
    )
    print("|---:|---:|---:|---|---:|---:|---:|")
    ks, after_open, after_blocked, enum_k, enum_t = [], [], [], [], []
    guess: dict[bool, float | None] = {False: None, True: None}
    for k in (2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20):
        mo, mb = model(3, k, 10, False), model(3, k, 10, True)
        z = zopa(mo)
        size = _kind(z)
        to, tb = run(lambda m=mo: zopa(m), quick), run(lambda m=mb: zopa(m), quick)
        cells = []
        for blocked, m in ((False, mo), (True, mb)):
            cell = before(m, quick, budget, guess[blocked])
            if cell[0].isdigit():
                guess[blocked] = float(cell) * 10.0  # the enumeration grows 10x an issue here
                if not blocked:
                    enum_k.append(k)
                    enum_t.append(float(cell))
            cells.append(cell)
        print(f"| {k} | {m.space.size:.0e} | {to:.4f} | {size} | {tb:.4f} | {cells[0]} | {cells[1]} |")
        ks.append(k)
        after_open.append(to)
        after_blocked.append(tb)
    big = [i for i, k in enumerate(ks) if k >= 6]
    xs = [ks[i] for i in big]
    s_open, s_blocked = slope(xs, [after_open[i] for i in big]), slope(xs, [after_blocked[i] for i in big])
    print()
    print(
        f"Log-log slope of time against issues (6 to 20 issues): open {s_open:.2f}, blocked {s_blocked:.2f}."
    )
    if len(enum_k) >= 2:
        per = math.exp(np.polyfit(enum_k, np.log(enum_t), 1)[0])
        print(
            f"Before (enumeration): time grows {per:.1f}x per added issue (exponential: 10^issues packages)."
        )
    print()


def axis_table(
    title: str, label: str, values: list[int], make: Callable[[int, bool], UtilityModel], quick: bool
) -> None:
    print(f"### In process, model only: time against {title}\n")
    print(f"| {label} | packages | open: after (s) | size | blocked: after (s) |")
    print("|---:|---:|---:|---|---:|")
    to_all, tb_all = [], []
    for v in values:
        mo, mb = make(v, False), make(v, True)
        z = zopa(mo)
        to, tb = run(lambda m=mo: zopa(m), quick), run(lambda m=mb: zopa(m), quick)
        to_all.append(to)
        tb_all.append(tb)
        print(f"| {v} | {mo.space.size:.0e} | {to:.4f} | {_kind(z)} | {tb:.4f} |")
    print()
    print(
        f"Log-log slope against {title}: open {slope(values, to_all):.2f}, "
        f"blocked {slope(values, tb_all):.2f}.\n"
    )


def whole_process(before_src: str | None, quick: bool) -> None:
    print("### Whole process, end to end: `negotia bargain FILE --resolution N --format json`\n")
    print("| scenario | packages | variant | before (s) | after (s) |")
    print("|---|---:|---|---:|---:|")
    exe = [sys.executable, "-m", "negotia"]
    with tempfile.TemporaryDirectory() as tmp:
        for k, n in ((6, 10), (7, 10), (8, 10), (12, 10), (20, 100)):
            for blocked in (False, True):
                path = Path(tmp) / f"s{k}_{n}_{int(blocked)}.json"
                path.write_text(
                    json.dumps(scenario(3, k, blocked).model_dump(mode="json", exclude_none=True))
                )
                args = [*exe, "bargain", str(path), "--resolution", str(n), "--format", "json"]
                cells = [_process(args, before_src) if before_src else "not run", _process(args, "")]
                variant = "blocked" if blocked else "open"
                print(
                    f"| 3 parties x {k} issues x {n} options | {n**k:.0e} | {variant} "
                    f"| {cells[0]} | {cells[1]} |"
                )
    print()


def _process(args: list[str], src: str) -> str:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src  # ahead of the installed (editable) package
    t = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=900)
    dt = time.perf_counter() - t
    return f"{dt:.2f}" if proc.returncode == 0 else f"refused ({dt:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per timing")
    parser.add_argument("--budget", type=float, default=60.0, help="longest enumeration run (s)")
    parser.add_argument("--before-src", default=None, help="src folder of the previous commit")
    parser.add_argument("--only", choices=["issues", "axes", "process"], default=None)
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n"
    )
    if args.only in (None, "issues"):
        issues_table(args.quick, args.budget)
    if args.only in (None, "axes"):
        axis_table(
            "options per issue (3 parties, 20 issues)",
            "options",
            [5, 10, 20, 50, 100],
            lambda n, b: model(3, 20, n, b),
            args.quick,
        )
        axis_table(
            "parties (20 issues, 100 options)",
            "parties",
            [2, 3, 4, 6],
            lambda p, b: model(p, 20, 100, b),
            args.quick,
        )
    if args.only in (None, "process"):
        whole_process(args.before_src, args.quick)


if __name__ == "__main__":
    main()
