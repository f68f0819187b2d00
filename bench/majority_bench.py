"""Benchmark of qualified-majority rules in the agreement analysis (issue 12, item 1).

A synthetic committee (not a bundled scenario; drawn with a fixed seed): P parties with
equal weights, 5 issues, a red line for each party on each issue, status quo 50, decided
by a two-thirds majority; 10,000 variants. Rows, each labelled:

1. whole process: ``negotia agreement FILE -n N -f json`` (start-up, reading the file,
   the analysis, the JSON), wall time of the subprocess;
2. in-process, end to end: ``analyse_agreement(scenario, N)``;
3. in-process, kernel only: the whole package under the majority
   (:func:`settle_majority`: one unanimity problem per minimal winning coalition and
   variant), each issue alone (:func:`majority_issue_zones`, the endpoint sweep), and
   for comparison the same rows under unanimity (:func:`settle`).

Run: ``python bench/majority_bench.py`` (``--quick``: one run per timing; ``-n``:
variants; ``--parties``: P).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import timed

from negotia.agreement.analysis import analyse_agreement, draw_bounds
from negotia.bargaining.consent import consent_of, consent_rows
from negotia.bargaining.feasible import settle
from negotia.bargaining.majority import majority_issue_zones, minimal_winning, settle_majority
from negotia.ensemble.perturb import Perturbation, seed_sequence
from negotia.scenario.schema import Scenario


def committee(parties: int, issues: int = 5, seed: int = 0) -> dict:
    """A committee scenario as data: positions, saliences and red lines drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    actors = [f"P{j}" for j in range(parties)]
    ids = [f"i{k}" for k in range(issues)]
    pos = rng.integers(0, 101, (parties, issues))
    red = []
    for j, a in enumerate(actors):
        for k, i in enumerate(ids):
            side = "min" if pos[j, k] > 50 else "max"
            bound = int(np.clip(pos[j, k] + (-40 if side == "min" else 40), 0, 100))
            red.append({"actor": a, "issue": i, side: bound, "sd": 5})
    return {
        "name": f"committee-{parties}",
        "decision_rule": {"rule": "qualified_majority", "threshold": 2 / 3, "weights": "equal"},
        "actors": [{"id": a, "role": "party", "capability": 1.0} for a in actors],
        "issues": [{"id": i, "status_quo": 50} for i in ids],
        "stances": [
            {"actor": a, "issue": i, "position": int(pos[j, k]), "salience": float(rng.uniform(0.2, 1))}
            for j, a in enumerate(actors)
            for k, i in enumerate(ids)
        ],
        "red_lines": red,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--parties", type=int, default=7)
    args = ap.parse_args()
    repeat = 1 if args.quick else 3
    n = args.n
    data = committee(args.parties)
    sc = Scenario.model_validate(data)
    consent = consent_of(sc)
    m = len(minimal_winning(consent.voting, np.ones(len(sc.issues), dtype=bool)))
    py, cpus = platform.python_version(), os.cpu_count()
    print(f"machine: {platform.machine()}, {cpus} cpus, Python {py}, numpy {np.__version__}")
    print(
        f"scenario: {sc.name}: {len(sc.issues)} issues, {args.parties} parties, two thirds; "
        f"{m} minimal winning coalitions; n = {n}\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "committee.json"
        path.write_text(json.dumps(data))
        exe = Path(sys.executable).with_name("negotia")
        cmd = [str(exe), "agreement", str(path), "-n", str(n), "-f", "json"]
        whole = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            whole.append(time.perf_counter() - t0)
    end_to_end, _ = timed(lambda: analyse_agreement(sc, n), repeat)
    ss = seed_sequence(0)
    arrays = Perturbation.from_scenario(sc).draw(ss, 0, n)
    lo, hi = draw_bounds(consent, n, ss)
    rows = consent_rows(consent, arrays, lo, hi)
    t_pkg, _ = timed(lambda: settle_majority(rows, consent.voting), repeat)
    t_issue, _ = timed(lambda: majority_issue_zones(rows, consent.voting), repeat)
    t_una, _ = timed(lambda: settle(rows), repeat)
    p_major = settle_majority(rows, consent.voting).feasible.mean()
    p_una = settle(rows).feasible.mean()
    print("| what | time (s) | variants/s |")
    print("|---|---:|---:|")
    for label, t in (
        ("whole process: `negotia agreement FILE -n N -f json`", min(whole)),
        ("in-process, end to end: `analyse_agreement(sc, N)`", end_to_end),
        ("in-process, kernel only: whole package, two thirds (`settle_majority`)", t_pkg),
        ("in-process, kernel only: each issue alone, two thirds (endpoint sweep)", t_issue),
        ("in-process, kernel only: whole package, unanimity (`settle`), for comparison", t_una),
    ):
        print(f"| {label} | {t:.3f} | {n / t:,.0f} |")
    print(f"\nP(zone) of the package: two thirds {p_major:.3f}, unanimity {p_una:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
