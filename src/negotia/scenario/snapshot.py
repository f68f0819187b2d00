"""The snapshot of a scenario on a day (:func:`snapshot`, behind ``Scenario.as_of``),
and the checks of a scenario's revisions (:func:`revision_problems`).

Revisions are replayed in the order they apply (see :mod:`negotia.scenario.timeline`):
each one changes a copy of its item, which is validated like any entry of a file, and
after each day of revisions the state is checked like a whole scenario, so that every
problem a revision causes on any day is reported at that revision.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date as Date
from typing import Any

from pydantic import BaseModel, ValidationError

from negotia.errors import InputError, Problem
from negotia.locations import path_str
from negotia.scenario.items import Actor, Issue, RedLine, Stance
from negotia.scenario.parts import ScenarioParts
from negotia.scenario.references import item_problems
from negotia.scenario.timeline import in_force, item_key, known_from

Key = tuple[str, ...]


class RefusedError(Exception):
    """A revision that cannot be applied: ``loc`` inside the revision, and why."""

    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


class _State:
    """The items of a scenario while revisions are replayed onto them."""

    def __init__(self, sc: ScenarioParts) -> None:
        self.models = {"stance": Stance, "red_line": RedLine, "issue": Issue, "actor": Actor}
        self.stances = {(s.actor, s.issue): s for s in sc.stances}
        self.red_lines = list(sc.red_lines)
        self.issues = {i.id: i for i in sc.issues}
        self.actors = {a.id: a for a in sc.actors}
        self.sources = sc.sources

    def build(self, sc: ScenarioParts, day: Date | None) -> ScenarioParts:
        """The scenario holding the current items, without revisions."""
        update: dict[str, Any] = {
            "stances": list(self.stances.values()),
            "red_lines": list(self.red_lines),
            "issues": list(self.issues.values()),
            "actors": list(self.actors.values()),
            "revisions": [],
        }
        if day is not None:
            update["date"] = day
        return sc.model_copy(update=update)

    def apply(self, rev: Any, commit: bool = True) -> None:
        """Apply one revision (or, with ``commit=False``, only check that it applies)."""
        if rev.item == "stance":
            self._apply_stance(rev, commit)
        elif rev.item == "red_line":
            self._apply_red_line(rev, commit)
        else:
            table = self.issues if rev.item == "issue" else self.actors
            ident = rev.issue if rev.item == "issue" else rev.actor
            new = self._merge(rev, table[ident])
            if commit:
                table[ident] = new

    def _merge(self, rev: Any, old: BaseModel | None) -> Any:
        data = old.model_dump(exclude_unset=True) if old is not None else {}
        if rev.item in ("stance", "red_line"):
            data.update(actor=rev.actor, issue=rev.issue)
        changes = rev.set.changes()
        if rev.item == "actor":
            changes = {
                k: ([] if v is None and k in ("aliases", "veto_on") else v) for k, v in changes.items()
            }
        data.update(changes)
        # An unknown source is reported at the revision itself, not again on the item.
        if rev.source in self.sources and rev.item in ("stance", "red_line"):
            data["source"] = rev.source
        try:
            return self.models[rev.item].model_validate(data)
        except ValidationError as e:
            missing = [x["loc"][0] for x in e.errors() if x["type"] == "missing"]
            if old is None and missing:
                what = "position and salience" if rev.item == "stance" else "min or max"
                raise RefusedError(
                    ("set",),
                    f"the {_describe(item_key(rev))} does not exist yet: a revision that "
                    f"creates it must set {what}",
                ) from None
            raise

    def _apply_stance(self, rev: Any, commit: bool) -> None:
        key = (rev.actor, rev.issue)
        old = self.stances.get(key)
        if rev.withdrawn:
            if old is None:
                raise RefusedError(
                    ("withdrawn",), f"there is no {_describe(item_key(rev))} to withdraw on that day"
                )
            if commit:
                del self.stances[key]
            return
        new = self._merge(rev, old)
        issue = self.issues[rev.issue]
        changed = rev.set.model_fields_set  # the base entry's own problems are reported there
        if "position" in changed and not issue.scale.min <= new.position <= issue.scale.max:
            raise RefusedError(
                ("set", "position"),
                f"position {new.position:g} is outside the scale of issue {rev.issue!r} "
                f"[{issue.scale.min:g}, {issue.scale.max:g}]",
            )
        if "salience" in changed and new.salience > 1:
            raise RefusedError(("set", "salience"), f"salience {new.salience:g} is above 1")
        if commit:
            self.stances[key] = new

    def _apply_red_line(self, rev: Any, commit: bool) -> None:
        at = [k for k, r in enumerate(self.red_lines) if (r.actor, r.issue) == (rev.actor, rev.issue)]
        if len(at) > 1:
            raise RefusedError(
                (),
                f"{rev.actor!r} has {len(at)} red lines on {rev.issue!r}; a revision cannot tell which "
                "one it changes (merge them into one)",
            )
        if rev.withdrawn:
            if not at:
                raise RefusedError(
                    ("withdrawn",), f"there is no {_describe(item_key(rev))} to withdraw on that day"
                )
            if commit:
                del self.red_lines[at[0]]
            return
        new = self._merge(rev, self.red_lines[at[0]] if at else None)
        if commit and at:
            self.red_lines[at[0]] = new
        elif commit:
            self.red_lines.append(new)


def snapshot(
    sc: ScenarioParts, day: Date | None, known_by: Date | None = None, include_proposed: bool = False
) -> ScenarioParts:
    """The plain scenario valid on ``day`` (every revision when None); see
    :meth:`negotia.scenario.schema.Scenario.as_of`."""
    if not sc.revisions:
        return sc if day is None or day == sc.date else sc.model_copy(update={"date": day})
    state = _State(sc)
    for k in in_force(sc, day, known_by, include_proposed):
        try:
            state.apply(sc.revisions[k])
        except RefusedError as e:
            raise InputError(sc.name, Problem(path_str(("revisions", k, *e.loc)), e.message)) from None
        except ValidationError as e:
            msg = "; ".join(_message(x) for x in e.errors())
            raise InputError(sc.name, Problem(f"revisions[{k}]", msg)) from None
    return state.build(sc, day)


def revision_problems(sc: ScenarioParts) -> list[tuple[str, str]]:
    """Problems of a scenario's revisions as ``(field path, message)`` pairs."""
    out: list[tuple[str, str]] = []
    actors = {a.id for a in sc.actors}
    issues = {i.id for i in sc.issues}
    lines = defaultdict(int)
    for r in sc.red_lines:
        lines[(r.actor, r.issue)] += 1
    seen: dict[str, int] = {}
    usable = []
    for k, rev in enumerate(sc.revisions):
        where = f"revisions[{k}]"
        if rev.id is not None:
            if rev.id in seen:
                out.append(
                    (f"{where}.id", f"duplicate id {rev.id!r} (first used at revisions[{seen[rev.id]}])")
                )
            seen.setdefault(rev.id, k)
        bad = False
        if getattr(rev, "actor", None) is not None and rev.actor not in actors:
            out.append((f"{where}.actor", f"unknown actor {rev.actor!r}"))
            bad = True
        if getattr(rev, "issue", None) is not None and rev.issue not in issues:
            out.append((f"{where}.issue", f"unknown issue {rev.issue!r}"))
            bad = True
        if rev.source is not None:
            src = sc.sources.get(rev.source)
            if src is None:
                out.append((f"{where}.source", f"unknown source {rev.source!r}"))
            elif src.date is not None and rev.recorded is not None and src.date > rev.recorded:
                out.append(
                    (
                        f"{where}.recorded",
                        f"recorded ({rev.recorded}) before its source {rev.source!r} was "
                        f"published ({src.date})",
                    )
                )
        if not bad and rev.status != "rejected":
            usable.append(k)
    return out + _conflicts(sc, usable) + _replay(sc, usable)


def _conflicts(sc: ScenarioParts, usable: list[int]) -> list[tuple[str, str]]:
    """Accepted revisions of one item with the same ``valid_from`` and the same day
    known that set a field to different values (or set and withdraw)."""
    out: list[tuple[str, str]] = []
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for k in usable:
        rev = sc.revisions[k]
        if rev.status == "accepted":
            groups[(item_key(rev), rev.valid_from, known_from(rev, sc.sources))].append(k)
    for (_, valid_from, known), ks in groups.items():
        for n, k in enumerate(ks):
            for j in ks[:n]:
                clash = _clash(sc.revisions[j], sc.revisions[k])
                if clash is not None:
                    where = f"revisions[{k}]" + (f".set.{clash}" if clash else "")
                    out.append(
                        (
                            where,
                            f"disagrees with revisions[{j}] (same item, valid_from {valid_from}, "
                            f"known from {known})",
                        )
                    )
                    break
    return out


def _clash(a: Any, b: Any) -> str | None:
    """The field two revisions of one item disagree on ("" for set versus withdraw)."""
    wa, wb = getattr(a, "withdrawn", False), getattr(b, "withdrawn", False)
    if wa or wb:
        return None if wa and wb else ""
    ca, cb = a.set.changes(), b.set.changes()
    for name in ca:
        if name in cb and ca[name] != cb[name]:
            return name
    return None


def _replay(sc: ScenarioParts, usable: list[int]) -> list[tuple[str, str]]:
    """Apply the revisions day by day; report what each one breaks, at that revision."""
    out: list[tuple[str, str]] = []
    state = _State(sc)
    prev = _keyed(state.build(sc, None))
    days: dict[Date, list[int]] = defaultdict(list)
    order = sorted(
        usable, key=lambda k: (sc.revisions[k].valid_from, known_from(sc.revisions[k], sc.sources), k)
    )
    for k in order:
        days[sc.revisions[k].valid_from].append(k)
    for day, ks in days.items():
        applied: list[int] = []
        for k in ks:
            rev = sc.revisions[k]
            try:
                state.apply(rev, commit=rev.status == "accepted")
            except RefusedError as e:
                out.append((path_str(("revisions", k, *e.loc)), e.message))
                continue
            except ValidationError as e:
                out += [(path_str(("revisions", k, "set", *x["loc"])), _message(x)) for x in e.errors()]
                continue
            if rev.status == "accepted":
                applied.append(k)
        now = _keyed(state.build(sc, day))
        for key, rest, msg in sorted(now - prev, key=str):
            out.append(_attribute(sc, day, applied or ks, key, rest, msg))
        prev = now
    return out


def _message(error: Any) -> str:
    msg = str(error["msg"])
    return msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg


_ITEM_PATH = re.compile(r"^(stances|red_lines|actors|issues)\[(\d+)\]\.?(.*)$")


def _keyed(sc: ScenarioParts) -> set[tuple[Key, str, str]]:
    """A scenario's reference problems keyed by item (not by list position)."""
    out = set()
    for path, msg in item_problems(sc):
        m = _ITEM_PATH.match(path)
        if m is None:
            out.add((("scenario",), path, msg))
            continue
        field, k, rest = m.group(1), int(m.group(2)), m.group(3)
        item = getattr(sc, field)[k]
        key: Key
        if field == "stances":
            key = ("stance", item.actor, item.issue)
        elif field == "red_lines":
            key = ("red_line", item.actor, item.issue)
        else:
            key = (field[:-1], item.id)
        out.add((key, rest, msg))
    return out


def _attribute(
    sc: ScenarioParts, day: Date, applied: list[int], key: Key, rest: str, msg: str
) -> tuple[str, str]:
    """Put a problem that appeared on ``day`` at the revision that caused it."""
    mine = [k for k in applied if item_key(sc.revisions[k]) == key]
    if mine:
        k = mine[-1]
        field = rest.split(".", 1)[0].split("[", 1)[0]
        if field and field in sc.revisions[k].set.changes():
            return (f"revisions[{k}].set.{rest}", msg)
    else:
        k = applied[0]
    what = _describe(key) + (f", {rest}" if rest else "")
    others = "" if len(applied) == 1 else f" (after {', '.join(f'revisions[{j}]' for j in applied)})"
    return (f"revisions[{k}]", f"from {day} the {what}: {msg}{others}")


def _describe(key: Key) -> str:
    kind, *ident = key
    if kind in ("stance", "red_line"):
        return f"{kind.replace('_', ' ')} of {ident[0]} on {ident[1]}"
    if kind == "scenario":
        return "scenario"
    return f"{kind} {ident[0]}"
