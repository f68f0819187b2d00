"""Every ``negotia ...`` command shown in README.md and docs/ runs as written (issue 16).

The commands are read from the fenced code blocks of the pages, so an example added to
the docs is tested from then on.  Each runs through the installed entry point in a fresh
folder and must exit with status 0 and print no traceback.  Identical commands on
several pages run once.  What differs from the page, and why:

- ``../shared/reference/...`` is the reference folder beside the project (the examples
  are written from the project root); without it those examples skip.
- ``SCENARIO`` is a placeholder for the reader's scenario: the bundled ``ukraine-2025``
  stands in for it.
- ``event.yaml`` is the event file printed in docs/guarantees.md, written from that page;
  a file that an earlier example makes (``negotia convert ukraine-2025 my-talks.yaml``)
  is made first by that example; ``my-copy.yaml`` is the reader's copy of the bundled
  scenario, made as the tutorial makes it (``negotia convert ukraine-2025 ...``).
- A few examples are long runs by design (a million Monte Carlo draws, twenty thousand
  EUM draws on worker processes, repeated cross-validation with 2,000 bootstrap
  resamples); they run with fewer draws, repeats or resamples (``LIGHTER``), the same
  command otherwise.
- The one example that needs a Dask scheduler of the reader's own is skipped (``SKIP``).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REFERENCE, ROOT, run_cli

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)  # also indented, in lists
PROMPT = re.compile(r"^[\w.-]*\$ ")  # "$ " or "client$ "

#: Examples that need something only the reader has, with the reason.
SKIP = {"--scheduler": "needs a running Dask scheduler of the reader's own (tcp://scheduler-host:8786)"}
#: Long-running examples: (option, value as written) -> the value used here.
LIGHTER = {
    ("-n", "1000000"): "2000",
    ("-n", "100000"): "5000",
    ("-n", "20000"): "500",
    ("--bootstrap", None): "200",
    ("--repeats", None): "1",
}


def examples() -> dict[str, str]:
    """Each distinct ``negotia`` command -> where it is first shown (page:line)."""
    found: dict[str, str] = {}
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in FENCE.finditer(text):
            first_line = text.count("\n", 0, block.start(1)) + 1
            for k, line in enumerate(block.group(1).splitlines()):
                cmd = PROMPT.sub("", line.strip())
                if cmd.startswith("negotia "):
                    cmd = cmd.split("  #")[0].split(" # ")[0].strip()
                    found.setdefault(cmd, f"{page.relative_to(ROOT)}:{first_line + k}")
    return found


def _event_yaml() -> str:
    """The event file shown in docs/guarantees.md (the block that starts ``# event.yaml``)."""
    text = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
    for block in FENCE.finditer(text):
        if block.group(1).startswith("# event.yaml"):
            return block.group(1)
    raise AssertionError("docs/guarantees.md no longer shows event.yaml: update this test")


def _lighter(args: list[str]) -> list[str]:
    out = list(args)
    for k, a in enumerate(out[:-1]):
        for (opt, written), value in LIGHTER.items():
            if a == opt and (written is None or out[k + 1] == written):
                out[k + 1] = value
    if "--cv" in out:  # repeated CV: also fewer repeats and resamples than the defaults
        for opt in ("--repeats", "--bootstrap"):
            if opt not in out:
                out += [opt, LIGHTER[(opt, None)]]
    return out


EXAMPLES = examples()
#: Files the examples make with ``convert`` -> the arguments that make them.
MADE_BY = {
    args[3]: args[1:]
    for args in (shlex.split(c) for c in EXAMPLES)  # negotia convert SOURCE DEST ...
    if len(args) >= 4 and args[1] == "convert" and not args[3].startswith("-")
} | {"my-copy.yaml": ["convert", "ukraine-2025", "my-copy.yaml"]}


def test_the_docs_have_examples() -> None:
    """The parser finds the pages' commands (a change of fence style must not empty the list)."""
    assert len(EXAMPLES) >= 40
    assert "negotia forecast ukraine-2025" in EXAMPLES


@pytest.mark.parametrize("command", sorted(EXAMPLES), ids=lambda c: EXAMPLES[c])
def test_example_runs_as_written(command: str, tmp_path: Path) -> None:
    for flag, reason in SKIP.items():
        if flag in command:
            pytest.skip(f"{EXAMPLES[command]}: {reason}")
    args = shlex.split(command)[1:]
    if any("../shared/reference" in a for a in args) and not REFERENCE.exists():
        pytest.skip("reference data not available: ../shared/reference")
    args = [a.replace("../shared/reference", str(REFERENCE)) for a in args]
    args = ["ukraine-2025" if a == "SCENARIO" else a for a in args]
    if "event.yaml" in args:
        (tmp_path / "event.yaml").write_text(_event_yaml(), encoding="utf-8")
    # A convert's input may be made by an earlier example; its output must not exist
    # (convert does not overwrite without --force).
    for name in args[1:] if args[0] != "convert" else args[1:2]:
        if name in MADE_BY and not (tmp_path / name).exists():
            made = run_cli(*MADE_BY[name], cwd=tmp_path)
            assert made.returncode == 0, made.stderr
    r = run_cli(*_lighter(args), cwd=tmp_path)
    where = EXAMPLES[command]
    assert "Traceback" not in r.stderr, f"{where}: {command}\n{r.stderr[-3000:]}"
    assert r.returncode == 0, f"{where}: {command} exited {r.returncode}\n{r.stderr[-3000:]}"
    assert r.stdout.strip() or any(tmp_path.iterdir()), f"{where}: {command} printed and wrote nothing"
