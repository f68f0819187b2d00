"""Issue 16 item 3: GENIUS files with nan evaluations were accepted, and a broken
profile beside the domain was skipped without a word (leaving one party fewer)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from negotia.bargaining import genius
from negotia.errors import InputError
from tests.conftest import reference, run_cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = reference("bargaining", "EnglandZimbabwe_domain.xml").parent
    for name in ("EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml"):
        shutil.copy(src / name, tmp_path / name)
    return tmp_path


def _spoil(folder: Path, old: str, new: str) -> None:
    p = folder / "England.xml"
    p.write_text(p.read_text().replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('evaluation="5"', 'evaluation="nan"', "evaluation 'nan' is not a finite number"),
        ('evaluation="5"', 'evaluation="inf"', "evaluation 'inf' is not a finite number"),
        ('evaluation="5"', 'evaluation="five"', "evaluation 'five' is not a finite number"),
    ],
)
def test_broken_profile_of_the_domain_is_an_error(folder: Path, old: str, new: str, message: str) -> None:
    _spoil(folder, old, new)
    with pytest.raises(InputError) as e:
        genius.load_model(str(folder / "EnglandZimbabwe_domain.xml"))
    text = str(e.value)
    assert "England.xml: issue 'Size of Fund'" in text and message in text
    assert "found 1 profile" not in text


def test_nan_weight_is_refused(folder: Path) -> None:
    p = folder / "England.xml"
    text = p.read_text()
    start = text.index("<weight ")
    value_at = text.index('value="', start) + len('value="')
    p.write_text(text[:value_at] + "nan" + text[text.index('"', value_at) :])
    with pytest.raises(InputError, match="value 'nan' is not a finite number"):
        genius.load_model(str(folder / "EnglandZimbabwe_domain.xml"))


def test_profile_of_another_domain_is_still_passed_over(folder: Path) -> None:
    (folder / "Other.xml").write_text(
        '<utility_space><objective><issue name="Unrelated" index="1" type="discrete">'
        '<item index="1" value="a" evaluation="nan"/></issue></objective></utility_space>'
    )
    model, _ = genius.load_model(str(folder / "EnglandZimbabwe_domain.xml"))
    assert len(model.parties) == 2


def test_geniusweb_nan_utility_is_refused(folder: Path) -> None:
    dom = genius.read_genius_domain(folder / "EnglandZimbabwe_domain.xml")
    prof = genius.read_genius_profile(folder / "England.xml", dom)
    out = folder / "england.json"
    genius.write_geniusweb_profile(dom, prof, out)
    data = json.loads(out.read_text())
    utils = data["LinearAdditiveUtilitySpace"]["issueUtilities"]
    first = next(iter(utils.values()))
    inner = first.get("DiscreteValueSetUtilities") or first.get("discreteutils")
    key = next(iter(inner["valueUtilities"]))
    inner["valueUtilities"][key] = "abc"
    out.write_text(json.dumps(data))
    with pytest.raises(InputError, match="is not a finite number"):
        genius.read_geniusweb_profile(out, dom)


def test_cli_names_the_broken_profile(folder: Path) -> None:
    _spoil(folder, 'evaluation="5"', 'evaluation="nan"')
    r = run_cli("bargain", str(folder / "EnglandZimbabwe_domain.xml"))
    assert r.returncode == 2 and "England.xml" in r.stderr and "not a finite number" in r.stderr
    assert "Traceback" not in r.stderr
