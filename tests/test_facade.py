"""Scenario loading has one home, the facade (issue 11 item 2; ARCHITECTURE.md).

``negotia.monte_carlo``, ``sensitivity``, ``bargaining_space`` and ``simulate`` take a
scenario object, a file or a name (and the bargaining ones a GENIUS domain file), and
give exactly what the domain function gives for the loaded `Scenario`; the domain
functions take the object only and say which facade function reads files.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

import negotia
from negotia import api
from negotia.bargaining import genius
from negotia.bargaining.report import analyse
from negotia.bargaining.report import bargaining_space as domain_bargaining_space
from negotia.bargaining.simulation import simulate as domain_simulate
from negotia.ensemble.montecarlo import monte_carlo as domain_monte_carlo
from negotia.ensemble.sensitivity import sensitivity as domain_sensitivity
from negotia.scenario.formats import bundled_path
from tests.conftest import reference

NAME = "ukraine-2025"
FACADE = {
    "monte_carlo": domain_monte_carlo,
    "sensitivity": domain_sensitivity,
    "bargaining_space": domain_bargaining_space,
    "simulate": domain_simulate,
}
# One cheap call of each, with the same arguments through the facade and the domain.
CALLS: dict[str, dict[str, Any]] = {
    "monte_carlo": {"model": "compromise", "n": 300, "seed": 2},
    "sensitivity": {"model": "compromise", "method": "morris", "n": 2, "seed": 2},
    "bargaining_space": {"resolution": 3},
    "simulate": {"resolution": 3, "seed": 4, "steps": 30},
}


def _json(result: Any) -> Any:
    """The result as JSON without its timing (the only part that may differ)."""
    d = result.to_dict()
    if isinstance(d, dict):
        d.pop("seconds", None)
    return d


@pytest.mark.parametrize("name", sorted(FACADE))
def test_a_name_and_a_path_give_what_the_scenario_gives(name: str, tmp_path: Path) -> None:
    sc = api.load_scenario(NAME)
    facade, domain = getattr(api, name), FACADE[name]
    kw = CALLS[name]
    expected = _json(domain(sc, **kw))
    copy = tmp_path / bundled_path(NAME).name
    copy.write_bytes(bundled_path(NAME).read_bytes())
    for source in (NAME, copy, str(copy), sc):
        assert _json(facade(source, **kw)) == expected, source


@pytest.mark.parametrize("name", sorted(FACADE))
def test_the_package_exports_the_facade(name: str) -> None:
    assert getattr(negotia, name) is getattr(api, name)
    assert negotia._LAZY[name] == "negotia.api"


@pytest.mark.parametrize("name", sorted(FACADE))
def test_the_facade_keeps_the_domain_functions_signature(name: str) -> None:
    """Same parameters, kinds and defaults; only the scenario also takes a path or name."""
    facade = inspect.signature(getattr(api, name)).parameters
    domain = inspect.signature(FACADE[name]).parameters
    assert list(facade) == list(domain)
    for p, q in zip(facade.values(), domain.values(), strict=True):
        assert (p.kind, p.default) == (q.kind, q.default), p.name
        if p.name != "scenario":
            assert p.annotation == q.annotation, p.name
    assert "str" in facade["scenario"].annotation and "os.PathLike" in facade["scenario"].annotation


@pytest.mark.parametrize("name", sorted(FACADE))
@pytest.mark.parametrize("source", [NAME, Path("scenario.yaml")])
def test_a_domain_function_refuses_a_path_and_names_the_facade(name: str, source: object) -> None:
    with pytest.raises(TypeError, match=rf"call negotia\.{name} \(negotia\.api\.{name}\)"):
        FACADE[name](source, **CALLS[name])


def test_a_genius_domain_file_is_read_by_the_facade() -> None:
    path = reference("bargaining", "EnglandZimbabwe_domain.xml")
    model, name = genius.load_model(str(path))
    assert _json(api.bargaining_space(path)) == _json(analyse(model, name=name))
    run = api.simulate(path, protocol="mediator", start="worst", seed=0)
    assert run.to_json() == domain_simulate(model, protocol="mediator", start="worst", seed=0).to_json()


def test_export_genius_writes_a_domain_that_reads_back(tmp_path: Path) -> None:
    # The exported GENIUS domain, read back by the GENIUS reader, has the scenario's issues
    # and options (3 per issue on 12 issues) and one profile per party.  The Nash package
    # is not compared: after the trip it differs (noted for a later look; red lines have no
    # GENIUS form).
    written = api.export_genius(NAME, tmp_path, ["UKR", "RUS"], resolution=3)
    names = {Path(f).name for f in written}
    assert names == {f"{n}.{e}" for n in ("negotia_domain", "UKR", "RUS") for e in ("xml", "json")}
    assert all(Path(f).stat().st_size > 0 for f in written)
    back = negotia.bargaining_space(str(tmp_path / "negotia_domain.xml")).to_dict()
    assert back["n_packages"] == negotia.bargaining_space(NAME, resolution=3).to_dict()["n_packages"] == 3**12
    assert sorted(back["nash"]["utilities"]) == ["RUS", "UKR"]
