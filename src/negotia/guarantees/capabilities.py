"""Capabilities of the actors the catalogue names (SIPRI 2024 military spending, COW CINC 2022).

Figures ship in ``data/capabilities.yaml`` with their sources.  Members of a group with a
known total (NATO: SIPRI's US$1,506bn for 2024) but no figure of their own share the
group's residual equally, so that the group's sum is right; such a member's figure is
marked as derived.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml

Measure = Literal["milex", "cinc"]


@dataclass(frozen=True)
class Capability:
    actor: str
    name: str
    milex_usd_bn: float | None
    cinc: float | None
    nuclear: bool
    derived: bool
    source: str


@functools.cache
def capability_table() -> dict[str, Capability]:
    """Every actor with a figure, including group members with a derived share."""
    raw = yaml.safe_load(
        (resources.files("negotia.guarantees") / "data" / "capabilities.yaml").read_text(encoding="utf-8")
    )
    src = raw["sources"]
    out: dict[str, Capability] = {}
    for code, a in raw["actors"].items():
        out[code] = Capability(
            code,
            a.get("name", code),
            a.get("milex_usd_bn"),
            a.get("cinc"),
            bool(a.get("nuclear", False)),
            False,
            f"{src['sipri2024']}; {src['cow_nmc7']}",
        )
    for gname, g in raw.get("groups", {}).items():
        missing = [m for m in g["members"] if m not in out]
        known = sum(out[m].milex_usd_bn or 0.0 for m in g["members"] if m in out)
        if missing:
            share = (g["milex_usd_bn"] - known) / len(missing)
            for m in missing:
                out[m] = Capability(
                    m,
                    m,
                    share,
                    None,
                    False,
                    True,
                    f"equal share of the {gname} residual: "
                    f"({g['milex_usd_bn']:g} - {known:.1f}) / {len(missing)} "
                    f"({src[g['source']]})",
                )
    return out


def capability(actor: str, measure: Measure = "milex") -> float | None:
    """An actor's capability (US$ bn or CINC), or None if negotia has no figure."""
    c = capability_table().get(actor)
    if c is None:
        return None
    return c.milex_usd_bn if measure == "milex" else c.cinc


def is_nuclear(actor: str) -> bool:
    """True for the nuclear-weapon states in the table."""
    c = capability_table().get(actor)
    return bool(c and c.nuclear)
