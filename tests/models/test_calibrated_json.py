"""The calibrated model's coefficient files are strict JSON (issue 11): the infinite
penalty, "no correction" (the compromise model itself), is written as null and read back
as infinity, both as a fit's penalty and in the search grid of its provenance."""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

import pytest

import negotia.models.calibrated as cal
from negotia.errors import InputError
from negotia.evaluate import fit_calibrated as fc
from negotia.evaluate.features import design_from_table
from negotia.scenario.formats import load_scenario
from tests.conftest import reference


def _strict(text: str) -> Any:
    """``json.loads`` that refuses NaN and Infinity, which strict JSON does not have."""

    def refuse(name: str) -> None:
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def _strings(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


@pytest.fixture(scope="module")
def design():
    return design_from_table(load_scenario(reference("deu3", "deu3_dev.tsv")))


def test_a_fit_that_chose_no_correction_is_written_as_null(design, tmp_path) -> None:
    fit = fc.fit_calibrated(design, seed=1, repeats=1, fractions=(math.inf, 0.5))
    no_correction = fc.fit_calibrated(design, seed=1, repeats=1, fractions=(math.inf,))
    assert no_correction.penalty == math.inf
    for f in (fit, no_correction):
        data = _strict(f.to_json())
        assert "inf" not in _strings(data)
        for search in data["provenance"]["search"].values():
            first = search["penalty_grid"][0]
            assert first["fraction"] is None and first["penalty"] is None
            assert all(isinstance(row["penalty"], float) for row in search["penalty_grid"][1:])
    assert _strict(no_correction.to_json())["penalty"] is None
    path = tmp_path / "fit.json"
    no_correction.save(path)
    back = cal.CalibratedFit.load(path)
    assert back.penalty == math.inf
    assert back.coefficients == no_correction.coefficients
    assert back.provenance == no_correction.provenance


def test_the_shipped_file_is_strict_json() -> None:
    text = resources.files("negotia.models").joinpath(cal.SHIPPED).read_text(encoding="utf-8")
    data = _strict(text)
    assert "inf" not in _strings(data)
    grids = [s["penalty_grid"] for s in data["provenance"]["search"].values()]
    assert grids and all(g[0]["fraction"] is None and g[0]["penalty"] is None for g in grids)
    assert all(isinstance(row["penalty"], float) for g in grids for row in g[1:])


def test_a_file_written_before_strict_json_still_loads() -> None:
    data = cal.shipped_fit().to_dict()
    assert cal.CalibratedFit.from_dict({**data, "penalty": "inf"}).penalty == math.inf
    assert cal.CalibratedFit.from_dict({**data, "penalty": None}).penalty == math.inf
    assert cal.CalibratedFit.from_dict(data).penalty == cal.shipped_fit().penalty


def test_a_penalty_that_is_not_a_number_is_an_input_error() -> None:
    data = cal.shipped_fit().to_dict()
    with pytest.raises(InputError, match=r"penalty.*'lots' is not a number or null"):
        cal.CalibratedFit.from_dict({**data, "penalty": "lots"}, "my_fit.json")
