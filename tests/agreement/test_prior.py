"""The prior probability of agreement: the shipped models, contributions, input errors,
and the out-of-sample figures recomputed from the real data.

Expected figures: the out-of-time Brier skill of each shipped model is recomputed from
the ICB v14 tables in ``../shared/reference/agreement`` (Brecher, Wilkenfeld et al.) and
must match the figure stored in ``agreement/data/prior.json`` and stated in
``docs/agreement-prior.md``; the agreement rates by territorial threat are those the
data folder's README quotes (0.47 vs 0.28 on its 486 crises; 0.46 vs 0.28 on the 433 to
1999 here).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import agreement_prior_data as data
from tools import fit_agreement_prior as fit

from negotia.agreement import agreement_prior, prior_for_scenario, prior_models
from negotia.agreement.prior import case_from_metadata, shipped
from negotia.errors import InputError, UnknownNameError
from negotia.scenario.formats import bundled_path, load_scenario
from tests.conftest import ROOT, reference

DOCS = ROOT / "docs" / "agreement-prior.md"


@pytest.fixture(scope="module")
def crises():
    return data.load_crises(Path(reference("agreement", data.ICB_SYSTEM)).parent)


# -- the shipped models ---------------------------------------------------------------------------


def test_shipped_models_and_default():
    models = prior_models()
    assert set(models) == {"onset", "in-talks", "after-the-fact"}
    assert shipped()["default_model"] == "in-talks"
    assert models["after-the-fact"].features[-1].after_the_fact
    assert not any(f.after_the_fact for f in models["in-talks"].features)


@pytest.mark.parametrize("name", ["onset", "in-talks", "after-the-fact"])
def test_contributions_add_up_to_the_log_odds(name):
    model = prior_models()[name]
    case = {f.name: (True if f.kind == "bool" else 200) for f in model.features[::2]}
    r = agreement_prior(case, name)
    total = math.log(r.average / (1 - r.average)) + sum(c.log_odds for c in r.contributions)
    assert total == pytest.approx(r.log_odds, abs=1e-9)
    assert r.low < r.probability < r.high
    assert set(r.missing) == {f.name for f in model.features} - set(case)
    assert all(c.log_odds == 0 for c in r.contributions if not c.given)


def test_empty_case_is_the_average_crisis():
    r = agreement_prior({}, "onset")
    assert r.probability == pytest.approx(r.average)
    assert any("historical average" in n for n in r.notes)


def test_after_the_fact_features_are_named_in_the_result():
    r = agreement_prior({"mediated": True}, "after-the-fact")
    assert set(r.after_the_fact) == {"mediated", "full_scale_war", "two_sided"}
    assert any("upper bound" in n for n in r.notes)
    assert r.to_dict()["after_the_fact"] == list(r.after_the_fact)


def test_days_beyond_the_data_are_capped_and_said():
    a = agreement_prior({"days_elapsed": 365}, "in-talks")
    b = agreement_prior({"days_elapsed": 1390}, "in-talks")
    assert a.probability == b.probability
    assert any("1390" in n and "365" in n for n in b.notes)


@settings(max_examples=30, deadline=None)
@given(lo=st.integers(0, 2000), hi=st.integers(0, 2000))
def test_more_days_never_lower_the_prior(lo, hi):
    # The shipped in-talks coefficient on elapsed time is positive, so the prior is monotone in it.
    lo, hi = sorted((lo, hi))
    p = [agreement_prior({"days_elapsed": d}, "in-talks").probability for d in (lo, hi)]
    assert p[0] <= p[1] + 1e-15


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"territorial": "yes"}, "territorial"),
        ({"days_elapsed": -3}, "days_elapsed"),
        ({"days_elapsed": True}, "days_elapsed"),
        ({"territoral": True}, "territoral"),
    ],
)
def test_bad_features_name_the_field(case, field):
    with pytest.raises(InputError) as e:
        agreement_prior(case, "in-talks", source="metadata.prior.features")
    assert field in str(e.value) and "metadata.prior.features" in str(e.value)


def test_unknown_model_and_level():
    with pytest.raises(UnknownNameError, match="no prior model"):
        agreement_prior({}, "oracle")
    with pytest.raises(UnknownNameError, match="interval level"):
        agreement_prior({}, "onset", level=0.77)


def test_scenario_metadata_block():
    base = load_scenario(bundled_path("ukraine-2025"))
    block = {"model": "onset", "features": {"territorial": True, "protracted": True}}
    sc = base.model_copy(update={"metadata": {**base.metadata, "prior": block}})
    r = prior_for_scenario(sc)
    assert r.model == "onset"
    assert r.probability == agreement_prior({"territorial": True, "protracted": True}, "onset").probability
    assert prior_for_scenario(sc, "in-talks").model == "in-talks"
    assert case_from_metadata({}) == ({}, None)
    with pytest.raises(InputError, match="featurs"):
        case_from_metadata({"prior": {"featurs": {}}}, "t")
    with pytest.raises(InputError, match=r"metadata\.prior"):
        prior_for_scenario(base.model_copy(update={"metadata": {"prior": {"features": {"ethnic": 2}}}}))


# -- the fitting code, on simulated data ------------------------------------------------------------


def test_logit_recovers_known_coefficients():
    # Unpenalised maximum likelihood is consistent: with 40,000 draws the estimates lie
    # within a few standard errors (about 0.02 here) of the coefficients that made the data.
    rng = np.random.default_rng(7)
    n = 40_000
    X = np.column_stack([rng.normal(size=n), rng.random(n) < 0.3, rng.exponential(size=n)])
    truth = np.array([0.8, -1.2, 0.4])
    y = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + X @ truth)))).astype(float)
    f = fit.fit_logit(X, y, 0.0)
    assert f.intercept == pytest.approx(-0.5, abs=0.08)
    np.testing.assert_allclose(f.coef, truth, atol=0.08)
    # The sandwich covariance with one row per group is the usual robust one; its
    # standard errors match the inverse information at the MLE to a few percent.
    V = fit.cluster_covariance(f, X, y, np.arange(n))
    Z = np.column_stack([np.ones(n), X])
    p = f.predict(X)
    info = np.linalg.inv((Z * (p * (1 - p))[:, None]).T @ Z)
    np.testing.assert_allclose(np.sqrt(np.diag(V)), np.sqrt(np.diag(info)), rtol=0.1)


def test_penalty_shrinks_toward_the_base_rate():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 2))
    y = (rng.random(300) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    coefs = [np.abs(fit.fit_logit(X, y, lam).coef).sum() for lam in (0.0, 10.0, 1e6)]
    assert coefs[0] > coefs[1] > coefs[2]
    assert fit.fit_logit(X, y, 1e9).predict(X) == pytest.approx(np.full(300, y.mean()), abs=1e-4)


def test_skill_of_the_base_rate_is_zero_and_of_the_truth_positive():
    rng = np.random.default_rng(3)
    n = 4000
    p = rng.random(n)
    y = (rng.random(n) < p).astype(float)
    g = np.arange(n) // 4
    base = np.full(n, 0.5)
    s0 = fit.skill(fit.Scored(base, base, base, y, g, np.zeros(n)), n_boot=200)
    s1 = fit.skill(fit.Scored(p, base, base, y, g, np.zeros(n)), n_boot=200)
    assert s0.skill == 0 and s0.low == 0
    # E[(p - y)^2] = E[p(1-p)] = 1/6 against 1/4 for the constant 0.5: skill 1/3.
    assert s1.skill == pytest.approx(1 / 3, abs=0.03)
    assert s1.low < s1.skill < s1.high


def test_out_of_time_never_trains_on_the_test_conflicts_or_the_future(monkeypatch):
    n = 60
    year = np.repeat(np.arange(1940, 2000, 10), 10)
    group = np.array([f"g{k // 5}" for k in range(n)])
    group[8:13] = "span"  # one conflict with crises in the 1940s and the 1950s
    y = (np.arange(n) % 3 == 0).astype(float)
    rows = data.Rows(("x",), np.zeros((n, 1)), y, year, group, np.zeros(n))
    seen = []
    real = fit.fit_model

    def spy(tr, seed):
        seen.append(tr)
        return real(tr, seed)

    monkeypatch.setattr(fit, "fit_model", spy)
    s = fit.out_of_time(rows, blocks=(1950, 1970, 2000))
    assert len(s.y) == 50
    for tr, (a, b) in zip(seen, [(1950, 1970), (1970, 2000)], strict=True):
        test_groups = set(group[(year >= a) & (year < b)])
        assert tr.year.max() < a
        assert not set(tr.group) & test_groups
    assert "span" not in set(seen[0].group)


# -- the real data ------------------------------------------------------------------------------------


def test_territorial_rates_match_the_data_readme(crises):
    t = crises.columns["territorial"] == 1
    assert crises.n == 433
    assert crises.y[t].mean() == pytest.approx(0.46, abs=0.01)
    assert crises.y[~t].mean() == pytest.approx(0.28, abs=0.01)


@pytest.mark.parametrize("name", ["onset", "in-talks", "after-the-fact"])
def test_out_of_time_skill_is_the_one_shipped_and_documented(crises, name):
    stored = shipped()["models"][name]["out_of_time"]
    s = fit.skill(fit.out_of_time(fit.model_rows(crises, name), seed=0), n_boot=2000, seed=0)
    assert s.n == stored["n"]
    assert s.brier_base == pytest.approx(stored["brier_base"], abs=1e-9)
    assert s.skill == pytest.approx(stored["skill"], abs=0.002)
    assert (s.low, s.high) == pytest.approx((stored["low"], stored["high"]), abs=0.005)
    # The page states the same figure (formatted as there).
    row = next(
        line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {name} |")
    )
    assert f"{stored['skill'] * 100:+.1f}% [{stored['low'] * 100:+.1f}%, {stored['high'] * 100:+.1f}%]" in row


def test_honest_models_do_not_reach_the_aim_and_the_page_says_so():
    # The aim of issue 12 (10% out of time with what is known during talks) is not met;
    # if a refit ever met it, the verdict on the page would have to change with it.
    models = shipped()["models"]
    assert models["onset"]["out_of_time"]["skill"] < 0.10
    assert models["in-talks"]["out_of_time"]["skill"] < 0.10
    assert models["after-the-fact"]["out_of_time"]["skill"] > models["in-talks"]["out_of_time"]["skill"]
    assert re.search(r"aim .* is not reached", DOCS.read_text(encoding="utf-8"))
