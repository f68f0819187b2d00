"""Issue 16 item 3: `simulate --protocol mediator` said "UKR, RUS cannot accept" and,
in its history, "accepted by UKR, RUS" for the same text (the history listed who
welcomed the move, not who could accept the text)."""

from __future__ import annotations

import json
import re

from tests.conftest import run_cli


def test_mediator_history_agrees_with_its_verdict() -> None:
    r = run_cli("simulate", "ukraine-2025", "--protocol", "mediator", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    refused = re.search(r"; (.*) cannot accept the final text", d["reason"])
    assert refused, d["reason"]  # the bundled case: the red lines on territory do not meet
    last = d["history"][-1]
    assert last["index"] == d["final"]
    for party in refused.group(1).split(", "):
        assert party not in last["accepted_by"]
    assert not last["agreed"] and d["agreement"] is None


def test_trace_table_says_no_one_accepts() -> None:
    r = run_cli("simulate", "ukraine-2025", "--protocol", "mediator", "--trace")
    assert r.returncode == 0, r.stderr
    rows = [line for line in r.stdout.splitlines() if "mediator" in line and "│" in line]
    assert rows and all("UKR, RUS" not in row for row in rows)
