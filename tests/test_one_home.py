"""One home per concept (ARCHITECTURE.md): every caller gives the same answer as the home.

These are behaviour tests: each feeds the same edge case to the concept's home and to
every place that uses it, and checks that all agree -- a second, drifting copy of the
rule would fail them.  The expected values are analytic (the definitions themselves).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from negotia.bargaining.space import IssueOptions, OutcomeSpace
from negotia.bargaining.utility import RedLineBound, _masks
from negotia.cli.common import json_text as cli_json_text
from negotia.ensemble.montecarlo import summarise_issue
from negotia.jsonable import json_text, to_jsonable
from negotia.models.base import WEIGHTING, WEIGHTING_SCHEMES, Forecast, weight_factors, weights_for
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.redlines import RED_LINE_ATOL, within
from negotia.scenario.scale import to_scale, to_unit
from negotia.scenario.schema import Scenario

# -- JSON cleaning -----------------------------------------------------------------------

_leaf = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(np.float32),
    st.integers(-100, 100).map(np.int64),
)
_tree = st.recursive(
    _leaf,
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.tuples(kids, kids)
        | st.dictionaries(st.text(max_size=3), kids, max_size=3)
    ),
    max_leaves=12,
)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and b is None)
    return a == b


@given(_tree)
def test_jsonable_is_strict_json_and_keeps_every_finite_number(x: object) -> None:
    text = json_text(x)  # raises on NaN (allow_nan=False) if anything slipped through
    back = json.loads(text)
    assert back == json.loads(json.dumps(to_jsonable(x)))

    def check(orig: object, got: object) -> None:
        if isinstance(orig, dict):
            assert list(got) == [str(k) for k in orig]
            for k, v in orig.items():
                check(v, got[str(k)])
        elif isinstance(orig, list | tuple):
            assert len(got) == len(orig)
            for v, g in zip(orig, got, strict=True):
                check(v, g)
        elif isinstance(orig, float | np.floating):
            assert (got is None) == (not math.isfinite(orig))
            if got is not None:
                assert got == float(orig)
        else:
            assert got == (orig.item() if isinstance(orig, np.generic) else orig)

    check(x, back)


def test_command_line_json_and_results_clean_alike() -> None:
    """The CLI's --format json, a forecast's to_dict and a summary's to_dict share the rule."""
    data = {"a": [1.5, float("nan"), np.float32(0.25), -np.inf], "b": np.array([np.nan, 2.0])}
    assert cli_json_text(data) == json_text(data)
    assert json.loads(cli_json_text(data)) == {"a": [1.5, None, 0.25, None], "b": [None, 2.0]}
    fc = Forecast(
        model="m",
        issue_ids=("i",),
        scale_min=np.array([0.0]),
        scale_max=np.array([1.0]),
        outcome=np.array([[np.nan]]),
    )
    d = fc.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["outcome"]["__ndarray__"] == [[None]]
    assert np.isnan(Forecast.from_dict(d).outcome[0, 0])


# -- the red-line test -------------------------------------------------------------------


def _scenario(lo: float, hi: float, bound: float) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "red line edge",
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
            "issues": [{"id": "x", "name": "x", "scale": {"min": lo, "max": hi}}],
            "stances": [
                {"actor": "A", "issue": "x", "position": lo, "salience": 1},
                {"actor": "B", "issue": "x", "position": hi, "salience": 1},
            ],
            "red_lines": [{"actor": "A", "issue": "x", "max": bound}],
        }
    )


@pytest.mark.parametrize("lo, hi", [(0.0, 1.0), (0.0, 100.0), (-5.0, 1000.0)])
@pytest.mark.parametrize("offset, crosses", [(0.0, False), (0.4, False), (-3.0, False), (3.0, True)])
def test_one_red_line_test_with_one_tolerance(lo: float, hi: float, offset: float, crosses: bool) -> None:
    """A value ``offset`` tolerances past a red line crosses it for every consumer or none."""
    span = hi - lo
    bound = lo + 0.5 * span
    value = bound + offset * RED_LINE_ATOL * span
    sc = _scenario(lo, hi, bound)
    # the scenario's own test
    assert (sc.red_line_crossings("x", value) == ["A"]) is crosses
    assert sc.red_lines[0].accepts(value, span) is not crosses
    # the bargaining masks over a one-option space
    option = IssueOptions("x", "x", np.array([value]), ("v",), scale_min=lo, scale_max=hi)
    (mask,) = _masks(OutcomeSpace((option,)), ("A",), (RedLineBound("A", "x", None, bound),))
    assert bool(mask[0, 0]) is not crosses
    # the Monte Carlo risk, on the unit scale the ensemble works on
    unit = to_unit(np.array([value]), lo, hi)
    umax = float(to_unit(bound, lo, hi))
    s = summarise_issue(np.array([value]), lo, hi, value, [("A", None, bound, -np.inf, umax)], unit)
    assert s.red_lines[0].probability == (1.0 if crosses else 0.0)
    # and the home itself
    assert within(value, None, bound, span) is not crosses


# -- scale mapping -----------------------------------------------------------------------


@given(
    st.floats(-1e3, 1e3),
    st.floats(0.1, 1e6),
    st.lists(st.floats(0, 1), min_size=1, max_size=5),
)
def test_every_result_maps_the_unit_scale_alike(lo: float, width: float, units: list[float]) -> None:
    hi = lo + width
    u = np.array(units)[:, None]
    sc = _scenario(lo, hi, lo + width / 2)
    arrays = ScenarioArrays.from_scenario(sc)
    fc = Forecast(model="m", issue_ids=("x",), scale_min=np.array([lo]), scale_max=np.array([hi]), outcome=u)
    expected = to_scale(u, lo, hi)
    np.testing.assert_array_equal(arrays.to_scale(u), expected)
    np.testing.assert_array_equal(fc.on_scale(), expected)
    np.testing.assert_array_equal(arrays.from_scale(expected), to_unit(expected, lo, hi))
    np.testing.assert_allclose(to_unit(expected, lo, hi), u, atol=1e-9)
    # the stance at the top of the scale is 1 on the unit scale (analytic)
    assert arrays.position[0, 1, 0] == 1.0


# -- weighting and salience ------------------------------------------------------------------


def test_weighting_table_is_the_parameter_choices() -> None:
    assert WEIGHTING.choices == tuple(WEIGHTING_SCHEMES)


@given(st.integers(0, 2**32 - 1), st.sampled_from(sorted(WEIGHTING_SCHEMES)), st.booleans())
def test_weights_are_the_product_of_their_factors(seed: int, scheme: str, absent: bool) -> None:
    rng = np.random.default_rng(seed)
    shape = (2, 3, 4)
    present = np.ones(shape, dtype=bool)
    if absent:
        present[0, 1, 2] = False
    arrays = ScenarioArrays(
        actor_ids=("a", "b", "c"),
        issue_ids=("1", "2", "3", "4"),
        position=rng.random(shape),
        salience=rng.random(shape),
        capability=rng.random(shape),
        present=present,
        scale_min=np.zeros(4),
        scale_max=np.ones(4),
        status_quo=np.full(4, np.nan),
        red_min=np.full((3, 4), -np.inf),
        red_max=np.full((3, 4), np.inf),
    )
    product = np.ones(shape)
    for f in weight_factors(arrays, scheme):
        product = product * f
    np.testing.assert_allclose(weights_for(arrays, scheme), product * present, rtol=1e-15)
    if scheme == "capability_salience":  # the literature's default (Bueno de Mesquita 1994)
        np.testing.assert_allclose(weights_for(arrays, scheme), arrays.weight, rtol=1e-15)


def test_salience_on_0_100_is_rescaled_once_for_objects_and_files(tmp_path) -> None:
    from negotia.scenario.formats import load_scenario

    data = {
        "name": "percent",
        "salience_scale": 100,
        "actors": [{"id": "A", "capability": 1}],
        "issues": [{"id": "x", "name": "x", "scale": {"min": 0, "max": 10}}],
        "stances": [
            {"actor": "A", "issue": "x", "position": 3, "salience": 37, "uncertainty": {"salience": 5}}
        ],
    }
    path = tmp_path / "percent.json"
    path.write_text(json.dumps(data))
    for sc in (Scenario.model_validate(data), load_scenario(path)):
        (s,) = sc.stances
        assert s.salience == 37 / 100.0
        assert s.uncertainty is not None and s.uncertainty.salience == 5 / 100.0
