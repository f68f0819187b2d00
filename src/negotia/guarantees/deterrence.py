"""What would respond to an attack, and how often it would outweigh the attacker.

Each guarantor with a triggered obligation decides once whether to honour it (with the
probability of its strongest triggered obligation, from :mod:`.credibility`).  If it
honours, it brings:

- for a defence obligation (response strength 3-5): a share of its capability
  (``defence_share``; defaults 0.5 / 0.75 / 1.0 for strengths 3 / 4 / 5 — an assumption
  that a "constitutional processes" clause lets a guarantor commit less than an
  automatic one);
- for assistance or consultation with aid: the aid committed in US$ bn a year where the
  catalogue knows it, else ``assistance_share`` of its capability (default: the median
  ratio of committed aid to military spending among the 2024 agreements with a known
  amount, computed from the catalogue);
- for a pure consultation or an assurance: nothing.

Honouring decisions are drawn jointly with a one-factor Gaussian copula: guarantor
:math:`g` honours when :math:`\\Phi(\\sqrt{\\rho} Z_0 + \\sqrt{1-\\rho} Z_g) < p_g`, so
``rho`` = 0 makes decisions independent and ``rho`` → 1 makes them all-or-nothing (the
free-riding / common-shock term the reference data sheet recommends; its size is an
assumption, default 0.5).  The draws are one NumPy array over the batch of draws and
guarantors; the same seed gives the same result.
"""

from __future__ import annotations

import functools
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from negotia import seeding
from negotia.errors import ParameterError
from negotia.guarantees.capabilities import Measure, capability, capability_table
from negotia.guarantees.credibility import Credibility
from negotia.guarantees.schema import Instrument

DEFAULT_DEFENCE_SHARE: dict[int, float] = {3: 0.5, 4: 0.75, 5: 1.0}
#: Draws simulated at once (memory per block: BLOCK x guarantors).
BLOCK = 1 << 15


@functools.cache
def default_assistance_share() -> float:
    """Median of (committed aid in US$ bn) / (guarantor's 2024 military spending).

    Over the catalogue's obligations that state an aid amount (the 2024 agreements with
    Ukraine: UK, Germany, France, Canada, Japan).
    """
    from negotia.guarantees.catalogue import catalogue

    ratios = []
    for inst in catalogue().instruments.values():
        for k, ob in enumerate(inst.obligations):
            aid = ob.aid_usd_bn
            if aid is None:
                continue
            for kk, g, _ in inst.directed():
                if kk == k and (m := capability(g, "milex")):
                    ratios.append(aid / m)
    return float(statistics.median(ratios))


@dataclass
class GuarantorResponse:
    """One guarantor's part in the response."""

    guarantor: str
    instrument: str
    obligation: str
    response_strength: int
    probability: float
    contribution: float
    basis: str


@dataclass
class Deterrence:
    """Distribution of the responding capability against one attacker."""

    attacker: str
    target: str
    measure: str
    attacker_capability: float | None
    target_capability: float | None
    n_draws: int
    seed: int | None
    rho: float
    guarantors: list[GuarantorResponse]
    max_response: float
    expected_response: float
    quantiles: dict[str, float]
    p_outweighs: float
    p_outweighs_with_target: float
    p_any_honours: float
    expected_strength: float
    histogram: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _contribution(
    creds: list[Credibility],
    instruments: dict[str, Instrument],
    measure: Measure,
    defence_share: dict[int, float],
    assistance_share: float,
) -> tuple[float, str]:
    g = creds[0].guarantor
    cap = capability(g, measure)
    top = max(c.response_strength for c in creds)
    if top >= 3:
        if cap is None:
            return 0.0, "defence, but no capability figure for this guarantor (counted as 0)"
        share = defence_share.get(top, 1.0)
        return share * cap, f"defence (strength {top}): {share:g} x {measure} {cap:g}"
    if top == 0:
        return 0.0, "assurance only: no help promised"
    known = 0.0
    unknown_aid = False
    any_aid = False
    for c in creds:
        ob = _obligation(instruments[c.instrument], c.obligation)
        if ob.aid_usd_bn is not None:
            known += ob.aid_usd_bn
        if ob.aid or c.response_strength >= 2:
            any_aid = True
            if ob.aid_usd_bn is None:
                unknown_aid = True
    if known > 0:
        if measure == "cinc":
            milex = capability(g, "milex")
            if cap is None or not milex:
                return 0.0, "aid known in US$ but no CINC figure (counted as 0)"
            return cap * known / milex, f"aid US${known:g}bn as a share of milex, times CINC"
        return known, f"committed aid US${known:g}bn a year"
    if any_aid and unknown_aid:
        if cap is None:
            return 0.0, "aid of unknown size and no capability figure (counted as 0)"
        return assistance_share * cap, f"aid of unknown size: {assistance_share:.3f} x {measure} {cap:g}"
    return 0.0, "consultation only: no aid or force promised"


def _obligation(inst: Instrument, ident: str) -> Any:
    for k, ob in enumerate(inst.obligations):
        if (ob.id or f"obligations[{k}]") == ident or (ob.id or "") == ident:
            return ob
    raise KeyError(ident)  # pragma: no cover - ids come from the same instrument


def simulate_response(
    credibility: list[Credibility],
    instruments: dict[str, Instrument],
    attacker: str,
    target: str,
    *,
    n_draws: int = 20_000,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
    rho: float = 0.5,
    measure: Measure = "milex",
    defence_share: dict[int, float] | None = None,
    assistance_share: float | None = None,
) -> Deterrence:
    """Monte Carlo over honouring decisions: the capability that would respond.

    Parameters
    ----------
    credibility
        Credibility of every triggered obligation (see :func:`assess_triggered`).
    instruments
        The instruments by id (for aid and integration).
    attacker, target
        Actor codes.
    n_draws, seed, rng
        Number of draws; the seed of a new generator, or a generator to use.
    rho
        Correlation of honouring decisions (one-factor Gaussian copula), in [0, 1].
    measure
        ``"milex"`` (SIPRI 2024, US$ bn) or ``"cinc"`` (COW 2022).
    defence_share, assistance_share
        What an honouring guarantor brings (see the module docs).
    """
    if not 0.0 <= rho <= 1.0:
        raise ParameterError(f"rho must be in [0, 1], got {rho}")
    if n_draws < 1:
        raise ParameterError(f"n_draws must be at least 1, got {n_draws}")
    shares = {**DEFAULT_DEFENCE_SHARE, **(defence_share or {})}
    a_share = default_assistance_share() if assistance_share is None else assistance_share
    rows = _guarantor_rows(credibility, instruments, measure, shares, a_share)
    A, D, notes = _sides(rows, attacker, target, measure)
    gen = rng if rng is not None else seeding.rng(seed)
    p = np.array([r.probability for r in rows])
    c = np.array([r.contribution for r in rows])
    s = np.array([r.response_strength for r in rows], dtype=float)
    R, S, anyh = _draw_honouring(gen, p, c, s, n_draws=n_draws, rho=rho)
    q = np.quantile(R, [0.05, 0.25, 0.5, 0.75, 0.95])
    # The distribution itself: 20 equal bins from 0 to the maximum response (shares of draws).
    top = float(c.sum()) if len(rows) and c.sum() > 0 else 1.0
    counts, edges = np.histogram(R, bins=20, range=(0.0, top))
    return Deterrence(
        attacker=attacker,
        target=target,
        measure=measure,
        attacker_capability=A,
        target_capability=D,
        n_draws=n_draws,
        seed=seed if rng is None else None,
        rho=rho,
        guarantors=rows,
        max_response=float(c.sum()),
        expected_response=float(R.mean()),
        quantiles={k: float(v) for k, v in zip(("p05", "p25", "p50", "p75", "p95"), q, strict=True)},
        p_outweighs=float(np.mean(R > A)),
        p_outweighs_with_target=float(np.mean(R + D > A)),
        p_any_honours=float(anyh.mean()),
        expected_strength=float(S.mean()),
        histogram={"edges": edges.tolist(), "share": (counts / n_draws).tolist()},
        notes=notes,
    )


def _guarantor_rows(
    credibility: list[Credibility],
    instruments: dict[str, Instrument],
    measure: Measure,
    shares: dict[int, float],
    a_share: float,
) -> list[GuarantorResponse]:
    """One row per guarantor (its strongest triggered obligation), largest contribution first."""
    by_g: dict[str, list[Credibility]] = {}
    for c in credibility:
        by_g.setdefault(c.guarantor, []).append(c)
    rows: list[GuarantorResponse] = []
    for g, cs in by_g.items():
        strongest = max(cs, key=lambda c: (c.response_strength, c.probability))
        contrib, basis = _contribution(cs, instruments, measure, shares, a_share)
        rows.append(
            GuarantorResponse(
                g,
                strongest.instrument,
                strongest.obligation,
                strongest.response_strength,
                strongest.probability,
                contrib,
                basis,
            )
        )
    rows.sort(key=lambda r: (-r.contribution, -r.probability, r.guarantor))
    return rows


def _sides(
    rows: list[GuarantorResponse], attacker: str, target: str, measure: Measure
) -> tuple[float, float, list[str]]:
    """The attacker's and the target's capability, and notes on the figures used."""
    A = capability(attacker, measure)
    D = capability(target, measure)
    notes = []
    if A is None:
        raise ParameterError(
            f"no {measure} figure for the attacker {attacker!r}; "
            f"known: {', '.join(sorted(capability_table()))}"
        )
    if D is None:
        notes.append(f"no {measure} figure for the target {target}; its own forces count as 0")
        D = 0.0
    derived = [r.guarantor for r in rows if (c := capability_table().get(r.guarantor)) and c.derived]
    if derived:
        notes.append(
            f"{len(derived)} guarantor(s) use an equal share of a group residual: {', '.join(derived)}"
        )
    return A, D, notes


def _draw_honouring(
    gen: np.random.Generator,
    p: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    *,
    n_draws: int,
    rho: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per draw: the responding capability, the strongest honoured response, whether any
    guarantor honours (the copula of the module docs)."""
    from scipy.special import ndtr  # imported here: only a simulation needs SciPy

    G = len(p)
    R = np.zeros(n_draws)
    S = np.zeros(n_draws)
    anyh = np.zeros(n_draws, dtype=bool)
    if G:
        # Fixed-size blocks bound memory (draws x guarantors) for large runs; the block size
        # is a constant, so a seed gives the same draws whatever n_draws is split into.
        for lo in range(0, n_draws, BLOCK):
            hi = min(n_draws, lo + BLOCK)
            z0 = gen.standard_normal((hi - lo, 1))
            e = gen.standard_normal((hi - lo, G))
            honour = ndtr(np.sqrt(rho) * z0 + np.sqrt(1.0 - rho) * e) < p[None, :]
            R[lo:hi] = honour @ c
            S[lo:hi] = np.where(honour, s[None, :], 0.0).max(axis=1)
            anyh[lo:hi] = honour.any(axis=1)
    return R, S, anyh
