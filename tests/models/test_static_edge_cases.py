"""The documented fall-backs and options of the static models, each by an analytic case.

Mutation testing (``make mutation``) found these branches unexercised: every weight of an
issue zero (the present actors then count equally, as the module docstrings say), the
``weights`` options other than the default, an issue nobody takes part in (the status
quo, or NaN without one), batches mixing such issues with ordinary ones, and the median's
tolerance at exactly half the weight.  Every expected value below is worked by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from negotia.models import run_model
from negotia.models.compromise import weighted_mean
from negotia.models.median import weighted_median
from negotia.scenario.arrays import ScenarioArrays


def issues(
    position: list[list[float]],
    capability: list[list[float]],
    salience: list[list[float]] | None = None,
    present: list[list[bool]] | None = None,
    sq: list[float] | None = None,
) -> ScenarioArrays:
    """One batch element; ``position[a][i]`` etc. for actor ``a`` on issue ``i``."""
    p = np.asarray(position, dtype=float)
    n_act, n_iss = p.shape
    shape = (1, n_act, n_iss)
    return ScenarioArrays(
        actor_ids=tuple(f"A{k}" for k in range(n_act)),
        issue_ids=tuple(f"I{k}" for k in range(n_iss)),
        position=p.reshape(shape),
        salience=np.ones(shape) if salience is None else np.asarray(salience, float).reshape(shape),
        capability=np.asarray(capability, float).reshape(shape),
        present=np.ones(shape, bool) if present is None else np.asarray(present, bool).reshape(shape),
        scale_min=np.zeros(n_iss),
        scale_max=np.ones(n_iss),
        status_quo=np.full(n_iss, np.nan) if sq is None else np.asarray(sq, float),
    )


# Two issues: on I0 every capability is 0 (A2 absent), on I1 they are 3 and 1 (A2 absent).
ZERO_AND_NORMAL = issues(
    position=[[0.2, 0.0], [0.6, 1.0], [1.0, 0.5]],
    capability=[[0.0, 3.0], [0.0, 1.0], [0.0, 7.0]],
    present=[[True, True], [True, True], [False, False]],
)


@pytest.mark.parametrize("weights", ["capability_salience", "capability", "salience", "equal"])
def test_compromise_per_weighting(weights: str) -> None:
    """Actors at 0 and 1 with capability (3, 1) and salience (0.5, 1).

    capability x salience: weights 1.5, 1 -> 1/2.5 = 0.4; capability: 1/4 = 0.25;
    salience: 1/1.5 = 2/3; equal: 1/2.
    """
    arrays = issues([[0.0], [1.0]], capability=[[3.0], [1.0]], salience=[[0.5], [1.0]])
    want = {"capability_salience": 0.4, "capability": 0.25, "salience": 2 / 3, "equal": 0.5}[weights]
    assert run_model("compromise", arrays, weights=weights).outcome[0, 0] == pytest.approx(want, abs=1e-12)


def test_compromise_with_every_weight_zero_counts_present_actors_equally() -> None:
    """I0: the present actors at 0.2 and 0.6 count equally -> 0.4 (the absent one at 1.0
    is left out); I1, in the same batch, keeps its weighted mean (3 x 0 + 1 x 1)/4 = 0.25."""
    fc = run_model("compromise", ZERO_AND_NORMAL)
    np.testing.assert_allclose(fc.outcome[0], [0.4, 0.25], rtol=0, atol=1e-12)
    # the same through the weighted mean itself, with all actors present
    every = weighted_mean(np.array([[[0.2], [0.6], [1.0]]]), np.zeros((1, 3, 1)), np.ones((1, 3, 1), bool))
    assert every[0, 0] == pytest.approx(0.6, abs=1e-12)


def test_compromise_with_every_weight_zero_and_all_present() -> None:
    """The einsum path (no presence factor): capabilities 0, 0 on [0.2, 0.6] -> 0.4."""
    fc = run_model("compromise", issues([[0.2], [0.6]], capability=[[0.0], [0.0]]))
    assert fc.outcome[0, 0] == pytest.approx(0.4, abs=1e-12)


@pytest.mark.parametrize("model", ["compromise", "median", "nash"])
def test_every_weight_zero_is_named_in_the_notes(model: str) -> None:
    """Issue 16 item 3: the equal-weight fall-back is never silent.  I0 (every capability
    0) is named, I1 (capabilities 3 and 1) is not; with weights=equal nothing falls back
    and nothing is said; weighting by salience alone (1 everywhere) needs no fall-back."""
    fc = run_model(model, ZERO_AND_NORMAL)
    assert fc.notes == [
        "issue 'I0': every actor's weight (capability x salience) is 0, so the actors taking "
        "part were counted equally"
    ]
    assert run_model(model, ZERO_AND_NORMAL, weights="equal").notes == []
    assert run_model(model, ZERO_AND_NORMAL, weights="salience").notes == []
    only_capability = run_model(model, ZERO_AND_NORMAL, weights="capability").notes
    assert only_capability == [
        "issue 'I0': every actor's weight (capability) is 0, so the actors taking part were counted equally"
    ]


@pytest.mark.parametrize("model", ["compromise", "median", "nash"])
def test_issue_nobody_takes_part_in(model: str) -> None:
    """No actor on I0: the status quo 0.3 if the issue has one, NaN if not; I1 is untouched."""
    absent = dict(
        position=[[0.2, 0.0], [0.6, 1.0]],
        capability=[[1.0, 1.0], [1.0, 1.0]],
        present=[[False, True], [False, True]],
    )
    with_sq = run_model(model, issues(**absent, sq=[0.3, 0.9])).outcome[0]
    assert with_sq[0] == pytest.approx(0.3)
    without = run_model(model, issues(**absent)).outcome[0]
    assert np.isnan(without[0])
    assert np.isfinite(without[1]) and 0.0 <= without[1] <= 1.0


def test_median_with_every_weight_zero_counts_present_actors_equally() -> None:
    """I0: present actors at 0.2 and 0.6, equal weights: the midpoint 0.4; I1: weights 3, 1
    at 0 and 1 put 3/4 of the weight at 0 -> 0."""
    fc = run_model("median", ZERO_AND_NORMAL)
    np.testing.assert_allclose(fc.outcome[0], [0.4, 0.0], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("weights", "want"),
    [("capability_salience", 1.0), ("capability", 0.0), ("salience", 1.0), ("equal", 0.5)],
)
def test_median_per_weighting(weights: str, want: float) -> None:
    """Actors at 0 and 1 with capability (3, 1) and salience (0.25, 1).

    c x s = (0.75, 1): more than half at 1 -> 1; capability (3, 1): 3/4 at 0 -> 0;
    salience (0.25, 1) -> 1; equal: exactly half each, a tie split at the midpoint -> 0.5.
    """
    arrays = issues([[0.0], [1.0]], capability=[[3.0], [1.0]], salience=[[0.25], [1.0]])
    assert run_model("median", arrays, weights=weights).outcome[0, 0] == pytest.approx(want, abs=1e-12)


def test_median_exact_half_is_a_tie_despite_rounding() -> None:
    """Weights 0.3, 0.1, 0.2 at 0.2, 0.6, 0.9: the first actor holds exactly half of 0.6, so
    the median is the midpoint of 0.2 and 0.6, 0.4.  In floats the cumulative 0.3 is below
    half of the rounded total (0.30000000000000004): only the documented relative tolerance
    of 1e-12 keeps this a tie (without it the answer would be 0.6)."""
    p = np.array([[[0.2], [0.6], [0.9]]])
    w = np.array([[[0.3], [0.1], [0.2]]])
    assert weighted_median(p, w, np.ones_like(p, dtype=bool))[0, 0] == pytest.approx(0.4, abs=1e-12)


def test_median_never_lands_on_an_actor_without_weight() -> None:
    """A zero-weight actor between two equal halves is skipped: weights 1, 0, 1 at 0.1, 0.3,
    0.9 give the midpoint of 0.1 and 0.9 (0.5), not anything involving 0.3."""
    p = np.array([[[0.1], [0.3], [0.9]]])
    w = np.array([[[1.0], [0.0], [1.0]]])
    assert weighted_median(p, w, np.ones_like(p, dtype=bool))[0, 0] == pytest.approx(0.5, abs=1e-12)


def test_nash_with_every_weight_zero_counts_present_actors_equally() -> None:
    """Linear loss, worst disagreement, actors at 0 and 1 with capability 0 (and an absent
    one at 0.3 with capability 5): equal weights give w2/(w1 + w2) = 1/2."""
    arrays = issues(
        [[0.0], [1.0], [0.3]], capability=[[0.0], [0.0], [5.0]], present=[[True], [True], [False]]
    )
    fc = run_model("nash", arrays, loss="linear", disagreement="worst")
    assert fc.outcome[0, 0] == pytest.approx(0.5, abs=1e-9)


def test_nash_weights_option() -> None:
    """Linear loss, worst disagreement, actors at 0 and 1: x = w2/(w1 + w2) for each scheme,
    with capability (1, 3) and salience (1, 0.5): c x s -> 1.5/2.5 = 0.6, capability 3/4,
    salience 0.5/1.5 = 1/3, equal 1/2."""
    arrays = issues([[0.0], [1.0]], capability=[[1.0], [3.0]], salience=[[1.0], [0.5]])
    for weights, want in (
        ("capability_salience", 0.6),
        ("capability", 0.75),
        ("salience", 1 / 3),
        ("equal", 0.5),
    ):
        fc = run_model("nash", arrays, weights=weights, loss="linear", disagreement="worst")
        assert fc.outcome[0, 0] == pytest.approx(want, abs=1e-9), weights


def test_nash_worst_disagreement_ignores_the_status_quo() -> None:
    """Actors at 0.1 and 0.9 on both sides of a status quo 0.4: with the status quo as the
    disagreement point the solution is 0.4 (documented); with the worst outcome (0.9 and 0.9
    away) and linear loss, gains 0.9 - |x - 0.1| and 0.9 - |x - 0.9| on [0.1, 0.9] are
    1 - x and x: the product peaks at 1/2."""
    arrays = issues([[0.1], [0.9]], capability=[[1.0], [1.0]], sq=[0.4])
    assert run_model("nash", arrays, loss="linear").outcome[0, 0] == pytest.approx(0.4)
    worst = run_model("nash", arrays, loss="linear", disagreement="worst").outcome[0, 0]
    assert worst == pytest.approx(0.5, abs=1e-9)


def test_nash_iterations_set_the_precision() -> None:
    """Bisection on [0, 1] for the answer 1/4 (weights 3 and 1): after n halvings the
    midpoint of the bracket is within 2^-(n+1) of it, and with 10 iterations not exact."""
    arrays = issues([[0.0], [1.0]], capability=[[3.0], [1.0]])
    coarse = run_model("nash", arrays, loss="linear", disagreement="worst", iterations=10).outcome[0, 0]
    fine = run_model("nash", arrays, loss="linear", disagreement="worst", iterations=60).outcome[0, 0]
    assert fine == pytest.approx(0.25, abs=1e-15)
    assert 0.0 < abs(coarse - 0.25) <= 2.0**-11


STATIC = ("compromise", "median", "nash")


@pytest.mark.parametrize("model", STATIC)
def test_forecast_carries_its_labels(model: str) -> None:
    """What the CLI and JSON print comes from these fields: the model's name, the issues
    and actors in input order, the scale and the parameters as resolved."""
    arrays = ZERO_AND_NORMAL
    fc = run_model(model, arrays, weights="salience")
    assert fc.model == model
    assert fc.issue_ids == ("I0", "I1") and fc.actor_ids == ("A0", "A1", "A2")
    np.testing.assert_array_equal(fc.scale_min, [0.0, 0.0])
    np.testing.assert_array_equal(fc.scale_max, [1.0, 1.0])
    assert fc.params["weights"] == "salience"
    assert fc.to_dict()["model"] == model


@pytest.mark.parametrize("model", STATIC)
def test_batch_elements_and_issues_are_solved_on_their_own(model: str) -> None:
    """A (2 elements, 3 actors, 2 issues) batch with absent actors equals every (element,
    issue) solved alone with only its present actors -- sums and sorts run over the actor
    axis only."""
    rng = np.random.default_rng(5)
    pos, cap, sal = rng.random((2, 3, 2)), rng.uniform(0.5, 3, (2, 3, 2)), rng.uniform(0.1, 1, (2, 3, 2))
    present = np.array(
        [[[True, True], [True, False], [False, True]], [[True, True], [True, True], [True, False]]]
    )
    arrays = ScenarioArrays(
        actor_ids=("A0", "A1", "A2"),
        issue_ids=("I0", "I1"),
        position=pos,
        salience=sal,
        capability=cap,
        present=present,
        scale_min=np.zeros(2),
        scale_max=np.ones(2),
        status_quo=np.array([0.3, np.nan]),
    )
    together = run_model(model, arrays).outcome
    for b in range(2):
        for i in range(2):
            on = present[b, :, i]
            alone = issues(
                pos[b, on, i : i + 1].tolist(),
                capability=cap[b, on, i : i + 1].tolist(),
                salience=sal[b, on, i : i + 1].tolist(),
                sq=[arrays.status_quo[i]],
            )
            assert together[b, i] == pytest.approx(run_model(model, alone).outcome[0, 0], abs=1e-9), (b, i)


@pytest.mark.parametrize(("model", "want"), [("compromise", 2 / 3), ("median", 1.0), ("nash", 2 / 3)])
def test_weights_that_sum_below_one_are_used_as_they_are(model: str, want: float) -> None:
    """Actors at 0 and 1 with c x s = 0.25 and 0.5 (sum 0.75 < 1): no fall-back to equal
    weights.  Compromise (0.5 x 1)/0.75 = 2/3; median: 1 holds 2/3 of the weight; Nash
    (linear, worst): w2/(w1 + w2) = 2/3."""
    arrays = issues([[0.0], [1.0]], capability=[[1.0], [1.0]], salience=[[0.25], [0.5]])
    params = {"loss": "linear", "disagreement": "worst"} if model == "nash" else {}
    assert run_model(model, arrays, **params).outcome[0, 0] == pytest.approx(want, abs=1e-9)


def test_median_is_unchanged_by_scaling_the_weights() -> None:
    """The median depends on shares of the weight only: weights 1e-7 each at 0.1, 0.5, 0.9
    give 0.5 like weights 1 (the tie tolerance is relative to the total weight)."""
    p = np.array([[[0.1], [0.5], [0.9]]])
    for scale in (1e-7, 1.0, 1e7):
        w = np.full_like(p, scale)
        assert weighted_median(p, w, np.ones_like(p, dtype=bool))[0, 0] == pytest.approx(0.5), scale


@pytest.mark.parametrize("model", STATIC)
def test_equal_weights_with_nobody_present(model: str) -> None:
    absent = issues([[0.2], [0.6]], capability=[[1.0], [1.0]], present=[[False], [False]], sq=[0.7])
    assert run_model(model, absent, weights="equal").outcome[0, 0] == pytest.approx(0.7)


def test_nash_absent_actor_sets_no_bound() -> None:
    """Status quo 0.5, actors at 0.6 and 1.0 (linear loss): the solution is 0.6 (see
    test_nash_status_quo_on_one_side, shifted).  An absent actor at 0.0, whose gain interval
    (-0.5, 0.5) would leave only the status quo, must not count."""
    base = issues([[0.6], [1.0]], capability=[[1.0], [1.0]], sq=[0.5])
    with_ghost = issues(
        [[0.6], [1.0], [0.0]], capability=[[1.0], [1.0], [1.0]], present=[[True], [True], [False]], sq=[0.5]
    )
    want = run_model("nash", base, loss="linear").outcome[0, 0]
    assert want > 0.55
    assert run_model("nash", with_ghost, loss="linear").outcome[0, 0] == pytest.approx(want, abs=1e-9)


def test_nash_quadratic_with_the_status_quo_as_disagreement() -> None:
    """Quadratic loss, actors at 0.6 and 1.0 (equal weights), status quo 0: the gains are
    0.36 - (x - 0.6)^2 and 1 - (x - 1)^2 (radii 0.6 and 1, not 1 as with the worst
    outcome), and the solution is where the derivative of their log-sum vanishes:
    -2(x - 0.6)/(0.36 - (x - 0.6)^2) - 2(x - 1)/(1 - (x - 1)^2) = 0, between the actors."""
    x = run_model("nash", issues([[0.6], [1.0]], capability=[[1.0], [1.0]], sq=[0.0])).outcome[0, 0]
    assert 0.6 < x < 1.0
    foc = -2 * (x - 0.6) / (0.36 - (x - 0.6) ** 2) - 2 * (x - 1) / (1 - (x - 1) ** 2)
    assert foc == pytest.approx(0.0, abs=1e-6)
