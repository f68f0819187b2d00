"""The long CSV format: one row per stance.

Required columns: ``actor``, ``position``, ``salience``; usually ``issue`` and
``capability`` too.  Optional: ``position_sd``, ``salience_sd`` (uncertainty),
``source``, ``note``, ``scale_min``, ``scale_max``, ``status_quo`` (per issue; repeat
the value on its rows).  Column names are case-insensitive.  Without an ``issue``
column the file is one issue named after the file.  Saliences are on 0-1, or on 0-100
when any salience exceeds 1.  Without ``scale_min``/``scale_max`` an issue's scale is
the range of the positions given for it.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from negotia.errors import InputError, Problem
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import scenario_from_data

REQUIRED = ("actor", "position", "salience")
NUMERIC = (
    "position",
    "salience",
    "capability",
    "position_sd",
    "salience_sd",
    "scale_min",
    "scale_max",
    "status_quo",
)
KNOWN = ("actor", "issue", *NUMERIC, "source", "note")


def _number(text: str, col: str, line: int, problems: list[Problem]) -> float | None:
    text = text.strip()
    if text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        problems.append(Problem(f"line {line}, column {col}", f"{text!r} is not a number"))
        return None
    if not math.isfinite(v):
        problems.append(Problem(f"line {line}, column {col}", f"{text!r} is not a finite number"))
        return None
    return v


def _delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_header(reader: Any, source: str, problems: list[Problem]) -> list[str]:
    """The lower-cased column names; a missing required column stops the parse at once."""
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(source, Problem("line 1", "the file is empty")) from None
    except csv.Error as e:
        raise InputError(source, Problem("line 1", f"malformed CSV: {e}")) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            source,
            Problem("line 1", f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}"),
        )
    unknown = [c for c in header if c not in KNOWN]
    if unknown:
        problems.append(
            Problem("line 1", f"unknown column(s) {', '.join(unknown)}; known: {', '.join(KNOWN)}")
        )
    return header


def _read_rows(reader: Any, header: list[str], problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """``(line, record)`` of every non-blank row, numbers parsed; problems collected."""
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(f"line {line}", f"{len(row)} fields, expected {len(header)}"))
                continue
            rec: dict[str, Any] = dict(zip(header, (c.strip() for c in row), strict=True))
            for col in NUMERIC:
                if col in rec:
                    rec[col] = _number(rec[col], col, line, problems)
            for col in REQUIRED:
                if rec.get(col) in (None, ""):
                    problems.append(Problem(f"line {line}, column {col}", "value is missing"))
            rows.append((line, rec))
    except csv.Error as e:
        problems.append(Problem(f"line {reader.line_num}", f"malformed CSV: {e}"))
    return rows


def _stance(r: dict[str, Any], issue: str) -> dict[str, Any]:
    stance: dict[str, Any] = {"actor": r["actor"], "issue": issue, "position": r["position"]}
    stance["salience"] = r["salience"]
    if r.get("capability") is not None:
        stance["capability"] = r["capability"]
    if r.get("position_sd") is not None or r.get("salience_sd") is not None:
        stance["uncertainty"] = {
            "position": r.get("position_sd") or 0.0,
            "salience": r.get("salience_sd") or 0.0,
        }
    for col in ("source", "note"):
        if r.get(col):
            stance[col] = r[col]
    return stance


def _gather(
    rows: list[tuple[int, dict[str, Any]]], default_issue: str, line_of: dict[tuple[Any, ...], int]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Issues (with their positions), actors and stances of the usable rows."""
    issues: dict[str, dict[str, Any]] = {}
    actors: dict[str, dict[str, Any]] = {}
    stances = []
    for line, r in rows:
        if r.get("position") is None or r.get("salience") is None or not r.get("actor"):
            continue
        issue = r.get("issue") or default_issue
        iss = issues.setdefault(issue, {"id": issue, "positions": [], "line": line})
        iss["positions"].append(r["position"])
        for col in ("scale_min", "scale_max", "status_quo"):
            if r.get(col) is not None:
                iss.setdefault(col, r[col])
        actors.setdefault(r["actor"], {"id": r["actor"]})
        line_of[("stances", len(stances))] = line
        stances.append(_stance(r, issue))
    return issues, actors, stances


def _issue_entries(
    issues: dict[str, dict[str, Any]], line_of: dict[tuple[Any, ...], int]
) -> list[dict[str, Any]]:
    issue_list = []
    for k, iss in enumerate(issues.values()):
        lo = iss.get("scale_min", min(iss["positions"]))
        hi = iss.get("scale_max", max(iss["positions"]))
        if hi <= lo and "scale_min" not in iss and "scale_max" not in iss:
            hi = lo + 1.0  # one position only: any scale containing it will do
        entry: dict[str, Any] = {"id": iss["id"], "scale": {"min": lo, "max": hi}}
        if iss.get("status_quo") is not None:
            entry["status_quo"] = iss["status_quo"]
        line_of[("issues", k)] = iss["line"]
        issue_list.append(entry)
    return issue_list


def parse_long_csv(text: str, source: str, default_issue: str = "issue") -> Scenario:
    """Parse long-CSV text into a Scenario (all problems reported together)."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header = _read_header(reader, source, problems)
    rows = _read_rows(reader, header, problems)
    if not rows and not problems:
        problems.append(Problem("", "the file has no stances"))
    sal_scale = 100 if any((r.get("salience") or 0) > 1 for _, r in rows) else 1
    line_of: dict[tuple[Any, ...], int] = {}
    issues, actors, stances = _gather(rows, default_issue, line_of)
    issue_list = _issue_entries(issues, line_of)
    sources = {s: {"title": s} for s in sorted({st["source"] for st in stances if "source" in st})}
    data = {
        "name": Path(source).stem,
        "salience_scale": sal_scale,
        "sources": sources,
        "actors": list(actors.values()),
        "issues": issue_list,
        "stances": stances,
    }

    def lookup(loc: tuple[Any, ...]) -> int | None:
        return line_of.get(loc[:2])

    return scenario_from_data(data, source, lookup, extra_problems=problems)


def dump_long_csv(scenario: Scenario) -> str:
    """The scenario's stances as long CSV (saliences on 0-1)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    cols = ["actor", "issue", "position", "salience", "capability", "position_sd", "salience_sd"]
    cols += ["source", "note", "scale_min", "scale_max", "status_quo"]
    w.writerow(cols)
    issues = {i.id: i for i in scenario.issues}
    caps = {a.id: a.capability for a in scenario.actors}
    for s in scenario.stances:
        i = issues[s.issue]
        cap = s.capability if s.capability is not None else caps[s.actor]
        unc = s.uncertainty
        w.writerow(
            [
                s.actor,
                s.issue,
                repr(s.position),
                repr(s.salience),
                "" if cap is None else repr(cap),
                "" if unc is None else repr(unc.position),
                "" if unc is None else repr(unc.salience),
                s.source or "",
                s.note or "",
                repr(i.scale.min),
                repr(i.scale.max),
                "" if i.status_quo is None else repr(i.status_quo),
            ]
        )
    return out.getvalue()
