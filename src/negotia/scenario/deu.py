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
cross-validation).
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from negotia.errors import InputError, Problem
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import scenario_from_data

#: Columns that start with "p" or "s" but are not actor columns.
NOT_ACTOR = {"prnrnmc", "prnr", "prname", "proc", "proccde", "status", "sector"}
ISSUE_ID_COLUMNS = ("isnr", "isnrnmc", "id", "issue")
GROUP_COLUMNS = ("prnrnmc", "prnr", "proposal")


def looks_like_deu(header: list[str]) -> bool:
    cols = {h.strip().lower() for h in header}
    return "out" in cols and any(c.startswith("p") and ("s" + c[1:]) in cols for c in cols)


def _num(text: str) -> float | None:
    text = text.strip()
    if text == "" or text.upper() in {"NA", "NAN", "."}:
        return None
    return float(text)


def parse_deu(text: str, source: str) -> Scenario:
    """Parse a DEU-style wide table into a Scenario whose issues carry outcomes."""
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
    actor_keys = [h[1:] for h in header if h.startswith("p") and h not in NOT_ACTOR and "s" + h[1:] in col]
    # Actor ids keep the case of the header (columns are matched case-insensitively).
    actor_name = {h[1:]: raw[1:] for h, raw in zip(header, raw_header, strict=True) if h[1:] in actor_keys}
    id_col = next((c for c in ISSUE_ID_COLUMNS if c in col), None)
    group_col = next((c for c in GROUP_COLUMNS if c in col), None)
    problems: list[Problem] = []
    # An actor needs both columns; one without the other would silently turn the
    # actor's figures into an issue attribute (DEU actor codes are 2-3 letters).
    for h, raw in zip(header, raw_header, strict=True):
        other = {"p": "s", "s": "p"}.get(h[:1], "") + h[1:]
        if h[:1] in ("p", "s") and 1 < len(h) <= 4 and h not in NOT_ACTOR and other not in col:
            what = "position" if h[0] == "p" else "salience"
            problems.append(
                Problem(
                    f"line 1, column {raw}",
                    f"{what} column {raw!r} has no {'salience' if h[0] == 'p' else 'position'} column "
                    f"{other!r}, so actor {raw[1:]!r} would be left out; add the column "
                    "(a blank salience is read as 0, a blank position as no stance)",
                )
            )
    capability: dict[str, float] = {}
    body = rows[1:]
    if body:
        line, r = body[0]
        first_cells = [
            r[col[c]].strip() for c in ("prnrnmc", "isnrnmc", "isnr") if c in col and col[c] < len(r)
        ]
        if first_cells and not any(first_cells):
            for a in actor_keys:
                try:
                    v = _num(r[col["p" + a]]) if col["p" + a] < len(r) else None
                except ValueError:
                    problems.append(
                        Problem(
                            f"line {line}, column p{a}", f"capability {r[col['p' + a]]!r} is not a number"
                        )
                    )
                    v = None
                if v is not None:
                    capability[a] = v
            body = body[1:]
    issues = []
    stances = []
    line_of: dict[tuple[Any, ...], int] = {}
    attr_cols = [h for h in header if h not in {"p" + a for a in actor_keys} | {"s" + a for a in actor_keys}]
    attr_cols = [h for h in attr_cols if h not in ("rp", "out")]
    seen_ids: set[str] = set()
    for line, r in body:
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(header):
            problems.append(Problem(f"line {line}", f"{len(r)} fields, expected {len(header)}"))
            continue
        iid = r[col[id_col]].strip() if id_col else f"row{line}"
        if not iid:
            iid = f"row{line}"
        if iid in seen_ids:
            problems.append(Problem(f"line {line}, column {id_col}", f"duplicate issue id {iid!r}"))
            continue
        seen_ids.add(iid)
        vals: dict[str, float | None] = {}
        for c in ["rp", "out"] + [p + a for a in actor_keys for p in ("p", "s")]:
            if c not in col:
                continue
            try:
                vals[c] = _num(r[col[c]])
            except ValueError:
                problems.append(Problem(f"line {line}, column {c}", f"{r[col[c]].strip()!r} is not a number"))
                vals[c] = None
        attrs = {h: r[col[h]].strip() for h in attr_cols if r[col[h]].strip()}
        lo, hi = 0.0, 100.0
        issue: dict[str, Any] = {"id": iid, "scale": {"min": lo, "max": hi}, "attributes": attrs}
        if "prname" in attrs:
            issue["name"] = f"{attrs['prname']} {iid}"
        if group_col and attrs.get(group_col):
            issue["group"] = attrs[group_col]
        if vals.get("rp") is not None:
            issue["status_quo"] = vals["rp"]
        if vals.get("out") is not None:
            issue["outcome"] = vals["out"]
        line_of[("issues", len(issues))] = line
        issues.append(issue)
        for a in actor_keys:
            p = vals.get("p" + a)
            if p is None:
                continue
            s = vals.get("s" + a)
            line_of[("stances", len(stances))] = line
            stance: dict[str, Any] = {
                "actor": actor_name[a],
                "issue": iid,
                "position": p,
                "salience": 0.0 if s is None else s,
            }
            if s is None:
                stance["note"] = "salience not recorded; read as 0"
            stances.append(stance)
    used = {s["actor"] for s in stances}
    actors = []
    for a in actor_keys:
        if actor_name[a] not in used:
            continue
        cap = capability.get(a)
        if cap is not None and (not math.isfinite(cap) or cap < 0):
            problems.append(Problem(f"column p{a}", f"capability {cap:g} must be a non-negative number"))
            cap = None
        actors.append({"id": actor_name[a], "capability": 1.0 if cap is None else cap})
        if cap is None and capability:
            problems.append(Problem(f"column p{a}", "no capability in the capability row"))
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
    attr_keys: list[str] = []
    for i in scenario.issues:
        for k in i.attributes:
            if k not in attr_keys and k not in {"isnr"}:
                attr_keys.append(k)
    header = ["isnr", *attr_keys, *("p" + a for a in actors), *("s" + a for a in actors), "rp", "out"]
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
