"""Optimistic locking: of two writers editing one stance from the same version, one
wins and the other is told the stance changed since it read it; nothing is lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from negotia.errors import StaleEditError
from tests.conftest import ROOT


def test_two_processes_edit_one_stance(store, small, db_url: str, tmp_path: Path) -> None:
    store.import_scenario(small, "s")
    start = store.stance("s", "A", "border")
    procs = {
        me: subprocess.Popen(
            [sys.executable, "-m", "tests.store.writer", db_url, str(tmp_path), me, other, pos],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, other, pos in (("first", "second", "2.0"), ("second", "first", "4.0"))
    }
    results = {me: (p.wait(timeout=300), *p.communicate()) for me, p in procs.items()}
    codes = sorted(code for code, _, _ in results.values())
    assert codes == [0, 3], results
    winner = next(me for me, (code, _, _) in results.items() if code == 0)
    loser_out = next(out for code, out, _ in results.values() if code == 3)
    assert "changed since you read it" in loser_out
    assert f"you read version {start.version}" in loser_out
    now = store.stance("s", "A", "border")
    assert now.version == start.version + 1
    assert now.values["note"] == f"by {winner}"
    assert now.values["position"] == {"first": 2.0, "second": 4.0}[winner]
    # Everything else of the scenario is as imported.
    rest = store.load("s")
    assert [s for s in rest.stances if (s.actor, s.issue) != ("A", "border")] == [
        s for s in small.stances if (s.actor, s.issue) != ("A", "border")
    ]


def test_an_edit_from_an_old_version_is_refused_in_process(store, small) -> None:
    store.import_scenario(small, "s")
    old = store.stance("s", "B", "budget")
    new = store.update_stance("s", "B", "budget", old.version, salience=0.5)
    assert new.version == old.version + 1 and new.values["salience"] == 0.5
    with pytest.raises(StaleEditError, match="changed since you read it"):
        store.update_stance("s", "B", "budget", old.version, salience=0.9)
    assert store.stance("s", "B", "budget") == new
