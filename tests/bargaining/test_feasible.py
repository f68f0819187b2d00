"""The feasibility kernel against the enumerating ZOPA and against analytic cases.

The ZOPA of :mod:`negotia.bargaining.zopa` enumerates a grid of packages, so it can only
find fewer packages than the continuous kernel: a package it finds proves a zone, and
the kernel must agree; on one issue the kernel's zone is an exact interval, so the
enumeration finds a package exactly when a grid option lies inside it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.bargaining import utility_model, zopa
from negotia.bargaining.consent import consent_of, consent_rows
from negotia.bargaining.feasible import issue_zones, red_line_box, settle
from negotia.scenario.arrays import ScenarioArrays
from tests.bargaining.bargaining_helpers import make_scenario


def rows_of(sc):
    return consent_rows(consent_of(sc), ScenarioArrays.from_scenario(sc))


@st.composite
def small_cases(draw, max_issues: int = 3):
    n_parties = draw(st.integers(2, 3))
    issues = [f"i{k}" for k in range(draw(st.integers(1, max_issues)))]
    actors = [f"P{j}" for j in range(n_parties)]
    pos = st.integers(0, 100)
    positions = {a: {i: draw(pos) for i in issues} for a in actors}
    saliences = {a: {i: draw(st.integers(1, 10)) / 10 for i in issues} for a in actors}
    red = []
    for a in actors:
        for i in issues:
            kind = draw(st.sampled_from(["none", "min", "max", "both"]))
            lo, hi = sorted((draw(pos), draw(pos)))
            if kind in ("min", "both"):
                red.append({"actor": a, "issue": i, "min": lo} | ({"max": hi} if kind == "both" else {}))
            elif kind == "max":
                red.append({"actor": a, "issue": i, "max": hi})
    sq = {i: draw(st.one_of(st.none(), pos)) for i in issues}
    loss = draw(st.sampled_from(["linear", "quadratic"]))
    return make_scenario(positions, saliences, red_lines=red, loss=loss, status_quo=sq, required=actors)


def utilities(sc, values: np.ndarray) -> np.ndarray:
    """Each party's utility of a package (issue scale), written out from the formula in
    the docstring of negotia.bargaining.utility, and its reservation value."""
    out, res = [], []
    for a in sc.required_parties:
        st_ = [sc.stance(a, i.id) for i in sc.issues]
        w = np.array([s.salience for s in st_])
        w = w / w.sum()
        x = np.array([s.position for s in st_]) / 100
        L = (lambda d: np.abs(d)) if sc.loss == "linear" else (lambda d: d * d)
        worst = L(np.maximum(x, 1 - x))
        out.append(float((w * (1 - L(values / 100 - x) / worst)).sum()))
        r = 0.0
        for k, i in enumerate(sc.issues):
            if i.status_quo is not None:
                r += w[k] * (1 - L(i.status_quo / 100 - x[k]) / worst[k])
        res.append(r)
    return np.array(out), np.array(res)


@settings(max_examples=150)
@given(small_cases())
def test_a_package_the_enumeration_finds_proves_a_zone_and_the_kernel_finds_one(sc) -> None:
    z = zopa(utility_model(sc, resolution=6), max_relaxed=0)
    f = settle(rows_of(sc))
    if not z.empty:
        assert f.feasible[0]
    if f.feasible[0]:
        # The kernel's package is a certificate: inside every red line, and every party
        # gets at least its reservation value (checked with the formula, not the kernel).
        v = f.point[0] * 100
        for r in sc.red_lines:
            assert (
                r.accepts(v[sc.issue_ids.index(r.issue)])
                or abs(v[sc.issue_ids.index(r.issue)] - (r.min if r.min is not None else r.max)) < 1e-6
            )
        u, res = utilities(sc, v)
        assert np.all(u >= res - 1e-9)


@settings(max_examples=150)
@given(small_cases(max_issues=1))
def test_one_issue_zone_is_exact_against_the_enumeration(sc) -> None:
    model = utility_model(sc, resolution=21)
    z = zopa(model, max_relaxed=0)
    zones = issue_zones(rows_of(sc))
    values = model.space.issues[0].values
    if zones.exists[0, 0]:
        inside = (values >= 100 * zones.lo[0, 0] - 1e-6) & (values <= 100 * zones.hi[0, 0] + 1e-6)
    else:
        inside = np.zeros_like(values, dtype=bool)
    # Options at the zone's very edge are decided by float rounding on both sides.
    edge = np.isclose(values, 100 * np.nan_to_num(zones.lo[0, 0]), atol=1e-6) | np.isclose(
        values, 100 * np.nan_to_num(zones.hi[0, 0]), atol=1e-6
    )
    if not (inside & edge).any():
        assert (z.size > 0) == bool(inside.any())


@settings(max_examples=100)
@given(small_cases(max_issues=1))
def test_settle_on_one_issue_agrees_with_the_closed_form(sc) -> None:
    rows = rows_of(sc)
    assert settle(rows).feasible[0] == issue_zones(rows).exists[0, 0]


def test_disjoint_red_lines_name_both_rows() -> None:
    sc = make_scenario(
        {"A": {"x": 20}, "B": {"x": 90}},
        red_lines=[{"actor": "A", "issue": "x", "max": 30}, {"actor": "B", "issue": "x", "min": 70}],
    )
    rows = rows_of(sc)
    box = red_line_box(rows)
    assert box.empty[0, 0]
    assert {rows.labels[box.low_row[0, 0]], rows.labels[box.high_row[0, 0]]} == {"A", "B"}
    assert not settle(rows).feasible[0]


def test_logrolling_two_issues_settle_together_but_neither_alone() -> None:
    """Analytic case: A cares about x (0.9) and B about y (0.9), each wants its issue
    moved from the status quo 50 towards its side and is opposed on the other.  Alone,
    either issue moving makes one party worse off than no deal (zone = the status quo
    only, which a red line excludes); together, trading x for y leaves both better off."""
    sc = make_scenario(
        {"A": {"x": 100, "y": 0}, "B": {"x": 0, "y": 100}},
        {"A": {"x": 0.9, "y": 0.1}, "B": {"x": 0.1, "y": 0.9}},
        status_quo={"x": 50, "y": 50},
        red_lines=[{"actor": "A", "issue": "x", "min": 60}, {"actor": "B", "issue": "y", "min": 60}],
        loss="quadratic",
    )
    rows = rows_of(sc)
    assert not issue_zones(rows).exists[0].any()
    f = settle(rows)
    assert f.feasible[0]
    u, res = utilities(sc, f.point[0] * 100)
    assert np.all(u >= res - 1e-12)


def test_reservation_blockers_are_the_certificate_rows() -> None:
    """Opposed parties, status quo outside a red line: no package is better than no deal
    for B, so both reservation values (the certificate) block."""
    sc = make_scenario(
        {"A": {"x": 100, "y": 100}, "B": {"x": 0, "y": 0}},
        status_quo={"x": 20, "y": 20},
        red_lines=[{"actor": "A", "issue": "x", "min": 40}],
        loss="quadratic",
    )
    f = settle(rows_of(sc))
    assert not f.feasible[0]
    assert not f.red_lines[0].any()
    assert f.blocking[0].tolist() == [False, True] or f.blocking[0].all()


def test_batch_answers_equal_one_by_one() -> None:
    sc = make_scenario(
        {"A": {"x": 80, "y": 10}, "B": {"x": 10, "y": 70}, "C": {"x": 50, "y": 50}},
        status_quo={"x": 30, "y": 40},
        red_lines=[{"actor": "A", "issue": "x", "min": 50}],
        loss="quadratic",
        required=["A", "B", "C"],
    )
    from negotia.ensemble.perturb import perturb

    arrays = perturb(sc, 300, seed=3)
    rows = consent_rows(consent_of(sc), arrays)
    whole = settle(rows).feasible
    single = [settle(rows.take(np.array([b]))).feasible[0] for b in range(0, 300, 7)]
    assert whole[::7].tolist() == single
    assert 0 < whole.mean() < 1
