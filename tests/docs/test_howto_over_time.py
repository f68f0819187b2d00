"""docs/howto-over-time.md runs as written: every fenced ``sh`` command, in order, in one
empty folder, through the installed ``negotia`` entry point.  A ```` ```yaml revision````
block is what the page asks the reader to paste under ``revisions:`` of the file named
just before it; the test does that paste.  The claims the page makes in words are
checked on the outputs (each from the scenario's own revisions or the catalogue's
dates)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

DOC = ROOT / "docs" / "howto-over-time.md"
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def run(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    args = shlex.split(line)
    assert args[0] == "negotia", line
    exe = Path(sys.executable).with_name("negotia")
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [str(exe), *args[1:]], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )


def paste_revision(path: Path, snippet: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert "\nrevisions:\n" in text, "the page's copy has no revisions list to paste into"
    # Indented like the list it joins (a converted file may indent its items), as a reader would.
    after = text.split("\nrevisions:\n", 1)[1]
    indent = after[: len(after) - len(after.lstrip(" "))] if after.lstrip(" ").startswith("- ") else ""
    snippet = "".join(indent + line for line in snippet.splitlines(keepends=True))
    path.write_text(text.replace("\nrevisions:\n", "\nrevisions:\n" + snippet, 1), encoding="utf-8")


def test_every_command_of_the_howto_runs(tmp_path: Path) -> None:
    outputs: dict[str, str] = {}
    ran = 0
    for info, body in blocks():
        if info == "yaml revision":
            paste_revision(tmp_path / "my-talks.yaml", body)
            continue
        if info != "sh":
            continue
        for line in body.splitlines():
            if not line.strip():
                continue
            r = run(line, tmp_path)
            assert r.returncode == 0, f"{line}\n{r.stderr}"
            assert "Traceback" not in r.stderr
            # Piped, a table is printed at the width its dates and numbers need, never cut
            # (negotia.cli.output), so it may be wider than 80 columns: nothing may be lost.
            assert "…" not in r.stdout, line
            outputs[line] = r.stdout
            ran += 1
    assert ran >= 15
    said = {k: " ".join(v.split()) for k, v in outputs.items()}

    # Section 1: us-28pt and zn-dec11 in ukraine-2025.yaml.
    usa = said["negotia history ukraine-2025 --actor USA"]
    assert "80 → 95" in usa and "us-28pt" in usa and "95 → 80" in usa and "zn-dec11" in usa
    # Section 2: the Paris Declaration and the MNF letter were signed on 6 January 2026.
    berlin = said["negotia guarantees compare --scenario ukraine-2025 --draws 2000"]
    assert "left out of art5-like-binding: paris-declaration-2026" in berlin and "mnf-intent-2026" in berlin
    later = said["negotia guarantees compare --scenario ukraine-2025 --draws 2000 --as-of 2026-01-31"]
    assert "left out" not in later
    assert "us-ukr-draft-2025 (reported 2025-11-20" in said["negotia guarantees list --as-of 2025-11-19"]
    assert not (tmp_path / "berlin-eve.yaml").read_text(encoding="utf-8").count("\nrevisions:")
    # Section 3: ft-800k moved the US on army limits from 50 to 25; the zone stays empty.
    d = json.loads(outputs["negotia diff ukraine-2025 --from 2025-11-20 -m median --format json"])
    changes = {(c["actor"], c["issue"], c["field"]): (c["old"], c["new"]) for c in d["inputs"]["changes"]}
    assert changes[("USA", "army_limits", "position")] == (50.0, 25.0)
    assert changes[("UKR", "nato", "position")][1] == 70.0
    assert d["space"]["from"]["zopa_size"] == 0 == d["space"]["to"]["zopa_size"]
    # Section 4: the late news changes the forecast only when it is known.
    then = said["negotia forecast my-talks.yaml -m compromise --as-of 2025-12-14 --known-by 2025-12-14"]
    now = said["negotia forecast my-talks.yaml -m compromise --as-of 2025-12-14"]
    assert then != now
    assert (
        "2025-12-02 2025-12-16 RUS army_limits position 85 → 95"
        in said["negotia history my-talks.yaml --actor RUS"]
    )
    cut = said[
        "negotia diff my-talks.yaml --from 2025-12-01 --to 2025-12-14 -m compromise --known-by 2025-12-14"
    ]
    assert "RUS" not in cut.split("Forecasts (issue scale)")[0]  # recorded on 16 Dec: not yet known


def test_the_python_example_runs() -> None:
    code = next(body for info, body in blocks() if info == "python")
    exec(compile(code, str(DOC), "exec"), {})
