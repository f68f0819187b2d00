"""DEU-style wide tables: one row per contested issue, as in the *Decision-making in
the European Union* data sets (Thomson et al. 2006; Arregui & Perarnaud 2022, DEU III).

Tab-separated (comma also accepted).  Row 1 is the header; row 2 may hold a capability
figure under each actor's position column (it is recognised by having no issue id).
Columns ``p<actor>`` and ``s<actor>`` give positions and saliences (0-100) of each
actor; a blank position means the actor took no position on that issue, and a blank
salience beside a recorded position is read as 0 (the actor did not weigh the issue).
``rp`` is the reference point (status quo), ``out`` the decision outcome; the other
columns (``prnrnmc`` proposal number, ``proc``, ``counvte``, ...) are kept as the
issue's attributes, and the proposal number as its ``group`` (for grouped
cross-validation).  Which columns hold the issue id and the proposal, and which
``p``/``s`` columns are not actors, are data: ``scenario/data/deu.json``
(:mod:`negotia.scenario.deu_names`).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

from negotia.errors import InputError, Problem
from negotia.scenario.deu_names import deu_names
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import scenario_from_data


def looks_like_deu(header: list[str]) -> bool:
    cols = {h.strip().lower() for h in header}
    return "out" in cols and any(c.startswith("p") and ("s" + c[1:]) in cols for c in cols)


def _num(text: str) -> float | None:
    text = text.strip()
    if text == "" or text.upper() in {"NA", "NAN", "."}:
        return None
    return float(text)


@dataclass(frozen=True)
class _Layout:
    """Where things are in a DEU table's header."""

    header: list[str]
    raw_header: list[str]
    col: dict[str, int]
    actor_keys: list[str]
    actor_name: dict[str, str]
    id_col: str | None
    group_col: str | None
    attr_cols: list[str]


def _read_table(text: str, source: str) -> tuple[list[tuple[int, list[str]]], _Layout]:
    """The rows with their line numbers and the header's layout; not a DEU table stops here."""
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [(reader.line_num, r) for r in reader]
    if not rows:
        raise InputError(source, Problem("line 1", "the file is empty"))
    raw_header = [h.strip() for h in rows[0][1]]
    header = [h.lower() for h in raw_header]
    if not looks_like_deu(header):
        raise InputError(
            source, Problem("line 1", "not a DEU-style table: needs p<actor>/s<actor> columns and 'out'")
        )
    col = {h: k for k, h in enumerate(header)}
    names = deu_names()
    actor_keys = [
        h[1:] for h in header if h.startswith("p") and h not in names.not_actor and "s" + h[1:] in col
    ]
    # Actor ids keep the case of the header (columns are matched case-insensitively).
    actor_name = {h[1:]: raw[1:] for h, raw in zip(header, raw_header, strict=True) if h[1:] in actor_keys}
    attr_cols = [h for h in header if h not in {"p" + a for a in actor_keys} | {"s" + a for a in actor_keys}]
    layout = _Layout(
        header=header,
        raw_header=raw_header,
        col=col,
        actor_keys=actor_keys,
        actor_name=actor_name,
        id_col=next((c for c in names.issue_id_columns if c in col), None),
        group_col=next((c for c in names.group_columns if c in col), None),
        attr_cols=[h for h in attr_cols if h not in ("rp", "out")],
    )
    return rows, layout


def _unpaired_columns(t: _Layout, problems: list[Problem]) -> None:
    """An actor needs both columns; one without the other would silently turn the
    actor's figures into an issue attribute (DEU actor codes are 2-3 letters)."""
    not_actor = deu_names().not_actor
    for h, raw in zip(t.header, t.raw_header, strict=True):
        other = {"p": "s", "s": "p"}.get(h[:1], "") + h[1:]
        if h[:1] in ("p", "s") and 1 < len(h) <= 4 and h not in not_actor and other not in t.col:
            what = "position" if h[0] == "p" else "salience"
            problems.append(
                Problem(
                    f"line 1, column {raw}",
                    f"{what} column {raw!r} has no {'salience' if h[0] == 'p' else 'position'} column "
                    f"{other!r}, so actor {raw[1:]!r} would be left out; add the column "
                    "(a blank salience is read as 0, a blank position as no stance)",
                )
            )


def _capability_row(
    body: list[tuple[int, list[str]]], t: _Layout, problems: list[Problem]
) -> tuple[dict[str, float], list[tuple[int, list[str]]]]:
    """The capabilities of the optional second row (no issue id), and the rows after it."""
    capability: dict[str, float] = {}
    if not body:
        return capability, body
    line, r = body[0]
    col = t.col
    first_cells = [
        r[col[c]].strip() for c in deu_names().capability_row_blank if c in col and col[c] < len(r)
    ]
    if not first_cells or any(first_cells):
        return capability, body
    for a in t.actor_keys:
        try:
            v = _num(r[col["p" + a]]) if col["p" + a] < len(r) else None
        except ValueError:
            problems.append(
                Problem(f"line {line}, column p{a}", f"capability {r[col['p' + a]]!r} is not a number")
            )
            v = None
        if v is not None:
            capability[a] = v
    return capability, body[1:]


def _values(r: list[str], line: int, t: _Layout, problems: list[Problem]) -> dict[str, float | None]:
    """Reference point, outcome and every actor's position and salience of one row."""
    vals: dict[str, float | None] = {}
    for c in ["rp", "out"] + [p + a for a in t.actor_keys for p in ("p", "s")]:
        if c not in t.col:
            continue
        try:
            vals[c] = _num(r[t.col[c]])
        except ValueError:
            problems.append(Problem(f"line {line}, column {c}", f"{r[t.col[c]].strip()!r} is not a number"))
            vals[c] = None
    return vals


def _issue(iid: str, r: list[str], vals: dict[str, float | None], t: _Layout) -> dict[str, Any]:
    attrs = {h: r[t.col[h]].strip() for h in t.attr_cols if r[t.col[h]].strip()}
    lo, hi = 0.0, 100.0
    issue: dict[str, Any] = {"id": iid, "scale": {"min": lo, "max": hi}, "attributes": attrs}
    name_col = deu_names().proposal_name
    if name_col in attrs:
        issue["name"] = f"{attrs[name_col]} {iid}"
    if t.group_col and attrs.get(t.group_col):
        issue["group"] = attrs[t.group_col]
    if vals.get("rp") is not None:
        issue["status_quo"] = vals["rp"]
    if vals.get("out") is not None:
        issue["outcome"] = vals["out"]
    return issue


def _issue_stances(iid: str, vals: dict[str, float | None], t: _Layout) -> list[dict[str, Any]]:
    stances = []
    for a in t.actor_keys:
        p = vals.get("p" + a)
        if p is None:
            continue
        s = vals.get("s" + a)
        stance: dict[str, Any] = {
            "actor": t.actor_name[a],
            "issue": iid,
            "position": p,
            "salience": 0.0 if s is None else s,
        }
        if s is None:
            stance["note"] = "salience not recorded; read as 0"
        stances.append(stance)
    return stances


def _issues_and_stances(
    body: list[tuple[int, list[str]]],
    t: _Layout,
    problems: list[Problem],
    line_of: dict[tuple[Any, ...], int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    issues: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for line, r in body:
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(t.header):
            problems.append(Problem(f"line {line}", f"{len(r)} fields, expected {len(t.header)}"))
            continue
        iid = r[t.col[t.id_col]].strip() if t.id_col else f"row{line}"
        if not iid:
            iid = f"row{line}"
        if iid in seen_ids:
            problems.append(Problem(f"line {line}, column {t.id_col}", f"duplicate issue id {iid!r}"))
            continue
        seen_ids.add(iid)
        vals = _values(r, line, t, problems)
        line_of[("issues", len(issues))] = line
        issues.append(_issue(iid, r, vals, t))
        for stance in _issue_stances(iid, vals, t):
            line_of[("stances", len(stances))] = line
            stances.append(stance)
    return issues, stances


def _actors(
    t: _Layout, used: set[str], capability: dict[str, float], problems: list[Problem]
) -> list[dict[str, Any]]:
    """The actors with a stance, each with its capability (1 where the table has none)."""
    actors = []
    for a in t.actor_keys:
        if t.actor_name[a] not in used:
            continue
        cap = capability.get(a)
        if cap is not None and (not math.isfinite(cap) or cap < 0):
            problems.append(Problem(f"column p{a}", f"capability {cap:g} must be a non-negative number"))
            cap = None
        actors.append({"id": t.actor_name[a], "capability": 1.0 if cap is None else cap})
        if cap is None and capability:
            problems.append(Problem(f"column p{a}", "no capability in the capability row"))
    return actors


def parse_deu(text: str, source: str) -> Scenario:
    """Parse a DEU-style wide table into a Scenario whose issues carry outcomes."""
    rows, layout = _read_table(text, source)
    problems: list[Problem] = []
    _unpaired_columns(layout, problems)
    capability, body = _capability_row(rows[1:], layout, problems)
    line_of: dict[tuple[Any, ...], int] = {}
    issues, stances = _issues_and_stances(body, layout, problems, line_of)
    actors = _actors(layout, {s["actor"] for s in stances}, capability, problems)
    data = {
        "name": source.rsplit("/", 1)[-1],
        "salience_scale": 100,
        "actors": actors,
        "issues": issues,
        "stances": stances,
        "metadata": {"format": "deu", "capability_row": bool(capability)},
    }
    return scenario_from_data(data, source, lambda loc: line_of.get(loc[:2]), extra_problems=problems)


def dump_deu(scenario: Scenario) -> str:
    """The scenario as a DEU-style wide table.

    The format has 0-100 scales: positions, reference points and outcomes are mapped
    onto 0-100 linearly from each issue's scale; saliences are written on 0-100 and
    capability once per actor (its default).
    """
    actors = [a.id for a in scenario.actors]
    id_col = deu_names().issue_id_columns[0]  # the issue ids are written under the first
    attr_keys: list[str] = []
    for i in scenario.issues:
        for k in i.attributes:
            if k not in attr_keys and k != id_col:
                attr_keys.append(k)
    header = [id_col, *attr_keys, *("p" + a for a in actors), *("s" + a for a in actors), "rp", "out"]
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(header)
    caps = {a.id: a.capability for a in scenario.actors}
    w.writerow(
        [
            "",
            *([""] * len(attr_keys)),
            *("" if caps[a] is None else repr(caps[a]) for a in actors),
            *([""] * (len(actors) + 2)),
        ]
    )
    for i in scenario.issues:
        pos = {a: "" for a in actors}
        sal = {a: "" for a in actors}
        span = i.scale.max - i.scale.min
        to100 = lambda v, i=i, span=span: repr(100.0 * (v - i.scale.min) / span)  # noqa: E731
        for s in scenario.stances:
            if s.issue == i.id:
                pos[s.actor] = to100(s.position)
                sal[s.actor] = repr(round(s.salience * 100.0, 10))
        w.writerow(
            [
                i.id,
                *(str(i.attributes.get(k, "")) for k in attr_keys),
                *(pos[a] for a in actors),
                *(sal[a] for a in actors),
                "" if i.status_quo is None else to100(i.status_quo),
                "" if i.outcome is None else to100(i.outcome),
            ]
        )
    return out.getvalue()
