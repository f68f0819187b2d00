"""The DEU data's names are data (issue 11, item 4): the table reader and the calibrated
model read them from ``scenario/data/deu.json``, and none is written into their code."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

import negotia.models.calibrated as cal
import negotia.scenario.deu as deu
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.deu_names import deu_names

SRC = Path(deu.__file__).parents[1]
TABLE = (
    "prnrnmc\tisnr\tprname\tproc\tcounvte\tpcom\tpep\tpfr\tscom\tsep\tsfr\trp\tout\n"
    "1\t1a\tdirective\tCOD\tQMV\t100\t80\t0\t50\t50\t50\t0\t60\n"
)


def test_no_deu_name_is_written_into_the_code() -> None:
    names = deu_names()
    words = {*names.not_actor, *names.issue_id_columns, *names.group_columns, *names.commission}
    words |= {*names.parliament, *names.voting_rule, *names.procedure, *names.codecision}
    # Ordinary words, used elsewhere as such (the calibrated model has features "commission"
    # and "parliament"; its docstring names the DEU ids in prose).
    words -= {"id", "issue", "ep", "proposal", "commission", "parliament"}
    for module in ("scenario/deu.py", "models/calibrated.py"):
        code = (SRC / module).read_text(encoding="utf-8").split('"""', 2)[2]  # after the docstring
        found = sorted(w for w in words if re.search(rf"[\"']{re.escape(w)}[\"']", code))
        assert found == [], f"{module} names DEU columns in code: {found}"


def test_the_reader_reads_the_columns_from_the_data() -> None:
    sc = deu.parse_deu(TABLE, "t.tsv")
    assert [a.id for a in sc.actors] == ["com", "ep", "fr"]
    issue = sc.issues[0]
    assert issue.group == "1" and issue.name == "directive 1a"
    assert issue.attributes["proc"] == "COD"


def test_a_name_added_to_the_data_is_used(monkeypatch) -> None:
    # "fr" declared not an actor: its columns become issue attributes instead.
    names = dataclasses.replace(deu_names(), not_actor=deu_names().not_actor | {"pfr", "sfr"})
    monkeypatch.setattr(deu, "deu_names", lambda: names)
    sc = deu.parse_deu(TABLE, "t.tsv")
    assert [a.id for a in sc.actors] == ["com", "ep"]
    assert sc.issues[0].attributes["pfr"] == "0"


def test_the_calibrated_model_recognises_the_institutions_from_the_data(monkeypatch) -> None:
    arrays = ScenarioArrays.from_scenario(deu.parse_deu(TABLE, "t.tsv"))
    k = {n: j for j, n in enumerate(cal.FEATURE_NAMES)}
    features = cal.feature_matrix(arrays)[0][0, 0]
    assert features[k["commission"]] != 0 and features[k["parliament_if_cod"]] != 0
    assert features[k["commission_if_qmv"]] == features[k["commission"]]
    # Without the names, no institution and no voting rule is recognised.
    bare = dataclasses.replace(deu_names(), commission=(), parliament=(), voting_rule=(), procedure=())
    monkeypatch.setattr(cal, "deu_names", lambda: bare)
    features = cal.feature_matrix(arrays)[0][0, 0]
    assert np.all(features[[k["commission"], k["parliament_if_cod"], k["commission_if_qmv"]]] == 0)


def test_importing_the_reader_and_the_model_does_not_read_the_file() -> None:
    code = (
        "import negotia.scenario.deu, negotia.models.calibrated\n"
        "from negotia.scenario.deu_names import deu_names\n"
        "print(deu_names.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
