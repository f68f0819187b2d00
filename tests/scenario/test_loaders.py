"""Loaders and writers: every format reads, round-trips, and reports every problem with
its line or field."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from negotia import load_scenario, save_scenario
from negotia.errors import InputError
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import dump_scenario
from negotia.scenario.schema import Scenario
from tests.conftest import reference

GOOD = textwrap.dedent(
    """\
    name: test talks
    date: 2025-12-14
    salience_scale: 100
    required_parties: [A, B]
    sources:
      s1: {title: "A report", date: 2025-12-14}
    actors:
      - {id: A, name: Alpha, capability: 2}
      - {id: B, name: Beta, aliases: [Bravo], capability: 1}
    issues:
      - id: x
        scale: {min: 0, max: 10}
        anchors: {0: "none", 10: "all"}
        status_quo: 5
    stances:
      - {actor: A, issue: x, position: 2, salience: 80, source: s1, uncertainty: {position: 1, salience: 10}}
      - {actor: B, issue: x, position: 8, salience: 40}
    red_lines:
      - {actor: A, issue: x, max: 6}
    """
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        load_scenario(path)
    assert e.value.source == str(path)
    return [str(p) for p in e.value.problems]


def test_yaml_loads_and_normalises_salience(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, "s.yaml", GOOD))
    assert [s.salience for s in sc.stances] == [0.8, 0.4]
    assert sc.stances[0].uncertainty.salience == pytest.approx(0.1)
    arrays = ScenarioArrays.from_scenario(sc)
    np.testing.assert_allclose(arrays.position[0, :, 0], [0.2, 0.8])
    np.testing.assert_allclose(arrays.status_quo, [0.5])
    assert arrays.red_max[0, 0] == pytest.approx(0.6) and np.isinf(arrays.red_max[1, 0])
    assert sc.resolve_actor("bravo") == "B"


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = GOOD.replace("position: 2, salience: 80", "position: 12, salience: 180").replace(
        "{actor: B, issue: x,", "{actor: C, issue: y,"
    )
    bad = bad.replace("- {id: B, name: Beta", "- {id: A, name: Beta")
    found = problems_of(write(tmp_path, "bad.yaml", bad))
    text = "\n".join(found)
    assert "line 9, actors[1].id: duplicate id 'A'" in text
    assert "line 16, stances[0].salience: salience 180 is outside 0-100" in text
    assert "line 16, stances[0].position: position 12 is outside the scale of issue 'x' [0, 10]" in text
    assert "line 17, stances[1].actor: unknown actor 'C'" in text
    assert "line 17, stances[1].issue: unknown issue 'y'" in text
    assert "line 4, required_parties[1]: unknown actor 'B'" in text


def test_type_errors_and_unknown_fields(tmp_path: Path) -> None:
    bad = GOOD.replace("position: 8,", "position: high, colour: red,")
    text = "\n".join(problems_of(write(tmp_path, "bad.yaml", bad)))
    assert "stances[1].position" in text and "'high'" in text
    assert "stances[1].colour: unknown field" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: [unclosed\n", "malformed YAML"),
        ("- just\n- a list\n", "must hold a mapping"),
        ("name: empty\n", "the scenario has no actors"),
        (GOOD.replace("position: 8,", "position: .nan,"), "finite number"),
        (GOOD.replace("salience: 40}", "salience: .inf}"), "finite number"),
        (GOOD.replace("salience_scale: 100", "salience_scale: 10"), "must be 1 or 100"),
        (GOOD.replace("{min: 0, max: 10}", "{min: 10, max: 0}"), "must be greater than scale.min"),
        (GOOD.replace("max: 6}", "min: 7, max: 6}"), "min (7) is greater than max (6)"),
        (GOOD.replace("source: s1,", "source: s9,"), "unknown source 's9'"),
    ],
)
def test_bad_yaml_gets_a_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    assert any(expected in p for p in problems_of(write(tmp_path, "bad.yaml", text)))


def test_wrong_encoding_is_named(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "latin.yaml", GOOD.replace("Alpha", "Ålpha").encode("latin-1")))
    assert found[0].startswith("line 8: not valid UTF-8")


def test_empty_file(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, "e.yaml", "")) == ["the file is empty"]


def test_json_malformed_and_lines(tmp_path: Path) -> None:
    found = problems_of(write(tmp_path, "bad.json", '{"name": "x",\n "actors": [}\n'))
    assert found[0].startswith("line 2, column") and "malformed JSON" in found[0]
    sc = load_scenario(write(tmp_path, "s.yaml", GOOD))
    data = json.loads(dump_scenario(sc, "json"))
    data["stances"][1]["position"] = 99
    p = write(tmp_path, "pos.json", json.dumps(data, indent=1))
    assert any(f.startswith("line ") and "position 99 is outside" in f for f in problems_of(p))


def test_long_csv(tmp_path: Path) -> None:
    text = "actor,issue,position,salience,capability\nA,x,0,0.5,2\nB,x,100,0.5,1\nA,y,30,1,2\nB,y,60,0.2,1\n"
    sc = load_scenario(write(tmp_path, "s.csv", text))
    assert sc.issue_ids == ["x", "y"] and sc.issue("y").scale.min == 30 and sc.issue("y").scale.max == 60
    bad = "actor,issue,position,salience,capability\nA,x,zero,0.5,2\nB,x,1,0.5\nC,x,nan,0.5,1\n,x,1,0.5,1\n"
    found = problems_of(write(tmp_path, "bad.csv", bad))
    assert found == [
        "line 2, column position: 'zero' is not a number",
        "line 2, column position: value is missing",
        "line 3: 4 fields, expected 5",
        "line 4, column position: 'nan' is not a finite number",
        "line 4, column position: value is missing",
        "line 5, column actor: value is missing",
    ]
    assert problems_of(write(tmp_path, "nohead.csv", "a,b\n1,2\n"))[0].startswith("line 1: missing column(s)")


def test_reference_inputs_load() -> None:
    # Shapes stated in ../shared/reference/README.md: COP15 11 actors x 7 issues,
    # COP21 15 x 13, DEU III dev table 257 issues (252 with an outcome) of 99 proposals.
    cop15 = load_scenario(reference("exchange", "copenhagen.csv"))
    assert (len(cop15.actors), len(cop15.issues)) == (11, 7)
    cop21 = load_scenario(reference("exchange", "cop21.csv"))
    assert (len(cop21.actors), len(cop21.issues)) == (15, 13)
    toll = load_scenario(reference("exchange", "sample_data.txt"))
    assert toll.issue("tol-hoogte").scale.min == 0.5 and toll.issue("tol-hoogte").scale.max == 7
    deu = load_scenario(reference("deu3", "deu3_dev.tsv"))
    assert len(deu.issues) == 257
    assert sum(i.outcome is not None for i in deu.issues) == 252
    assert len({i.group for i in deu.issues}) == 99
    assert deu.actor("de").capability == pytest.approx(4.1)
    assert deu.issues[0].attributes["proc"] == "COD"
    ec = load_scenario(reference("eum", "ec_car_emissions.csv"))
    assert len(ec.actors) == 10 and ec.issues[0].scale.min == 4 and ec.issues[0].scale.max == 10


def test_reference_file_with_errors_lists_each() -> None:
    # copenhagen_with_errors.csv is deliberately broken (../shared/reference/README.md):
    # Russia's position on Control is 160 on a 0-100 scale, China India's power is negative.
    found = problems_of(reference("exchange", "copenhagen_with_errors.csv"))
    assert found == [
        "line 86, stances[59].position: position 160 is outside the scale of issue 'Control' [0, 100]",
        "line 87: power -0.247 is negative",
    ]


def test_dem_problems(tmp_path: Path) -> None:
    text = "#A\tA\tAlpha\n#A\tA\tAgain\n#P\tx\tX\n#D\tA\tx\t50\t1.5\t0.5\n#D\tB\tx\t50\t0.5\t0.5\n#Q\tfoo\n"
    found = problems_of(write(tmp_path, "bad.txt", text))
    assert found == [
        "line 2: actor 'A' is declared twice",
        "line 4: salience 1.5 is outside 0-1",
        "line 5, stances[0].actor: unknown actor 'B'",
        "line 6: unknown record type '#Q' (expected #A, #P, #M, #D, #O or #/)",
    ]


def test_deu_problems(tmp_path: Path) -> None:
    text = (
        "prnrnmc\tisnr\tpa\tpb\tsa\tsb\trp\tout\n"
        "\t\t1\t2\t\t\t\t\n"
        "1\ti1\t10\t20\t50\t50\t\t15\n"
        "1\ti1\t10\tx\t50\t50\t\t15\n"
    )
    found = problems_of(write(tmp_path, "bad.tsv", text))
    assert found == ["line 4, column isnr: duplicate issue id 'i1'"]
    text = text.replace("1\ti1\t10\tx", "1\ti2\t10\tx")
    assert problems_of(write(tmp_path, "bad2.tsv", text)) == ["line 4, column pb: 'x' is not a number"]


# -- round trips -------------------------------------------------------------------------
ids = st.text(alphabet="ABCDEFGHJK", min_size=1, max_size=3)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    actors = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    issues = draw(st.lists(ids.map(str.lower), min_size=1, max_size=3, unique=True))
    lo = draw(st.integers(-50, 50))
    hi = lo + draw(st.integers(1, 100))
    stances = []
    for a in actors:
        for i in issues:
            # Every actor and issue keeps a stance: the flat formats hold only stances.
            if draw(st.booleans()) or a == actors[0] or i == issues[0]:
                stances.append(
                    {
                        "actor": a,
                        "issue": i,
                        "position": draw(st.floats(lo, hi)),
                        "salience": draw(st.floats(0, 1)),
                        "capability": draw(st.floats(0, 100)),
                    }
                )
    return Scenario(
        name="rt",
        actors=[{"id": a, "capability": 1.0} for a in actors],
        issues=[{"id": i, "scale": {"min": lo, "max": hi}} for i in issues],
        stances=stances,
    )


def _same_numbers(
    a: Scenario, b: Scenario, fields: tuple[str, ...] = ("position", "salience", "capability", "present")
) -> None:
    x, y = ScenarioArrays.from_scenario(a), ScenarioArrays.from_scenario(b)
    assert x.actor_ids == y.actor_ids or set(x.actor_ids) == set(y.actor_ids)
    order = [y.actor_ids.index(k) for k in x.actor_ids]
    iorder = [y.issue_ids.index(k) for k in x.issue_ids]
    for f in fields:
        np.testing.assert_allclose(
            getattr(y, f)[:, order][:, :, iorder], getattr(x, f), rtol=1e-12, atol=1e-12
        )


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "dem", "deu"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_round_trip(tmp_path: Path, fmt: str, sc: Scenario) -> None:
    ext = {"yaml": "yaml", "json": "json", "csv": "csv", "dem": "txt", "deu": "tsv"}[fmt]
    path = tmp_path / f"rt.{ext}"
    save_scenario(sc, path, fmt)
    back = load_scenario(path)
    if fmt in ("yaml", "json"):
        assert back == sc
    elif fmt == "deu":
        # DEU tables hold 0-100 scales and one capability per actor (see dump_deu).
        _same_numbers(sc, back, ("position", "salience", "present"))
    else:
        _same_numbers(sc, back)


def test_bundled_scenario_by_name() -> None:
    from negotia.scenario.formats import bundled_names, bundled_path

    for name in bundled_names():
        by_name = load_scenario(name)
        # the name is that file, loaded as a user's file would be
        assert by_name == load_scenario(bundled_path(name))
        # a bundled case is complete: every issue has stances and every actor takes a stance
        assert {s.issue for s in by_name.stances} == {i.id for i in by_name.issues}
        assert {s.actor for s in by_name.stances} == {a.id for a in by_name.actors}


def test_a_bundled_scenario_is_parsed_once_and_handed_out_as_a_copy(monkeypatch) -> None:
    from negotia.scenario import formats, yamljson
    from negotia.scenario.formats import bundled_path

    first = load_scenario("ukraine-2025")
    # Named again in the same process, the file is not read again ...
    monkeypatch.setattr(yamljson, "read_data", lambda *a, **k: pytest.fail("bundled file read again"))
    again = load_scenario("ukraine-2025")
    assert again == first and again is not first
    # ... and the copy is the caller's own: editing it leaves the next load untouched.
    again.stances[0].position = -1.0
    again.actors.pop()
    assert load_scenario("ukraine-2025") == first
    # A path (not a name) is always read from the file.
    monkeypatch.undo()
    assert formats.load_scenario(bundled_path("ukraine-2025")) == first


def test_unknown_bundled_name() -> None:
    from negotia.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="no bundled scenario 'nope'"):
        load_scenario("nope")
