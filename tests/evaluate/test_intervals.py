"""Forecast intervals calibrated on real outcomes (negotia.evaluate.intervals).

Where the figures come from:

- the conformal quantile and its coverage guarantee: Vovk, Gammerman & Shafer (2005),
  Lei et al. (2018) — checked on analytic cases and on simulated exchangeable data;
- the coverage and width on DEU III: the outcomes of EU legislative decisions coded by
  Thomson et al. (``../shared/reference/deu3/``), out of sample in cross-validation
  grouped by proposal.  The target (80% intervals covering 75-85% of outcomes in every
  procedure and voting-rule subgroup, mean width at most 65 points) is issue 12's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from negotia.errors import ParameterError
from negotia.evaluate.cv import CVResult, cross_validate
from negotia.evaluate.features import design_from_table
from negotia.evaluate.intervals import (
    conformal_quantile,
    cross_validate_intervals,
    fit_intervals,
    interval_for,
    shipped_calibration,
)
from negotia.scenario.formats import load_scenario
from tests.conftest import reference

TARGET_BAND = (0.75, 0.85)


@pytest.fixture(scope="module")
def dev_cv() -> CVResult:
    table = load_scenario(reference("deu3", "deu3_dev.tsv"))
    return cross_validate(table, ["compromise", "median"], folds=10, repeats=5, seed=0)


def test_conformal_quantile_analytic() -> None:
    scores = np.arange(1.0, 10.0)  # n = 9
    assert conformal_quantile(scores, 0.8) == 8.0  # ceil(10 * 0.8) = 8th smallest
    assert conformal_quantile(scores, 0.5) == 5.0
    assert conformal_quantile(scores, 0.9) == 9.0
    assert conformal_quantile(scores, 0.95) == float("inf")  # needs n >= 19
    assert conformal_quantile(np.array([]), 0.8) == float("inf")
    with pytest.raises(ParameterError, match="strictly between 0 and 1"):
        conformal_quantile(scores, 1.0)


@given(st.integers(0, 2**32 - 1), st.sampled_from([0.5, 0.8, 0.9]))
def test_coverage_on_exchangeable_data_is_at_least_the_level(seed: int, level: float) -> None:
    """Split-conformal: on exchangeable data the mean coverage is >= level (finite-sample)."""
    rng = np.random.default_rng(seed)
    n, repeats = 400, 3
    outcome = rng.uniform(0.3, 0.7, n)
    pred = np.clip(outcome + rng.normal(0, 0.05, (repeats, n)), 0, 1)
    design = type(
        "D",
        (),
        {
            "n": n,
            "outcome": outcome,
            "span": np.full(n, 100.0),
            "low": np.zeros(n),
            "high": np.ones(n),
            "groups": np.arange(n).astype(str),
            "attributes": tuple({"counvte": "QMV" if k % 3 else "Unan"} for k in range(n)),
        },
    )()
    folds = np.stack([rng.permutation(np.arange(n) % 10) for _ in range(repeats)])
    [score] = cross_validate_intervals(CVResult("sim", design, {"m": pred}, folds), level=level)
    # Mean coverage of 1200 (issue, repeat) draws: binomial sd about 0.015 at level 0.8.
    assert score.overall.coverage >= level - 0.05
    assert score.overall.coverage <= level + 0.08
    assert set(score.by["counvte"]) == {"QMV", "Unan"}


def test_dev_table_median_intervals_meet_the_target(dev_cv: CVResult) -> None:
    scores = {s.label: s for s in cross_validate_intervals(dev_cv, level=0.8)}
    med = scores["median"]
    # Measured on the 252 DEU III outcomes (5x 10-fold CV by proposal, seed 0).
    assert med.meets(TARGET_BAND, 65.0), med.to_dict()
    assert med.overall.coverage == pytest.approx(0.826, abs=0.005)
    assert med.overall.width == pytest.approx(60.9, abs=0.1)
    assert {v for _, v, _ in med.subgroups()} == {"COD", "CNS", "QMV", "Unan"}
    # The compromise model's intervals cover honestly but are wider than the target.
    comp = scores["compromise"]
    assert comp.overall.coverage == pytest.approx(0.800, abs=0.005)
    assert comp.overall.width == pytest.approx(71.3, abs=0.1)
    assert not comp.meets(TARGET_BAND, 65.0)


def test_shipped_calibration_is_reproduced_from_the_table() -> None:
    """The shipped quantiles are what tools/fit_intervals.py computes, not typed in."""
    path = reference("deu3", "deu3_dev.tsv")
    table = load_scenario(path)
    cv = cross_validate(table, ["compromise", "median"], folds=10, repeats=1, seed=0)
    fit = fit_intervals(
        {k: v[0] for k, v in cv.predictions.items()}, cv.design, source_bytes=path.read_bytes()
    )
    shipped = shipped_calibration()
    assert shipped.source_sha256 == fit.source_sha256
    assert shipped.n == 252 and shipped.level == 0.8
    for model in ("compromise", "median"):
        assert shipped.quantiles[model] == pytest.approx(fit.quantiles[model], abs=1e-12)


def test_interval_is_clipped_to_the_positions_and_pooled_for_unknown_groups() -> None:
    cal = shipped_calibration()
    q_all = cal.quantiles["compromise"]["all"]
    lo, hi = interval_for(
        "compromise",
        np.array([0.5, 0.1]),
        np.array([0.0, 0.05]),
        np.array([1.0, 0.9]),
        [None, "no-such-rule"],
        cal,
    )
    assert lo[0] == pytest.approx(0.5 - q_all) and hi[0] == pytest.approx(0.5 + q_all)
    assert lo[1] == 0.05  # clipped to the lowest position
    assert (
        interval_for("compromise:weights=equal", np.array([0.5]), np.zeros(1), np.ones(1), [None], cal)
        is None
    )


def test_design_groups_are_the_voting_rules() -> None:
    d = design_from_table(load_scenario(reference("deu3", "deu3_dev.tsv")))
    assert {a["counvte"] for a in d.attributes} == {"QMV", "Unan"}


def test_cli_evaluate_intervals_json(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli(
        "evaluate", str(table), "--intervals", "-m", "median", "-m", "compromise",
        "--repeats", "1", "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    by_model = {s["model"]: s for s in out["intervals"]}
    assert set(by_model) == {"median", "compromise"}
    for s in by_model.values():
        assert s["level"] == 0.8 and s["n"] == 252
        assert 0.7 < s["coverage"] < 0.9
        assert set(s["by"]) == {"proc", "counvte"}


def test_cli_evaluate_intervals_table_in_80_columns(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli("evaluate", str(table), "--intervals", "-m", "median", "--repeats", "1", env={"COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    assert "median" in r.stdout and "target" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def test_cli_evaluate_intervals_rejects_bad_coverage(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli("evaluate", str(table), "--intervals", "-m", "median", "--coverage", "1.5")
    assert r.returncode == 2
    assert "strictly between 0 and 1" in r.stderr and "Traceback" not in r.stderr


def test_forecast_rows_carry_the_interval(cli) -> None:
    r = cli(
        "forecast", "ukraine-2025", "-m", "compromise", "-m", "compromise:weights=equal", "--format", "json"
    )
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["forecasts"]
    for row in rows:
        iv = row["interval"]
        if row["model"] == "compromise":
            assert iv["low"] <= row["forecast"] <= iv["high"]
            assert iv["level"] == 0.8 and "model error" in iv["carries"]
        else:
            assert iv is None  # a spec with parameters has no calibration
