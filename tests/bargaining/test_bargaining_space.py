"""The outcome space: options per issue, numbering, lazy enumeration."""

from __future__ import annotations

import numpy as np
import pytest

from negotia.bargaining import space_from_scenario, utility_model
from negotia.errors import ParameterError
from negotia.scenario.formats import load_scenario
from tests.bargaining.bargaining_helpers import make_scenario
from tests.bargaining.zopa_enumeration import subgrid


def test_ukraine_uses_its_anchors_as_options() -> None:
    sc = load_scenario("ukraine-2025")
    space = space_from_scenario(sc)
    # 12 issues since issue 12 (item 7): every one has five anchors, territory six.
    assert space.shape == (5, 5, 6, *(5,) * 9) and space.size == 6 * 5**11
    nato = space.issues[0]
    assert nato.values.tolist() == [0, 25, 50, 75, 100]
    assert nato.labels[4].startswith("100: permanent neutrality")


def test_resolution_per_issue_and_labels() -> None:
    sc = load_scenario("ukraine-2025")
    space = space_from_scenario(sc, {"nato": 3, "territory": "anchors"})
    assert space.shape[0] == 3 and space.shape[2] == 6
    assert space.issues[0].labels[1].startswith("50: door formally open")  # on an anchor
    grid = space_from_scenario(sc, 9)
    assert grid.issues[0].labels[1].startswith("12.5 (≈")  # nearest anchor, marked as such
    with pytest.raises(ParameterError, match="unknown issue"):
        space_from_scenario(sc, {"natoo": 3})
    with pytest.raises(ParameterError, match="nato"):
        space_from_scenario(sc, {"nato": "many"})


def test_numbering_is_c_order_and_round_trips() -> None:
    sc = make_scenario({"A": {"x": 0, "y": 50}, "B": {"x": 100, "y": 0}})
    space = space_from_scenario(sc, 3)
    idx = np.arange(space.size)
    opts = space.decode(idx)
    assert opts[:4].tolist() == [[0, 0], [0, 1], [0, 2], [1, 0]]  # the last issue varies fastest
    assert (space.encode(opts) == idx).all()
    with pytest.raises(ParameterError, match="out of range"):
        space.decode(space.size)


def test_chunked_enumeration_equals_dense() -> None:
    sc = make_scenario(
        {"A": {"x": 10, "y": 70, "z": 40}, "B": {"x": 90, "y": 20, "z": 60}},
        red_lines=[{"actor": "A", "issue": "x", "max": 60}],
        loss="quadratic",
    )
    m = utility_model(sc, resolution=6)
    options = m.allowed_options()
    parts = list(subgrid(m, options, chunk=7))
    # chunks of exactly 7 packages (the last one the rest), in order
    sizes = [len(i) for i, _ in parts]
    n_inside = int(np.prod([len(o) for o in options]))
    assert n_inside > 7 and sizes == [7] * (n_inside // 7) + ([n_inside % 7] if n_inside % 7 else [])
    index = np.concatenate([i for i, _ in parts])
    U = np.concatenate([u for _, u in parts], axis=1)
    inside = np.flatnonzero(m.acceptable(np.arange(m.space.size)))
    assert index.tolist() == inside.tolist()
    assert np.allclose(U, m.dense_utilities()[:, inside])
    assert np.allclose(m.range_utilities(5, 40), m.dense_utilities()[:, 5:40])


def test_parties_by_alias_and_default_required() -> None:
    sc = load_scenario("ukraine-2025")
    assert utility_model(sc).parties == ("UKR", "RUS")
    assert utility_model(sc, ["Kyiv", "Kremlin", "Washington"]).parties == ("UKR", "RUS", "USA")
