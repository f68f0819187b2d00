"""Roles and decision rules: whose consent a deal needs, and how consent is counted.

Every actor has a role:

=============  ===========================================================
``party``      its consent is needed on every issue (a signatory)
``veto``       its consent is needed on the issues it names in ``veto_on``
               (on every issue when it names none)
``mediator``   brokers the deal and does not vote; its stance is a proposal,
               not a weight in a model's forecast unless a model is asked to
               include mediators
``guarantor``  backs the deal (see the guarantees module); no vote on it
``observer``   has a stance and is weighted in forecasts; no vote
=============  ===========================================================

An actor without a ``role`` gets one from the rest of the scenario, so that files
written before roles existed behave exactly as before (:func:`effective_roles`):
an actor listed in ``required_parties`` is a party; an actor whose ``group`` is
``mediator``, ``guarantor`` or ``observer`` takes that role; everyone else is a party
when the scenario names no parties at all (no ``required_parties`` and no actor with
role ``party`` or ``veto`` -- every actor's consent counts, as in a committee), and an
observer otherwise.

A decision rule (on the scenario for the whole package, on an issue for that issue)
says how the consent of the parties and veto players on an issue is counted:
``unanimity`` (each of them must accept) or ``qualified_majority`` (their accepting
weight must reach ``threshold`` of their total weight; veto players must still accept
individually).  Ratification steps (a parliament, a referendum) are further veto players
with their own acceptable interval on the issues they vote on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from negotia.scenario.fields import Bounds, Strict
from negotia.scenario.parts import ScenarioParts

RoleName = Literal["party", "veto", "mediator", "guarantor", "observer"]
ROLES: tuple[str, ...] = get_args(RoleName)
#: Roles whose consent counts (on some issues, for ``veto``).
CONSENTING: tuple[str, ...] = ("party", "veto")
#: Group names that give an actor without an explicit role the same-named role.
GROUP_ROLES: tuple[str, ...] = ("mediator", "guarantor", "observer")

RuleName = Literal["unanimity", "qualified_majority"]
RULES: tuple[str, ...] = get_args(RuleName)
RatificationKind = Literal["parliament", "referendum", "other"]


class DecisionRule(Strict):
    """How the consent of the parties and veto players on an issue is counted.

    ``weights`` (qualified majority only): ``capability`` (each voter's capability on
    the issue, the default), ``equal`` (one actor, one vote) or a mapping actor id ->
    weight that gives every voter a weight.  ``threshold`` is the share of the voters'
    total weight that must accept, in (0, 1].
    """

    rule: RuleName = "unanimity"
    threshold: float | None = Field(default=None, gt=0, le=1)
    weights: Literal["capability", "equal"] | dict[str, float] | None = None
    source: str | None = None
    note: str | None = None

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: object) -> object:
        if isinstance(v, dict):
            bad = [f"{k}: {w!r}" for k, w in v.items() if not (math.isfinite(w) and w >= 0)]
            if bad:
                raise ValueError(f"weights must be finite numbers >= 0 (got {', '.join(bad)})")
        return v

    @model_validator(mode="after")
    def _complete(self) -> DecisionRule:
        if self.rule == "qualified_majority" and self.threshold is None:
            raise ValueError("a qualified_majority needs a threshold (the share of weight that must accept)")
        if self.rule == "unanimity" and (self.threshold is not None or self.weights is not None):
            raise ValueError("threshold and weights apply to rule qualified_majority only")
        return self

    @property
    def weighting(self) -> str | dict[str, float]:
        """``capability``, ``equal`` or the explicit weights (qualified majority)."""
        return "capability" if self.weights is None else self.weights


UNANIMITY = DecisionRule()


class Ratification(Strict):
    """A ratification step (a parliament, a referendum) that can block a deal.

    ``actor`` is whose ratification it is (the party whose parliament votes).  The step
    votes on ``issues`` (every issue when empty) and accepts an outcome on an issue when
    it lies inside ``accepts[issue]`` (an interval like a red line, with an optional
    ``sd``); on an issue it votes on without an interval it accepts any outcome.
    """

    id: str = Field(min_length=1)
    actor: str
    kind: RatificationKind
    name: str | None = None
    issues: list[str] = Field(default_factory=list)
    accepts: dict[str, Bounds] = Field(default_factory=dict)
    source: str | None = None
    note: str | None = None

    def covers(self, issue_id: str) -> bool:
        """Whether this step votes on ``issue_id``."""
        return not self.issues or issue_id in self.issues


def effective_roles(scenario: ScenarioParts) -> dict[str, str]:
    """Every actor's role: its own ``role``, or the default described in the module
    docstring (which keeps scenarios without roles working as before)."""
    required = set(scenario.required_parties)
    names_parties = bool(required) or any(a.role in CONSENTING for a in scenario.actors)
    out: dict[str, str] = {}
    for a in scenario.actors:
        group = (a.group or "").casefold()
        if a.role is not None:
            out[a.id] = a.role
        elif a.id in required:
            out[a.id] = "party"
        elif group in GROUP_ROLES:
            out[a.id] = group
        else:
            out[a.id] = "observer" if names_parties else "party"
    return out


def consents_on(actor_role: str, veto_on: Iterable[str], issue_id: str) -> bool:
    """Whether an actor with this role (and ``veto_on`` list) must consent on ``issue_id``."""
    if actor_role == "party":
        return True
    if actor_role == "veto":
        issues = list(veto_on)
        return not issues or issue_id in issues
    return False


def rule_for(scenario: ScenarioParts, issue_id: str) -> DecisionRule:
    """The rule deciding ``issue_id``: the issue's own, else the package's, else unanimity."""
    own = scenario.issue(issue_id).decision_rule
    return own or scenario.decision_rule or UNANIMITY


def role_problems(sc: ScenarioParts) -> list[tuple[str, str]]:
    """Problems of roles, decision rules and ratification steps as ``(path, message)``."""
    out: list[tuple[str, str]] = []
    actors = {a.id for a in sc.actors}
    issues = {i.id for i in sc.issues}
    required = set(sc.required_parties)
    for k, a in enumerate(sc.actors):
        where = f"actors[{k}]"
        if a.veto_on and a.role != "veto":
            out.append((f"{where}.veto_on", "veto_on is for actors with role veto"))
        for j, i in enumerate(a.veto_on):
            if i not in issues:
                out.append((f"{where}.veto_on[{j}]", f"unknown issue {i!r}"))
        if a.role is None:
            continue
        if a.id in required and a.role != "party":
            out.append(
                (
                    f"{where}.role",
                    f"required_parties lists {a.id!r}, whose role is {a.role}; "
                    "required_parties may list parties only",
                )
            )
        elif a.role == "party" and required and a.id not in required:
            out.append(
                (
                    f"{where}.role",
                    f"{a.id!r} has role party but required_parties does not list it; "
                    "list it there too, or leave required_parties out",
                )
            )
    roles = effective_roles(sc)
    rules = [("decision_rule", sc.decision_rule, sc.issue_ids)]
    rules += [(f"issues[{k}].decision_rule", i.decision_rule, [i.id]) for k, i in enumerate(sc.issues)]
    for where, rule, on in rules:
        if rule is not None:
            out += _rule_problems(sc, where, rule, on, roles)
    seen: dict[str, int] = {}
    for k, r in enumerate(sc.ratifications):
        where = f"ratifications[{k}]"
        if r.id in seen:
            out.append((f"{where}.id", f"duplicate id {r.id!r} (first used at ratifications[{seen[r.id]}])"))
        seen.setdefault(r.id, k)
        if r.actor not in actors:
            out.append((f"{where}.actor", f"unknown actor {r.actor!r}"))
        for j, i in enumerate(r.issues):
            if i not in issues:
                out.append((f"{where}.issues[{j}]", f"unknown issue {i!r}"))
        for i in r.accepts:
            if i not in issues:
                out.append((f"{where}.accepts.{i}", f"unknown issue {i!r}"))
            elif not r.covers(i):
                msg = f"issue {i!r} is not among the issues this step votes on"
                out.append((f"{where}.accepts.{i}", msg))
        if r.source is not None and r.source not in sc.sources:
            out.append((f"{where}.source", f"unknown source {r.source!r}"))
    return out


def _rule_problems(
    sc: ScenarioParts, where: str, rule: DecisionRule, on: list[str], roles: dict[str, str]
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if rule.source is not None and rule.source not in sc.sources:
        out.append((f"{where}.source", f"unknown source {rule.source!r}"))
    if rule.rule != "qualified_majority":
        return out
    by_id = {a.id: a for a in sc.actors}
    voters = {a for a, role in roles.items() if any(consents_on(role, by_id[a].veto_on, i) for i in on)}
    if not voters:
        out.append((where, "a qualified majority needs parties or veto players to vote"))
    if isinstance(rule.weights, dict):
        for actor in rule.weights:
            if actor not in by_id:
                out.append((f"{where}.weights.{actor}", f"unknown actor {actor!r}"))
            elif actor not in voters:
                out.append(
                    (f"{where}.weights.{actor}", f"{actor!r} ({roles[actor]}) has no vote on these issues")
                )
        missing = sorted(voters - set(rule.weights))
        if missing:
            out.append((f"{where}.weights", f"no weight for the voter(s) {', '.join(missing)}"))
    return out
