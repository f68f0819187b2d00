"""Combining the prior with the bargaining-space evidence: the properties the docs state.

The default is "a zone is necessary, not sufficient": P(deal) = P(zone) x P(settle | zone)
with P(settle | zone) = π / (π + (1 - π)(1 - c)) (Bayes' rule with sensitivity 1); the
general form is Bayes' rule with the analysis's finding as a diagnostic test and its
probability as soft evidence (Jeffrey 1965).  The expected figures below are worked by
hand from these formulas.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.agreement import agreement_prior, combine_evidence, combine_with_zone, conditionals
from negotia.agreement.combine import expected_zone, sensitivity_table
from negotia.errors import ParameterError

prob = st.floats(0.0, 1.0)
inner = st.floats(0.001, 0.999)
SETTINGS = settings(max_examples=200, deadline=None)


def test_hand_worked_case():
    # π = 0.4, s = 0.8, c = 0.5: P(A|Z) = 0.32 / (0.32 + 0.6 * 0.5) = 0.32 / 0.62;
    # P(A|not Z) = 0.08 / (0.08 + 0.3) = 0.08 / 0.38; with z = 0.25 the mix of the two.
    kw = {"sensitivity": 0.8, "specificity": 0.5}
    if_zone, if_none = conditionals(0.4, **kw)
    assert if_zone == pytest.approx(0.32 / 0.62)
    assert if_none == pytest.approx(0.08 / 0.38)
    assert combine_with_zone(0.4, 0.25, **kw) == pytest.approx(0.25 * 0.32 / 0.62 + 0.75 * 0.08 / 0.38)


def test_the_default_a_zone_is_necessary():
    # π = 0.4, c = 0.5: P(settle | zone) = 0.4 / (0.4 + 0.6 * 0.5) = 4/7, and
    # P(deal) = z * 4/7: 0 without a zone, 4/7 with one for sure, 2/7 at z = 1/2.
    assert conditionals(0.4)[0] == pytest.approx(4 / 7)
    assert conditionals(0.4)[1] == 0.0
    assert combine_with_zone(0.4, 0.0) == 0.0
    assert combine_with_zone(0.4, 1.0) == pytest.approx(4 / 7)
    assert combine_with_zone(0.4, 0.5) == pytest.approx(2 / 7)
    # The zone history implies (every agreement and half the failures: 0.4 + 0.3) gives π.
    assert combine_with_zone(0.4, 0.7) == pytest.approx(0.4)


@SETTINGS
@given(pi=prob, z=prob, c=inner)
def test_necessary_zone_limits(pi, z, c):
    q = float(conditionals(pi, specificity=c)[0])
    assert combine_with_zone(pi, 0.0, specificity=c) == 0.0
    assert combine_with_zone(pi, 1.0, specificity=c) == pytest.approx(q)
    assert combine_with_zone(pi, z, specificity=c) == pytest.approx(z * q)


@SETTINGS
@given(pi=prob, z=prob, s=inner, c=inner)
def test_bounds_and_between_the_conditionals(pi, z, s, c):
    if s + c < 1:
        s, c = c, s
        if s + c < 1:
            return
    p = float(combine_with_zone(pi, z, sensitivity=s, specificity=c))
    hi, lo = conditionals(pi, sensitivity=s, specificity=c)
    assert 0.0 <= p <= 1.0
    assert lo - 1e-12 <= p <= hi + 1e-12


@SETTINGS
@given(pi=prob, z1=prob, z2=prob, s=st.floats(0.5, 0.999), c=st.floats(0.5, 0.999))
def test_monotone_in_the_zone_probability(pi, z1, z2, s, c):
    lo, hi = sorted((z1, z2))
    a, b = combine_with_zone(pi, np.array([lo, hi]), sensitivity=s, specificity=c)
    assert a <= b + 1e-12


@SETTINGS
@given(p1=prob, p2=prob, z=prob, s=st.floats(0.5, 0.999), c=st.floats(0.5, 0.999))
def test_monotone_in_the_prior(p1, p2, z, s, c):
    lo, hi = sorted((p1, p2))
    a, b = combine_with_zone(np.array([lo, hi]), z, sensitivity=s, specificity=c)
    assert a <= b + 1e-12


@SETTINGS
@given(pi=prob, z=prob, s=inner)
def test_uninformative_evidence_leaves_the_prior(pi, z, s):
    assert combine_with_zone(pi, z, sensitivity=s, specificity=1 - s) == pytest.approx(pi, abs=1e-12)


@SETTINGS
@given(pi=prob, s=st.floats(0.5, 0.999), c=st.floats(0.5, 0.999))
def test_expected_evidence_leaves_the_prior(pi, s, c):
    # Law of total probability: a finding with exactly the probability the prior implies
    # carries no news.
    z = expected_zone(pi, sensitivity=s, specificity=c)
    assert combine_with_zone(pi, z, sensitivity=s, specificity=c) == pytest.approx(pi, abs=1e-12)


def test_certain_findings_and_extreme_priors():
    assert combine_with_zone(0.3, 1.0) == pytest.approx(conditionals(0.3)[0])
    assert combine_with_zone(0.3, 0.0) == pytest.approx(conditionals(0.3)[1])
    assert combine_with_zone(0.0, 0.7) == 0.0
    # History always agreed, but a zone is necessary: 70% of a zone gives 70%.
    assert combine_with_zone(1.0, 0.7) == pytest.approx(0.7)
    assert combine_with_zone(1.0, 0.7, sensitivity=0.8) == pytest.approx(1.0)


def test_vectorised_over_issues():
    z = np.array([[0.0, 0.2], [0.9, 1.0]])
    out = combine_with_zone(0.35, z)
    assert out.shape == (2, 2)
    assert out[0, 0] == 0.0 < out[0, 1] < out[1, 0] < out[1, 1]


def test_interval_carries_the_prior_and_zone_intervals():
    prior = agreement_prior({"territorial": True, "mediation_under_way": True}, "in-talks")
    r = combine_evidence(prior, 0.3, p_zone_interval=(0.1, 0.6))
    assert r.low == pytest.approx(float(combine_with_zone(prior.low, 0.1)))
    assert r.high == pytest.approx(float(combine_with_zone(prior.high, 0.6)))
    assert r.low <= r.probability <= r.high
    assert r.likelihood_ratios == pytest.approx((2.0, 0.0))
    assert r.to_dict()["assumptions"] == {"sensitivity": 1.0, "specificity": 0.5}
    plain = combine_evidence(0.4, 0.25)
    assert plain.low == plain.probability == plain.high


@pytest.mark.parametrize(
    ("kw", "msg"),
    [
        ({"sensitivity": 1.5}, "sensitivity"),
        ({"sensitivity": 0.0}, "sensitivity"),
        ({"specificity": 0.0}, "specificity"),
        ({"sensitivity": 0.3, "specificity": 0.4}, "sum to 1"),
    ],
)
def test_bad_assumptions(kw, msg):
    with pytest.raises(ParameterError, match=msg):
        combine_with_zone(0.3, 0.5, **kw)


@pytest.mark.parametrize(("pi", "z"), [(1.2, 0.5), (0.3, -0.1), (0.3, float("nan"))])
def test_bad_probabilities(pi, z):
    with pytest.raises(ParameterError, match="probability"):
        combine_with_zone(pi, z)


def test_sensitivity_table_rows():
    rows = sensitivity_table(0.34)
    assert len(rows) == 5
    for r in rows:
        assert r["p_zone=0"] <= r["p_zone=0.5"] <= r["p_zone=1"]
