"""Benchmark of loading a scenario file against its size (actors x issues).

For synthetic JSON and YAML scenarios with every actor on every issue (positions and
saliences uniform, seed 0), prints for each size:

* in-process: CPU time of :func:`negotia.load_scenario` (best of 3, after one warm-up
  load) and the peak of Python's own allocations during one load (``tracemalloc``);
* whole process: wall time and peak resident memory of ``negotia validate FILE`` as a
  user runs it, start-up and imports included (the start-up alone is printed too);

and the log-log slope of in-process time and memory against the number of stances
(1 = linear).  Usage: ``python bench/load_bench.py [--quick]`` from the
project root.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import yaml

from negotia import load_scenario

NEGOTIA = Path(sys.executable).with_name("negotia")


def scenario_data(n_actors: int, n_issues: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (n_actors, n_issues)).round(3)
    sal = rng.uniform(0, 1, (n_actors, n_issues)).round(3)
    return {
        "name": f"synthetic {n_actors} x {n_issues}",
        "actors": [{"id": f"A{a}", "capability": float(a % 10 + 1)} for a in range(n_actors)],
        "issues": [{"id": f"I{i}"} for i in range(n_issues)],
        "stances": [
            {"actor": f"A{a}", "issue": f"I{i}", "position": float(pos[a, i]), "salience": float(sal[a, i])}
            for a in range(n_actors)
            for i in range(n_issues)
        ],
    }


def write(folder: Path, n_actors: int, n_issues: int, fmt: str) -> Path:
    data = scenario_data(n_actors, n_issues)
    path = folder / f"s{n_actors}x{n_issues}.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(
            yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False),
            encoding="utf-8",
        )
    return path


def in_process(path: Path) -> tuple[float, float]:
    """(best CPU seconds of 3 loads, peak MB of Python allocations during one)."""
    load_scenario(path)
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        load_scenario(path)
        best = min(best, time.process_time() - t)
    tracemalloc.start()
    load_scenario(path)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak


def whole_process(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one ``negotia`` run in a fresh process."""
    # ru_maxrss of children is the largest child so far, so each run gets its own shell.
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True); w = time.perf_counter() - t; "
        "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    rc, wall, rss_kb = out.stdout.split()
    if rc != "0":
        raise RuntimeError(f"{' '.join(args)} exited with {rc}")
    return float(wall), float(rss_kb) / 1024


def slope(x: list[float], y: list[float]) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [(100, 10), (200, 50), (1000, 20), (1000, 100)] if not quick else [(100, 10), (300, 30)]
    la = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, load average {la:.1f}, libyaml: {yaml.__with_libyaml__}")
    start_wall, start_rss = whole_process([str(NEGOTIA), "--version"])
    print(f"start-up alone (negotia --version): {start_wall:.2f} s wall, {start_rss:.0f} MB resident\n")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("json", "yaml"):
            xs, ts, ms = [], [], []
            for a, i in sizes:
                path = write(Path(tmp), a, i, fmt)
                cpu, peak = in_process(path)
                wall, rss = whole_process([str(NEGOTIA), "validate", str(path)])
                mb = path.stat().st_size / 1e6
                rows.append((fmt, a, i, a * i, mb, cpu, peak, wall, rss))
                xs.append(a * i)
                ts.append(cpu)
                ms.append(peak)
                path.unlink()
            rows.append((fmt, "slope", slope(xs, ts), slope(xs, ms)))
    print(
        "| format | actors x issues | stances | file MB | load CPU (s) | peak alloc (MB) "
        "| `negotia validate` wall (s) | peak RSS (MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r[1] == "slope":
            print(f"| {r[0]} | log-log slope vs stances | | | {r[2]:.2f} | {r[3]:.2f} | | |")
        else:
            fmt, a, i, n, mb, cpu, peak, wall, rss = r
            print(
                f"| {fmt} | {a:,} x {i} | {n:,} | {mb:.1f} | {cpu:.3f} | {peak:.0f} "
                f"| {wall:.2f} | {rss:.0f} |"
            )


if __name__ == "__main__":
    main()
