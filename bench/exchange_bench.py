"""Benchmark of the exchange model (``exchange``, Stokman & Van Oosten Equal Gain).

Prints wall and CPU times (median of repeats after a warm-up) and the load average,
since other work on the machine inflates wall times:

* single runs of 10 rounds on the three reference cases (copenhagen, cop21, sample),
  with the default decimal tie-breaking and with ``arithmetic=float``, against the
  reference implementation's time: 6.8 s for cop21's 10 rounds in its model loop (the
  published figure), and for the other two the ``model_time_s`` recorded in the
  ``*_expected.json`` files;
* batches of perturbed cop21 cases (positions + N(0, 2 points) clipped to the scale;
  seed 1994) in one call, in float and in decimal arithmetic, against the same-process
  baseline of calling the model once per case in a Python loop;
* the first call in a new process: with an empty numba cache (the compiled loop is
  built) and with the cache filled (it is loaded).

Usage: ``python bench/exchange_bench.py [--quick] [--markdown]`` from the project root
(needs ``../shared/reference/exchange/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _timing import timed  # bench/ is the script's folder, so on sys.path

import negotia
from negotia.models import exchange
from negotia.scenario.arrays import ScenarioArrays

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT.parent / "shared" / "reference" / "exchange"
CASES = {"copenhagen": "copenhagen.csv", "cop21": "cop21.csv", "sample": "sample_data.txt"}
#: The reference implementation's published time for cop21, 10 rounds, model loop only.
COP21_REFERENCE_SECONDS = 6.8


def load(name: str) -> ScenarioArrays:
    return ScenarioArrays.from_scenario(negotia.load_scenario(REF / CASES[name]))


def perturbed(arrays: ScenarioArrays, n: int, seed: int = 1994) -> ScenarioArrays:
    rng = np.random.default_rng(seed)
    big = arrays.repeat(n)
    pos = np.clip(big.position + rng.normal(0.0, 0.02, big.position.shape), 0.0, 1.0)
    return big.replace(position=pos)


def reference_seconds(name: str) -> float:
    if name == "cop21":
        return COP21_REFERENCE_SECONDS
    return float(json.loads((REF / f"{name}_expected.json").read_text())["model_time_s"])


def first_call(cache_dir: str) -> float:
    """Seconds of the first ``forecast`` in a fresh interpreter whose numba cache is ``cache_dir``."""
    code = (
        "import time, negotia\n"
        "from negotia.models import exchange\n"
        "from negotia.scenario.arrays import ScenarioArrays\n"
        f"a = ScenarioArrays.from_scenario(negotia.load_scenario({str(REF / CASES['cop21'])!r}))\n"
        "t = time.perf_counter(); exchange.forecast(a, rounds=10); print(time.perf_counter() - t)\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    quick = "--quick" in sys.argv
    markdown = "--markdown" in sys.argv
    repeat = 1 if quick else 3
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    rows = []
    for name in CASES:
        arrays = load(name)
        ref = reference_seconds(name)
        for label, params in (
            ("decimal ties (default)", {}),
            ("decimal ties, order=input (reproduces the reference)", {"order": "input"}),
            ("arithmetic=float", {"arithmetic": "float"}),
        ):
            wall, cpu = timed(lambda a=arrays, p=params: exchange.forecast(a, rounds=10, **p), repeat)
            rows.append((name, label, wall, cpu, ref))
    print("\n### Single runs, 10 rounds\n")
    print("| case | variant | wall (s) | CPU (s) | reference (s) | ratio (reference / CPU) |")
    print("|---|---|---:|---:|---:|---:|")
    for name, label, wall, cpu, ref in rows:
        print(f"| {name} | {label} | {wall:.3f} | {cpu:.3f} | {ref:.2f} | {ref / cpu:.1f}x |")

    arrays = load("cop21")
    print("\n### Batches of perturbed cop21 cases, 10 rounds\n")
    print("Positions + N(0, 2 points), clipped; the loop baseline calls the model once per case.\n")
    print(
        "| arithmetic | batch | one call: wall (s) | CPU (s) | CPU per case (s) | loop: CPU per case (s) |",
        end="",
    )
    print(" speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for arith, sizes in (
        ("float", (10, 100) if quick else (10, 100, 1000)),
        ("decimal", (10,) if quick else (10, 100)),
    ):
        n_loop = 3 if quick else 10
        loop_batch = perturbed(arrays, n_loop)
        _, loop_cpu = timed(
            lambda lb=loop_batch, a=arith, k=n_loop: [
                exchange.forecast(lb.take(slice(j, j + 1)), rounds=10, arithmetic=a) for j in range(k)
            ],
            1,
        )
        per_loop = loop_cpu / n_loop
        for n in sizes:
            batch = perturbed(arrays, n)
            wall, cpu = timed(lambda b=batch, a=arith: exchange.forecast(b, rounds=10, arithmetic=a), 1)
            print(
                f"| {arith} | {n} | {wall:.2f} | {cpu:.2f} | {cpu / n:.4f} | {per_loop:.4f} | "
                f"{per_loop / (cpu / n):.1f}x |"
            )
    print("\n### First call in a new process (cop21, 10 rounds, default arithmetic)\n")
    print("| numba cache | wall time of the call (s) |")
    print("|---|---:|")
    with tempfile.TemporaryDirectory() as cache:
        for label in ("empty: the loop is compiled", "filled: the compiled loop is loaded"):
            print(f"| {label} | {first_call(cache):.2f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    if markdown:
        print("\n(paste the tables above into bench/README.md, section 'Exchange model')")


if __name__ == "__main__":
    main()
