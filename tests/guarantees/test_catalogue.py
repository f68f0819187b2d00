"""The bundled catalogue and user guarantee files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from negotia.errors import InputError
from negotia.guarantees.catalogue import catalogue, load_event_file, load_guarantees_file
from negotia.guarantees.schema import Bindingness
from tests.conftest import reference

REQUIRED = [
    "nato-art5",
    "budapest-1994",
    "us-japan-1960",
    "us-rok-1953",
    "anzus-1951",
    "g7-vilnius-2023",
    "gbr-ukr-2024",
    "deu-ukr-2024",
    "fra-ukr-2024",
    "dnk-ukr-2024",
    "can-ukr-2024",
    "ita-ukr-2024",
    "usa-ukr-2024",
    "jpn-ukr-2024",
    "us-ukr-draft-2025",
    "cst-1992",
    "rus-blr-2024",
]


def test_catalogue_has_the_required_instruments_with_provenance():
    cat = catalogue()
    for ident in REQUIRED:
        inst = cat.instrument(ident)
        assert inst.sources and inst.verification
    assert len(cat.arrangements) >= 5


# Facts from the reference data sheet (guarantees/README.md, section 3 table: response
# strength, ratification, date): id -> (strongest response strength, ratified, signed).
SHEET = {
    "nato-art5": (4, True, "1949-04-04"),
    "budapest-1994": (1, False, "1994-12-05"),  # sheet: 0 for the assurances; para 6 consultation = 1
    "us-japan-1960": (3, True, "1960-01-19"),
    "us-rok-1953": (3, True, "1953-10-01"),
    "anzus-1951": (3, True, "1951-09-01"),
    "g7-vilnius-2023": (2, False, "2023-07-12"),
    "gbr-ukr-2024": (1, False, "2024-01-12"),
    "deu-ukr-2024": (1, False, "2024-02-16"),
    "fra-ukr-2024": (1, False, "2024-02-16"),
    "dnk-ukr-2024": (1, False, "2024-02-23"),
    "can-ukr-2024": (1, False, "2024-02-24"),
    "ita-ukr-2024": (1, False, "2024-02-24"),
    "usa-ukr-2024": (1, False, "2024-06-13"),
    "jpn-ukr-2024": (1, False, "2024-06-13"),
    "us-ukr-draft-2025": (4, False, None),
    "cst-1992": (5, True, "1992-05-15"),
    "rus-blr-2024": (5, True, "2024-12-06"),
}


@pytest.mark.parametrize("ident", sorted(SHEET))
def test_catalogue_agrees_with_reference_sheet(ident):
    strength, ratified, signed = SHEET[ident]
    inst = catalogue().instrument(ident)
    assert max(o.response_strength for o in inst.obligations) == strength
    assert inst.ratified is ratified
    assert (inst.date_signed.isoformat() if inst.date_signed else None) == signed


def test_reference_sheet_lists_the_same_instruments():
    # treaties.yaml is not strict YAML (a stray colon), so read its ids line by line.
    text = reference("guarantees", "treaties.yaml").read_text()
    ids = {ln.split("id:", 1)[1].strip() for ln in text.splitlines() if ln.strip().startswith("- id:")}
    for ref_id in (
        "nato_1949",
        "budapest_1994",
        "us_ukr_article5_like_draft_2025",
        "cst_1992",
        "rus_blr_2024",
    ):
        assert ref_id in ids


def test_dates_and_terms():
    cat = catalogue()
    assert cat.instrument("usa-ukr-2024").exit_notice_months == 6
    assert cat.instrument("us-japan-1960").starts == dt.date(1960, 6, 23)
    assert cat.instrument("us-ukr-draft-2025").starts is None
    assert cat.instrument("us-ukr-draft-2025").bindingness is Bindingness.draft
    assert cat.instrument("nato-art5").expires is None


BAD = """\
instruments:
  - id: my-pact
    name: My pact
    parties: [AAA, BBB]
    bindingness: treaty
    verification: verified
    sources: [me]
    obligations:
      - guarantor: AAA
        beneficiary: CCC
        atop_type: defence
        response_strength: 7
        requires: defend
        conditions:
          - {type: weather, text: sunny}
"""


def test_bad_treaty_file_names_every_field_and_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(BAD)
    with pytest.raises(InputError) as e:
        load_guarantees_file(p)
    text = str(e.value)
    assert str(p) in text
    assert "line 5, instruments[0].bindingness" in text
    assert "instruments[0].obligations[0].atop_type" in text
    assert "instruments[0].obligations[0].response_strength" in text
    assert "instruments[0].obligations[0].conditions[0]" in text and "unknown condition type" in text


def test_cross_field_problem_named(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text(BAD.replace("treaty", "ratified_treaty").replace("defence", "defense").replace(": 7", ": 4")
                 .replace("{type: weather, text: sunny}", "{type: on_request}"))  # fmt: skip
    with pytest.raises(InputError) as e:
        load_guarantees_file(p)
    assert "'CCC' is not one of the parties" in str(e.value)
    assert "ratified: true" in str(e.value)


def test_good_file_single_instrument_json(tmp_path):
    inst = catalogue().instrument("gbr-ukr-2024").model_dump(mode="json")
    inst["id"] = "my-copy"
    p = tmp_path / "one.json"
    p.write_text(json.dumps(inst))
    cat = load_guarantees_file(p)
    assert list(cat.instruments) == ["my-copy"]


def test_event_file_errors(tmp_path):
    p = tmp_path / "ev.yaml"
    p.write_text(
        "attacker: RUS\ntarget: UKR\ndate: 2026-06-01\nkind: invasion\nlocation: {ceasefire_side: left}\n"
    )
    with pytest.raises(InputError) as e:
        load_event_file(p)
    text = str(e.value)
    assert "line 4, kind" in text and "location.ceasefire_side" in text
    p.write_text("attacker: RUS\ntarget: UKR\ndate: 2026-06-01\n")
    assert load_event_file(p).kind.value == "armed_attack"


def test_instruments_in_force_have_not_expired():
    # Every entry whose status says "in force" must apply on a date in 2026 (automatic
    # renewals and open-ended terms carry no expiry).
    day = dt.date(2026, 6, 1)
    for inst in catalogue().instruments.values():
        if (inst.status or "").startswith("in force"):
            assert inst.starts is not None and inst.starts <= day, inst.id
            assert inst.expires is None or inst.expires > day, inst.id


def test_every_instrument_round_trips_and_renders():
    from negotia.cli.guarantees import listing as cli
    from negotia.guarantees.schema import Instrument

    for inst in catalogue().instruments.values():
        again = Instrument.model_validate(json.loads(inst.model_dump_json()))
        assert again == inst
        with cli.console.capture() as cap:
            cli._show_instrument(inst)
        out = cap.get()
        assert inst.name[:20] in out and inst.verification.value in out


def test_arrangement_naming_a_bundled_instrument_loads_in_a_fresh_process(tmp_path):
    """Regression (issue 11): in a fresh Python process, a file whose arrangement uses
    ``nato-art5`` was rejected with "unknown instrument 'nato-art5'" until ``catalogue()``
    had been called once (a module-level "loaded" flag).  Run in a new interpreter so
    that nothing earlier in the test session has loaded the catalogue."""
    import subprocess
    import sys

    path = tmp_path / "treaties.yaml"
    path.write_text("arrangements:\n  - {id: nato-only, name: NATO alone, instruments: [nato-art5]}\n")
    code = (
        "import sys\n"
        "from negotia.guarantees.catalogue import load_guarantees_file\n"
        "cat = load_guarantees_file(sys.argv[1])\n"
        "print(cat.arrangements['nato-only'].instruments)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['nato-art5']"
    # The ids a file may name are an argument: with none known, the same file is refused.
    with pytest.raises(InputError, match="unknown instrument 'nato-art5'"):
        load_guarantees_file(path, known=())
