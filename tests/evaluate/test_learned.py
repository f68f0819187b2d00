"""The calibrated compromise model (issue 7): fitting, the shipped coefficients, and the
model contract with non-zero coefficients.

Expected figures: the LAD fit of one feature through the origin is the weighted median
of the ratios r/x with weights |x| (Koenker 2005, *Quantile Regression*, sec. 1.3), an
analytic case; the compromise MAE 23.74 and the issue counts of the DEU III development
table come from ``../shared/reference/README.md``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from tools import fit_calibrated as fit_tool

import negotia.models.calibrated as cal
from negotia.errors import InputError
from negotia.evaluate import fit_calibrated as fc
from negotia.evaluate.features import design_from_table
from negotia.models import run_model
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import load_scenario
from tests.conftest import reference

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
K = len(cal.FEATURE_NAMES)


@pytest.fixture(scope="module")
def dev_path():
    return reference("deu3", "deu3_dev.tsv")


@pytest.fixture(scope="module")
def dev_table(dev_path):
    return load_scenario(dev_path)


# -- the LAD-lasso solver ---------------------------------------------------------------


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cum = np.cumsum(w)
    return v[np.searchsorted(cum, cum[-1] / 2)]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 25))
def test_lad_one_feature_is_a_weighted_median(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.2, 2.0, n) * rng.choice([-1, 1], n)
    r = rng.normal(size=n)
    beta = fc.lad_lasso(x[:, None], r, 0.0)[0]
    obj = lambda b: np.abs(r - b * x).mean()  # noqa: E731
    expected = _weighted_median(r / x, np.abs(x))
    # The minimiser may be an interval; the objective must match the analytic one.
    assert obj(beta) == pytest.approx(obj(expected), abs=1e-10)


def test_lad_lasso_zero_at_lambda_max_and_penalised_objective_optimal() -> None:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 5)) * 0.3
    r = X @ np.array([0.5, 0, 0, -0.4, 0]) + rng.laplace(scale=0.05, size=60)
    lmax = fc.lambda_max(X, r)
    np.testing.assert_array_equal(fc.lad_lasso(X, r, lmax * 1.0001), np.zeros(5))
    np.testing.assert_array_equal(fc.lad_lasso(X, r, np.inf), np.zeros(5))
    lam = 0.05 * lmax
    b = fc.lad_lasso(X, r, lam)
    f = lambda c: np.abs(r - X @ c).mean() + lam * np.abs(c).sum()  # noqa: E731
    for _ in range(200):  # no nearby point does better
        assert f(b) <= f(b + rng.normal(scale=0.01, size=5)) + 1e-12
    assert abs(b[0]) > 0.3 and abs(b[3]) > 0.2  # the real signals survive


# -- refitting and the shipped coefficients ----------------------------------------------


def test_refit_with_the_same_seed_gives_the_same_coefficients(dev_table) -> None:
    d = design_from_table(dev_table)
    a = fc.fit_calibrated(d, seed=5)
    b = fc.fit_calibrated(d, seed=5)
    assert a.coefficients == b.coefficients and a.penalty == b.penalty
    assert a.provenance == b.provenance


def test_shipped_coefficients_are_reproduced_by_the_fitting_script(dev_path, tmp_path) -> None:
    """The shipped file is what `python tools/fit_calibrated.py` makes of the dev table."""
    out = tmp_path / "fit.json"
    assert fit_tool.main([str(dev_path), "--out", str(out)]) == 0
    refit = json.loads(out.read_text())
    shipped = cal.shipped_fit()
    assert refit["provenance"]["table_sha256"] == shipped.provenance["table_sha256"]
    assert refit["provenance"]["issues"] == 252
    for name in cal.FEATURE_NAMES:
        assert refit["coefficients"][name] == pytest.approx(shipped.coefficients[name], abs=1e-9)
    assert float(refit["penalty"]) == pytest.approx(shipped.penalty)


def test_applying_the_shipped_model_needs_no_refit(dev_table, dev_path, tmp_path, monkeypatch) -> None:
    fitted = fit_tool.fit_table(dev_path)  # the fitted object

    def no_refit(*a, **k):
        raise AssertionError("forecasting must not fit")

    monkeypatch.setattr(fc, "lad_lasso", no_refit)
    arrays = ScenarioArrays.from_scenario(dev_table)
    shipped = run_model("calibrated", arrays).outcome
    np.testing.assert_allclose(shipped, fitted.predict(arrays), atol=1e-12)
    # Saved and loaded again: the same predictions.
    path = tmp_path / "c.json"
    path.write_text(fitted.to_json())
    np.testing.assert_array_equal(cal.CalibratedFit.load(path).predict(arrays), fitted.predict(arrays))
    # On another table (a subset it was not given as such): still no fit, values in range.
    sub = dev_table.model_copy(update={"issues": dev_table.issues[:30]})
    sub = sub.model_copy(
        update={"stances": [s for s in sub.stances if s.issue in {i.id for i in sub.issues}]}
    )
    out = run_model("calibrated", ScenarioArrays.from_scenario(sub)).outcome
    np.testing.assert_allclose(out, shipped[:, :30], atol=1e-12)


def test_features_match_the_design(dev_table) -> None:
    d = design_from_table(dev_table)
    arrays = ScenarioArrays.from_scenario(dev_table)
    f, base, _, _ = cal.feature_matrix(arrays)
    np.testing.assert_array_equal(f[0, d.index], d.features)
    # The base is the compromise model: MAE 23.74 on the dev table (reference README).
    assert np.mean(np.abs(d.base - d.outcome) * 100) == pytest.approx(23.74, abs=0.005)
    # Commission feature = Commission position - weighted mean where it has one.
    com = arrays.actor_ids.index("com")
    k = cal.FEATURE_NAMES.index("commission")
    has = arrays.present[0, com]
    np.testing.assert_allclose(f[0, has, k], arrays.position[0, com, has] - base[0, has])
    # Interactions switch on only in their setting.
    q = cal.FEATURE_NAMES.index("parliament_if_cod")
    cod = np.array([i.attributes.get("proc") == "COD" for i in dev_table.issues])
    assert np.all(f[0, ~cod, q] == 0)
    assert np.any(f[0, cod, q] != 0)


def test_coefficient_file_errors_name_the_field(tmp_path) -> None:
    good = cal.shipped_fit().to_dict()
    bad = json.loads(json.dumps(good))
    bad["coefficients"]["commission"] = "lots"
    del bad["coefficients"]["median"]
    bad["coefficients"]["astrology"] = 1.0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(InputError) as e:
        cal.CalibratedFit.load(path)
    text = str(e.value)
    assert "bad.json" in text
    assert "coefficients.commission" in text and "coefficients.median" in text and "astrology" in text
    path.write_text("{not json")
    with pytest.raises(InputError, match="line 1"):
        cal.CalibratedFit.load(path)


def test_fit_script_reports_missing_table(tmp_path, capsys) -> None:
    assert fit_tool.main([str(tmp_path / "nope.tsv"), "--out", str(tmp_path / "x.json")]) == 2
    assert "nope.tsv" in capsys.readouterr().err


def test_describe_shows_the_coefficients() -> None:
    console = Console(record=True, width=200)
    console.print(cal.describe())
    text = console.export_text()
    shipped = cal.shipped_fit()
    for name in cal.FEATURE_NAMES:
        assert name in text
    nonzero = [n for n, c in shipped.coefficients.items() if c != 0]
    for n in nonzero:
        assert f"{shipped.coefficients[n]:+.3f}" in text
    assert "deu3_dev.tsv" in text


def test_models_detail_prints_describe(cli) -> None:
    r = cli("models", "--detail")
    assert r.returncode == 0, r.stderr
    assert "calibrated: shipped coefficients" in r.stdout


# -- the model contract with non-zero coefficients ----------------------------------------


@st.composite
def role_arrays(draw: st.DrawFn) -> ScenarioArrays:
    """Random arrays with a Commission and a Parliament, attributes and partial presence."""
    b, a, i = draw(st.integers(1, 2)), draw(st.integers(3, 7)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pos = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0, rng.uniform()], size=(b, a, i))
    present = rng.uniform(size=(b, a, i)) < 0.85
    present[:, 0, :] = True
    sq = np.where(rng.uniform(size=i) < 0.5, np.nan, rng.choice([0.0, 1.0, 0.3], size=i))
    attrs = tuple(
        {"proc": rng.choice(["COD", "CNS"]), "counvte": rng.choice(["QMV", "Unan"]), "issues": "4"}
        for _ in range(i)
    )
    return ScenarioArrays(
        actor_ids=("com", "ep", *(f"m{k}" for k in range(a - 2))),
        issue_ids=tuple(f"i{k}" for k in range(i)),
        position=np.where(present, pos, 0.0),
        salience=np.where(present, rng.uniform(0.05, 1, (b, a, i)), 0.0),
        capability=np.where(present, rng.uniform(0.1, 5, (b, a, i)), 0.0),
        present=present,
        scale_min=np.zeros(i),
        scale_max=np.full(i, 100.0),
        status_quo=sq,
        issue_attributes=attrs,
    )


def _with_coefficients(monkeypatch, coef: np.ndarray) -> None:
    fit = cal.CalibratedFit(dict(zip(cal.FEATURE_NAMES, map(float, coef), strict=True)), 0.01, {})
    monkeypatch.setattr(cal, "shipped_fit", lambda: fit)


COEF = st.lists(st.floats(-3, 3), min_size=K, max_size=K).map(np.array)


@SETTINGS
@given(arrays=role_arrays(), coef=COEF, data=st.data())
def test_contract_with_any_coefficients(arrays, coef, data) -> None:
    with pytest.MonkeyPatch.context() as mp:
        _with_coefficients(mp, coef)
        _check_contract(arrays, data)


def _check_contract(arrays: ScenarioArrays, data: st.DataObject) -> None:
    out = run_model("calibrated", arrays).outcome
    assert np.all(np.isfinite(out))
    pos = np.where(arrays.present, arrays.position, np.nan)
    # Inside the range of the positions (hence inside [0, 1]).
    assert np.all(out >= np.nanmin(pos, axis=1) - 1e-12) and np.all(out <= np.nanmax(pos, axis=1) + 1e-12)
    # Actor order does not matter (roles are found by id).
    perm = np.array(data.draw(st.permutations(range(arrays.n_actors))))
    shuffled = arrays.replace(
        actor_ids=tuple(arrays.actor_ids[k] for k in perm),
        position=arrays.position[:, perm],
        salience=arrays.salience[:, perm],
        capability=arrays.capability[:, perm],
        present=arrays.present[:, perm],
        red_min=arrays.red_min[perm],
        red_max=arrays.red_max[perm],
    )
    np.testing.assert_allclose(run_model("calibrated", shuffled).outcome, out, atol=1e-9)
    # Unanimity gives that position, whatever the reference point and coefficients.
    where = data.draw(st.floats(0, 1))
    same = arrays.replace(position=np.where(arrays.present, where, 0.0))
    np.testing.assert_allclose(run_model("calibrated", same).outcome, where, atol=1e-12)


def test_degrades_to_the_compromise_model_without_roles_or_attributes(monkeypatch) -> None:
    """Only role/attribute/reference-point features non-zero: plain arrays give the weighted mean."""
    coef = np.zeros(K)
    for name in ("commission", "parliament", "commission_if_qmv", "parliament_if_cod", "reference_point"):
        coef[cal.FEATURE_NAMES.index(name)] = 0.7
    _with_coefficients(monkeypatch, coef)
    rng = np.random.default_rng(0)
    arrays = ScenarioArrays(
        actor_ids=("A", "B", "C"),
        issue_ids=("x", "y"),
        position=rng.uniform(size=(1, 3, 2)),
        salience=rng.uniform(0.1, 1, (1, 3, 2)),
        capability=rng.uniform(0.1, 1, (1, 3, 2)),
        present=np.ones((1, 3, 2), dtype=bool),
        scale_min=np.zeros(2),
        scale_max=np.ones(2),
        status_quo=np.full(2, np.nan),
    )
    np.testing.assert_allclose(
        run_model("calibrated", arrays).outcome, run_model("compromise", arrays).outcome, atol=1e-12
    )


def test_mode_and_pivot_ties_are_order_free() -> None:
    pos = np.array([[[0.2], [0.8], [0.2], [0.8]]])
    w = np.array([[[1.0], [1.0], [1.0], [1.0]]])
    pres = np.ones_like(pos, dtype=bool)
    # Equal weight at 0.2 and 0.8: the mode is their midpoint, not whichever comes first.
    assert cal._mode(pos, w, pres)[0, 0] == pytest.approx(0.5)
    # Two members equally close to a reference point of 0.5: their mean.
    assert cal._closest_to(pos, pres, np.array([0.5]))[0, 0] == pytest.approx(0.5)
    w2 = np.array([[[3.0], [1.0], [1.0], [1.0]]])
    assert cal._mode(pos, w2, pres)[0, 0] == pytest.approx(0.2)


def test_search_options(dev_table) -> None:
    from negotia.errors import ParameterError

    d = design_from_table(dev_table)
    with pytest.raises(ParameterError, match="'min' or '1se'"):
        fc.fit_calibrated(d, rule="best")
    with pytest.raises(ParameterError, match="astrology"):
        fc.fit_calibrated(d, feature_sets={"x": ("astrology",)})
    only = fc.fit_calibrated(d, seed=1, repeats=1, feature_sets={"pr": ("commission", "parliament")})
    assert all(c == 0 for n, c in only.coefficients.items() if n not in ("commission", "parliament"))
    assert only.provenance["feature_set"] == "pr"
    # The one-standard-error rule never picks a smaller penalty than the minimum rule.
    sets = {"all": cal.FEATURE_NAMES}
    lo = fc.fit_calibrated(d, seed=1, repeats=1, feature_sets=sets)
    hi = fc.fit_calibrated(d, seed=1, repeats=1, feature_sets=sets, rule="1se")
    assert hi.penalty >= lo.penalty
    assert np.abs(hi.vector).sum() <= np.abs(lo.vector).sum() + 1e-12
