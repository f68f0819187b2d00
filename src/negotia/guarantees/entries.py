"""The type of a scenario's ``guarantees`` entry: a mapping checked against the catalogue.

Used by :class:`negotia.scenario.schema.Scenario`; the entry stays a plain ``dict`` (so
files, JSON round-trips and code that builds scenarios by hand keep working), but a bad
entry is reported when the scenario loads.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator


def _check(entry: dict[str, Any]) -> dict[str, Any]:
    from negotia.guarantees.link import check_guarantee_entry  # the catalogue loads on first use

    return check_guarantee_entry(entry)


GuaranteeEntry = Annotated[dict[str, Any], AfterValidator(_check)]
