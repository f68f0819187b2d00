"""ZOPA, its diagnosis, and index stability under red-line masks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.bargaining import utility_model, zopa
from negotia.bargaining.report import analyse
from negotia.bargaining.solutions import nash_point
from negotia.bargaining.utility import RedLineBound
from negotia.errors import InputError, ParameterError, UnknownNameError
from tests.bargaining.bargaining_helpers import make_scenario


def deadlock():
    """Hand-made case: A's red line on x is max 30, B's min 70 (40 points apart); on y
    A needs at least 50 and B at most 60 (compatible).  Grid step 10 on 0-100.
    The only minimal relaxations are A's or B's line on x, each moving 40 points."""
    sc = make_scenario(
        {"A": {"x": 20, "y": 80}, "B": {"x": 90, "y": 40}},
        red_lines=[
            {"actor": "A", "issue": "x", "max": 30},
            {"actor": "B", "issue": "x", "min": 70},
            {"actor": "A", "issue": "y", "min": 50},
            {"actor": "B", "issue": "y", "max": 60},
        ],
        reservation={"A": 0.0, "B": 0.0},
    )
    return utility_model(sc, resolution=11)


def test_diagnosis_names_the_conflict_and_the_minimal_relaxations() -> None:
    z = zopa(deadlock())
    assert z.empty and z.n_within_red_lines == 0
    assert len(z.conflicts) == 1
    c = z.conflicts[0]
    assert (c.issue, c.high_party, c.high_min, c.low_party, c.low_max, c.gap) == ("x", "B", 70, "A", 30, 40)
    relaxed = {tuple((r.party, r.issue) for r in x.red_lines) for x in z.relaxations}
    assert relaxed == {(("A", "x"),), (("B", "x"),)}
    for x in z.relaxations:
        (m,) = x.moves
        assert m.distance == pytest.approx(40)
        assert m.to == pytest.approx(70 if m.party == "A" else 30)
    text = " ".join(z.sentences())
    assert "No package satisfies both A and B" in text
    assert "B's red line on x (min 70) and A's (max 30) are 40 points apart" in text


def test_reservation_values_can_block_without_red_lines() -> None:
    sc = make_scenario({"A": {"x": 0}, "B": {"x": 100}}, reservation={"A": 0.7, "B": 0.7})
    z = zopa(utility_model(sc, resolution=11))
    assert z.empty and z.n_within_red_lines == 11 and z.reservation_blocks
    assert "reservation value" in " ".join(z.sentences())


def test_nonempty_zopa_counts_packages() -> None:
    sc = make_scenario(
        {"A": {"x": 0}, "B": {"x": 100}},
        red_lines=[{"actor": "A", "issue": "x", "max": 60}, {"actor": "B", "issue": "x", "min": 40}],
        reservation={"A": 0.0, "B": 0.0},
    )
    z = zopa(utility_model(sc, resolution=11))
    assert not z.empty and z.size == 3 and z.n_within_red_lines == 3  # 40, 50, 60


def test_red_line_mask_never_shifts_indices() -> None:
    # With red lines, every index reported must be the package's number in the
    # *original* enumeration: compare with a brute-force search over all packages.
    sc = make_scenario(
        {"A": {"x": 10, "y": 90, "z": 50}, "B": {"x": 80, "y": 20, "z": 60}},
        {"A": {"x": 0.9, "y": 0.3, "z": 0.5}, "B": {"x": 0.2, "y": 0.8, "z": 0.6}},
        red_lines=[{"actor": "A", "issue": "x", "max": 40}, {"actor": "B", "issue": "y", "max": 50}],
        reservation={"A": 0.0, "B": 0.0},
        loss="quadratic",
    )
    m = utility_model(sc, resolution=7)
    r = analyse(m)
    assert not r.ignored
    all_idx = np.arange(m.space.size)
    U = m.utilities(all_idx)
    inside = m.acceptable(all_idx)
    expected = nash_point(all_idx[inside], U[:, inside], m.reservation)
    assert r.nash.index == expected.index
    vals = m.space.values(r.nash.index)[0]
    assert vals[0] <= 40 and vals[1] <= 50
    assert tuple(r.nash.utilities.values()) == pytest.approx(tuple(U[:, r.nash.index]))
    for i in r.frontier:
        assert m.acceptable(i)[0]
    # the masked position of the Nash package differs from its index: a shifting bug
    # would be visible here
    assert int(np.flatnonzero(np.flatnonzero(inside) == r.nash.index)[0]) != r.nash.index


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 100),
    st.integers(0, 100),
    st.sampled_from(["A", "B"]),
    st.sampled_from(["x", "y"]),
    st.integers(0, 100),
    st.booleans(),
)
def test_adding_a_red_line_never_enlarges_the_zopa(a, b, who, issue, bound, is_min) -> None:
    base = deadlock()
    lines = tuple(r for r in base.red_lines if r.issue != "x")  # an open ZOPA to start from
    m0 = base.with_red_lines(lines)
    extra = RedLineBound(who, issue, bound if is_min else None, None if is_min else bound)
    m1 = base.with_red_lines((*lines, extra))
    z0, z1 = zopa(m0), zopa(m1)
    assert z1.size <= z0.size
    assert z1.n_within_red_lines <= z0.n_within_red_lines


def test_bad_reservation_and_parties_are_clear_errors() -> None:
    sc = make_scenario({"A": {"x": 0}, "B": {"x": 100}}, reservation={"A": 1.5, "C": 0.1})
    with pytest.raises(InputError) as e:
        utility_model(sc)
    assert "metadata.reservation.A" in str(e.value) and "metadata.reservation.C" in str(e.value)
    ok = make_scenario({"A": {"x": 0}, "B": {"x": 100}})
    with pytest.raises(UnknownNameError, match="unknown party 'Z'"):
        utility_model(ok, ["A", "Z"])
    with pytest.raises(ParameterError, match="at least two"):
        utility_model(ok, ["A"])
    with pytest.raises(ParameterError, match="resolution"):
        utility_model(ok, resolution=1)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 3))
def test_analysis_equals_brute_force_over_the_enumeration(seed: int, n_parties: int) -> None:
    # Random 2-3 issue scenarios with random red lines: ZOPA size, frontier, Nash and
    # Kalai packages must equal a search over every package of the original numbering.
    from negotia.bargaining.pareto import pareto_mask_bruteforce
    from negotia.bargaining.solutions import kalai_point

    rng = np.random.default_rng(seed)
    actors = ["A", "B", "C"][:n_parties]
    issues = ["x", "y", "z"][: int(rng.integers(1, 4))]
    pos = {a: {i: float(rng.integers(0, 101)) for i in issues} for a in actors}
    sal = {a: {i: float(rng.uniform(0.05, 1)) for i in issues} for a in actors}
    lines = []
    for a in actors:
        if rng.random() < 0.6:
            i = str(rng.choice(issues))
            lo = float(rng.integers(0, 60))
            lines.append({"actor": a, "issue": i, "min": lo, "max": lo + float(rng.integers(20, 60))})
    res = {a: float(rng.uniform(0, 0.5)) for a in actors}
    sc = make_scenario(pos, sal, red_lines=lines, reservation=res, required=actors, loss="quadratic")
    m = utility_model(sc, resolution=6)
    idx = np.arange(m.space.size)
    U = m.utilities(idx)
    ok = m.acceptable(idx) & np.all((U - m.reservation[:, None]) >= -1e-12, axis=0)
    z = zopa(m)
    assert z.size == int(ok.sum())
    r = analyse(m)
    if z.empty:
        assert r.ignored
        return
    front = idx[ok][pareto_mask_bruteforce(U[:, ok])]
    assert sorted(r.frontier) == sorted(front.tolist())
    assert r.nash.index == nash_point(idx[ok], U[:, ok], m.reservation).index
    assert r.kalai.index == kalai_point(idx[ok], U[:, ok], m.reservation).index
