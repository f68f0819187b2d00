"""Monte Carlo of the responding capability: determinism, analytic cases, capability data."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal, norm

from negotia.errors import ParameterError
from negotia.guarantees.capabilities import capability, capability_table, is_nuclear
from negotia.guarantees.catalogue import catalogue
from negotia.guarantees.compare import assess_guarantees
from negotia.guarantees.credibility import BaseRate, Credibility
from negotia.guarantees.deterrence import default_assistance_share, simulate_response
from tests.conftest import reference

CAT = catalogue().instruments


def fake_credibility(guarantor: str, p: float, strength: int) -> Credibility:
    """A defence obligation of NATO Art. 5 with a chosen honouring probability."""
    return Credibility(
        "nato-art5", "art5", guarantor, "UKR", "defense", strength, BaseRate(p, None, None, "", ""), [], p
    )


def test_same_seed_same_result_different_seed_differs():
    a = assess_guarantees("nato-membership", seed=7, n_draws=5000).deterrence
    b = assess_guarantees("nato-membership", seed=7, n_draws=5000).deterrence
    c = assess_guarantees("nato-membership", seed=8, n_draws=5000).deterrence
    assert a.to_dict() == b.to_dict()
    assert a.expected_response != c.expected_response


def test_generator_is_used_and_advanced():
    creds = [fake_credibility("USA", 0.5, 4)]
    rng = np.random.default_rng(3)
    r1 = simulate_response(creds, CAT, "RUS", "UKR", rng=rng, n_draws=1000)
    r2 = simulate_response(creds, CAT, "RUS", "UKR", rng=rng, n_draws=1000)
    assert r1.p_outweighs != r2.p_outweighs or r1.expected_response != r2.expected_response


def test_one_guarantor_analytic():
    # One defence guarantor (strength 4, share 0.75 of US$997.3bn > Russia's 149): the response
    # outweighs the attacker exactly when it honours, so P = p; E[response] = p x 0.75 x 997.3.
    p = 0.3
    r = simulate_response([fake_credibility("USA", p, 4)], CAT, "RUS", "UKR", n_draws=200_000, seed=1)
    se = (p * (1 - p) / 200_000) ** 0.5
    assert abs(r.p_outweighs - p) < 4 * se
    assert r.max_response == pytest.approx(0.75 * 997.3)
    assert r.expected_response == pytest.approx(p * 0.75 * 997.3, rel=0.02)
    assert r.expected_strength == pytest.approx(4 * p, rel=0.02)


def test_two_guarantors_copula_analytic():
    # UK, Germany, France at 0.75 x milex (61.4, 66.4, 48.5): any two give at most 127.7 < 149,
    # all three give 176.2 > 149, so P(outweigh) = P(all three honour) = the Gaussian-copula
    # orthant probability P(Z_g < Phi^-1(p) for all g) with pairwise correlation rho.
    p, rho = 0.6, 0.5
    creds = [fake_credibility(g, p, 4) for g in ("GBR", "DEU", "FRA")]
    r = simulate_response(creds, CAT, "RUS", "UKR", n_draws=200_000, seed=2, rho=rho)
    cov = np.full((3, 3), rho) + (1 - rho) * np.eye(3)
    exact = multivariate_normal(mean=np.zeros(3), cov=cov).cdf(np.full(3, norm.ppf(p)))
    assert r.p_outweighs == pytest.approx(exact, abs=0.006)
    indep = simulate_response(creds, CAT, "RUS", "UKR", n_draws=200_000, seed=2, rho=0.0)
    assert indep.p_outweighs == pytest.approx(p**3, abs=0.006)
    allin = simulate_response(creds, CAT, "RUS", "UKR", n_draws=50_000, seed=2, rho=1.0)
    assert allin.p_outweighs == pytest.approx(p, abs=0.01)


def test_no_guarantor_means_no_response():
    r = simulate_response([], CAT, "RUS", "UKR", n_draws=100, seed=0)
    assert r.max_response == 0 and r.p_outweighs == 0 and r.p_any_honours == 0


def test_bad_parameters():
    with pytest.raises(ParameterError, match="rho"):
        simulate_response([], CAT, "RUS", "UKR", rho=1.5)
    with pytest.raises(ParameterError, match="no milex figure for the attacker"):
        simulate_response([], CAT, "XXX", "UKR")


def test_assistance_share_is_derived_from_the_catalogue():
    # Aid / 2024 milex for the agreements with a stated amount (UK 3.2/81.8, DEU 7.68/88.5,
    # FRA 3.25/64.7, CAN 2.2/29.3, JPN 4.5/55.3): median of the five ratios.
    ratios = sorted([3.2 / 81.8, 7.68 / 88.5, 3.25 / 64.7, 2.2 / 29.3, 4.5 / 55.3])
    assert default_assistance_share() == pytest.approx(ratios[2])


def test_capabilities_match_reference_sheet():
    path = reference("guarantees", "capabilities.csv")
    names = [
        "Ukraine",
        "Russia",
        "USA",
        "UK",
        "France",
        "Germany",
        "Poland",
        "Japan",
        "Canada",
        "Italy",
        "China",
        "Turkey",
        "Belarus",
    ]
    iso = ["UKR", "RUS", "USA", "GBR", "FRA", "DEU", "POL", "JPN", "CAN", "ITA", "CHN", "TUR", "BLR"]
    codes = dict(zip(names, iso, strict=True))
    with path.open() as f:
        for row in csv.DictReader(f):
            code = codes.get(row["actor"])
            if code is None:
                continue
            assert capability(code, "milex") == pytest.approx(float(row["milex_usd"]) / 1e9, abs=0.06), code
            assert capability(code, "cinc") == pytest.approx(float(row["cinc"]), abs=6e-5), code


def test_nato_residual_keeps_the_sipri_total():
    nato = catalogue().instrument("nato-art5").parties
    total = sum(capability(m, "milex") for m in nato)
    assert total == pytest.approx(1506.0)
    assert capability_table()["EST"].derived and not capability_table()["USA"].derived
    assert is_nuclear("RUS") and is_nuclear("GBR") and not is_nuclear("DEU")


@settings(max_examples=30, deadline=None)
@given(
    ps=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
    bump=st.floats(0.0, 1.0),
    k=st.integers(0, 5),
    rho=st.floats(0.0, 1.0),
)
def test_raising_a_probability_never_lowers_the_response(ps, bump, k, rho):
    # With the same seed the draws are the same; a higher p_g can only add honours.
    guarantors = ["USA", "GBR", "FRA", "DEU", "POL", "ITA"][: len(ps)]
    k = k % len(ps)
    lo = [fake_credibility(g, p, 4) for g, p in zip(guarantors, ps, strict=True)]
    hi_ps = list(ps)
    hi_ps[k] = min(1.0, ps[k] + bump)
    hi = [fake_credibility(g, p, 4) for g, p in zip(guarantors, hi_ps, strict=True)]
    a = simulate_response(lo, CAT, "RUS", "UKR", n_draws=500, seed=5, rho=rho)
    b = simulate_response(hi, CAT, "RUS", "UKR", n_draws=500, seed=5, rho=rho)
    assert b.expected_response >= a.expected_response - 1e-9
    assert b.p_outweighs >= a.p_outweighs
    assert b.p_any_honours >= a.p_any_honours


def test_histogram_is_the_distribution():
    r = simulate_response([fake_credibility("USA", 0.3, 4)], CAT, "RUS", "UKR", n_draws=10_000, seed=4)
    share = r.histogram["share"]
    assert len(share) == 20 and abs(sum(share) - 1) < 1e-12
    # one guarantor: all mass at 0 (not honoured) or at 0.75 x 997.3 (the last bin)
    assert share[0] == pytest.approx(1 - r.p_any_honours) and share[-1] == pytest.approx(r.p_any_honours)
