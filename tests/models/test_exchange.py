"""Tests of Stokman & Van Oosten's exchange model (Equal Gain), ``negotia.models.exchange``.

Golden figures: ``../shared/reference/exchange/*_expected.json`` and ``*_seed_sweep.json``
are the output of the reference implementation, the decide-exchange-model (Groningen;
github.com/foarsitter/decide-exchange-model), on the COP15 Copenhagen, COP21 Paris and
road-toll teaching cases: the capability x salience weighted mean ("MDS") of the
preferences and of the voting positions per round and the number of exchanges per round.
Nobody on the team produced them.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from negotia.models import run_model
from negotia.models.base import Forecast
from negotia.models.exchange import Exchange, ExchangeSide, ExchangeTrace
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.formats import load_scenario
from tests.conftest import reference, run_cli

CASES = [("copenhagen", "copenhagen.csv"), ("cop21", "cop21.csv"), ("sample", "sample_data.txt")]


def _case(name: str, file: str) -> tuple[ScenarioArrays, dict, dict]:
    sc = load_scenario(reference("exchange", file))
    exp = json.loads(reference("exchange", f"{name}_expected.json").read_text())
    sweep = json.loads(reference("exchange", f"{name}_seed_sweep.json").read_text())
    return ScenarioArrays.from_scenario(sc), exp, sweep


@pytest.mark.parametrize(("name", "file"), CASES)
def test_reproduces_reference_rounds(name: str, file: str) -> None:
    """Every issue's preference and voting MDS for every round to 1e-6, exchanges exactly.

    ``order="input"``: the reference breaks ties between equal gains by list order, which
    follows the actor order of the input file.
    """
    arrays, exp, _ = _case(name, file)
    fc = run_model("exchange", arrays, rounds=exp["rounds"], order="input")
    pref = fc.on_scale(fc.trace["preference_mean"][:, 0, :])
    vote = fc.on_scale(fc.trace["voting_mean"][:, 0, :])
    for issue, values in exp["preference_mds"].items():
        k = fc.issue_ids.index(issue)
        np.testing.assert_allclose(pref[:, k], values, atol=1e-6, rtol=0, err_msg=f"preference {issue}")
    for issue, values in exp["voting_mds"].items():
        k = fc.issue_ids.index(issue)
        np.testing.assert_allclose(vote[1:, k], values, atol=1e-6, rtol=0, err_msg=f"voting {issue}")
    assert fc.trace["exchanges"][1:, 0].tolist() == exp["exchanges_per_round"]
    # the reported outcome is the preference MDS after the last round (the sweep's "finals")
    np.testing.assert_allclose(fc.on_scale()[0], pref[-1])


@pytest.mark.parametrize(("name", "file"), CASES)
def test_random_ties_land_in_reference_seed_sweep(name: str, file: str) -> None:
    """Ten seeded runs with random tie-breaking, as one batch: on every issue their mean lies
    inside the reference's range over 20 seeds and every run within 4 sd of the reference's mean
    (two samples of a distribution: single runs may fall just outside the other's min-max)."""
    arrays, _, sweep = _case(name, file)
    n = 10
    fc = run_model("exchange", arrays.repeat(n), rounds=10, ties="random", order="input", seed=11)
    finals = fc.on_scale()
    spread = 0.0
    for issue, values in sweep["finals"].items():
        k = fc.issue_ids.index(issue)
        lo, hi = min(values), max(values)
        mean, sd = float(np.mean(values)), float(np.std(values))
        assert lo <= finals[:, k].mean() <= hi, issue
        assert np.all(np.abs(finals[:, k] - mean) <= 4 * sd), issue
        spread = max(spread, float(np.ptp(finals[:, k])))
    assert spread > 0  # the seeds do break ties differently


def test_seeded_random_runs_are_deterministic() -> None:
    arrays, _, _ = _case("sample", "sample_data.txt")
    a = run_model("exchange", arrays, rounds=3, ties="random", seed=5)
    b = run_model("exchange", arrays, rounds=3, ties="random", seed=5)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    assert a.events == b.events


def test_realised_exchanges_are_listed_and_consistent() -> None:
    """Each event names both actors, their supply/demand issues, moves and the gain; replaying
    the moves of round 1 gives that round's voting positions."""
    arrays, exp, _ = _case("copenhagen", "copenhagen.csv")
    fc = run_model("exchange", arrays, rounds=2, order="input")
    first = [e for e in fc.events if e["round"] == 1]
    assert len(first) == exp["exchanges_per_round"][0]
    gains = [e["gain"] for e in first]
    assert all(g > 0 for g in gains)
    assert gains[0] == max(gains)  # the highest gain is realised first
    e = first[0]
    assert e["i"]["supply"] == e["j"]["demand"] and e["j"]["supply"] == e["i"]["demand"]
    assert e["i"]["actor"] != e["j"]["actor"]
    pos = fc.on_scale(fc.trace["position"][0, 0].copy())
    a_index = {a: k for k, a in enumerate(fc.actor_ids)}
    i_index = {i: k for k, i in enumerate(fc.issue_ids)}
    for ev in first:
        for side in ("i", "j"):
            s = ev[side]
            a, t = a_index[s["actor"]], i_index[s["supply"]]
            assert s["from"] == pytest.approx(pos[a, t], abs=1e-9)
            assert s["move"] == pytest.approx(s["to"] - s["from"])
            pos[a, t] = s["to"]
    np.testing.assert_allclose(pos, fc.on_scale(fc.trace["voting_position"][1, 0]), atol=1e-9)


def test_preference_update_rule() -> None:
    """Between rounds an actor that moved steps w = 0.1 + 0.4 (1 - s) toward its vote."""
    arrays, _, _ = _case("sample", "sample_data.txt")
    fc = run_model("exchange", arrays, rounds=1, order="input")
    x0, y, x1 = fc.trace["position"][0], fc.trace["voting_position"][1], fc.trace["position"][1]
    w = 0.1 + 0.4 * (1 - arrays.salience)
    np.testing.assert_allclose(x1, np.where(arrays.present, x0 + w * (y - x0), x1), atol=1e-12)
    assert np.any(y != x0)


def test_two_actor_equal_gain_analytic() -> None:
    """Two actors, two issues, equal capabilities (analytic case).

    A at (0, 0) with saliences (0.2, 0.8), B at (100, 100) with (0.8, 0.2).  The MDS are
    80 and 20.  A cares more about issue 2 and supplies issue 1; B supplies issue 2.  B
    would move 100 on issue 2 (to A's position); the exchange ratio (Stokman & Van Oosten
    1994, the shift of the MDS) is 100 x 0.2 / 1 = 20 on issue 2, and equal gains need
    r1 (0.2 + 0.8) = r2 (0.8 + 0.2), so r1 = 20 and A moves 20 / 0.2 = 100: a full swap.
    Gains: 20 x 0.8 - 20 x 0.2 = 12 for each.  The NBS check then stops each move where
    the MDS reaches the partner's position (A's 0 on issue 2 is reached exactly).
    """
    arrays = _two_actor_arrays()
    fc = run_model("exchange", arrays, rounds=1)
    assert fc.trace["exchanges"][1, 0] == 1
    ev = fc.events[0]
    assert ev["gain"] == pytest.approx(12.0)
    assert {ev["i"]["actor"]: ev["i"]["supply"], ev["j"]["actor"]: ev["j"]["supply"]} == {"A": "x", "B": "y"}
    np.testing.assert_allclose(fc.on_scale(fc.trace["voting_mean"][1, 0]), [100.0, 0.0], atol=1e-9)


def _two_actor_arrays() -> ScenarioArrays:
    return ScenarioArrays(
        actor_ids=("A", "B"),
        issue_ids=("x", "y"),
        position=np.array([[[0.0, 0.0], [1.0, 1.0]]]),
        salience=np.array([[[0.2, 0.8], [0.8, 0.2]]]),
        capability=np.ones((1, 2, 2)),
        present=np.ones((1, 2, 2), bool),
        scale_min=np.zeros(2),
        scale_max=np.full(2, 100.0),
        status_quo=np.full(2, np.nan),
    )


def _side_gains(ev: dict, arrays: ScenarioArrays) -> dict[str, float]:
    """Each side's gain from the listed moves: r = |move| c s / sum c s; gain = r_demand s_demand
    - r_supply s_supply (Stokman & Van Oosten 1994)."""
    a_idx = {a: k for k, a in enumerate(arrays.actor_ids)}
    i_idx = {i: k for k, i in enumerate(arrays.issue_ids)}
    w = arrays.capability[0] * arrays.salience[0]
    den = w.sum(axis=0)
    rate = {}
    for side in ("i", "j"):
        s = ev[side]
        a, t = a_idx[s["actor"]], i_idx[s["supply"]]
        rate[side] = abs(s["move"]) * w[a, t] / den[t]
    out = {}
    for side, other in (("i", "j"), ("j", "i")):
        s = ev[side]
        a = a_idx[s["actor"]]
        sal = arrays.salience[0, a]
        out[s["actor"]] = rate[other] * sal[i_idx[s["demand"]]] - rate[side] * sal[i_idx[s["supply"]]]
    return out


def test_randomised_equal_gain_variant() -> None:
    """p = 0: both gains equal (12 in the two-actor case); p = 1: one side's gain is drawn
    between 0 and its maximum, the partner keeping a non-negative gain; seeded."""
    arrays = _two_actor_arrays()
    eq = run_model("exchange", arrays, rounds=1, arithmetic="float")
    g = _side_gains(eq.events[0], arrays)
    assert g["A"] == pytest.approx(12.0) and g["B"] == pytest.approx(12.0)
    seen = []
    for seed in range(12):
        fc = run_model("exchange", arrays, rounds=1, p=1.0, seed=seed)
        assert fc.trace["exchanges"][1, 0] == 1
        gains = _side_gains(fc.events[0], arrays)
        assert min(gains.values()) >= -1e-9
        seen.append(round(gains["A"] - gains["B"], 9))
        again = run_model("exchange", arrays, rounds=1, p=1.0, seed=seed)
        np.testing.assert_array_equal(again.outcome, fc.outcome)
    assert len(set(seen)) > 3  # the draws move the split of the gain
    assert any(d > 0 for d in seen) and any(d < 0 for d in seen)


def test_batch_of_perturbed_scenarios_in_one_call() -> None:
    arrays, _, _ = _case("copenhagen", "copenhagen.csv")
    rng = np.random.default_rng(3)
    batch = arrays.repeat(4)
    batch = batch.replace(position=np.clip(batch.position + rng.normal(0, 0.02, batch.position.shape), 0, 1))
    together = run_model("exchange", batch, rounds=3)
    for k in range(4):
        alone = run_model("exchange", batch.take(slice(k, k + 1)), rounds=3)
        np.testing.assert_allclose(together.outcome[k], alone.outcome[0], atol=1e-12)
    assert together.trace["position"].shape == (4, 4, arrays.n_actors, arrays.n_issues)


def test_float_arithmetic_and_voting_outcome_options() -> None:
    arrays, _, _ = _case("sample", "sample_data.txt")
    fc = run_model("exchange", arrays, rounds=2, order="input", arithmetic="float", outcome="voting")
    np.testing.assert_allclose(fc.outcome, fc.trace["voting_mean"][-1])
    assert fc.trace["voting_mean"].shape == (3, 1, arrays.n_issues)
    back = Forecast.from_json(fc.to_json())
    # typed records in, plain dicts back: equal, and the plain form is JSON as it stands
    assert back.events == fc.events and all(isinstance(e, Exchange) for e in fc.events)
    assert back.events == json.loads(json.dumps([e.to_dict() for e in fc.events]))


def test_events_and_trace_are_typed_records() -> None:
    arrays, _, _ = _case("sample", "sample_data.txt")
    fc = run_model("exchange", arrays, rounds=2, order="input")
    assert isinstance(fc.trace, ExchangeTrace) and fc.trace.exchanges is fc.trace["exchanges"]
    e = fc.events[0]
    assert isinstance(e, Exchange) and isinstance(e.i, ExchangeSide)
    # the JSON keys of a side read "from"/"to" (keywords in Python: start/end)
    assert list(e.i) == ["actor", "supply", "from", "to", "demand", "move"]
    assert e.i.move == pytest.approx(e.i.end - e.i.start) and e.i["to"] == e.i.end
    assert list(e) == ["round", "step", "i", "j", "gain"]
    assert e.j.supply == e.i.demand and e.j.demand == e.i.supply


def test_long_csv_input_is_enough(tmp_path) -> None:
    """The long CSV (actor, issue, position, salience 0-1, capability) runs the model."""
    rows = ["actor,issue,position,salience,capability"]
    for a, (p1, p2, s1, s2) in {
        "A": (0, 0, 0.2, 0.8),
        "B": (100, 100, 0.8, 0.2),
        "C": (40, 60, 0.5, 0.5),
    }.items():
        rows += [f"{a},x,{p1},{s1},1", f"{a},y,{p2},{s2},1"]
    f = tmp_path / "long.csv"
    f.write_text("\n".join(rows) + "\n")
    arrays = ScenarioArrays.from_scenario(load_scenario(f))
    fc = run_model("exchange", arrays, rounds=3)
    assert fc.trace["exchanges"][1:, 0].sum() >= 1
    assert np.all((fc.outcome >= 0) & (fc.outcome <= 1))


def test_cli_trace_prints_rounds_and_trades() -> None:
    path = reference("exchange", "sample_data.txt")
    r = run_cli("forecast", str(path), "--model", "exchange", "--trace", "--rounds", "2")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "preference" in out and "voting" in out
    assert "exchanges realised in round 1" in out
    assert "tol-hoogte" in out


def test_cli_rejects_bad_parameter() -> None:
    path = reference("exchange", "sample_data.txt")
    r = run_cli("forecast", str(path), "--model", "exchange:ties=sometimes")
    assert r.returncode == 2
    assert "ties" in (r.stdout + r.stderr)


def _lane_state(name: str, file: str) -> Any:
    """The compiled loop's state of the whole issue set of a reference case at the start of round 1."""
    from negotia.models.exchange import kernel as K

    arrays, _, _ = _case(name, file)
    sal = np.where(arrays.present, arrays.salience, 0.0)[0]
    cap = np.where(arrays.present, arrays.capability, 0.0)[0]
    elig = arrays.present[0] & (sal > 0) & (cap > 0)
    x = np.where(arrays.present, arrays.position, 0.0)[0] * 100.0
    W = np.where(elig, cap * sal, 0.0)
    den, num = W.sum(axis=0), (W * x).sum(axis=0)
    left = x <= num / den
    return K.lane_init(K.RoundData(x, sal, W, elig, left, num, den), False, 0.0, np.random.default_rng(0))


def test_affected_exchanges_are_exactly_those_the_rules_pick_out() -> None:
    """The compiled loop's (actor, issue) index returns exactly the exchanges that the
    matching rules of the module docstring (step 6) pick out by testing every exchange:
    those whose side I or J supplies where a realised move was made (and only those sides
    take the move into their history), and those whose side demands on an issue where the
    realised exchange bought a move.  Exchanges out of the list leave the index, and a
    second look finds the same ones."""
    from negotia.models.exchange import kernel as K

    rng = np.random.default_rng(0)
    for _ in range(30):
        st = _lane_state("cop21", "cop21.csv")
        ai, aj, pp, qq = (st.irec[:, c].astype(int) for c in (K.AI, K.AJ, K.P, K.Q))
        n = len(ai)
        M = rng.normal(0, 5, (2, n))
        st.frec[:, K.M0], st.frec[:, K.M1] = M
        live = rng.random(n) < 0.7
        r = int(rng.choice(np.nonzero(live)[0]))
        live[r] = False
        st.irec[:, K.LIVE] = live
        aI, aJ, p, q = ai[r], aj[r], pp[r], qq[r]
        out = np.empty(n, np.int64)
        na = K._affected(st, aI, aJ, p, q, out)
        found = out[:na]
        assert len(set(found.tolist())) == na  # each listed once
        side_i = ((ai == aI) & (qq == q)) | ((ai == aJ) & (qq == p))  # I supplies where a move was made
        side_j = ((aj == aI) & (pp == q)) | ((aj == aJ) & (pp == p))
        demand = ((aj == aJ) & (qq == q)) | ((ai == aJ) & (pp == q))  # a side demands what aJ bought
        demand |= ((aj == aI) & (qq == p)) | ((ai == aI) & (pp == p))  # ... or what aI bought
        expected = np.nonzero(live & (side_i | side_j | demand))[0]
        assert sorted(found.tolist()) == expected.tolist()
        hsum, hdir = st.frec[:, [K.H0, K.H1]].T, st.frec[:, [K.D0, K.D1]].T
        np.testing.assert_array_equal(hsum[0], np.where(live & side_i, M[0], 0.0))
        np.testing.assert_array_equal(hsum[1], np.where(live & side_j, M[1], 0.0))
        np.testing.assert_array_equal(hdir[0], np.where(live & side_i, np.sign(M[0]), 0.0))
        st.mark[found] = False
        again = K._affected(st, aI, aJ, p, q, out)
        assert sorted(out[:again].tolist()) == expected.tolist()
