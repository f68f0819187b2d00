"""A scenario's revisions read as history, and what changed in its inputs between two days.

:func:`history` lists the revisions field by field in the order they apply, each with
the value it replaced (``old -> new``), so "when did the US move on NATO, and on whose
report?" is one table.  :func:`input_changes` compares the snapshots of two days item by
item (stances, red lines, status quo, actors) and names the revisions that fall between
them.  Both are typed results with ``to_dict()``; the forecasts' movement between two
days is computed above this layer (:func:`negotia.api.diff`), since it needs the models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date
from typing import TYPE_CHECKING, Any

from negotia.errors import InputError, Problem
from negotia.scenario.timeline import in_force, known_from

if TYPE_CHECKING:
    from negotia.scenario.schema import Scenario

#: The fields of each item kind that a change is reported on, in display order.
FIELDS: dict[str, tuple[str, ...]] = {
    "stance": ("position", "salience", "capability", "uncertainty"),
    "red_line": ("min", "max", "sd"),
    "issue": ("status_quo",),
    "actor": ("capability", "role", "veto_on", "group", "name", "aliases"),
}
#: The pseudo-field of a change that makes an item appear or disappear.
EXISTS = "exists"


@dataclass(frozen=True)
class HistoryRow:
    """One field set by one revision: the value it replaced and the value it set."""

    revision: int
    valid_from: Date
    recorded: Date | None
    known: Date
    item: str
    actor: str | None
    issue: str | None
    field: str
    old: Any
    new: Any
    source: str | None
    status: str
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "valid_from": self.valid_from.isoformat(),
            "recorded": self.recorded.isoformat() if self.recorded else None,
            "known": self.known.isoformat(),
            "item": self.item,
            "actor": self.actor,
            "issue": self.issue,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "source": self.source,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class History:
    """The revisions of a scenario, field by field, in the order they apply."""

    scenario: str
    actor: str | None
    issue: str | None
    rows: tuple[HistoryRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "actor": self.actor,
            "issue": self.issue,
            "rows": [r.to_dict() for r in self.rows],
        }


def _check_filters(sc: Scenario, actor: str | None, issue: str | None) -> tuple[str | None, str | None]:
    problems = []
    if actor is not None:
        try:
            actor = sc.resolve_actor(actor)
        except Exception:  # the lookup's own error names no option; ours does
            problems.append(Problem("--actor", f"no actor {actor!r}; known: {', '.join(sc.actor_ids)}"))
    if issue is not None and issue not in sc.issue_ids:
        problems.append(Problem("--issue", f"no issue {issue!r}; known: {', '.join(sc.issue_ids)}"))
    if problems:
        raise InputError(sc.name, problems)
    return actor, issue


def _base_items(sc: Scenario) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every item's fields before the first revision, keyed like the revisions' items."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for s in sc.stances:
        out[("stance", s.actor, s.issue)] = s.model_dump(mode="json")
    for r in sc.red_lines:
        out[("red_line", r.actor, r.issue)] = r.model_dump(mode="json")
    for i in sc.issues:
        out[("issue", i.id)] = i.model_dump(mode="json")
    for a in sc.actors:
        out[("actor", a.id)] = a.model_dump(mode="json")
    return out


def _canonical(item: str, data: dict[str, Any]) -> dict[str, Any]:
    """An item's fields as the scenario holds them (defaults filled in, e.g. an
    uncertainty's unset sds), so that old and new values compare like for like."""
    from negotia.scenario.schema import Actor, Issue, RedLine, Stance

    model = {"stance": Stance, "red_line": RedLine, "issue": Issue, "actor": Actor}[item]
    try:
        return model.model_validate(data).model_dump(mode="json")
    except ValueError:  # a half-built item (checked on load): show what was written
        return data


def history(
    sc: Scenario,
    actor: str | None = None,
    issue: str | None = None,
    *,
    include_proposed: bool = False,
) -> History:
    """The revisions of ``sc`` as rows ``(valid_from, recorded, actor, issue, field, old
    -> new, source)``, in the order they apply, optionally for one actor or issue.

    ``old`` is the value the field had just before the revision on its ``valid_from``
    day (None where the item did not exist yet); a withdrawal is one row with field
    ``exists`` (True -> False).  Proposed revisions are left out unless asked for
    (they would change nothing until accepted); rejected ones always are.
    """
    from negotia.scenario.timeline import item_key

    actor, issue = _check_filters(sc, actor, issue)
    state = _base_items(sc)
    rows = []
    for k in in_force(sc, None, include_proposed=include_proposed):
        rev = sc.revisions[k]
        key = item_key(rev)
        before = state.get(key)
        changes = {EXISTS: False} if getattr(rev, "withdrawn", False) else rev.set.changes()
        if getattr(rev, "withdrawn", False):
            state.pop(key, None)
            pairs = [(EXISTS, True, False)]
        else:
            ident = {k: getattr(rev, k) for k in ("actor", "issue") if rev.item in ("stance", "red_line")}
            after = _canonical(rev.item, {**(before or {}), **ident, **changes})
            state[key] = after
            # A field that did not exist before shows None as its old value.
            pairs = [(f, (before or {}).get(f), after.get(f)) for f in changes if f != "note"]
        rev_actor = getattr(rev, "actor", None)
        rev_issue = getattr(rev, "issue", None)
        if (actor is not None and rev_actor != actor) or (issue is not None and rev_issue != issue):
            continue
        for f, old, new in pairs:
            rows.append(
                HistoryRow(
                    k,
                    rev.valid_from,
                    rev.recorded,
                    known_from(rev, sc.sources),
                    rev.item,
                    rev_actor,
                    rev_issue,
                    f,
                    old,
                    new,
                    rev.source,
                    rev.status,
                    rev.note or (changes.get("note") if isinstance(changes, dict) else None),
                )
            )
    return History(sc.name, actor, issue, tuple(rows))


@dataclass(frozen=True)
class InputChange:
    """How one field of one item differs between the snapshots of two days."""

    item: str
    actor: str | None
    issue: str | None
    field: str
    old: Any
    new: Any

    @property
    def delta(self) -> float | None:
        """``new - old`` for numbers, else None."""

        def number(x: Any) -> bool:
            return isinstance(x, int | float) and not isinstance(x, bool)

        return float(self.new) - float(self.old) if number(self.old) and number(self.new) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "actor": self.actor,
            "issue": self.issue,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "delta": self.delta,
        }


@dataclass(frozen=True)
class InputDiff:
    """What changed in a scenario's inputs from one day to another.

    ``changes`` compares the two snapshots (net of everything in between);
    ``revisions`` lists the revisions that take effect after ``start`` and by ``end``
    (field by field, as in :func:`history`), with their sources.
    """

    scenario: str
    start: Date
    end: Date
    known_by: Date | None
    changes: tuple[InputChange, ...]
    revisions: tuple[HistoryRow, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "known_by": self.known_by.isoformat() if self.known_by else None,
            "changes": [c.to_dict() for c in self.changes],
            "revisions": [r.to_dict() for r in self.revisions],
        }


def _items(sc: Scenario) -> dict[tuple[str, ...], dict[str, Any]]:
    items = _base_items(sc)
    return {k: {f: v.get(f) for f in FIELDS[k[0]]} for k, v in items.items()}


def input_changes(sc: Scenario, start: Date, end: Date, *, known_by: Date | None = None) -> InputDiff:
    """The inputs of ``sc`` as of ``end`` against those as of ``start``, item by item.

    Both snapshots use the same knowledge cut-off ``known_by`` (default: every
    revision).  ``start`` may be later than ``end`` (the changes then run backwards).
    """
    a = _items(sc.as_of(start, known_by=known_by))
    b = _items(sc.as_of(end, known_by=known_by))
    out = []
    for key in sorted(set(a) | set(b), key=_order):
        item, *ident = key
        actor = ident[0] if item in ("stance", "red_line", "actor") else None
        issue = ident[-1] if item in ("stance", "red_line", "issue") else None
        old, new = a.get(key), b.get(key)
        if old is None or new is None:
            out.append(InputChange(item, actor, issue, EXISTS, old is not None, new is not None))
        for f in FIELDS[item]:
            x, y = (old or {}).get(f), (new or {}).get(f)
            if x != y:
                out.append(InputChange(item, actor, issue, f, x, y))
    lo, hi = min(start, end), max(start, end)
    between = tuple(
        r for r in history(sc).rows if lo < r.valid_from <= hi and (known_by is None or r.known <= known_by)
    )
    return InputDiff(sc.name, start, end, known_by, tuple(out), between)


def _order(key: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
    return (list(FIELDS).index(key[0]), key[1:])
