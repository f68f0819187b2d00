"""Issue 16 item 3: a loader never hides a problem behind another or drops data
without saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from negotia import load_scenario
from negotia.errors import InputError

INVERTED = """\
name: inverted
actors: [{id: A, capability: 1}, {id: B, capability: 1}]
issues:
  - {id: x, scale: {min: 10, max: 0}}
  - {id: y}
stances:
  - {actor: A, issue: x, position: 2, salience: 0.5}
  - {actor: B, issue: x, position: 8, salience: 0.5}
  - {actor: A, issue: y, position: 8, salience: 0.5}
red_lines:
  - {actor: A, issue: x, max: 6}
"""


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        load_scenario(path)
    return [str(p) for p in e.value.problems]


def test_inverted_scale_is_reported_itself_not_as_unknown_issue(tmp_path: Path) -> None:
    # Before: the scale error plus "unknown issue 'x'" for every stance and red line on x.
    p = tmp_path / "inv.yaml"
    p.write_text(INVERTED, encoding="utf-8")
    assert problems_of(p) == [
        "line 4, issues[0].scale: scale.max (0.0) must be greater than scale.min (10.0)"
    ]


def test_invalid_actor_is_reported_once(tmp_path: Path) -> None:
    p = tmp_path / "act.yaml"
    p.write_text(INVERTED.replace("{id: B, capability: 1}", "{id: B, capability: -1}").replace(
        "{min: 10, max: 0}", "{min: 0, max: 10}"), encoding="utf-8")  # fmt: skip
    found = problems_of(p)
    assert len(found) == 1 and found[0].startswith("line 2, actors[1].capability:")


def test_a_truly_unknown_issue_is_still_named(tmp_path: Path) -> None:
    p = tmp_path / "unk.yaml"
    p.write_text(INVERTED.replace("issue: y, position: 8", "issue: z, position: 8"), encoding="utf-8")
    found = problems_of(p)
    assert "line 9, stances[2].issue: unknown issue 'z'" in found and len(found) == 2


def test_deu_position_column_without_salience_column_is_not_dropped(tmp_path: Path) -> None:
    # Before: the actor 'uk' vanished (its positions became an issue attribute).
    p = tmp_path / "deu.tsv"
    p.write_text("prnrnmc\tisnr\tpa\tsa\tpuk\tout\n1\ti1\t10\t50\t30\t15\n", encoding="utf-8")
    assert problems_of(p) == [
        "line 1, column puk: position column 'puk' has no salience column 'suk', so actor 'uk' would "
        "be left out; add the column (a blank salience is read as 0, a blank position as no stance)"
    ]
    p.write_text("prnrnmc\tisnr\tpa\tsa\tpuk\tsuk\tout\n1\ti1\t10\t50\t30\t\t15\n", encoding="utf-8")
    assert load_scenario(p).actor_ids == ["a", "uk"]


def test_the_lossy_conversion_check_is_in_the_library() -> None:
    """``negotia.scenario.formats.lost_in`` (what ``convert`` and ``db export`` refuse on).

    Expected from the bundled scenario itself: ukraine-2025 has red lines and anchors,
    which CSV cannot hold, and YAML/JSON hold everything (CANNOT_HOLD is empty for them).
    """
    from negotia.scenario.formats import lost_in

    sc = load_scenario("ukraine-2025")
    assert sc.red_lines and any(i.anchors for i in sc.issues)
    lost = lost_in(sc, "csv")
    assert "red lines" in lost and "issue names and anchors" in lost
    assert lost_in(sc, "yaml") == lost_in(sc, "json") == []
    assert lost_in(sc.model_copy(update={"red_lines": []}), "csv") == [w for w in lost if w != "red lines"]
