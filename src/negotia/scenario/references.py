"""The cross-references of a scenario's items: unknown ids, duplicates, missing capabilities.

Kept below the schema so that :mod:`~negotia.scenario.snapshot` can check each day's
replayed state with the same function that :class:`~negotia.scenario.schema.Scenario`
runs on construction (through ``reference_problems``).
"""

from __future__ import annotations

from negotia.scenario.parts import ScenarioParts
from negotia.scenario.roles import role_problems

__all__ = ["item_problems"]


def item_problems(sc: ScenarioParts) -> list[tuple[str, str]]:
    """Cross-field problems of a scenario's items and roles as ``(field path, message)``.

    Revisions are checked apart (:func:`negotia.scenario.snapshot.revision_problems`).
    """
    out: list[tuple[str, str]] = []
    if not sc.actors:
        out.append(("actors", "the scenario has no actors"))
    if not sc.issues:
        out.append(("issues", "the scenario has no issues"))
    for what, items in (("actors", sc.actors), ("issues", sc.issues)):
        seen: dict[str, int] = {}
        for k, item in enumerate(items):
            if item.id in seen:
                out.append(
                    (f"{what}[{k}].id", f"duplicate id {item.id!r} (first used at {what}[{seen[item.id]}])")
                )
            else:
                seen[item.id] = k
    # Look-ups by id in dictionaries, so that the check is linear in the scenario's size.
    by_id = {a.id: a for a in sc.actors}
    actors = by_id.keys()
    issues = {i.id: i for i in sc.issues}
    seen_pair: dict[tuple[str, str], int] = {}
    for k, s in enumerate(sc.stances):
        where = f"stances[{k}]"
        if s.actor not in actors:
            out.append((f"{where}.actor", f"unknown actor {s.actor!r}"))
        issue = issues.get(s.issue)
        if issue is None:
            out.append((f"{where}.issue", f"unknown issue {s.issue!r}"))
        elif not issue.scale.min <= s.position <= issue.scale.max:
            out.append(
                (
                    f"{where}.position",
                    f"position {s.position:g} is outside the scale of issue {s.issue!r} "
                    f"[{issue.scale.min:g}, {issue.scale.max:g}]",
                )
            )
        if s.salience > 1:
            out.append(
                (
                    f"{where}.salience",
                    f"salience {s.salience:g} is above 1 (declare salience_scale: 100 for 0-100)",
                )
            )
        if s.source is not None and s.source not in sc.sources:
            out.append((f"{where}.source", f"unknown source {s.source!r}"))
        if (s.actor, s.issue) in seen_pair:
            out.append(
                (
                    where,
                    f"a second stance of {s.actor!r} on {s.issue!r} "
                    f"(first at stances[{seen_pair[(s.actor, s.issue)]}])",
                )
            )
        else:
            seen_pair[(s.actor, s.issue)] = k
        if s.capability is None and s.actor in actors and by_id[s.actor].capability is None:
            out.append(
                (
                    f"{where}.capability",
                    f"no capability for {s.actor!r}: give one on the actor or the stance",
                )
            )
    for k, r in enumerate(sc.red_lines):
        if r.actor not in actors:
            out.append((f"red_lines[{k}].actor", f"unknown actor {r.actor!r}"))
        if r.issue not in issues:
            out.append((f"red_lines[{k}].issue", f"unknown issue {r.issue!r}"))
        if r.source is not None and r.source not in sc.sources:
            out.append((f"red_lines[{k}].source", f"unknown source {r.source!r}"))
    for k, p in enumerate(sc.required_parties):
        if p not in actors:
            out.append((f"required_parties[{k}]", f"unknown actor {p!r}"))
    for k, a in enumerate(sc.actors):
        if a.capability_source is not None and a.capability_source not in sc.sources:
            out.append((f"actors[{k}].capability_source", f"unknown source {a.capability_source!r}"))
    out += role_problems(sc)
    return out
