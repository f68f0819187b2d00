"""Grouped cross-validation and bootstrap intervals (negotia.evaluate.cv).

The key property (issue 7): the issues of one proposal are never split across folds,
and a model that learns is refitted on training folds only.  The expected compromise
MAE of 23.74 on the DEU III development table is the figure in
``../shared/reference/README.md`` (deu3/), computed outside this project.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.errors import ParameterError
from negotia.evaluate.cv import (
    CVResult,
    _weighted_median_rows,
    cross_validate,
    summarise,
    summarise_by,
)
from negotia.evaluate.features import design_from_table
from negotia.evaluate.folds import grouped_folds
from negotia.scenario.formats import load_scenario
from tests.conftest import reference


@pytest.fixture(scope="module")
def dev_table():
    return load_scenario(reference("deu3", "deu3_dev.tsv"))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=40),
    n_folds=st.integers(2, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_grouped_folds_never_split_a_group(sizes: list[int], n_folds: int, seed: int) -> None:
    groups = np.repeat([f"p{k}" for k in range(len(sizes))], sizes)
    groups = np.random.default_rng(seed).permutation(groups)
    if n_folds > len(sizes):
        with pytest.raises(ParameterError, match="proposals"):
            grouped_folds(groups, n_folds, np.random.default_rng(seed))
        return
    fold = grouped_folds(groups, n_folds, np.random.default_rng(seed))
    for g in np.unique(groups):
        assert len(set(fold[groups == g])) == 1, f"group {g} split across folds"
    load = np.bincount(fold, minlength=n_folds)
    assert np.all(load > 0), "every fold gets at least one proposal"
    # Greedy largest-first placement: folds differ by at most the largest group.
    assert load.max() - load.min() <= max(sizes)


def test_grouped_folds_deterministic_for_a_seed() -> None:
    groups = np.repeat(np.arange(30), 3)
    a = grouped_folds(groups, 5, np.random.default_rng(11))
    b = grouped_folds(groups, 5, np.random.default_rng(11))
    c = grouped_folds(groups, 5, np.random.default_rng(12))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_grouped_folds_rejects_one_fold() -> None:
    with pytest.raises(ParameterError, match="at least 2 folds"):
        grouped_folds(np.arange(5), 1, np.random.default_rng(0))


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=1, max_size=12),
    data=st.data(),
)
def test_weighted_median_equals_median_of_the_replicated_sample(values: list[float], data) -> None:
    v = np.array(values)
    counts = np.array(data.draw(st.lists(st.integers(0, 4), min_size=len(v), max_size=len(v))))
    if counts.sum() == 0:
        counts[0] = 1
    expected = np.median(np.repeat(v, counts))
    got = _weighted_median_rows(v, counts[None, :].astype(float))[0]
    assert got == pytest.approx(expected)


def _fake_cv(errors: dict[str, np.ndarray], groups: np.ndarray) -> CVResult:
    """A CVResult whose predictions give the stated absolute errors (outcome 0, span 1)."""
    n = len(groups)
    design = type(
        "D",
        (),
        {
            "n": n,
            "outcome": np.zeros(n),
            "span": np.ones(n),
            "groups": groups,
            "attributes": tuple({"proc": "COD" if k % 2 else "CNS"} for k in range(n)),
        },
    )()
    return CVResult("fake", design, {k: np.atleast_2d(v) for k, v in errors.items()}, np.zeros((1, n)))


def test_summarise_analytic_cases() -> None:
    groups = np.repeat(np.arange(20), 2)
    base = np.linspace(0.1, 0.5, 40)
    cv = _fake_cv({"compromise": base, "same": base.copy(), "worse": base + 0.2}, groups)
    scores = {s.label: s for s in summarise(cv, n_boot=500, seed=3)}
    assert scores["compromise"].mae.estimate == pytest.approx(base.mean())
    assert scores["compromise"].rmse.estimate == pytest.approx(np.sqrt((base**2).mean()))
    assert scores["compromise"].median_ae.estimate == pytest.approx(np.median(base))
    assert scores["compromise"].diff is None
    # An identical model differs by exactly zero on every resample.
    d = scores["same"].diff
    assert (d.estimate, d.low, d.high) == (0.0, 0.0, 0.0)
    assert not d.excludes_zero()
    # A model worse by 0.2 on every issue: the paired difference is 0.2 on every resample.
    d = scores["worse"].diff
    assert d.estimate == pytest.approx(0.2) and d.low == pytest.approx(0.2) and d.high == pytest.approx(0.2)
    assert d.excludes_zero()
    # The interval of a varying error brackets its point estimate.
    m = scores["compromise"].mae
    assert m.low < m.estimate < m.high


def test_summarise_deterministic_and_level_checked() -> None:
    groups = np.repeat(np.arange(15), 3)
    err = np.random.default_rng(0).uniform(0, 1, 45)
    cv = _fake_cv({"compromise": err, "other": err[::-1].copy()}, groups)
    a = [s.to_dict() for s in summarise(cv, seed=5, n_boot=300)]
    b = [s.to_dict() for s in summarise(cv, seed=5, n_boot=300)]
    assert a == b
    wide = summarise(cv, seed=5, n_boot=300, level=0.99)[0].mae
    narrow = summarise(cv, seed=5, n_boot=300, level=0.5)[0].mae
    assert wide.low <= narrow.low and wide.high >= narrow.high
    with pytest.raises(ParameterError, match="between 0 and 1"):
        summarise(cv, level=90)
    by = summarise_by(cv, "proc", seed=5, n_boot=100)
    assert set(by) == {"CNS", "COD"}
    assert by["COD"][0].n == 22 and by["CNS"][0].n == 23


def test_missing_predictions_left_out_of_n_and_the_paired_difference() -> None:
    groups = np.arange(10)
    ref = np.full(10, 0.3)
    partial = np.full(10, 0.1)
    partial[:4] = np.nan
    cv = _fake_cv({"compromise": ref, "status-quo": partial}, groups)
    s = {x.label: x for x in summarise(cv, n_boot=50)}
    assert s["status-quo"].n == 6
    assert s["status-quo"].diff.estimate == pytest.approx(-0.2)


def test_compromise_cv_mae_is_its_plain_mae_on_dev_table(dev_table) -> None:
    """The compromise model learns nothing, so its CV MAE is the published 23.74."""
    res = cross_validate(dev_table, ["compromise", "status-quo"], folds=5, repeats=2, seed=1)
    scores = {s.label: s for s in summarise(res, n_boot=200)}
    assert scores["compromise"].mae.estimate == pytest.approx(23.74, abs=0.005)
    assert scores["compromise"].n == 252
    # Reference README: reference point MAE 49.71 on 184 issues.
    assert scores["status-quo"].mae.estimate == pytest.approx(49.71, abs=0.005)
    assert scores["status-quo"].n == 184


def test_nested_cv_never_trains_on_the_test_proposals(dev_table, monkeypatch) -> None:
    """Every refit of the calibrated model sees only proposals outside its test fold."""
    import negotia.evaluate.fit_calibrated as fc

    seen: list[set[str]] = []
    real = fc.fit_calibrated

    def spy(train, **kw):
        seen.append(set(train.groups))
        return real(train, **kw)

    monkeypatch.setattr(fc, "fit_calibrated", spy)
    res = cross_validate(dev_table, ["calibrated"], folds=4, repeats=2, seed=2, inner_repeats=1)
    groups = res.design.groups
    k = 0
    for r in range(2):
        for f in range(4):
            test_groups = set(groups[res.folds[r] == f])
            train_groups = set(groups[res.folds[r] != f])
            assert seen[k] == train_groups
            assert not (seen[k] & test_groups), "a test proposal leaked into training"
            k += 1
    assert k == len(seen)
    assert res.coefficients["calibrated"].shape == (2, 4, len(res.design.features[0]))


def test_cross_validate_is_deterministic_for_a_seed(dev_table) -> None:
    a = cross_validate(dev_table, ["calibrated"], folds=4, repeats=1, seed=9, inner_repeats=1)
    b = cross_validate(dev_table, ["calibrated"], folds=4, repeats=1, seed=9, inner_repeats=1)
    np.testing.assert_array_equal(a.folds, b.folds)
    np.testing.assert_array_equal(a.predictions["calibrated"], b.predictions["calibrated"])


def test_design_drops_issues_without_outcome(dev_table) -> None:
    d = design_from_table(dev_table)
    assert d.n == 252  # 257 issues, 252 with an outcome (reference README)
    assert len(np.unique(d.groups)) == 97
    assert np.all((d.outcome >= 0) & (d.outcome <= 1))


def test_cli_cv_json(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli(
        "evaluate", str(table), "-m", "calibrated", "-m", "median", "--cv", "grouped",
        "--folds", "4", "--repeats", "1", "--bootstrap", "200", "--format", "json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out["models"]) == {"calibrated", "median", "compromise"}
    for m in out["models"].values():
        assert {"mae", "rmse", "median_ae", "n"} <= set(m)
        assert m["n"] == 252
    assert out["models"]["compromise"]["mae"] == pytest.approx(23.74, abs=0.005)
    diff = out["models"]["calibrated"]["mae_diff_vs_reference"]
    assert diff["low"] <= diff["estimate"] <= diff["high"]
    assert set(out["by"]) == {"proc", "counvte"}
    assert out["cv"]["folds"] == 4 and out["cv"]["level"] == 0.9


def test_cli_cv_table_states_the_verdict(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli(
        "evaluate", str(table), "-m", "calibrated", "--cv", "grouped",
        "--folds", "3", "--repeats", "1", "--bootstrap", "100",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "grouped by proposal" in r.stdout
    assert "calibrated − compromise" in r.stdout and "interval" in r.stdout


def test_cli_cv_rejects_unknown_scheme(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli("evaluate", str(table), "-m", "compromise", "--cv", "random")
    assert r.returncode == 2
    assert "grouped" in r.stderr and "Traceback" not in r.stderr


def test_cli_cv_too_many_folds(cli) -> None:
    table = reference("deu3", "deu3_dev.tsv")
    r = cli("evaluate", str(table), "-m", "compromise", "--cv", "grouped", "--folds", "500")
    assert r.returncode == 2
    assert "500 folds but only 97 proposals" in r.stderr


@pytest.mark.slow
def test_accuracy_report_lists_every_model_with_intervals() -> None:
    """The page generator covers the registry, the README baselines and the variants."""
    from pathlib import Path

    from tools.accuracy_report import BASELINES, VARIANTS, build

    from negotia.models import model_names

    text = build(Path(reference("deu3", "deu3_dev.tsv")), folds=3, repeats=1, n_boot=100)
    assert "## Verdict" in text and "## Caveats" in text
    table = text.split("## Comparison", 1)[1].split("###", 1)[0]
    for label in [*model_names(), *BASELINES, *VARIANTS]:
        row = next((line for line in table.splitlines() if label in line), None)
        assert row is not None, f"{label} missing from the comparison"
        assert row.count("[") >= 3, f"{label}: a figure without its interval"
    assert "23.74 [" in table  # compromise MAE, reference README
