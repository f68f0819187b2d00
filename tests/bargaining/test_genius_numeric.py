"""GENIUS integer and real issues, GeniusWeb number issues: read at a stated resolution.

Issue 11 item 7: these issues were refused.  The utilities are checked against the
evaluator formulas of the GENIUS source (``EvaluatorInteger.getEvaluation``:
``offset + slope * (v - lowerbound)`` clipped to [0, 1]; ``EvaluatorReal`` with
``EVALFUNCTYPE.evalLinear`` = ``parameter1 * v + parameter0`` and ``evalTriangular``) and
GeniusWeb's ``NumberValueSetUtilities.getUtility`` (linear between the low and high
value, 0 outside), written out by hand for each case; the bargaining solutions are
analytic (Nash and Kalai of two opposed linear utilities on one issue lie at the middle).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.api import bargaining_space
from negotia.bargaining import genius
from negotia.bargaining.genius.numeric import DEFAULT_POINTS
from negotia.errors import InputError, ParameterError
from tests.conftest import run_cli

DOMAIN = """<negotiation_template><utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="price" etype="integer" type="integer" lowerbound="{lo}" upperbound="{hi}"/>
<issue index="2" name="share" etype="real" type="real" vtype="real">
  <range lowerbound="0.0" upperbound="1.0"/>
</issue>
</objective></utility_space></negotiation_template>"""

PROFILE = """<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="price" etype="integer" type="integer" lowerbound="{lo}" upperbound="{hi}">
  <evaluator ftype="linear" slope="{slope}" offset="{offset}"/>
</issue>
<issue index="2" name="share" etype="real" type="real" vtype="real">
  <range lowerbound="0.0" upperbound="1.0"/>
  {real}
</issue>
<weight index="1" value="{w1}"/>
<weight index="2" value="{w2}"/>
</objective></utility_space>"""


def _write(folder: Path, lo: int = 0, hi: int = 10, buyer_real: str = "", seller_real: str = "") -> Path:
    (folder / "Market_domain.xml").write_text(DOMAIN.format(lo=lo, hi=hi))
    span = hi - lo
    buyer_real = buyer_real or '<evaluator ftype="linear" parameter0="1.0" parameter1="-1.0"/>'
    seller_real = seller_real or '<evaluator ftype="linear" parameter0="0.0" parameter1="1.0"/>'
    (folder / "Buyer.xml").write_text(
        PROFILE.format(lo=lo, hi=hi, slope=-1 / span, offset=1.0, real=buyer_real, w1=0.5, w2=0.5)
    )
    (folder / "Seller.xml").write_text(
        PROFILE.format(lo=lo, hi=hi, slope=1 / span, offset=0.0, real=seller_real, w1=0.5, w2=0.5)
    )
    return folder / "Market_domain.xml"


def test_a_short_integer_range_is_read_exactly_and_says_nothing(tmp_path: Path) -> None:
    dom = genius.read_genius_domain(_write(tmp_path, 0, 10))
    assert dict(dom.issues)["price"] == tuple(str(v) for v in range(11))
    price = dom.numeric_issue("price")
    assert price is not None and price.exact
    # The real issue is a continuum: read at the default number of values, and said so.
    assert dict(dom.issues)["share"] == (
        "0",
        "0.1",
        "0.2",
        "0.3",
        "0.4",
        "0.5",
        "0.6",
        "0.7",
        "0.8",
        "0.9",
        "1",
    )
    assert len(dom.notes()) == 1 and "real issue 'share'" in dom.notes()[0]
    assert f"read at {DEFAULT_POINTS} evenly spaced values" in dom.notes()[0]


def test_a_long_integer_range_is_read_at_the_resolution_and_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, 0, 100)
    dom = genius.read_genius_domain(path)
    assert dict(dom.issues)["price"] == tuple(str(v) for v in range(0, 101, 10))
    note = dom.notes()[0]
    assert "integer issue 'price' (101 values on [0, 100]) read at 11" in note
    dom21 = genius.read_genius_domain(path, points={"price": 21})
    assert dict(dom21.issues)["price"] == tuple(str(v) for v in range(0, 101, 5))


def test_integer_evaluator_follows_the_genius_formula(tmp_path: Path) -> None:
    path = _write(tmp_path, 20, 30)
    dom = genius.read_genius_domain(path)
    buyer = genius.read_genius_profile(tmp_path / "Buyer.xml", dom)
    # offset 1, slope -1/10 from the lower bound 20: u(20) = 1, u(25) = 0.5, u(30) = 0
    assert buyer.utilities[0] == pytest.approx([1 - k / 10 for k in range(11)])
    # Values are measured from the lower bound, not from zero (a raw 25 * -0.1 + 1 would clip to 0).
    assert buyer.utilities[0][5] == pytest.approx(0.5)


def test_older_integer_and_real_evaluators(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        buyer_real='<evaluator ftype="triangular" parameter0="0.2" parameter1="1.0" parameter2="0.6"/>',
        seller_real='<evaluator ftype="constant" parameter0="0.3"/>',
    )
    text = (tmp_path / "Seller.xml").read_text()
    # The older integer form: u(v) = parameter1 * v + parameter0, clipped (v itself, not v - lower).
    text = text.replace('slope="0.1" offset="0.0"', 'parameter0="-0.5" parameter1="0.2"')
    (tmp_path / "Seller.xml").write_text(text)
    dom = genius.read_genius_domain(path)
    buyer = genius.read_genius_profile(tmp_path / "Buyer.xml", dom)
    seller = genius.read_genius_profile(tmp_path / "Seller.xml", dom)
    # triangle from 0.2 up to 1 at 0.6 and down to 0 at 1.0, on 0, 0.1, ..., 1
    expect = [0, 0, 0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0]
    assert buyer.utilities[1] == pytest.approx(expect)
    assert seller.utilities[1] == pytest.approx([0.3] * 11)
    assert seller.utilities[0] == pytest.approx([min(1.0, max(0.0, 0.2 * v - 0.5)) for v in range(11)])


def test_bargaining_over_numeric_issues_meets_in_the_middle(tmp_path: Path) -> None:
    # Two opposed linear utilities on each issue with equal weights: the packages where
    # price and share sum to one value are all tied; Nash and Kalai give each party 1/2.
    r = bargaining_space(_write(tmp_path, 0, 10))
    assert r.nash.utilities["Buyer"] == pytest.approx(0.5)
    assert r.nash.utilities["Seller"] == pytest.approx(0.5)
    assert r.kalai.utilities["Buyer"] == pytest.approx(r.kalai.utilities["Seller"])
    assert any("real issue 'share'" in n for n in r.notes)


def test_cli_states_the_resolution(tmp_path: Path) -> None:
    path = _write(tmp_path, 0, 1000)
    res = run_cli("bargain", str(path), "--resolution", "5")
    assert res.returncode == 0, res.stderr
    flat = " ".join((res.stdout + res.stderr).split())
    assert "integer issue 'price' (1,001 values on [0, 1000]) read at 5 evenly spaced values" in flat
    bad = run_cli("bargain", str(path), "--resolution", "anchors")
    assert bad.returncode == 2 and "applies to negotia scenarios" in " ".join(bad.stderr.split())
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ('lowerbound="0" upperbound="x"', "needs finite lowerbound and upperbound"),
        ('lowerbound="5" upperbound="1"', "lowerbound 5 is above upperbound 1"),
        ('lowerbound="0.5" upperbound="3"', "non-integer bounds"),
    ],
)
def test_bad_integer_bounds_name_the_issue(tmp_path: Path, domain: str, message: str) -> None:
    path = _write(tmp_path)
    path.write_text(path.read_text().replace('lowerbound="0" upperbound="10"', domain))
    with pytest.raises(InputError) as e:
        genius.read_genius_domain(path)
    assert "issue 'price'" in str(e.value) and message in str(e.value)


def test_bad_evaluators_name_the_file_and_issue(tmp_path: Path) -> None:
    path = _write(tmp_path, buyer_real='<evaluator ftype="faratin" parameter0="1"/>')
    with pytest.raises(InputError) as e:
        genius.load_model(str(path))
    text = str(e.value)
    assert "Buyer.xml: issue 'share'" in text and "ftype 'faratin' is not supported" in text
    path = _write(tmp_path, buyer_real=" ")
    with pytest.raises(InputError, match="real issue has no <evaluator>"):
        genius.load_model(str(path))
    with pytest.raises(InputError, match="resolution must be at least 2"):
        genius.read_genius_domain(path, points=1)
    with pytest.raises(ParameterError, match="applies to negotia scenarios"):
        bargaining_space(path, resolution="anchors")


def _geniusweb(folder: Path) -> Path:
    domain = {"name": "deal", "issuesValues": {"volume": {"range": {"low": 0, "high": 100, "step": 0.5}}}}
    (folder / "deal.json").write_text(json.dumps(domain))
    for name, (lu, hu) in {"a": (0.0, 1.0), "b": (1.0, 0.2)}.items():
        prof = {
            "LinearAdditiveUtilitySpace": {
                "name": name,
                "domain": domain,
                "issueWeights": {"volume": 1},
                "issueUtilities": {
                    "volume": {
                        "numberutils": {"lowValue": 0, "lowUtility": lu, "highValue": 100, "highUtility": hu}
                    }
                },
                "reservationBid": {"issuevalues": {"volume": 37.5}},
            }
        }
        (folder / f"{name}.json").write_text(json.dumps(prof))
    return folder / "deal.json"


def test_geniusweb_number_issue(tmp_path: Path) -> None:
    path = _geniusweb(tmp_path)
    dom = genius.read_geniusweb_domain(path, points=5)
    assert dict(dom.issues)["volume"] == ("0", "25", "50", "75", "100")
    assert "number issue 'volume' (201 values on [0, 100]) read at 5" in dom.notes()[0]
    a = genius.read_geniusweb_profile(tmp_path / "a.json", dom)
    b = genius.read_geniusweb_profile(tmp_path / "b.json", dom)
    assert a.utilities[0] == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    assert b.utilities[0] == pytest.approx([1, 0.8, 0.6, 0.4, 0.2])
    # The reservation bid's 37.5 is not a kept value; its utility comes from the formula.
    assert a.reservation == pytest.approx(0.375)
    assert b.reservation == pytest.approx(1 - 0.8 * 0.375)
    model, _ = genius.load_model(str(path), points=5)
    assert model.space.issues[0].ordered and model.space.issues[0].values.tolist() == [0, 25, 50, 75, 100]


@settings(max_examples=60, deadline=None)
@given(
    lo=st.integers(-1000, 1000),
    span=st.integers(0, 5000),
    n=st.integers(2, 60),
    slope=st.floats(-2, 2, allow_nan=False),
    offset=st.floats(-1, 2, allow_nan=False),
)
def test_integer_reading_invariants(lo: int, span: int, n: int, slope: float, offset: float) -> None:
    import xml.etree.ElementTree as ET

    from negotia.bargaining.genius import numeric as gn

    el = ET.fromstring(f'<issue name="p" etype="integer" lowerbound="{lo}" upperbound="{lo + span}"/>')
    num, problems = gn.from_xml(el, "integer", "p", n)
    assert not problems and num is not None
    v = np.asarray(num.values)
    # ends kept, increasing, integers, as many as asked or all of them
    assert v[0] == lo and v[-1] == lo + span
    assert (np.diff(v) > 0).all() and all(float(x).is_integer() for x in v)
    assert len(v) == min(n, span + 1)
    assert num.exact == (len(v) == span + 1)
    ev = ET.fromstring(f'<issue><evaluator ftype="linear" slope="{slope!r}" offset="{offset!r}"/></issue>')
    u, problems = gn.evaluate_xml(ev, num, "p")
    assert not problems and u is not None
    assert ((u >= 0) & (u <= 1)).all()
    assert np.allclose(u, np.clip(offset + slope * (v - lo), 0, 1))
