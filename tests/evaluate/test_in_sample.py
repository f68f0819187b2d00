"""negotia.api.in_sample_models: which models' shipped fit was trained on a given table.

The expected answer comes from outside the code: the shipped calibrated fit records the
SHA-256 of the table it was fitted on, and that table is ../shared/reference/deu3/deu3_dev.tsv
(its provenance in models/data/calibrated.json); any other file is out of sample.
"""

from __future__ import annotations

from pathlib import Path

from negotia.api import in_sample_models
from tests.conftest import reference


def test_the_training_table_is_in_sample_for_the_calibrated_model_only() -> None:
    table = reference("deu3", "deu3_dev.tsv")
    assert in_sample_models(table, ["calibrated", "compromise", "median"]) == ["calibrated"]


def test_another_file_or_a_bundled_name_is_out_of_sample(tmp_path: Path) -> None:
    other = tmp_path / "copy.tsv"
    other.write_bytes(reference("deu3", "deu3_dev.tsv").read_bytes() + b"\n")  # one byte differs
    assert in_sample_models(other, ["calibrated"]) == []
    assert in_sample_models("ukraine-2025", ["calibrated"]) == []
