"""Security guarantees: obligations as data, triggers, credibility, deterrence.

- :mod:`.schema` — instruments, directed obligations, conditions, events, arrangements;
- :mod:`.catalogue` — the bundled catalogue of real instruments and file loading;
- :mod:`.triggers` — which obligations an event triggers, and why;
- :mod:`.credibility` — the honouring probability with every factor visible;
- :mod:`.deterrence` — Monte Carlo of the capability that would respond;
- :mod:`.compare` — assessing and comparing arrangements;
- :mod:`.link` — the scenario's guarantees and the guarantee issue's anchors.
"""

from typing import TYPE_CHECKING

from negotia.guarantees.catalogue import catalogue, get_instrument, load_event_file, load_guarantees_file
from negotia.guarantees.link import anchor_arrangements, arrangement_for_value, scenario_instruments
from negotia.guarantees.schema import Arrangement, Event, Instrument, Obligation
from negotia.guarantees.triggers import check_event
from negotia.lazy import lazy_exports

# The credibility and deterrence models need SciPy; their names are imported on first
# use (PEP 562), so that loading a scenario (which checks its guarantees against the
# catalogue) does not pay for them (ARCHITECTURE.md, "Heavy imports are lazy").
_LAZY = {
    "Assessment": "negotia.guarantees.compare",
    "Comparison": "negotia.guarantees.compare",
    "GuaranteeCase": "negotia.guarantees.compare",
    "guarantee_case": "negotia.guarantees.compare",
    "assess_guarantees": "negotia.guarantees.compare",
    "compare_arrangements": "negotia.guarantees.compare",
    "renewed_russian_attack": "negotia.guarantees.compare",
    "resolve_arrangement": "negotia.guarantees.compare",
    "CredibilitySettings": "negotia.guarantees.credibility",
    "assess_obligation": "negotia.guarantees.credibility",
    "leeds_anac_fit": "negotia.guarantees.credibility",
    "loo_brier": "negotia.guarantees.credibility",
    "simulate_response": "negotia.guarantees.deterrence",
}

if TYPE_CHECKING:
    from negotia.guarantees.compare import (
        Assessment,
        Comparison,
        GuaranteeCase,
        assess_guarantees,
        compare_arrangements,
        guarantee_case,
        renewed_russian_attack,
        resolve_arrangement,
    )
    from negotia.guarantees.credibility import (
        CredibilitySettings,
        assess_obligation,
        leeds_anac_fit,
        loo_brier,
    )
    from negotia.guarantees.deterrence import simulate_response


__getattr__, __dir__ = lazy_exports(globals(), _LAZY)


__all__ = [
    "Arrangement",
    "Assessment",
    "Comparison",
    "CredibilitySettings",
    "Event",
    "GuaranteeCase",
    "Instrument",
    "Obligation",
    "anchor_arrangements",
    "arrangement_for_value",
    "assess_guarantees",
    "assess_obligation",
    "catalogue",
    "check_event",
    "compare_arrangements",
    "get_instrument",
    "guarantee_case",
    "leeds_anac_fit",
    "load_event_file",
    "load_guarantees_file",
    "loo_brier",
    "renewed_russian_attack",
    "resolve_arrangement",
    "scenario_instruments",
    "simulate_response",
]
