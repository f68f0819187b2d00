"""CONTRIBUTING.md's promise: a model in one file plus its registry line is held to the
contract suite without any other change.

The test writes a toy model (the midrange of the positions: the midpoint of the lowest and
highest position of the actors present) into a temporary folder, registers it the way
CONTRIBUTING.md says (one entry in ``negotia.models``' registry), and runs the real
contract suite, ``tests/models/test_contract.py``, in a separate pytest process.  A
second toy that breaks the contract (its outcome leaves the issue range) must fail it, so
this test cannot pass by a suite that checks nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TOY = '''
"""A toy model for the contract test: the midrange of the positions."""

from __future__ import annotations

from typing import Any

import numpy as np

from negotia.models.base import Forecast, ModelInfo
from negotia.scenario.arrays import ScenarioArrays

MODEL_INFO = ModelInfo(
    name="toy-midrange",
    title="Midrange of the positions (toy)",
    citation="None: a test fixture.",
    summary="Midpoint of the lowest and highest position of the actors present.",
)


def forecast(arrays: ScenarioArrays, *, rng: np.random.Generator | None = None, **params: Any) -> Forecast:
    p = MODEL_INFO.resolve(params)
    pos = np.where(arrays.present, arrays.position, np.nan)
    with np.errstate(all="ignore"):
        out = (np.nanmin(pos, axis=-2) + np.nanmax(pos, axis=-2)) / 2 + OFFSET
    out = np.where(np.isnan(out), arrays.status_quo, out)
    return Forecast(
        model=MODEL_INFO.name,
        issue_ids=arrays.issue_ids,
        outcome=out,
        scale_min=arrays.scale_min,
        scale_max=arrays.scale_max,
        params=p,
        actor_ids=arrays.actor_ids,
    )
'''

# The registry line of CONTRIBUTING.md, applied by a pytest plugin before collection so
# that the contract suite's parametrisation sees the new model.
PLUGIN = """
import toy_model
from negotia.models import REGISTRY

REGISTRY[toy_model.MODEL_INFO.name] = toy_model
"""


def _run_contract(tmp_path: Path, offset: float) -> subprocess.CompletedProcess[str]:
    (tmp_path / "toy_model.py").write_text(TOY.replace("OFFSET", repr(offset)), encoding="utf-8")
    (tmp_path / "toy_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "toy_plugin", "-k", "toy-midrange"]
    cmd += ["-p", "no:cacheprovider", str(ROOT / "tests" / "models" / "test_contract.py")]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


@pytest.mark.slow
def test_a_new_model_is_picked_up_by_the_contract_suite(tmp_path: Path) -> None:
    r = _run_contract(tmp_path, 0.0)
    assert r.returncode == 0, r.stdout + r.stderr
    # Every contract test ran for the toy (one per test function of the suite).
    assert " passed" in r.stdout and "deselected" in r.stdout
    n_passed = int(r.stdout.strip().splitlines()[-1].split(" passed")[0].split()[-1])
    assert n_passed >= 8


@pytest.mark.slow
def test_a_model_that_breaks_the_contract_fails_it(tmp_path: Path) -> None:
    r = _run_contract(tmp_path, 2.0)  # outcomes pushed off the [0, 1] scale
    assert r.returncode == 1, r.stdout + r.stderr
    assert "test_outcome_inside_issue_range[toy-midrange]" in r.stdout
