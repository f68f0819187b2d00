"""Comparing arrangements on the bundled case: only orderings that follow from the data.

What is asserted and why:
- Budapest gives Ukraine nothing against a conventional Russian attack: its only positive
  promise (UN Security Council referral) covers nuclear aggression, its negative
  assurances bind the attacker itself, and its consultation carries no aid. So its maximum
  response is 0 whatever the credibility settings.
- The 2024 agreements promise consultation and aid, no defence: even if every guarantor
  honoured, the aid (US$ figures in the catalogue, plus the catalogue-derived share for
  unstated amounts) stays below Russia's US$149bn, so the response can never outweigh the
  attacker on its own.
- NATO membership and the US draft each include at least one defence obligation whose
  guarantor (the US) alone outweighs Russia, so with a positive honouring probability the
  chance of outweighing is positive, hence above the two arrangements before.
- Legally binding (ratified) Article-5-like guarantees differ from the draft only in legal
  form, and a stronger legal form can only raise credibility (a monotone factor), so with the
  same seed every draw honoured under the draft is honoured under the treaty.
The order of NATO membership against the Article-5-like package is NOT asserted: it depends
on assumed factor sizes and defence shares.
"""

from __future__ import annotations

import json

import pytest

from negotia.errors import InputError, UnknownNameError
from negotia.guarantees.compare import (
    assess_guarantees,
    compare_arrangements,
    guarantee_case,
    renewed_russian_attack,
    resolve_arrangement,
)
from negotia.guarantees.credibility import CredibilitySettings


@pytest.fixture(scope="module")
def comp():
    return compare_arrangements(n_draws=20_000, seed=0)


def by_id(comp):
    return {a.arrangement.id: a.deterrence for a in comp.assessments}


def test_required_arrangements_are_compared(comp):
    ids = [a.arrangement.id for a in comp.assessments]
    for want in ("nato-membership", "bilateral-2024", "draft-2025-european", "budapest"):
        assert want in ids
    assert set(comp.ranking) == set(guarantee_case().arrangements)


@pytest.mark.parametrize("era", ["all", "post1945", "pre1945", "llm"])
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
def test_orderings_that_follow_from_the_data(era, rho):
    d = by_id(compare_arrangements(settings=CredibilitySettings(era=era), rho=rho, n_draws=4000, seed=1))
    assert d["budapest"].max_response == 0 and d["budapest"].p_outweighs == 0
    assert 0 < d["bilateral-2024"].max_response < d["bilateral-2024"].attacker_capability
    assert d["bilateral-2024"].p_outweighs == 0
    for strong in ("nato-membership", "draft-2025-european", "art5-like-binding"):
        assert d[strong].p_outweighs > 0
        assert d[strong].max_response > d["bilateral-2024"].max_response
    assert d["art5-like-binding"].p_outweighs >= d["draft-2025-european"].p_outweighs
    assert d["art5-like-binding"].expected_response >= d["draft-2025-european"].expected_response


def test_ranking_puts_defence_arrangements_first(comp):
    r = comp.ranking
    assert r.index("budapest") > r.index("nato-membership")
    assert r.index("bilateral-2024") > r.index("draft-2025-european")


def test_explanations_in_plain_words(comp):
    text = "\n".join(comp.explanations)
    # Budapest: consultation only, so nothing responds (the module docstring's first point)
    budapest = next(e for e in comp.explanations if e.startswith("Budapest-style assurances:"))
    assert "no forces or aid are promised, so nothing responds" in budapest
    assert "non-aggression promise is breached" in text
    assert "could not outweigh the attacker" in text  # the 2024 agreements and Budapest
    assert "ranks above" in text
    # one sentence per arrangement plus one per adjacent pair in the ranking
    assert len(comp.explanations) == 2 * len(comp.assessments) - 1


def test_nato_membership_needs_the_join():
    plain = assess_guarantees(["nato-art5"], n_draws=100)
    assert plain.deterrence.guarantors == []  # Ukraine is not a member
    joined = assess_guarantees("nato-membership", n_draws=100)
    assert len(joined.deterrence.guarantors) == 32


def test_resolve_by_instrument_ids_and_errors():
    _, insts = resolve_arrangement("gbr-ukr-2024+deu_ukr_2024")
    assert [i.id for i in insts] == ["gbr-ukr-2024", "deu-ukr-2024"]
    with pytest.raises(UnknownNameError, match="did you mean"):
        resolve_arrangement("gbr-ukr-2025")


def test_event_options_are_validated():
    with pytest.raises(InputError, match="scale"):
        renewed_russian_attack(scale="huge")
    with pytest.raises(InputError, match="<settings>"):
        assess_guarantees("budapest", settings={"era": "bronze age"})


def test_to_dict_is_strict_json_and_says_what_the_objects_say(comp):
    """Strict JSON (no NaN/inf), and read back it carries the same figures as the objects."""
    back = json.loads(json.dumps(comp.to_dict(), allow_nan=False))
    assert back["ranking"] == comp.ranking
    assert back["explanations"] == comp.explanations
    assert [row["id"] for row in back["arrangements"]] == [a.arrangement.id for a in comp.assessments]
    for row, a in zip(back["arrangements"], comp.assessments, strict=True):
        d = a.deterrence
        assert row["p_outweighs"] == d.p_outweighs and row["max_response"] == d.max_response
        assert row["expected_response"] == d.expected_response and row["p50"] == d.quantiles["p50"]
        assert row["guarantors"] == len(d.guarantors)
    one = assess_guarantees("bilateral-2024", n_draws=100)
    back = json.loads(json.dumps(one.to_dict(), allow_nan=False))
    assert back["arrangement"]["id"] == "bilateral-2024"
    assert back["deterrence"]["p_outweighs"] == one.deterrence.p_outweighs
    assert back["deterrence"]["max_response"] == one.deterrence.max_response
    assert len(back["triggers"]) == len(one.triggers) and len(back["credibility"]) == len(one.credibility)


def test_the_bundled_case_is_data_not_code(tmp_path) -> None:
    """The Ukraine case (arrangements, default attack) comes from data/cases.yaml.

    The expected values are the file's own, read independently with PyYAML: the library
    must return exactly what the data file says, nothing written into code.
    """
    from importlib import resources

    import yaml

    from negotia.errors import ParameterError

    raw = yaml.safe_load((resources.files("negotia.guarantees") / "data" / "cases.yaml").read_text())
    case = guarantee_case()
    assert case.name == raw["default"] == "ukraine-2025"
    assert case.arrangements == tuple(raw["cases"]["ukraine-2025"]["arrangements"])
    ev = case.attack()
    assert (ev.attacker, ev.target, ev.kind) == ("RUS", "UKR", "armed_attack")
    assert ev == renewed_russian_attack()
    assert case.attack("2027-01-01").date.isoformat() == "2027-01-01"
    assert compare_arrangements(n_draws=200, seed=0).ranking[0] in case.arrangements
    with pytest.raises(ParameterError, match=r"unknown guarantee case 'atlantis'.*ukraine-2025"):
        guarantee_case("atlantis")
