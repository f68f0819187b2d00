"""GENIUS XML and GeniusWeb JSON: the England-Zimbabwe golden case and round trips.

Expected figures: ../shared/reference/README.md (section bargaining/) -- 576 packages,
25 Pareto packages under GENIUS's per-issue normalisation, the Nash package and its
utilities (0.9109, 0.7332); NegMAS 0.16, importing without that normalisation, reports
23 frontier packages.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from negotia.api import bargaining_space
from negotia.bargaining import genius
from negotia.bargaining.pareto import pareto_mask
from negotia.errors import InputError
from tests.conftest import reference

NASH = {
    "Size of Fund": "$10 billion",
    "Impact on Other Aid": "Reduction equal to fund size",
    "Zimbabwe Trade Policy": "Zimbabwe will increase tariffs on imports",
    "England Trade Policy": "England will increase imports",
    "Forum on Other Health Issues": "Creation of committee to discuss creation of fund",
}


@pytest.fixture
def domain_path():
    return reference("bargaining", "EnglandZimbabwe_domain.xml")


def test_england_zimbabwe_golden(domain_path) -> None:
    r = bargaining_space(domain_path)
    assert r.parties == ("England", "Zimbabwe")
    assert r.n_packages == 576
    assert r.pareto_size == 25
    assert r.nash.labels == NASH
    assert r.nash.utilities["England"] == pytest.approx(0.9109, abs=5e-5)
    assert r.nash.utilities["Zimbabwe"] == pytest.approx(0.7332, abs=5e-5)


def test_without_genius_normalisation_the_frontier_has_23_packages(domain_path) -> None:
    # Using raw evaluations (no division by the issue's maximum) reproduces the figure
    # the reference README reports for NegMAS 0.16 -- so the normalisation matters.
    import xml.etree.ElementTree as ET

    dom = genius.read_genius_domain(domain_path)
    raw_tables = []
    for name in ("England", "Zimbabwe"):
        root = ET.parse(domain_path.with_name(f"{name}.xml")).getroot()
        w = {x.get("index"): float(x.get("value")) for x in root.iter("weight")}
        tabs = []
        for issue in root.iter("issue"):
            ev = {i.get("value"): float(i.get("evaluation")) for i in issue.iter("item")}
            tabs.append((issue.get("name"), w[issue.get("index")], ev))
        raw_tables.append({n: (wt, ev) for n, wt, ev in tabs})
    shape = tuple(len(v) for _, v in dom.issues)
    U = np.zeros((2, *shape))
    for p, t in enumerate(raw_tables):
        for k, (n, values) in enumerate(dom.issues):
            wt, ev = t[n]
            row = np.array([wt * ev[v] for v in values])
            U[p] += row.reshape((1,) * k + (len(values),) + (1,) * (len(shape) - k - 1))
    assert pareto_mask(U.reshape(2, -1)).sum() == 23


def test_xml_round_trip_keeps_the_utilities(domain_path, tmp_path) -> None:
    model, _ = genius.load_model(str(domain_path))
    dom, profiles = genius.profiles_from_model(model)
    genius.write_genius_domain(dom, tmp_path / "d_domain.xml")
    for p in profiles:
        genius.write_genius_profile(dom, p, tmp_path / f"{p.name}.xml")
    back, _ = genius.load_model(str(tmp_path / "d_domain.xml"))
    idx = np.arange(576)
    assert back.parties == model.parties
    # Export maps each issue's values onto [0, 1] (minimum to 0), so each party's
    # utility changes by a positive affine map: same ranking, same frontier.
    u0, u1 = model.utilities(idx), back.utilities(idx)
    for p in range(2):
        assert np.corrcoef(u0[p], u1[p])[0, 1] == pytest.approx(1.0)
    assert set(np.flatnonzero(pareto_mask(u0))) == set(np.flatnonzero(pareto_mask(u1)))


def test_geniusweb_json_round_trip(domain_path, tmp_path) -> None:
    model, _ = genius.load_model(str(domain_path))
    dom = genius.read_genius_domain(domain_path)
    prof = genius.read_genius_profile(domain_path.with_name("England.xml"), dom)
    genius.write_geniusweb_domain(dom, tmp_path / "ez.json")
    genius.write_geniusweb_profile(dom, prof, tmp_path / "England.json")
    data = json.loads((tmp_path / "England.json").read_text())
    las = data["LinearAdditiveUtilitySpace"]
    assert set(las["issueWeights"]) == {n for n, _ in dom.issues}
    back = genius.read_geniusweb_profile(tmp_path / "England.json")
    assert back.weights == pytest.approx(prof.weights)
    for a, b in zip(back.utilities, prof.utilities, strict=True):
        assert a == pytest.approx(b)
    # A GeniusWeb reservation bid gives the reservation utility of that bid.
    las["reservationBid"] = {"issuevalues": {n: v[0] for n, v in dom.issues}}
    (tmp_path / "England.json").write_text(json.dumps(data))
    with_bid = genius.read_geniusweb_profile(tmp_path / "England.json")
    expected = sum(w * u[0] for w, u in zip(prof.weights, prof.utilities, strict=True))
    assert with_bid.reservation == pytest.approx(expected)
    assert model.n_parties == 2


def test_geniusweb_domain_with_profiles_beside_it(domain_path, tmp_path) -> None:
    dom = genius.read_genius_domain(domain_path)
    for name in ("England", "Zimbabwe"):
        prof = genius.read_genius_profile(domain_path.with_name(f"{name}.xml"), dom)
        genius.write_geniusweb_profile(dom, prof, tmp_path / f"{name}.json")
    genius.write_geniusweb_domain(dom, tmp_path / "ez_domain.json")
    r = bargaining_space(tmp_path / "ez_domain.json")
    assert r.pareto_size == 25 and r.nash.labels == NASH


def test_bad_profile_names_file_and_issue(domain_path, tmp_path) -> None:
    text = domain_path.with_name("England.xml").read_text()
    bad = tmp_path / "England.xml"
    bad.write_text(text.replace('evaluation="5"', 'evaluation="five"', 1))
    dom = genius.read_genius_domain(domain_path)
    with pytest.raises(InputError) as e:
        genius.read_genius_profile(bad, dom)
    assert "England.xml" in str(e.value) and "Size of Fund" in str(e.value)


def test_broken_xml_and_unsupported_issue(tmp_path) -> None:
    (tmp_path / "x.xml").write_text("<negotiation_template><utility_space>")
    with pytest.raises(InputError, match="line"):
        genius.read_genius_domain(tmp_path / "x.xml")
    (tmp_path / "r.xml").write_text(
        '<negotiation_template><utility_space><objective><issue name="price" etype="set" '
        'lowerbound="0" upperbound="1"/></objective></utility_space></negotiation_template>'
    )
    with pytest.raises(InputError, match=r"price.*not supported"):
        genius.read_genius_domain(tmp_path / "r.xml")


def _copy_domain(domain_path, tmp_path):
    for name in ("EnglandZimbabwe_domain.xml", "England.xml", "Zimbabwe.xml"):
        (tmp_path / name).write_text(domain_path.with_name(name).read_text())
    return tmp_path / "EnglandZimbabwe_domain.xml"


def test_a_weight_on_the_root_objective_is_ignored_as_genius_does(domain_path, tmp_path) -> None:
    # GENIUS profiles may carry a weight for the root objective (index 0); GENIUS
    # ignores it. The profile must load (it used to be skipped: "found 0 profiles")
    # and give the golden figures.
    dom = _copy_domain(domain_path, tmp_path)
    for name in ("England.xml", "Zimbabwe.xml"):
        f = tmp_path / name
        f.write_text(
            f.read_text().replace(
                '<weight index="1"', '<weight index="0" value="1.0"></weight>\n<weight index="1"', 1
            )
        )
        assert '<weight index="0"' in f.read_text()
    r = bargaining_space(dom)
    assert r.pareto_size == 25 and r.nash.labels == NASH
    assert r.nash.utilities["England"] == pytest.approx(0.9109, abs=5e-5)


def test_weights_not_summing_to_one_are_said_to_be_renormalised(domain_path, tmp_path) -> None:
    import re

    dom = _copy_domain(domain_path, tmp_path)
    f = tmp_path / "England.xml"
    doubled = re.sub(
        r'(<weight index="\d" value=")([0-9.]+)"',
        lambda m: f'{m.group(1)}{2 * float(m.group(2))!r}"',
        f.read_text(),
    )
    f.write_text(doubled)
    r = bargaining_space(dom)
    assert r.nash.labels == NASH  # divided by their sum: the same utilities
    assert any("England" in n and "sum to 2" in n and "GENIUS uses them as written" in n for n in r.notes)
    assert not any("Zimbabwe" in n and "sum to" in n for n in r.notes)


def test_one_broken_unrelated_file_does_not_block_the_domain(domain_path, tmp_path) -> None:
    dom = _copy_domain(domain_path, tmp_path)
    (tmp_path / "notes.xml").write_text("<draft><unclosed>")
    r = bargaining_space(dom)
    assert r.pareto_size == 25 and r.nash.labels == NASH
    assert any("skipped notes.xml" in n and "line" in n for n in r.notes)
    (tmp_path / "Zimbabwe.xml").unlink()  # now too few profiles: the error names the skip
    with pytest.raises(InputError, match=r"(?s)found 1 profile.*skipped notes\.xml"):
        bargaining_space(dom)


def test_with_reservation_values_both_frontiers_are_reported_and_labelled(domain_path, tmp_path) -> None:
    # Reservation 0.6 for both: the whole frontier is still the reference's 25
    # packages; the part both accept is the frontier packages worth >= 0.6 to each,
    # checked here against the utilities of the whole frontier.
    from tests.conftest import run_cli

    dom = _copy_domain(domain_path, tmp_path)
    for name in ("England.xml", "Zimbabwe.xml"):
        f = tmp_path / name
        f.write_text(f.read_text().replace('<reservation value="0" />', '<reservation value="0.6" />'))
    r = bargaining_space(dom)
    assert r.pareto_size_all == 25
    model, _ = genius.load_model(str(dom))
    U = model.utilities(np.array(r.frontier_all))
    accepted = [i for i, u in zip(r.frontier_all, U.T, strict=True) if (u >= 0.6 - 1e-12).all()]
    assert list(r.frontier) == accepted and 0 < r.pareto_size < 25
    out = " ".join(run_cli("bargain", str(dom)).stdout.split())
    assert "Pareto frontier, all packages │ 25 packages" in out
    assert f"Pareto frontier, acceptable to every party │ {r.pareto_size} packages" in out
