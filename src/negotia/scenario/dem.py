"""The input format of the decide-exchange-model (Stokman's exchange model).

A tab-separated text file (fields may be single-quoted) with one record per line:

- ``#A  key  name  comment`` an actor,
- ``#P  key  name  comment`` an issue,
- ``#M  issue  value  [label]`` a labelled point on an issue's scale (the smallest and
  largest give the scale's bounds; without any, the scale is 0-100),
- ``#D  actor  issue  position  salience  power`` a stance (salience and power 0-1),
- ``#/`` a comment, ``#O`` the title.

Power is the actor's capability; it is stored per stance, since the format allows it
to differ by issue.
"""

from __future__ import annotations

import io
import math
from typing import Any

from negotia.errors import Problem
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import scenario_from_data


def _fields(line: str) -> list[str]:
    parts = line.rstrip("\r\n").split("\t")
    out = []
    for p in parts:
        p = p.strip()
        if len(p) >= 2 and p[0] == "'" and p[-1] == "'":
            p = p[1:-1]
        out.append(p)
    while out and out[-1] == "" and len(out) > 1:
        out.pop()
    return out


def looks_like_dem(text: str) -> bool:
    """True when the text's records are ``#A``/``#P``/``#D`` lines."""
    for line in text.splitlines()[:20]:
        f = _fields(line)
        if f and f[0] in {"#A", "#P", "#D", "#M", "#O", "#/"}:
            return True
    return False


class _DemReader:
    """What the records of a DEM file declare so far, and the problems found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.title: str | None = None
        self.actors: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.marks: dict[str, list[tuple[float, str]]] = {}
        self.stances: list[dict[str, Any]] = []
        self.line_of: dict[tuple[Any, ...], int] = {}

    def record(self, f: list[str], n: int) -> None:
        kind = f[0]
        if kind in ("#/", ""):
            return
        if kind == "#O":
            self.title = " ".join(f[1:]) or self.title
        elif kind == "#A":
            self.actor(f, n)
        elif kind == "#P":
            self.issue(f, n)
        elif kind == "#M":
            self.mark(f, n)
        elif kind == "#D":
            self.stance(f, n)
        else:
            self.problems.append(
                Problem(f"line {n}", f"unknown record type {kind!r} (expected #A, #P, #M, #D, #O or #/)")
            )

    def actor(self, f: list[str], n: int) -> None:
        if len(f) < 2 or not f[1]:
            self.problems.append(Problem(f"line {n}", "#A needs an actor key"))
            return
        if f[1] in self.actors:
            self.problems.append(Problem(f"line {n}", f"actor {f[1]!r} is declared twice"))
            return
        self.line_of[("actors", len(self.actors))] = n
        self.actors[f[1]] = {"id": f[1], "name": f[2] if len(f) > 2 and f[2] else f[1]}
        if len(f) > 3 and f[3]:
            self.actors[f[1]]["note"] = f[3]

    def issue(self, f: list[str], n: int) -> None:
        if len(f) < 2 or not f[1]:
            self.problems.append(Problem(f"line {n}", "#P needs an issue key"))
            return
        if f[1] in self.issues:
            self.problems.append(Problem(f"line {n}", f"issue {f[1]!r} is declared twice"))
            return
        self.line_of[("issues", len(self.issues))] = n
        self.issues[f[1]] = {"id": f[1], "name": f[2] if len(f) > 2 and f[2] else f[1]}
        if len(f) > 3 and f[3]:
            self.issues[f[1]]["description"] = f[3]

    def mark(self, f: list[str], n: int) -> None:
        if len(f) < 3:
            self.problems.append(Problem(f"line {n}", "#M needs an issue and a value"))
            return
        v = _num(f[2], n, "value", self.problems)
        if v is not None:
            self.marks.setdefault(f[1], []).append((v, f[3] if len(f) > 3 else ""))

    def stance(self, f: list[str], n: int) -> None:
        problems = self.problems
        if len(f) != 6:
            problems.append(
                Problem(
                    f"line {n}",
                    f"#D needs actor, issue, position, salience, power; got {len(f) - 1} fields",
                )
            )
            return
        _, actor, issue, p, s, w = f
        pos = _num(p, n, "position", problems)
        sal = _num(s, n, "salience", problems)
        pw = _num(w, n, "power", problems)
        if sal is not None and not 0 <= sal <= 1:
            problems.append(Problem(f"line {n}", f"salience {sal:g} is outside 0-1"))
            sal = None
        if pw is not None and pw < 0:
            problems.append(Problem(f"line {n}", f"power {pw:g} is negative"))
            pw = None
        if None in (pos, sal, pw):
            return
        self.line_of[("stances", len(self.stances))] = n
        self.stances.append(
            {"actor": actor, "issue": issue, "position": pos, "salience": sal, "capability": pw}
        )

    def apply_marks(self) -> None:
        """Scales and anchors from the ``#M`` points; 0-100 for an issue without any."""
        for issue_id, pts in self.marks.items():
            if issue_id not in self.issues:
                self.problems.append(Problem("", f"#M rows name unknown issue {issue_id!r}"))
                continue
            lo, hi = min(v for v, _ in pts), max(v for v, _ in pts)
            if hi > lo:
                self.issues[issue_id]["scale"] = {"min": lo, "max": hi}
            labels = {v: lab for v, lab in pts if lab}
            if labels:
                self.issues[issue_id]["anchors"] = labels
        for iss in self.issues.values():
            iss.setdefault("scale", {"min": 0.0, "max": 100.0})


def parse_dem(text: str, source: str) -> Scenario:
    """Parse the decide-exchange-model format; every problem is reported with its line."""
    r = _DemReader()
    for n, line in enumerate(text.splitlines(), start=1):
        f = _fields(line)
        if not f or f == [""]:
            continue
        r.record(f, n)
    r.apply_marks()
    data = {
        "name": r.title or source.rsplit("/", 1)[-1],
        "actors": list(r.actors.values()),
        "issues": list(r.issues.values()),
        "stances": r.stances,
    }
    line_of = r.line_of
    return scenario_from_data(data, source, lambda loc: line_of.get(loc[:2]), extra_problems=r.problems)


def _num(text: str, line: int, what: str, problems: list[Problem]) -> float | None:
    try:
        v = float(text)
    except ValueError:
        problems.append(Problem(f"line {line}", f"{what} {text!r} is not a number"))
        return None
    if not math.isfinite(v):
        problems.append(Problem(f"line {line}", f"{what} {text!r} is not a finite number"))
        return None
    return v


def dump_dem(scenario: Scenario) -> str:
    """The scenario in the decide-exchange-model format (quoted, tab-separated)."""
    out = io.StringIO()
    q = lambda s: "'" + str(s).replace("'", "") + "'"  # noqa: E731
    out.write(f"#O\t{scenario.name}\n")
    for a in scenario.actors:
        out.write("\t".join(["'#A'", q(a.id), q(a.name or a.id), q(a.note or "")]) + "\n")
    for i in scenario.issues:
        out.write("\t".join(["'#P'", q(i.id), q(i.name or i.id), q(i.description or "")]) + "\n")
        points = {i.scale.min: "", i.scale.max: "", **i.anchors}
        for v in sorted(points):
            out.write(
                "\t".join(["'#M'", q(i.id), repr(float(v)), *([q(points[v])] if points[v] else [])]) + "\n"
            )
    caps = {a.id: a.capability for a in scenario.actors}
    for s in scenario.stances:
        cap = s.capability if s.capability is not None else caps[s.actor]
        out.write(
            "\t".join(["'#D'", q(s.actor), q(s.issue), repr(s.position), repr(s.salience), repr(cap)]) + "\n"
        )
    return out.getvalue()
