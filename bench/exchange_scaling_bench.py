"""Scaling of the exchange model with the number of actors and of issues (issue 13, item 4).

Synthetic scenarios, every actor on every issue (positions and saliences uniform,
capabilities 1-10; :func:`load_bench.scenario_data`), 10 rounds, default parameters
(decimal tie-breaking):

* in process, model only: wall and CPU seconds of ``exchange.forecast`` on the loaded
  scenario (after a warm-up call on a small case, so the compiled loop is loaded), the
  exchanges realised and the CPU time per realised exchange;
* whole process, end to end: wall seconds of ``negotia forecast FILE -m exchange`` as a
  user runs it (start-up, loading and printing included);
* the log-log slope of each time against the number of actors (20 issues) and of issues
  (100 actors).  A round has about ``A**2 I**2 / 8`` candidate exchanges, and each of
  its ``O(A I)`` realised exchanges recalculates the ``O(A I)`` candidates that share an
  actor and an issue with it, so both slopes should be 2.

Usage: ``python bench/exchange_scaling_bench.py [--quick]`` from the project root.  To
time another version of the code, put its ``src`` first on ``PYTHONPATH``; the script
prints which copy of negotia it measured.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from load_bench import NEGOTIA, scenario_data, slope, whole_process  # bench/ is on sys.path

import negotia
from negotia.models import exchange
from negotia.scenario.arrays import ScenarioArrays

BY_ACTORS = [(25, 20), (50, 20), (100, 20)]
BY_ISSUES = [(100, 10), (100, 20), (100, 30)]


def model_only(arrays: ScenarioArrays) -> tuple[float, float, int]:
    """(wall s, CPU s, exchanges realised) of one 10-round run."""
    t, c = time.perf_counter(), time.process_time()
    fc = exchange.forecast(arrays, rounds=10)
    return time.perf_counter() - t, time.process_time() - c, int(fc.trace["exchanges"].sum())


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = sorted(set(BY_ACTORS + BY_ISSUES))
    if quick:
        sizes = [s for s in sizes if s[0] * s[1] <= 1000]
    print(f"negotia measured: {Path(negotia.__file__).parent}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    exchange.forecast(ScenarioArrays.from_scenario(negotia.load_scenario(_small())), rounds=1)
    rows: dict[tuple[int, int], tuple[float, float, int, float]] = {}
    print("\n| actors x issues | model only: wall (s) | CPU (s) | exchanges | CPU per exchange (µs) ", end="")
    print("| whole process: wall (s) |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for A, I in sizes:
            path = Path(tmp) / f"s{A}x{I}.json"
            path.write_text(json.dumps(scenario_data(A, I)), encoding="utf-8")
            arrays = ScenarioArrays.from_scenario(negotia.load_scenario(path))
            wall, cpu, n = model_only(arrays)
            whole, _ = whole_process([str(NEGOTIA), "forecast", str(path), "-m", "exchange"])
            rows[(A, I)] = (wall, cpu, n, whole)
            cells = f"{wall:.2f} | {cpu:.2f} | {n:,} | {cpu / n * 1e6:.0f} | {whole:.2f}"
            print(f"| {A} x {I} | {cells} |", flush=True)
    print("\n| log-log slope | model only: wall | CPU | CPU per exchange | whole process: wall |")
    print("|---|---:|---:|---:|---:|")
    groups = (("vs actors (20 issues)", BY_ACTORS, 0), ("vs issues (100 actors)", BY_ISSUES, 1))
    for label, group, axis in groups:
        pts = [s for s in group if s in rows]
        if len(pts) < 2:
            continue
        x = [float(s[axis]) for s in pts]
        cols = [
            slope(x, [rows[s][0] for s in pts]),
            slope(x, [rows[s][1] for s in pts]),
            slope(x, [rows[s][1] / rows[s][2] for s in pts]),
            slope(x, [rows[s][3] for s in pts]),
        ]
        print(f"| {label} | " + " | ".join(f"{v:.2f}" for v in cols) + " |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


def _small() -> Path:
    """A small synthetic case for the warm-up (loads the compiled loop)."""
    path = Path(tempfile.gettempdir()) / "negotia_exchange_warmup.json"
    path.write_text(json.dumps(scenario_data(10, 4)), encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
