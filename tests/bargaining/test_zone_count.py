"""The zone of agreement without enumeration, checked against enumerating every package.

The reference is the enumeration negotia used before (``zopa_enumeration``): it lists
every package inside the red lines and tests each against the reservation values, so
it is correct by construction on small spaces.  Analytic cases pin the counts by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.bargaining import utility_model, zopa
from negotia.bargaining import zone_count as zc
from negotia.bargaining.report import analyse
from tests.bargaining.bargaining_helpers import make_scenario
from tests.bargaining.zopa_enumeration import enumerate_zopa


def random_model(seed: int, *, max_issues: int = 4, resolution: int | None = None):
    rng = np.random.default_rng(seed)
    n_parties = int(rng.integers(2, 5))
    actors = ["A", "B", "C", "D"][:n_parties]
    issues = ["w", "x", "y", "z"][: int(rng.integers(1, max_issues + 1))]
    pos = {a: {i: float(rng.integers(0, 101)) for i in issues} for a in actors}
    sal = {a: {i: float(rng.uniform(0.05, 1)) for i in issues} for a in actors}
    lines = []
    for a in actors:
        for i in issues:
            if rng.random() < 0.35:
                lo = float(rng.integers(0, 80))
                kind = rng.integers(0, 3)
                line = {"actor": a, "issue": i}
                if kind != 1:
                    line["min"] = lo
                if kind != 0:
                    line["max"] = lo + float(rng.integers(5, 60))
                lines.append(line)
    res = {a: float(rng.uniform(0, 0.75)) for a in actors}
    loss = "quadratic" if rng.random() < 0.5 else "linear"
    sc = make_scenario(pos, sal, red_lines=lines, reservation=res, required=actors, loss=loss)
    return utility_model(sc, resolution=resolution or int(rng.integers(2, 9)))


def _same(new, old) -> None:
    assert new.size == old.size
    assert new.empty == old.empty
    assert new.n_within_red_lines == old.n_within_red_lines
    assert new.options_within_red_lines == old.options_within_red_lines
    assert new.conflicts == old.conflicts
    assert new.issues_without_option == old.issues_without_option
    assert new.reservation_blocks == old.reservation_blocks
    assert [(x.red_lines, x.package, x.zopa_size) for x in new.relaxations] == [
        (x.red_lines, x.package, x.zopa_size) for x in old.relaxations
    ]
    assert [x.moves for x in new.relaxations] == [x.moves for x in old.relaxations]
    assert new.sentences() == old.sentences()


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_same_zone_and_diagnosis_as_enumerating_every_package(seed: int) -> None:
    # Random 2-4 parties, 1-4 issues, 2-8 options, random interval red lines and
    # reservation values: size, emptiness, conflicts, minimal relaxations (which lines,
    # which package, how far each line moves) and whether reservation values block.
    m = random_model(seed)
    _same(zopa(m), enumerate_zopa(m))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_same_answers_when_the_exact_count_needs_many_merges(seed: int) -> None:
    # Finer grids: the count's states merge and prune over several issues.
    m = random_model(seed, max_issues=4, resolution=15)
    _same(zopa(m), enumerate_zopa(m))


def test_analytic_counts() -> None:
    # One issue, A at 0 and B at 100, linear loss, 11 options: A's utility at v is
    # 1 - v/100 and B's v/100.  With reservation 0.3 each, A needs v <= 70 and B v >= 30:
    # the 5 options 30..70.
    sc = make_scenario({"A": {"x": 0}, "B": {"x": 100}}, reservation={"A": 0.3, "B": 0.3})
    assert zopa(utility_model(sc, resolution=11)).size == 5
    # Two such issues with equal salience: u_A = 1 - (v+w)/200, so u_A >= 0.3 iff
    # v + w <= 140 and u_B >= 0.3 iff v + w >= 60; on the 11 x 11 grid (steps of 10) the
    # pairs with 6 <= i + j <= 14 number 121 - 21 - 21 = 79 (21 pairs each have i+j <= 5
    # or i+j >= 15).
    sc2 = make_scenario({"A": {"x": 0, "y": 0}, "B": {"x": 100, "y": 100}}, reservation={"A": 0.3, "B": 0.3})
    assert zopa(utility_model(sc2, resolution=11)).size == 79


def test_twenty_issues_run_without_enumerating() -> None:
    # 20 issues at 101 options (10^40 packages): answered without listing any of them.
    # A and B agree on every issue except one direction, so u_A + u_B = 1 on every
    # package (linear loss, opposite ends, equal saliences) and with reservation 0.5
    # each exactly the packages with sum of values = 1000 (in steps of 1) are
    # acceptable: the zone is not empty, and the exact count is the number of ways to
    # write 1000 as an ordered sum of 20 values in 0..100.
    issues = [f"i{k:02d}" for k in range(20)]
    sc = make_scenario(
        {"A": {i: 0 for i in issues}, "B": {i: 100 for i in issues}},
        reservation={"A": 0.5, "B": 0.5},
    )
    m = utility_model(sc, resolution=101)
    z = zopa(m)
    assert not z.empty
    assert z.n_packages == 101**20
    expected = _compositions(1000, 20, 100)
    d = z.size_detail
    if d is None:
        assert z.size == expected
    else:
        assert d.lower <= expected <= d.upper


def _compositions(total: int, parts: int, most: int) -> int:
    ways = [1] + [0] * total
    for _ in range(parts):
        nxt = [0] * (total + 1)
        for s, w in enumerate(ways):
            if w:
                for v in range(min(most, total - s) + 1):
                    nxt[s + v] += w
        ways = nxt
    return ways[total]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_the_estimate_brackets_the_truth(seed: int) -> None:
    # With a budget too small for an exact count, the guaranteed bracket always holds
    # the enumerated size, and the estimate lies inside it.
    m = random_model(seed, max_issues=4, resolution=6)
    tables = [t[:, o] for t, o in zip(m.tables, m.allowed_options(), strict=True)]
    truth = enumerate_zopa(m).size
    exact = zc.count(tables, m.reservation)
    assert exact.exact and exact.value == truth
    est = zc.count(tables, m.reservation, budget=4, pairs=0, samples=2_000, seed=seed % 7)
    assert est.lower <= truth <= est.upper
    assert est.lower <= est.low <= est.value <= est.high <= est.upper
    # Past the forward budget, meeting the suffix sums in the middle is exact again.
    for budget in (4, 40):
        met = zc.count(tables, m.reservation, budget=budget)
        assert met.exact and met.value == truth


def test_the_estimate_interval_covers_the_truth_for_seed_zero() -> None:
    # Golden: 4 issues at 15 options, 3 parties, budget forcing the estimate.
    m = random_model(31, max_issues=4, resolution=15)  # 3 parties, 1,777 of 10,125 packages
    tables = [t[:, o] for t, o in zip(m.tables, m.allowed_options(), strict=True)]
    truth = enumerate_zopa(m).size
    est = zc.count(tables, m.reservation, budget=20, pairs=0, samples=20_000)
    assert not est.exact
    assert est.low <= truth <= est.high
    again = zc.count(tables, m.reservation, budget=20, pairs=0, samples=20_000)
    assert again == est  # same seed, same estimate


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_existence_certificate_and_first_package(seed: int) -> None:
    m = random_model(seed)
    options = m.allowed_options()
    if any(len(o) == 0 for o in options):
        return
    tables = [t[:, o] for t, o in zip(m.tables, options, strict=True)]
    sub = np.stack(np.meshgrid(*[np.arange(len(o)) for o in options], indexing="ij"), -1).reshape(
        -1, len(options)
    )
    U = np.sum([t[:, sub[:, k]] for k, t in enumerate(tables)], axis=0)
    ok = np.all(U - m.reservation[:, None] >= -1e-12, axis=0)
    relax = zc.lp_relaxation(tables, m.reservation)
    if relax.empty:  # the certificate never lies
        assert not ok.any()
    if relax.witness is not None:
        assert ok[np.ravel_multi_index(tuple(relax.witness), [len(o) for o in options])]
    answer, row = zc.exists(tables, m.reservation)
    assert answer == bool(ok.any())
    if answer:  # the witness is an acceptable package
        assert ok[np.ravel_multi_index(tuple(row), [len(o) for o in options])]
    first, decided = zc.first_package(tables, m.reservation)
    assert decided
    if ok.any():
        assert first.tolist() == sub[int(np.argmax(ok))].tolist()  # C order: the first one
    else:
        assert first is None


def test_bargain_analysis_unchanged_on_the_bundled_case() -> None:
    from negotia.scenario.formats import load_scenario

    # Three options per issue: enumerating the 12 issues at their anchors (2.9e8
    # packages since issue 12, item 7) is what the enumeration refuses.
    m = utility_model(load_scenario("ukraine-2025"), resolution=3)
    new, old = zopa(m), enumerate_zopa(m)
    _same(new, old)
    assert analyse(m).zopa == new


@pytest.mark.parametrize("parties", [2, 3])
def test_wide_scenario_zone_is_exact_or_labelled(parties: int) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bargaining_bench import synthetic

    m = utility_model(synthetic(parties, 20), resolution=100)
    z = zopa(m)
    assert not z.empty  # reservation 0: every package
    assert z.size == m.space.size and z.size_detail is None


def test_frontier_above_the_reservation_values_is_the_filtered_frontier() -> None:
    # Building the frontier above a floor keeps exactly the frontier packages that
    # reach it (checked against the whole frontier, filtered afterwards).
    from negotia.bargaining.pareto import grid_frontier

    for seed in range(20):
        m = random_model(seed, resolution=6)
        tables, options = list(m.tables), m.allowed_options()
        full_opts, full_U = grid_frontier(tables, options)
        ok = np.all(full_U - m.reservation[:, None] >= -1e-12, axis=0)
        opts, U = grid_frontier(tables, options, floor=m.reservation)
        keep = np.all(U - m.reservation[:, None] >= -1e-12, axis=0)
        assert sorted(map(tuple, opts[keep].tolist())) == sorted(map(tuple, full_opts[ok].tolist()))


def test_frontier_too_large_is_said_not_hung() -> None:
    import sys
    from pathlib import Path

    from negotia.bargaining import report

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bargaining_bench import synthetic

    m = utility_model(synthetic(3, 20), resolution=100)
    r = report.analyse(m)
    assert r.nash is None and r.pareto_size == 0
    assert any("too many to search" in n and "--issues" in n for n in r.notes)
    assert r.zopa.size == 100**20  # the zone itself is still answered (reservation 0)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_fine_grids_thin_the_relaxation_but_not_the_answers(seed: int) -> None:
    # Over LP_OPTIONS options an issue the LP sees a thinned subset; emptiness, the
    # witness and the size must still be those of every package (checked densely).
    m = random_model(seed, max_issues=2, resolution=zc.LP_OPTIONS + 150)
    options = m.allowed_options()
    if any(len(o) == 0 for o in options):
        return
    tables = [t[:, o] for t, o in zip(m.tables, options, strict=True)]
    U = tables[0][:, :, None] if len(tables) == 1 else tables[0][:, :, None] + tables[1][:, None, :]
    ok = np.all(U.reshape(len(m.reservation), -1) - m.reservation[:, None] >= -1e-12, axis=0)
    answer, row = zc.exists(tables, m.reservation)
    assert answer == bool(ok.any())
    if answer:
        assert ok[np.ravel_multi_index(tuple(row), [len(o) for o in options])]
    assert zc.count(tables, m.reservation).value == int(ok.sum())


def test_a_bad_seed_is_a_clear_error() -> None:
    from negotia.errors import ParameterError

    with pytest.raises(ParameterError, match="seed"):
        zopa(random_model(1), seed=-1)
