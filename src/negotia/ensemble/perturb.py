r"""Perturbation: N variants of one scenario as a single batched :class:`ScenarioArrays`.

Every stance's position, salience (and optionally capability) is drawn from a normal
distribution centred on the stated value, with the standard deviation the stance gives
in ``uncertainty`` (a scenario-wide default where it gives none), truncated to the
valid range: positions to the issue scale, saliences to [0, 1], capabilities to
[0, inf).  Optionally each actor drops out of a draw with a given probability.

Truncated normal draws use the inverse-CDF method (Devroye 1986, *Non-Uniform Random
Variate Generation*, ch. II.2): with :math:`\Phi` the standard normal CDF and bounds
:math:`a = (lo - \mu)/\sigma`, :math:`b = (hi - \mu)/\sigma`,

.. math:: x = \mu + \sigma\, \Phi^{-1}\bigl(\Phi(a) + u\,(\Phi(b) - \Phi(a))\bigr),
          \qquad u \sim U(0, 1).

Because the mean always lies inside the range, :math:`\Phi(a) \le 1/2 \le \Phi(b)`
and the formula does not lose precision in the tails that matter.

Determinism: draws come in fixed blocks of :data:`BLOCK` variants; block ``k`` uses
its own stream ``SeedSequence(seed, spawn_key=(k, 0))`` (a child of the run's
``SeedSequence``, as ``spawn`` would make it), and a block is always drawn whole.  So draw
``j`` of a run is the same whatever the number of draws, chunks or workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from negotia.errors import InputError, ParameterError, Problem
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario
from negotia.seeding import seed_sequence

#: Variants per random stream.  Fixed (never derived from the worker count), so that
#: the draws do not depend on how a run is split.
BLOCK = 1024

_BELOW_ONE = np.nextafter(1.0, 0.0)

#: Stream ``spawn_key`` suffixes: 0 = perturbation of block k, 1 = a stochastic model's rng.
_PERTURB, _MODEL = 0, 1


@dataclass(frozen=True)
class PerturbationSpec:
    """What to perturb, and how much where a stance does not say.

    Parameters
    ----------
    position_sd
        Default sd of a position as a share of the issue's scale span (0.05 = 5 points
        on a 0-100 scale), for stances without ``uncertainty.position``.
    salience_sd
        Default sd of a salience (on 0-1) for stances without ``uncertainty.salience``.
    capability_noise
        Relative sd of capability (0.1 = 10 %) for stances without
        ``uncertainty.capability``; 0 keeps those capabilities fixed.
    dropout
        Probability that an actor takes no part in a draw (on all its issues).  An
        issue is never left without actors: where dropout would remove everyone on an
        issue, that issue keeps its actors in that draw.
    """

    position_sd: float = 0.05
    salience_sd: float = 0.05
    capability_noise: float = 0.0
    dropout: float = 0.0

    def check(self) -> None:
        problems = []
        for name in ("position_sd", "salience_sd", "capability_noise"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                problems.append(Problem(name, f"must be a finite number >= 0, got {v!r}"))
        if not (math.isfinite(self.dropout) and 0 <= self.dropout < 1):
            problems.append(Problem("dropout", f"must be a probability in [0, 1), got {self.dropout!r}"))
        if problems:
            raise InputError("<perturbation options>", problems)


@dataclass(frozen=True)
class Perturbation:
    """A scenario's unperturbed arrays with the sd of every input; draws variants.

    All sd arrays are ``(A, I)``: ``position_sd`` on the [0, 1] scale of the issue,
    ``salience_sd`` on [0, 1], ``capability_sd`` in the capability's own unit.
    Plain arrays only, so that it pickles cheaply to worker processes.
    """

    base: ScenarioArrays
    position_sd: np.ndarray
    salience_sd: np.ndarray
    capability_sd: np.ndarray
    dropout: float = 0.0

    @classmethod
    def from_scenario(cls, scenario: Scenario, spec: PerturbationSpec | None = None) -> Perturbation:
        """Build the sd arrays from each stance's ``uncertainty`` and the defaults of ``spec``.

        A stance's ``uncertainty.position`` is on the issue scale and is divided by the
        scale span; only the fields a stance actually writes override the defaults.
        """
        spec = spec or PerturbationSpec()
        spec.check()
        # The sds must come from the same snapshot as the arrays (revisions set them too).
        if scenario.revisions:
            scenario = scenario.as_of()
        base = ScenarioArrays.from_scenario(scenario)
        a_index = {a: k for k, a in enumerate(base.actor_ids)}
        i_index = {i: k for k, i in enumerate(base.issue_ids)}
        span = base.scale_max - base.scale_min
        shape = (base.n_actors, base.n_issues)
        pos_sd = np.zeros(shape)
        sal_sd = np.zeros(shape)
        cap_sd = np.zeros(shape)
        problems = []
        for k, s in enumerate(scenario.stances):
            a, i = a_index[s.actor], i_index[s.issue]
            given = s.uncertainty.model_fields_set if s.uncertainty is not None else set()
            u = s.uncertainty
            for field, value in (
                ("position", u.position if u else None),
                ("salience", u.salience if u else None),
                ("capability", u.capability if u else None),
            ):
                if value is not None and field in given and not (math.isfinite(value) and value >= 0):
                    problems.append(
                        Problem(
                            f"stances[{k}].uncertainty.{field}", f"must be a finite sd >= 0, got {value!r}"
                        )
                    )
            pos_sd[a, i] = u.position / span[i] if "position" in given else spec.position_sd
            sal_sd[a, i] = u.salience if "salience" in given else spec.salience_sd
            cap = base.capability[0, a, i]
            cap_sd[a, i] = u.capability if "capability" in given else spec.capability_noise * cap
        if problems:
            raise InputError(scenario.name, problems)
        return cls(
            base=base, position_sd=pos_sd, salience_sd=sal_sd, capability_sd=cap_sd, dropout=spec.dropout
        )

    # -- drawing ---------------------------------------------------------------------
    def draw_block(self, seed: np.random.SeedSequence, block: int) -> ScenarioArrays:
        """The ``BLOCK`` variants of block number ``block`` (always drawn whole)."""
        ss = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, block, _PERTURB))
        rng = np.random.Generator(np.random.PCG64(ss))
        b = self.base
        n = BLOCK
        present = np.broadcast_to(b.present[:1], (n, *b.present.shape[1:])).copy()
        # Each input always takes its uniforms in the same order, so turning one kind
        # of noise on or off never changes the draws of another.
        u_pos = rng.random((n, b.n_actors, b.n_issues))
        u_sal = rng.random((n, b.n_actors, b.n_issues))
        u_cap = rng.random((n, b.n_actors, b.n_issues))
        u_drop = rng.random((n, b.n_actors))
        position = truncated_normal(b.position[:1], self.position_sd, 0.0, 1.0, u_pos)
        salience = truncated_normal(b.salience[:1], self.salience_sd, 0.0, 1.0, u_sal)
        capability = truncated_normal(b.capability[:1], self.capability_sd, 0.0, np.inf, u_cap)
        if self.dropout > 0:
            gone = (u_drop < self.dropout)[:, :, None] & present
            left = present & ~gone
            # Never leave an issue without actors: keep them all where it would.
            gone &= left.any(axis=1, keepdims=True)
            present = present & ~gone
        position = np.where(present, position, 0.0)
        salience = np.where(present, salience, 0.0)
        capability = np.where(present, capability, 0.0)
        return b.replace(position=position, salience=salience, capability=capability, present=present)

    def draw(self, seed: np.random.SeedSequence, start: int, stop: int) -> ScenarioArrays:
        """Variants ``start`` to ``stop - 1`` of the run seeded with ``seed``."""
        if not 0 <= start <= stop:
            raise ParameterError(f"bad draw range {start}..{stop}")
        first, last = start // BLOCK, (stop - 1) // BLOCK if stop > start else start // BLOCK - 1
        blocks = [self.draw_block(seed, k) for k in range(first, last + 1)]
        if not blocks:
            return self.base.take(slice(0, 0))
        out = ScenarioArrays.concat(blocks) if len(blocks) > 1 else blocks[0]
        offset = start - first * BLOCK
        return out.take(slice(offset, offset + stop - start))


def truncated_normal(mean: np.ndarray, sd: np.ndarray, lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    """Normal(mean, sd) truncated to [lo, hi], by the inverse CDF of uniforms ``u``.

    ``mean`` must lie in [lo, hi]; where ``sd`` is 0 the result is ``mean`` exactly.
    Shapes broadcast; the result has the shape of ``u``.
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    if not np.any(sd > 0):
        return np.broadcast_to(mean, np.broadcast_shapes(mean.shape, sd.shape, np.shape(u))).copy()
    pos = sd > 0
    safe = np.where(pos, sd, 1.0)
    # Where sd is 0 the CDF interval collapses to {1/2}, whose quantile is exactly 0,
    # so the result is exactly the mean there without a separate pass.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pa = np.where(pos, ndtr((lo - mean) / safe), 0.5)
        pb = np.where(pos, ndtr((hi - mean) / safe), 0.5)
    x = np.multiply(u, pb - pa)
    x += pa
    # Keep the CDF value below 1 so an unbounded range never yields +inf.
    np.minimum(x, _BELOW_ONE, out=x)
    ndtri(x, out=x)
    x *= safe
    x += mean
    np.clip(x, lo, hi, out=x)
    return x


def model_rng(seed: np.random.SeedSequence, block: int) -> np.random.Generator:
    """The rng a stochastic model gets for block ``block`` (its own stream)."""
    ss = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, block, _MODEL))
    return np.random.Generator(np.random.PCG64(ss))


def perturb(
    scenario: Scenario,
    n: int,
    *,
    seed: int | np.random.SeedSequence | None = None,
    spec: PerturbationSpec | None = None,
) -> ScenarioArrays:
    """``n`` perturbed variants of ``scenario`` as one batch of arrays.

    Parameters
    ----------
    scenario
        The scenario; each stance's ``uncertainty`` gives the sd of its inputs.
    n
        Number of variants (>= 1).
    seed
        Seed of the run; variant ``j`` depends only on the seed and ``j``.
    spec
        Defaults for stances without uncertainty, capability noise and dropout.
    """
    check_n(n)
    return Perturbation.from_scenario(scenario, spec).draw(seed_sequence(seed), 0, n)


def check_n(n: object) -> int:
    """``n`` as a positive int, or a clear ParameterError."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError(f"the number of draws must be a positive integer, got {n!r}")
    return int(n)
