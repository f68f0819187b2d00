"""A veto player's explicit reservation value (``metadata.reservation``) binds its consent.

Expected figures worked out by hand from the utility of docs/bargaining.md (quadratic
loss, salience weights normalised over the issues the veto player has a say on), not
taken from the code under test.
"""

from __future__ import annotations

from typing import Any

from negotia.agreement.analysis import analyse_agreement
from negotia.scenario.schema import Scenario
from tests.agreement.test_analysis import CERTAIN, PARTIES, scenario


def case(reservation: dict[str, float] | None) -> Scenario:
    """A (30) and B (50) on x with the status quo 50: B loses from any move, so the only
    package is the status quo, x = 50. Veto player V (on x only) sits at 90. Its utility
    counts x alone (y, which it cannot veto, is left out): u(v) = 1 - (v - 0.9)^2 / 0.9^2,
    so u(0.5) = 1 - 0.16 / 0.81 = 0.80247. V accepts the status quo exactly when its
    reservation value is at most 0.80247."""
    actors: list[dict[str, Any]] = [*PARTIES, {"id": "V", "role": "veto", "veto_on": ["x"]}]
    pos = {"A": {"x": 30, "y": 50}, "B": {"x": 50, "y": 50}, "V": {"x": 90, "y": 0}}
    sc = scenario(actors, pos, status_quo={"x": 50, "y": 50})
    data = sc.model_dump()
    data["loss"] = "quadratic"
    if reservation is not None:
        data["metadata"] = {"reservation": reservation}
    return Scenario.model_validate(data)


def test_a_veto_players_reservation_below_the_status_quo_utility_accepts_it() -> None:
    for res in (None, 0.5, 0.80):
        r = analyse_agreement(case(None if res is None else {"V": res}), 50, spec=CERTAIN)
        assert r.package.p_zone == 1.0, res
        assert r.issue("x").alone.p_zone == 1.0, res


def test_a_veto_players_reservation_above_it_blocks() -> None:
    r = analyse_agreement(case({"V": 0.81}), 50, spec=CERTAIN)
    assert r.package.p_zone == 0.0
    assert r.issue("x").alone.p_zone == 0.0
    assert {(b.kind, b.who, b.role) for b in r.package.blockers} >= {("reservation", "V", "veto")}
    assert ("reservation", "V") in {(b.kind, b.who) for b in r.issue("x").alone.blockers}
    # Nothing changes on y, which V cannot veto.
    assert r.issue("y").alone.p_zone == 1.0
