"""Mutation testing of the core modules with mutmut, one module at a time (``make mutation``).

Run from the project root (``python tools/mutation.py [MODULE ...] [--max-children N]``).
Each module is mutated in its own scratch folder under ``.mutation/`` (ignored by git):
links to ``src``, ``tests`` and ``pyproject.toml``, a ``setup.cfg`` naming the one file to
mutate and the test files that exercise it, and a link ``shared`` so that the tests find
``../shared/reference`` from mutmut's copy of the project as they do from the project.
Keeping a folder per module keeps mutmut's cache per module, so a second run only
retests what changed.  Runs are CPU-heavy: on a shared machine run them one module at a
time with ``--max-children 1``.

The score printed per module is (killed + timed out) / (all mutants - skipped): a timeout
means the mutant made a test loop, which the suite noticed.  Survivors are listed with
``.venv/bin/mutmut results`` (and shown with ``mutmut show NAME``) inside the module's
folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".mutation"

STATIC = ("tests/models/test_static_models.py", "tests/models/test_static_edge_cases.py")
#: Module (under src/negotia) -> the test files that exercise it.  Only these run against
#: its mutants: the model-wide suites (contract, ensembles) would multiply the time by ten
#: and kill nothing these do not.
MODULES: dict[str, tuple[str, ...]] = {
    "models/compromise.py": STATIC,
    "models/median.py": STATIC,
    "models/nash.py": STATIC,
    "bargaining/zopa.py": (
        "tests/bargaining/test_bargaining_zopa.py",
        "tests/bargaining/test_zopa_diagnosis.py",
        "tests/bargaining/test_zopa_paths.py",
        "tests/bargaining/test_zone_count.py",
    ),
    "bargaining/pareto.py": (
        "tests/bargaining/test_bargaining_pareto.py",
        "tests/bargaining/test_pareto_paths.py",
        "tests/bargaining/test_bargaining_solutions.py",
    ),
    "scenario/validation.py": (
        "tests/scenario/test_loaders.py",
        "tests/scenario/test_roles.py",
        "tests/scenario/test_validation_edges.py",
        "tests/scenario/test_validation_paths.py",
    ),
}


def _link(target: Path, link: Path) -> None:
    if link.is_symlink() or link.exists():
        if link.resolve() == target.resolve():
            return
        link.unlink()
    link.symlink_to(target)


def prepare(module: str) -> Path:
    """The scratch folder for ``module``, with its links and mutmut configuration."""
    work = WORK / module.removesuffix(".py").replace("/", "-")
    work.mkdir(parents=True, exist_ok=True)
    # some tests import bench helpers, some read the docs they check (scenario-format.md)
    for name in ("src", "tests", "bench", "docs", "pyproject.toml"):
        _link(ROOT / name, work / name)
    # the tests look for ROOT.parent / "shared"; in mutmut's copy ROOT is work / "mutants"
    _link(ROOT.parent / "shared", work / "shared")
    tests = [t for t in MODULES[module] if (ROOT / t).exists()]
    cfg = [
        "[mutmut]",
        "source_paths = src",
        f"only_mutate = src/negotia/{module}",
        "also_copy =",
        "    bench",
        "    docs",
        "pytest_add_cli_args_test_selection =",
        *(f"    {t}" for t in tests),
        "pytest_add_cli_args =",
        "    -p",
        "    no:xdist",
        "    -p",
        "    no:cacheprovider",
        "",
    ]
    (work / "setup.cfg").write_text("\n".join(cfg))
    return work


def run(module: str, children: int) -> dict[str, int]:
    """Run mutmut on one module; return its summary counts."""
    work = prepare(module)
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "HYPOTHESIS_PROFILE": "ci"}
    subprocess.run([str(mutmut), "run", "--max-children", str(children)], cwd=work, env=env, check=False)
    subprocess.run([str(mutmut), "export-cicd-stats"], cwd=work, env=env, check=True, capture_output=True)
    return json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())


def stats_of(module: str) -> dict[str, int] | None:
    """The counts of the last run on ``module``, if there was one."""
    path = WORK / module.removesuffix(".py").replace("/", "-") / "mutants" / "mutmut-cicd-stats.json"
    return json.loads(path.read_text()) if path.exists() else None


START, END = "<!-- mutation-scores:start -->", "<!-- mutation-scores:end -->"


def write_table(readme: Path, rows: list[tuple[str, dict[str, int]]]) -> None:
    """Put the scores of ``rows`` between the markers in ``readme`` (modules without a run
    keep their row)."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    old, tail = rest.split(END, 1)
    keep = {line.split("|")[1].strip(" `"): line for line in old.splitlines() if line.startswith("| `")}
    for module, s in rows:
        killed = s["killed"] + s.get("timeout", 0)
        keep[module] = f"| `{module}` | {s['total']} | {killed} | {s['survived']} | {score(s):.1f}% |"
    lines = ["| module | mutants | killed | survived | score |", "|---|---:|---:|---:|---:|"]
    lines += [keep[m] for m in MODULES if m in keep]
    readme.write_text(head + START + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")


def score(stats: dict[str, int]) -> float:
    """(killed + timeout) / (total - skipped), in per cent."""
    counted = stats["total"] - stats.get("skipped", 0)
    return 100.0 * (stats["killed"] + stats.get("timeout", 0)) / counted if counted else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help=f"modules to mutate (default: all of {', '.join(MODULES)})")
    ap.add_argument("--max-children", type=int, default=1, help="parallel mutant runs (default 1)")
    ap.add_argument("--report", type=Path, help="only write the last runs' scores into this README")
    args = ap.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        ap.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")
    rows = []
    for module in args.modules or list(MODULES):
        stats = stats_of(module) if args.report else run(module, args.max_children)
        # a run whose clean test run failed has mutants but no verdicts: not a score
        if stats is not None and stats["killed"] + stats["survived"] + stats.get("timeout", 0) > 0:
            rows.append((module, stats))
    if args.report:
        write_table(args.report, rows)
    print(f"\n{'module':<26} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'score':>7}")
    for module, s in rows:
        killed = s["killed"] + s.get("timeout", 0)
        print(
            f"{module:<26} {s['total']:>7} {killed:>7} {s['survived']:>8} {s.get('no_tests', 0):>8} "
            f"{score(s):>6.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
