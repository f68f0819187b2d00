"""The names the DEU data sets give their columns, actors and attribute values.

They are case data, not code: they live in ``scenario/data/deu.json`` (shipped with the
package), read once on first use, so that importing a reader costs nothing.  The DEU
table reader (:mod:`negotia.scenario.deu`) uses the column names; the calibrated model
(:mod:`negotia.models.calibrated`) uses the actor ids and attribute names to recognise
the Commission, the Parliament, the Council's voting rule and the procedure.  The
format itself (``p<actor>``/``s<actor>``, ``rp``, ``out``) is documented in
``docs/scenario-format.md``, "DEU tables".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA = "data/deu.json"


@dataclass(frozen=True)
class DeuNames:
    """The contents of ``scenario/data/deu.json`` (all lower case)."""

    #: Columns that start with "p" or "s" but are not actor columns.
    not_actor: frozenset[str]
    #: Columns holding the issue id, the first present is used.
    issue_id_columns: tuple[str, ...]
    #: Columns holding the proposal (an issue's ``group``), the first present is used.
    group_columns: tuple[str, ...]
    #: Id columns left blank on the optional capability row (how it is recognised).
    capability_row_blank: tuple[str, ...]
    #: The attribute naming the proposal (an issue's name is this and its id).
    proposal_name: str
    commission: tuple[str, ...]
    parliament: tuple[str, ...]
    #: Attributes holding the Council's voting rule / the procedure, the first present is used.
    voting_rule: tuple[str, ...]
    qualified_majority_prefixes: tuple[str, ...]
    unanimity_prefixes: tuple[str, ...]
    procedure: tuple[str, ...]
    codecision: frozenset[str]
    issue_count: tuple[str, ...]


@cache
def deu_names() -> DeuNames:
    """The DEU names, read from the package's data file once."""
    raw = json.loads(resources.files("negotia.scenario").joinpath(DATA).read_text(encoding="utf-8"))
    cols, actors, attrs = raw["columns"], raw["actors"], raw["attributes"]
    return DeuNames(
        not_actor=frozenset(cols["not_actor"]),
        issue_id_columns=tuple(cols["issue_id"]),
        group_columns=tuple(cols["group"]),
        capability_row_blank=tuple(cols["capability_row_blank"]),
        proposal_name=cols["proposal_name"],
        commission=tuple(actors["commission"]),
        parliament=tuple(actors["parliament"]),
        voting_rule=tuple(attrs["voting_rule"]),
        qualified_majority_prefixes=tuple(attrs["qualified_majority_prefixes"]),
        unanimity_prefixes=tuple(attrs["unanimity_prefixes"]),
        procedure=tuple(attrs["procedure"]),
        codecision=frozenset(attrs["codecision"]),
        issue_count=tuple(attrs["issue_count"]),
    )
