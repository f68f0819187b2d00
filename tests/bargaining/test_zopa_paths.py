"""The ZOPA diagnosis on the paths mutation testing found unchecked (bargaining/zopa.py):
every sentence word for word, the size when it is an estimate, the least-move search
when it gives up, the cost of moving a line on a scale other than 0-100, a relaxed line
the chosen package lies inside, and the relaxation search's budget counted exactly.

Expected figures are worked by hand from the definitions in the module's docstring (on
0-100 scales with 11 grid points, step 10, unless said otherwise).
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

from negotia.bargaining import utility_model, zopa
from negotia.bargaining.utility import RedLineBound
from negotia.bargaining.zone_count import ZoneSize, count
from negotia.bargaining.zopa import Conflict, Move, Relaxation, Zopa, conflicts
from negotia.scenario.schema import Scenario
from tests.bargaining.bargaining_helpers import make_scenario
from tests.bargaining.test_zopa_diagnosis import two_deadlocks

zopa_module = importlib.import_module("negotia.bargaining.zopa")  # the package re-exports the function


def coarse_grid():
    """A min 41 and B max 49 on x: no grid point lies in [41, 49]; relaxing either line
    alone opens the zone (A's min to 40, or B's max to 50, 1 point each)."""
    sc = make_scenario(
        {"A": {"x": 60}, "B": {"x": 30}},
        red_lines=[{"actor": "A", "issue": "x", "min": 41}, {"actor": "B", "issue": "x", "max": 49}],
        reservation={"A": 0.0, "B": 0.0},
    )
    return utility_model(sc, resolution=11)


# -- sentences, word for word --------------------------------------------------------------
def test_conflict_sentences_are_joined_and_closed() -> None:
    z = zopa(two_deadlocks())
    # one conflict per issue, 40 points apart each (A max 30 / B min 70 on x; A min 70 / B max 30 on y)
    assert z.sentences()[0] == (
        "No package satisfies both A and B: B's red line on x (min 70) and A's (max 30) are 40 "
        "points apart; A's red line on y (min 70) and B's (max 30) are 40 points apart."
    )
    # each relaxation moves two lines, 40 points each, in one sentence joined by "; "
    first = z.relaxations[0]
    assert first.sentence() == "; ".join(m.sentence() for m in first.moves)
    assert first.sentence().count("moves 40 points") == 2 and "; " in first.sentence()


def test_one_line_relaxations_in_words() -> None:
    z = zopa(coarse_grid())
    assert z.sentences() == [
        "No package satisfies both A and B: no option on x lies inside every red line (try a "
        "finer --resolution).",
        "Relaxing one red line would open a zone of agreement: A's min 41 on x moves 1 points, "
        "to 40 — or — B's max 49 on x moves 1 points, to 50.",
    ]


def test_issues_without_option_are_listed_with_commas() -> None:
    sc = make_scenario(
        {"A": {"x": 60, "y": 60}, "B": {"x": 30, "y": 30}},
        red_lines=[
            {"actor": "A", "issue": "x", "min": 41},
            {"actor": "B", "issue": "x", "max": 49},
            {"actor": "A", "issue": "y", "min": 41},
            {"actor": "B", "issue": "y", "max": 49},
        ],
        reservation={"A": 0.0, "B": 0.0},
    )
    z = zopa(utility_model(sc, resolution=11))
    assert z.issues_without_option == ("x", "y")
    assert "no option on x, y lies inside every red line" in z.sentences()[0]


def test_one_package_inside_the_lines_that_the_reservations_block() -> None:
    """A max 50 and B min 50 leave the single package x = 50; with reservation 0.6 each
    (linear utilities 1 - |x - ideal| / 100, ideals 0 and 100: 0.5 each at x = 50) it is
    refused by both."""
    sc = make_scenario(
        {"A": {"x": 0}, "B": {"x": 100}},
        red_lines=[{"actor": "A", "issue": "x", "max": 50}, {"actor": "B", "issue": "x", "min": 50}],
        reservation={"A": 0.6, "B": 0.6},
    )
    z = zopa(utility_model(sc, resolution=11))
    assert z.empty and z.n_within_red_lines == 1 and z.reservation_blocks
    assert z.sentences()[0] == (
        "No package satisfies both A and B: 1 packages respect every red line, but none gives "
        "each party at least its reservation value."
    )


def test_sentences_of_an_estimated_size() -> None:
    base = dict(parties=("A",), n_packages=10**12, n_within_red_lines=10**9, options_within_red_lines={})
    found = ZoneSize(
        exact=False, value=25_000, low=20_000, high=30_000, lower=0, upper=10**9, samples=1000, hits=25
    )
    z = Zopa(**base, size=25_000, size_detail=found)
    # one party: its name alone, no "and"
    assert z.sentences() == [
        "About 2.5e+04 of 1000000000000 packages are acceptable to A (1000000000 respect every "
        "red line); estimated from 1,000 samples, 95 % interval 2e+04 to 3e+04."
    ]
    none = ZoneSize(exact=False, value=1, low=1, high=3_000, lower=1, upper=10**9, samples=1000, hits=0)
    z = Zopa(**base, size=1, size_detail=none)
    assert z.sentences() == [
        "Some of the 1000000000000 packages are acceptable to A (1000000000 respect every red "
        "line), too few for 1,000 random samples to meet one: fewer than 3000 (95 %)."
    ]
    d = z.to_dict()
    assert d["size_exact"] is False and d["size_detail"]["hits"] == 0
    exact = zopa(coarse_grid()).to_dict()
    assert "size_exact" not in exact and "size_detail" not in exact


def test_a_relaxation_without_moves_says_so() -> None:
    assert Relaxation((), (), 0, 1).sentence() == "no red line has to move"


def test_json_is_indented_for_reading() -> None:
    text = zopa(coarse_grid()).to_json()
    assert text == json.dumps(json.loads(text), indent=2)
    assert text.startswith('{\n  "parties": [\n    "A",')


# -- conflicts at the tolerance ------------------------------------------------------------
@pytest.mark.parametrize(
    ("low_max", "high_min", "gap"),
    [(50.0, 50.0, None), (0.0, 1e-12, None), (51.5, 52.0, 0.5)],
)
def test_conflicts_beyond_a_tolerance_of_1e_12(low_max: float, high_min: float, gap: float | None) -> None:
    sc = make_scenario(
        {"A": {"x": 0}, "B": {"x": 100}},
        red_lines=[
            {"actor": "A", "issue": "x", "max": low_max},
            {"actor": "B", "issue": "x", "min": high_min},
        ],
    )
    found = conflicts(utility_model(sc, resolution=11))
    if gap is None:
        assert found == ()
    else:
        assert found == (Conflict("x", "B", high_min, "A", low_max),) and found[0].gap == pytest.approx(gap)


# -- the cost of moving a line, on a scale of 10-30 ----------------------------------------------
def test_costs_are_distances_beyond_the_lines_in_units_of_the_scale() -> None:
    data = {
        "name": "scale 10-30",
        "actors": [{"id": "A", "capability": 1.0}, {"id": "B", "capability": 1.0}],
        "issues": [{"id": "x", "scale": {"min": 10, "max": 30}}],
        "stances": [
            {"actor": "A", "issue": "x", "position": 10, "salience": 1.0},
            {"actor": "B", "issue": "x", "position": 30, "salience": 1.0},
        ],
        "red_lines": [
            {"actor": "A", "issue": "x", "min": 14, "max": 26},
            {"actor": "B", "issue": "x", "max": 16},
        ],
        "required_parties": ["A", "B"],
    }
    model = utility_model(Scenario.model_validate(data), resolution=11)  # 10, 12, ..., 30
    options = [np.arange(11)]
    both = [r for r in model.red_lines if r.party == "A"]
    # A's line [14, 26]: 10 and 12 lie 4 and 2 below, 28 and 30 lie 2 and 4 above; /20
    costs = zopa_module._costs(model, options, tuple(both))[0]
    np.testing.assert_allclose(costs, [0.2, 0.1, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.2], atol=1e-15)
    only_max = [r for r in model.red_lines if r.party == "B"]
    # B's max 16: nothing below counts; 18 .. 30 lie 2 .. 14 above; /20
    costs = zopa_module._costs(model, options, tuple(only_max))[0]
    np.testing.assert_allclose(costs, np.maximum(np.arange(10, 31, 2) - 16, 0) / 20, atol=1e-15)
    # a line with only a min (A's min 14, written here): nothing above counts; 10 and 12 lie 4, 2 below
    only_min = (RedLineBound("A", "x", 14.0, None),)
    costs = zopa_module._costs(model, options, only_min)[0]
    np.testing.assert_allclose(costs, np.maximum(14 - np.arange(10, 31, 2), 0) / 20, atol=1e-15)


# -- a relaxed line the package lies inside ----------------------------------------------------
def test_a_relaxed_line_the_package_lies_inside_need_not_move() -> None:
    model = coarse_grid()
    a_line = RedLineBound("A", "x", 41.0, None)
    b_line = RedLineBound("B", "x", None, 49.0)
    wide = RedLineBound("A", "x", 20.0, 80.0)
    package = 5  # x = 50: above B's max 49 (moves 1), inside A's min 41 and inside [20, 80]
    moves = zopa_module._moves(model, (a_line, b_line, wide), package)
    assert moves[0] == Move("A", "x", "min", 41.0, 41.0) and moves[0].distance == 0
    assert moves[1] == Move("B", "x", "max", 49.0, 50.0) and moves[1].distance == 1
    assert moves[2].distance == 0 and moves[2].limit == moves[2].to
    # a line with only a max, above the package, need not move either
    (inside_max,) = zopa_module._moves(model, (RedLineBound("B", "x", None, 70.0),), package)
    assert inside_max == Move("B", "x", "max", 70.0, 70.0)


# -- the size when it must be estimated ----------------------------------------------------------
def test_an_estimate_without_a_hit_defers_to_the_existence_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the count is an estimate whose samples met no acceptable package (its budget
    exceeded: simulated here), existence is decided by the search, which finds the
    packages of the touching lines (x = 50): the zone is reported non-empty with at least
    one package, never 0."""
    sc = make_scenario(
        {"A": {"x": 60}, "B": {"x": 30}},
        red_lines=[{"actor": "A", "issue": "x", "min": 50}, {"actor": "B", "issue": "x", "max": 50}],
        reservation={"A": 0.0, "B": 0.0},
    )
    missed = ZoneSize(exact=False, value=0, low=0, high=3, lower=0, upper=11, samples=20, hits=0)
    monkeypatch.setattr(zopa_module, "count", lambda *a, **k: missed)
    z = zopa(utility_model(sc, resolution=11))
    assert not z.empty and z.size == 1
    assert z.size_detail == ZoneSize(
        exact=False, value=1, low=1, high=3, lower=1, upper=11, samples=20, hits=0
    )
    assert z.notes == ()


def test_the_estimate_follows_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int | None] = []

    def spy(*args, seed=None, **kw):  # type: ignore[no-untyped-def]
        seen.append(seed)
        return count(*args, seed=seed, **kw)

    monkeypatch.setattr(zopa_module, "count", spy)
    zopa(coarse_grid(), seed=7)
    assert seen and set(seen) == {7}


def test_undecided_existence_is_asked_again_and_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    undecided = ZoneSize(exact=False, value=0, low=0, high=5, lower=0, upper=11, samples=10, hits=0)
    monkeypatch.setattr(zopa_module, "count", lambda *a, **k: undecided)
    calls: list[int] = []

    def ask(tables, r, *, seed=0):  # type: ignore[no-untyped-def]
        calls.append(seed)
        return None, None

    monkeypatch.setattr(zopa_module, "exists", ask)
    z = zopa(coarse_grid(), seed=3)
    assert z.notes[0] == "whether any package is acceptable could not be decided within the search budget"
    assert calls and set(calls) == {3}


def test_a_least_move_search_that_gives_up_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the least-move search gives up, the package shown is only acceptable, and the
    note says so; when even existence is undecided, the note says that instead."""
    monkeypatch.setattr(zopa_module, "least_cost_package", lambda *a, **k: (None, False))
    z = zopa(coarse_grid())
    assert len(z.relaxations) == 2
    assert z.notes == (
        "relaxing A on x: min 41: the package shown is acceptable but may not need the least move",
        "relaxing B on x: max 49: the package shown is acceptable but may not need the least move",
    )
    monkeypatch.setattr(zopa_module, "exists", lambda *a, **k: (None, None))
    z = zopa(coarse_grid())
    assert z.relaxations == ()
    # nothing found with one line, so both lines together are tried too
    assert z.notes == tuple(
        f"could not decide within the search budget whether relaxing {lines} helps"
        for lines in ("A on x: min 41", "B on x: max 49", "A on x: min 41; B on x: max 49")
    )


# -- the relaxation search's budget, counted exactly ----------------------------------------------
def test_the_budget_counts_every_check() -> None:
    """The coarse grid has two single-line relaxations: 2 checks find both, 1 finds the
    first and says the search stopped."""
    z = zopa(coarse_grid(), max_checks=2)
    assert len(z.relaxations) == 2 and z.notes == ()
    z = zopa(coarse_grid(), max_checks=1)
    assert [x.red_lines[0].party for x in z.relaxations] == ["A"]
    assert z.notes == ("relaxation search stopped after 1 checks",)
