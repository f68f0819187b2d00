"""Nash, Kalai-Smorodinsky and utilitarian packages: analytic two-party cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.bargaining import utility_model
from negotia.bargaining.pareto import pareto_mask_bruteforce
from negotia.bargaining.report import analyse
from negotia.bargaining.solutions import kalai_point, nash_point, utilitarian_point
from tests.bargaining.bargaining_helpers import make_scenario

N = 1001  # grid points on the single issue: step 0.001 of the unit scale


def one_issue(loss: str, reservation: dict[str, float] | None = None):
    """A at 100, B at 0 on one 0-100 issue; utilities on the unit scale v are
    linear: u_A = v, u_B = 1 - v; quadratic: u_A = 1 - (1-v)^2, u_B = 1 - v^2."""
    sc = make_scenario({"A": {"x": 100}, "B": {"x": 0}}, loss=loss, reservation=reservation)
    m = utility_model(sc, resolution=N)
    idx = np.arange(m.space.size)
    return m, idx, m.utilities(idx)


def unit(m, index: int) -> float:
    return float(m.space.values(index)[0, 0] / 100.0)


def test_utilities_are_normalised_ideal_one_worst_zero() -> None:
    _, _, U = one_issue("quadratic")
    assert U[0, -1] == pytest.approx(1.0) and U[0, 0] == pytest.approx(0.0)
    assert U[1, 0] == pytest.approx(1.0) and U[1, -1] == pytest.approx(0.0)
    # quadratic loss: u_A(0.5) = 1 - 0.25
    assert U[0, 500] == pytest.approx(0.75)


def test_linear_symmetric_case_splits_the_difference() -> None:
    # Analytic: max v(1-v) at v = 1/2; KS: v = 1 - v.
    m, idx, U = one_issue("linear", {"A": 0.0, "B": 0.0})
    r = m.reservation
    assert unit(m, nash_point(idx, U, r).index) == pytest.approx(0.5)
    assert unit(m, kalai_point(idx, U, r).index) == pytest.approx(0.5)


def test_linear_with_reservation_moves_the_split() -> None:
    # Analytic (linear frontier u_A + u_B = 1): Nash = KS at u_A = (1 + r_A - r_B)/2.
    m, idx, U = one_issue("linear", {"A": 0.2, "B": 0.0})
    assert unit(m, nash_point(idx, U, m.reservation).index) == pytest.approx(0.6)
    assert unit(m, kalai_point(idx, U, m.reservation).index) == pytest.approx(0.6)


def test_quadratic_with_reservation_nash_and_kalai_differ_as_derived() -> None:
    # u_A = 2v - v^2, u_B = 1 - v^2, r_A = 0.75 (so v >= 1/2), r_B = 0.
    # Nash: d/dv [(2v - v^2 - 3/4)(1 - v^2)] = 0  <=>  2v^3 - 3v^2 - v/4 + 1 = 0
    # (root in (1/2, 1) ~ 0.7278).  KS: ideal u_A = 1, ideal u_B = 3/4 (at v = 1/2);
    # (u_A - 3/4)/(1/4) = u_B/(3/4)  <=>  2v^2 - 6v + 13/4 = 0  =>  v = (6 - sqrt(10))/4.
    m, idx, U = one_issue("quadratic", {"A": 0.75, "B": 0.0})
    roots = np.roots([2, -3, -0.25, 1])
    v_nash = float(next(x.real for x in roots if abs(x.imag) < 1e-12 and 0.5 < x.real < 1))
    v_ks = (6 - np.sqrt(10)) / 4
    step = 1.0 / (N - 1)
    assert abs(unit(m, nash_point(idx, U, m.reservation).index) - v_nash) <= step
    assert abs(unit(m, kalai_point(idx, U, m.reservation).index) - v_ks) <= step
    assert abs(v_nash - v_ks) > 10 * step  # the two solutions are told apart


def test_utilitarian_point_maximises_the_sum() -> None:
    # Quadratic, symmetric: u_A + u_B = 2v - 2v^2 + 1 - ... maximal at v = 1/2.
    m, idx, U = one_issue("quadratic", {"A": 0.0, "B": 0.0})
    assert unit(m, utilitarian_point(idx, U, m.reservation).index) == pytest.approx(0.5)


def test_no_individually_rational_package_gives_none() -> None:
    m, idx, U = one_issue("linear", {"A": 0.8, "B": 0.8})
    assert nash_point(idx, U, m.reservation) is None
    assert kalai_point(idx, U, m.reservation) is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), min_size=2, max_size=2),
    st.lists(st.floats(0.05, 1.0), min_size=4, max_size=4),
    st.sampled_from(["linear", "quadratic"]),
    st.floats(0.0, 0.6),
)
def test_nash_point_is_pareto_optimal_and_individually_rational(pos, sal, loss, res) -> None:
    (a1, a2), (b1, b2) = pos
    sc = make_scenario(
        {"A": {"x": a1, "y": a2}, "B": {"x": b1, "y": b2}},
        {"A": {"x": sal[0], "y": sal[1]}, "B": {"x": sal[2], "y": sal[3]}},
        loss=loss,
        reservation={"A": res, "B": 0.0},
    )
    m = utility_model(sc, resolution=11)
    idx = np.arange(m.space.size)
    U = m.utilities(idx)
    result = analyse(m)
    if result.nash is None:  # only possible if no package gives A its reservation
        assert (U[0] < res - 1e-12).all()
        return
    j = result.nash.index
    assert np.all(U[:, j] >= m.reservation - 1e-12)
    assert pareto_mask_bruteforce(U)[j]
    # and it maximises the Nash product over the whole enumeration
    ok = np.all((U - m.reservation[:, None]) >= -1e-12, axis=0)
    prod = np.where(ok, np.prod(U - m.reservation[:, None], axis=0), -1)
    assert prod[j] == pytest.approx(prod.max(), abs=1e-12)
