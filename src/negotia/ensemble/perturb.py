r"""Perturbation: N variants of one scenario as a single batched :class:`ScenarioArrays`.

Every stance's position, salience (and optionally capability) is drawn from a normal
distribution centred on the stated value, with the standard deviation the stance gives
in ``uncertainty`` (a scenario-wide default where it gives none), truncated to the
valid range: positions to the issue scale, saliences to [0, 1], capabilities to
[0, inf).  Optionally each actor drops out of a draw with a given probability.

Only what is perturbed is drawn: a stance's position, salience or capability whose sd is
0, or of an actor absent from the issue, keeps its value without a draw, and the
dropout uniforms are drawn only when dropout is on.

Truncated normals are drawn exactly, in one of two ways chosen per stance from the
share :math:`p = \Phi(b) - \Phi(a)` of the normal's mass inside the range, with
:math:`\Phi` the standard normal CDF and bounds :math:`a = (lo - \mu)/\sigma`,
:math:`b = (hi - \mu)/\sigma`:

* :math:`p \ge 0.8` (the usual case: the value is well inside its range): **rejection**
  (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. II.3): draw
  :math:`x = \mu + \sigma z` with :math:`z` standard normal (NumPy's ziggurat) and redraw
  the values outside :math:`[lo, hi]`; the accepted values follow the normal conditioned
  on the range, which is the truncated normal.  About :math:`1/p \le 1.25` normal draws
  a value.
* :math:`p < 0.8` (a value at or near a bound, or an sd wide against the range): the
  **inverse CDF** (Devroye 1986, ch. II.2),

  .. math:: x = \mu + \sigma\, \Phi^{-1}\bigl(\Phi(a) + u\,(\Phi(b) - \Phi(a))\bigr),
            \qquad u \sim U(0, 1).

  Because the mean always lies inside the range, :math:`\Phi(a) \le 1/2 \le \Phi(b)`
  and the formula does not lose precision in the tails that matter.

A normal draw costs about 10 ns on the project machine and an inverse-CDF value about
18 ns (a uniform, SciPy's ``ndtri`` and the affine map), so rejection is the cheaper
exact method down to an acceptance of about 0.8.

Determinism: draws come in blocks of :attr:`Perturbation.block` variants (a power of two
set by the scenario's shape, :func:`block_size`); block ``k`` draws each input
(position, salience, capability, dropout) from its own stream
``SeedSequence(seed, spawn_key=(k, 0, j))`` (children of the run's ``SeedSequence``, as
``spawn`` would make them), and a block is always drawn whole.  So draw ``j`` of a run
is the same whatever the number of draws, chunks or workers, and turning one kind of
noise on or off never changes the draws of another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from negotia.errors import InputError, ParameterError, Problem
from negotia.scenario.arrays import ScenarioArrays
from negotia.scenario.schema import Scenario
from negotia.seeding import seed_sequence

#: The smallest Monte Carlo block, and the block of sensitivity runs (variants per model
#: call there).  Never derived from the worker count, so that no result depends on how
#: a run is split.
BLOCK = 1024
#: The largest Monte Carlo block (variants per random stream).
BLOCK_MAX = 1 << 16
#: A Monte Carlo block holds at most this many cells (variants x actors x issues) in
#: each of its arrays (4 MiB of float64): see :func:`block_size`.
BLOCK_CELLS = 1 << 19
#: A truncated normal is drawn by rejection where the range keeps at least this share
#: of the normal's mass (at most 1.25 draws a value on average); by its inverse CDF
#: elsewhere.  Measured: a normal draw costs about 10 ns here, an inverse-CDF value
#: about 18 ns (uniform, scipy's ndtri and the affine map).
_REJECT_ACCEPT = 0.8

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
    #: Variants per random stream; by default :func:`block_size` of the scenario's shape.
    #: Part of the payload, so every worker draws the blocks the caller planned.
    block: int = 0

    def __post_init__(self) -> None:
        if not self.block:
            object.__setattr__(self, "block", block_size(self.base.n_actors, self.base.n_issues))

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
    @cached_property
    def _plan(self) -> tuple[_Input, _Input, _Input]:
        b = self.base
        present = b.present[0]
        return (
            _Input.of(b.position[0], self.position_sd, present, 0.0, 1.0),
            _Input.of(b.salience[0], self.salience_sd, present, 0.0, 1.0),
            _Input.of(b.capability[0], self.capability_sd, present, 0.0, np.inf),
        )

    def __getstate__(self) -> dict[str, object]:
        # The plan is rebuilt where it is used (cheap); workers get plain arrays only.
        return {k: v for k, v in self.__dict__.items() if k != "_plan"}

    def draw_block(self, seed: np.random.SeedSequence, block: int) -> ScenarioArrays:
        """The :attr:`block` variants of block number ``block`` (always drawn whole)."""
        b = self.base
        n, shape = self.block, (b.n_actors, b.n_issues)
        # One stream per input, so that turning one kind of noise on or off (or a
        # dropout rate) never changes the draws of another.
        key = (*seed.spawn_key, block, _PERTURB)
        rngs = [
            np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed.entropy, spawn_key=(*key, j))))
            for j in range(4)
        ]
        position, salience, capability = (
            plan.draw(rng, n).reshape(n, *shape) for plan, rng in zip(self._plan, rngs, strict=False)
        )
        present = np.empty((n, *shape), dtype=bool)
        present[:] = b.present[0]
        if self.dropout > 0:
            gone = (rngs[3].random((n, shape[0])) < self.dropout)[:, :, None] & present
            # Never leave an issue without actors: keep them all where it would.
            gone &= (present & ~gone).any(axis=1, keepdims=True)
            present &= ~gone
            for x in (position, salience, capability):
                x[gone] = 0.0
        return b.replace(position=position, salience=salience, capability=capability, present=present)

    def draw(self, seed: np.random.SeedSequence, start: int, stop: int) -> ScenarioArrays:
        """Variants ``start`` to ``stop - 1`` of the run seeded with ``seed``."""
        if not 0 <= start <= stop:
            raise ParameterError(f"bad draw range {start}..{stop}")
        size = self.block
        first, last = start // size, (stop - 1) // size if stop > start else start // size - 1
        blocks = [self.draw_block(seed, k) for k in range(first, last + 1)]
        if not blocks:
            return self.base.take(slice(0, 0))
        out = ScenarioArrays.concat(blocks) if len(blocks) > 1 else blocks[0]
        offset = start - first * size
        return out.take(slice(offset, offset + stop - start))


def block_size(n_actors: int, n_issues: int) -> int:
    """Variants per random stream (and per model call) for a scenario of this shape.

    The largest power of two from :data:`BLOCK` to :data:`BLOCK_MAX` whose perturbed
    ``(B, A, I)`` arrays hold at most :data:`BLOCK_CELLS` cells each: large blocks keep
    the Python work per variant small, bounded ones keep memory (and cache) in check.
    It depends on the scenario's shape only, never on the backend or its workers.
    """
    cells = max(1, n_actors * n_issues)
    size = BLOCK
    while size < BLOCK_MAX and 2 * size * cells <= BLOCK_CELLS:
        size *= 2
    return size


@dataclass(frozen=True)
class _Input:
    """How one input (position, salience or capability) of a block is drawn.

    Only the perturbed cells (present, sd > 0) are drawn; the others keep their
    unperturbed value.  Cells whose truncation keeps at least :data:`_REJECT_ACCEPT` of
    the normal's mass are drawn by rejection (a normal draw, redrawn until it falls in
    range: exact, and cheaper than the inverse CDF); the others by the inverse CDF.
    """

    base: np.ndarray
    lo: float
    hi: float
    rej_cells: np.ndarray
    rej_mean: np.ndarray
    rej_sd: np.ndarray
    inv_cells: np.ndarray
    inv_mean: np.ndarray
    inv_sd: np.ndarray
    inv_pa: np.ndarray
    inv_width: np.ndarray

    @classmethod
    def of(cls, value: np.ndarray, sd: np.ndarray, present: np.ndarray, lo: float, hi: float) -> _Input:
        from scipy.special import ndtr  # heavy; only when a perturbation is built

        base = np.where(present, value, 0.0).ravel()
        sd = np.asarray(sd, dtype=float).ravel()
        cells = np.flatnonzero(present.ravel() & (sd > 0))
        mean, s = base[cells], sd[cells]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            pa, pb = ndtr((lo - mean) / s), ndtr((hi - mean) / s)
        rej = pb - pa >= _REJECT_ACCEPT
        return cls(
            base=base,
            lo=lo,
            hi=hi,
            rej_cells=cells[rej],
            rej_mean=mean[rej],
            rej_sd=s[rej],
            inv_cells=cells[~rej],
            inv_mean=mean[~rej],
            inv_sd=s[~rej],
            inv_pa=pa[~rej],
            inv_width=(pb - pa)[~rej],
        )

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``(n, cells)``: the unperturbed values with the perturbed cells drawn."""
        out = np.empty((n, self.base.size))
        out[:] = self.base
        flat = out.reshape(-1)
        if self.rej_cells.size:
            x = rng.standard_normal((n, self.rej_cells.size))
            x *= self.rej_sd
            x += self.rej_mean
            bad = x < self.lo
            if math.isfinite(self.hi):
                bad |= x > self.hi
            # Redraw the values out of range (in variant order, then cell order) until
            # none is left: each cell's accepted values follow its truncated normal.
            xs = x.reshape(-1)
            where = np.flatnonzero(bad)
            while where.size:
                cols = where % self.rej_cells.size
                v = rng.standard_normal(where.size)
                v *= self.rej_sd[cols]
                v += self.rej_mean[cols]
                ok = (v >= self.lo) & (v <= self.hi)
                xs[where[ok]] = v[ok]
                where = where[~ok]
            flat[self._index(n, True)] = xs
        if self.inv_cells.size:
            u = rng.random((n, self.inv_cells.size))
            u *= self.inv_width
            u += self.inv_pa
            flat[self._index(n, False)] = _quantile(u, self.inv_mean, self.inv_sd, self.lo, self.hi).reshape(
                -1
            )
        return out

    def _index(self, n: int, rejection: bool) -> np.ndarray:
        """Flat indices into ``(n, cells)`` of the rejection (or inverse-CDF) cells, kept
        for the next block of the same size."""
        cache = self.__dict__.setdefault("_indices", {})
        key = (n, rejection)
        if key not in cache:
            cells = self.rej_cells if rejection else self.inv_cells
            cache[key] = np.add.outer(np.arange(0, n * self.base.size, self.base.size), cells).reshape(-1)
        return cache[key]


def _quantile(p: np.ndarray, mean: np.ndarray, sd: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``mean + sd * ndtri(p)`` clipped to [lo, hi], in place in ``p``."""
    from scipy.special import ndtri

    # Keep the CDF value below 1 so an unbounded range never yields +inf.
    np.minimum(p, _BELOW_ONE, out=p)
    ndtri(p, out=p)
    p *= sd
    p += mean
    np.clip(p, lo, hi, out=p)
    return p


def truncated_normal(mean: np.ndarray, sd: np.ndarray, lo: float, hi: float, u: np.ndarray) -> np.ndarray:
    """Normal(mean, sd) truncated to [lo, hi], by the inverse CDF of uniforms ``u``.

    ``mean`` must lie in [lo, hi]; where ``sd`` is 0 the result is ``mean`` exactly.
    Shapes broadcast; the result has the shape of ``u``.
    """
    from scipy.special import ndtr

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
    return _quantile(x, mean, safe, lo, hi)


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
