r"""Qualified-majority decision rules: is some package acceptable to a winning coalition?

Under unanimity every party and veto player must accept (:mod:`negotia.bargaining.feasible`).
Under a qualified majority on issue ``k`` a package is agreed when the rows accepting it

* carry at least ``threshold_k`` of the voters' total weight on ``k`` (the voters are the
  parties and the veto players with a say on ``k``),
* include every veto player with a say on ``k`` and every ratification step voting on it.

A package settling the issues ``S`` is agreed when this holds on every issue of ``S``
(an issue under unanimity requires every voter on it).  Which coalitions *win* depends on
the rule, never on the variant (weights come from the scenario as stated), and winning is
monotone: a superset of a winning coalition wins.  A package acceptable to a winning
coalition is acceptable to each of its subsets, so **a zone exists exactly when some
minimal winning coalition has a zone** -- and a coalition's zone is the unanimity problem
of its members, which the kernel of :mod:`negotia.bargaining.feasible` decides exactly
(rows outside the coalition are neutralised: no red line, no reservation).

Only the parties are ever left out of a coalition (veto players and ratification steps
must accept wherever they have a say), so the coalitions are subsets of the parties.

Complexity.  The winning table is built over all ``2^P`` subsets of the ``P`` parties
(``O(2^P K)``), so ``P`` is limited to :data:`MAX_PARTIES`; each set of issues then needs
``M`` kernel problems per variant, ``M`` being its number of minimal winning coalitions
(at most ``C(P, P/2)``), limited to :data:`MAX_COALITIONS`.  Beyond either limit the
analysis stops with a clear error rather than run for hours.

*One issue alone* needs no kernel: each row accepts an interval (its red lines and its
reservation), and the set of rows accepting a point only changes at the intervals' ends.
If a point ``v`` is agreed, so is the largest left end ``\ell^*`` of the intervals of the
rows accepting ``v`` (every one of them still accepts it); hence sweeping the ends of the
intervals (and the ends of the scale) decides the issue exactly, and gives the hull of
its zone (the smallest and largest agreed points are ends too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negotia.bargaining.feasible import ATOL_SCALE, Rows, reservation_intervals, settle
from negotia.errors import ParameterError

#: Most parties whose coalitions are enumerated (2^16 subsets).
MAX_PARTIES = 16
#: Most minimal winning coalitions checked per set of issues (each is a kernel problem
#: per variant).
MAX_COALITIONS = 256
#: Relative tolerance of a weight reaching its threshold.
_WEIGHT_TOL = 1e-12


@dataclass(frozen=True)
class Voting:
    """How the consent of the rows of a :class:`~negotia.bargaining.consent.Consent` is
    counted on each issue.

    ``weight`` ``(R, K)``: each voter's weight on each issue (0 off its say, and for
    ratification steps); ``threshold`` ``(K,)``: the share of the voters' weight that must
    accept (1 under unanimity); ``required`` ``(R, K)``: rows that must accept (veto players
    and ratification steps where they have a say; every voter under unanimity);
    ``qualified`` ``(K,)``: the issue is decided by a qualified majority; ``party`` ``(R,)``:
    the row is a party (the only rows a coalition may leave out).
    """

    weight: np.ndarray
    threshold: np.ndarray
    required: np.ndarray
    qualified: np.ndarray
    party: np.ndarray

    @property
    def any_qualified(self) -> bool:
        return bool(self.qualified.any())

    def _key(self) -> tuple[bytes, ...]:
        arrays = (self.weight, self.threshold, self.required, self.party)
        return (str(self.weight.shape).encode(), *(np.ascontiguousarray(a).tobytes() for a in arrays))


def _winning_table(voting: Voting) -> tuple[np.ndarray, np.ndarray]:
    """``(member, wins)``: ``member`` ``(2^P, P)`` the parties of each coalition (bit ``i``
    of the coalition's number is party ``i``), ``wins`` ``(2^P, K)`` whether it wins on
    each issue (with every non-party row in)."""
    parties = np.flatnonzero(voting.party)
    P = parties.size
    if P > MAX_PARTIES:
        raise ParameterError(
            f"a qualified majority over {P} parties: the analysis enumerates the 2^{P} coalitions of "
            f"the parties and stops at {MAX_PARTIES} parties; give fewer actors the role party "
            "(veto players and observers are not enumerated)"
        )
    codes = np.arange(2**P, dtype=np.int64)
    member = ((codes[:, None] >> np.arange(P)) & 1).astype(bool)
    w_party = voting.weight[parties]
    others = ~voting.party
    fixed = voting.weight[others].sum(axis=0)
    total = voting.weight.sum(axis=0)
    accepting = member.astype(float) @ w_party + fixed
    wins = accepting >= voting.threshold * total - _WEIGHT_TOL * np.maximum(total, 1.0)
    missing = (~member).astype(np.int64) @ voting.required[parties].astype(np.int64)
    return member, wins & (missing == 0)


_TABLES: dict[tuple[bytes, ...], tuple[np.ndarray, np.ndarray]] = {}


def minimal_winning(voting: Voting, subset: np.ndarray) -> np.ndarray:
    """``(M, R)`` bool: the rows of each minimal winning coalition for the issues ``subset``.

    Every non-party row is in every coalition (it must accept where it has a say, and it
    binds nowhere else).  Raises :class:`ParameterError` beyond :data:`MAX_COALITIONS`.
    """
    key = voting._key()
    if key not in _TABLES:
        _TABLES.clear()  # one scenario at a time: keep the cache small
        _TABLES[key] = _winning_table(voting)
    member, wins = _TABLES[key]
    return _minimal(member, wins, voting.party, np.asarray(subset, dtype=bool).tobytes())


def _minimal(member: np.ndarray, wins: np.ndarray, party: np.ndarray, subset: bytes) -> np.ndarray:
    s = np.frombuffer(subset, dtype=bool)
    win = wins[:, s].all(axis=1)
    P = member.shape[1]
    codes = np.arange(win.size, dtype=np.int64)
    minimal = win.copy()
    for i in range(P):
        has = member[:, i]
        minimal &= ~(has & win[codes ^ (1 << i)])
    chosen = member[minimal]
    if chosen.shape[0] > MAX_COALITIONS:
        raise ParameterError(
            f"a qualified majority with {chosen.shape[0]} minimal winning coalitions: the analysis "
            f"checks each with the unanimity kernel (one problem per coalition and variant) and "
            f"stops at {MAX_COALITIONS}; use fewer parties, or a rule with fewer coalitions"
        )
    rows = np.ones((chosen.shape[0], party.size), dtype=bool)
    rows[:, np.flatnonzero(party)] = chosen
    return rows


def neutralise(rows: Rows, keep: np.ndarray) -> Rows:
    """``rows`` with the rows outside ``keep`` ``(B, R)`` bound by nothing (no red line,
    an infinite reservation budget): the unanimity problem of the coalition ``keep``."""
    drop = ~keep
    d3 = drop[:, :, None]
    return Rows(
        rows.labels,
        rows.scope,
        rows.ideal,
        rows.coef,
        rows.base,
        np.where(drop, np.inf, rows.slack),
        np.where(d3, -np.inf, rows.lo),
        np.where(d3, np.inf, rows.hi),
        rows.loss,
        rows.status_quo,
    )


@dataclass(frozen=True)
class MajorityFeasibility:
    """Whether a winning coalition accepts some package settling the issues, per variant.

    ``feasible`` ``(B,)``; ``point`` ``(B, K)`` a package of the first coalition found (NaN
    where none); ``coalition`` ``(B, R)`` that coalition's rows (False where none);
    ``red`` ``(B, R, K)`` and ``blocking`` ``(B, R)`` on failed variants: the rows whose
    red line met another's emptily on an issue, and the rows of a reservation
    certificate, in at least one minimal winning coalition; ``fallback`` the kernel
    problems a SciPy solve decided; ``problems`` how many kernel problems were solved.
    """

    feasible: np.ndarray
    point: np.ndarray
    coalition: np.ndarray
    red: np.ndarray
    blocking: np.ndarray
    fallback: int
    problems: int


def settle_majority(rows: Rows, voting: Voting, subset: np.ndarray | None = None) -> MajorityFeasibility:
    """:func:`~negotia.bargaining.feasible.settle` under the decision rules of ``voting``:
    the issues ``subset`` (``(B, K)`` or ``(K,)``; default all) settled, the others at the
    status quo, by some minimal winning coalition."""
    B, R, K = rows.ideal.shape
    sub = np.ones((B, K), dtype=bool) if subset is None else np.broadcast_to(np.asarray(subset, bool), (B, K))
    patterns, inverse = np.unique(sub, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    b_idx: list[np.ndarray] = []
    keep: list[np.ndarray] = []
    for j, pat in enumerate(patterns):
        members = np.flatnonzero(inverse == j)
        for coalition in minimal_winning(voting, pat):
            b_idx.append(members)
            keep.append(np.broadcast_to(coalition, (members.size, R)))
    b = np.concatenate(b_idx)
    kept = np.concatenate(keep)
    res = settle(neutralise(rows.take(b), kept), sub[b])
    feasible = np.zeros(B, dtype=bool)
    feasible[b[res.feasible]] = True
    point = np.full((B, K), np.nan)
    coalition = np.zeros((B, R), dtype=bool)
    # The first feasible coalition of each variant gives its package.
    order = np.flatnonzero(res.feasible)
    first = order[np.unique(b[order], return_index=True)[1]]
    point[b[first]] = res.point[first]
    coalition[b[first]] = kept[first]
    red = np.zeros((B, R, K), dtype=bool)
    blocking = np.zeros((B, R), dtype=bool)
    failed = ~feasible[b]
    by_red = res.red_lines.any(axis=1)
    box = res.box
    for k in range(K):
        m = np.flatnonzero(failed & res.red_lines[:, k])
        for row in (box.low_row[m, k], box.high_row[m, k]):
            ok = row >= 0
            red[b[m[ok]], row[ok], k] = True
    m = np.flatnonzero(failed & ~by_red)
    np.logical_or.at(blocking, b[m], res.blocking[m])
    return MajorityFeasibility(feasible, point, coalition, red, blocking, res.fallback, int(b.size))


@dataclass(frozen=True)
class MajorityZones:
    """The zone of each issue alone under its decision rule (exact, by the sweep).

    ``lo``/``hi`` ``(B, K)`` the hull of the zone (NaN where none); ``exists``;
    ``rejects`` ``(B, R, K)`` on issues without a zone: the voters and required rows that
    reject the point agreed by the most (every required row first, then weight), and
    ``rejects_red_line`` whether each rejects it for its red line (else its reservation).
    """

    lo: np.ndarray
    hi: np.ndarray
    exists: np.ndarray
    rejects: np.ndarray
    rejects_red_line: np.ndarray


def sweep(
    lo: np.ndarray, hi: np.ndarray, voting: Voting
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Decide each issue alone from each row's acceptable interval ``[lo, hi]`` ``(B, R, K)``.

    Returns ``(exists, zone_lo, zone_hi, point, accept)``: ``exists`` ``(B, K)``; the hull
    of the agreed points (NaN where none); ``point`` ``(B, K)`` the candidate agreed by the
    most (fewest required rows missing, then most weight) and ``accept`` ``(B, R, K)``
    the rows accepting it.
    """
    B, _, K = lo.shape
    ends = np.concatenate([lo, hi, np.zeros((B, 1, K)), np.ones((B, 1, K))], axis=1)
    cand = np.clip(np.nan_to_num(ends, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)  # (B, C, K)
    accept = (lo[:, None] <= cand[:, :, None] + ATOL_SCALE) & (hi[:, None] >= cand[:, :, None] - ATOL_SCALE)
    total = voting.weight.sum(axis=0)
    got = (accept * voting.weight[None, None]).sum(axis=2)  # (B, C, K)
    short = (~accept & voting.required[None, None]).sum(axis=2)
    wins = (short == 0) & (got >= voting.threshold * total - _WEIGHT_TOL * np.maximum(total, 1.0))
    exists = wins.any(axis=1)
    z_lo = np.where(exists, np.where(wins, cand, np.inf).min(axis=1), np.nan)
    z_hi = np.where(exists, np.where(wins, cand, -np.inf).max(axis=1), np.nan)
    best = np.argmax(-short * (total.sum() + 1.0) + got, axis=1)
    point = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0]
    acc = np.take_along_axis(accept, best[:, None, None, :], axis=1)[:, 0]
    return exists, z_lo, z_hi, point, acc


def majority_issue_zones(rows: Rows, voting: Voting) -> MajorityZones:
    """The zone of each issue alone under qualified-majority rules (see the module doc)."""
    scope = rows.scope[None]
    red_lo = np.where(scope, rows.lo, -np.inf)
    red_hi = np.where(scope, rows.hi, np.inf)
    r_lo, r_hi = reservation_intervals(rows)
    lo = np.maximum(red_lo, r_lo)
    hi = np.minimum(red_hi, r_hi)
    exists, z_lo, z_hi, v, acc = sweep(lo, hi, voting)
    counts = (voting.weight > 0) | voting.required
    rejects = ~acc & counts[None] & ~exists[:, None, :]
    outside_red = (v[:, None] < red_lo - ATOL_SCALE) | (v[:, None] > red_hi + ATOL_SCALE)
    return MajorityZones(z_lo, z_hi, exists, rejects, outside_red)


def red_line_compatible(rows: Rows, voting: Voting) -> np.ndarray:
    """``(B, K)``: some winning coalition's red lines overlap on the issue (a necessary
    condition for the issue to be in any settled package)."""
    scope = rows.scope[None]
    lo = np.where(scope, rows.lo, -np.inf)
    hi = np.where(scope, rows.hi, np.inf)
    return sweep(lo, hi, voting)[0]
