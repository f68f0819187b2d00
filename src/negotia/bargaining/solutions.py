r"""Bargaining solutions over a finite set of packages.

Given candidate packages with utilities :math:`u_p` and reservation values :math:`r_p`
(the disagreement point), only *individually rational* packages (:math:`u_p \ge r_p`
for every party) are eligible.

* Nash (1950, *Econometrica* 18: 155-162): the package maximising the product of
  gains :math:`\prod_p (u_p - r_p)`.
* Kalai & Smorodinsky (1975, *Econometrica* 43: 513-518): the package on the line
  from the disagreement point to the ideal point :math:`I_p = \max u_p` (over the
  eligible packages); on a finite set, the package maximising the smallest normalised
  gain :math:`\min_p (u_p - r_p)/(I_p - r_p)`.
* Utilitarian: the package maximising :math:`\sum_p u_p`.

Ties are broken by the larger sum of utilities, then the smaller package index, so the
chosen package is Pareto-optimal among the candidates and the choice is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    """A solution package: its index in the original enumeration and each party's utility."""

    name: str
    index: int
    utilities: tuple[float, ...]
    score: float

    def to_dict(self, parties: tuple[str, ...]) -> dict:
        return {
            "solution": self.name,
            "index": self.index,
            "utilities": dict(zip(parties, self.utilities, strict=True)),
            "score": self.score,
        }


def _pick(score: np.ndarray, index: np.ndarray, U: np.ndarray) -> int:
    best = score.max()
    tied = np.flatnonzero(score >= best)
    if tied.size > 1:
        sums = U[:, tied].sum(axis=0)
        tied = tied[sums >= sums.max()]
        tied = tied[np.argsort(index[tied], kind="stable")]
    return int(tied[0])


def individually_rational(U: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """``(n,)`` True where every party gets at least its reservation value."""
    return np.all((U - np.asarray(reservation)[:, None]) >= -1e-12, axis=0)


def nash_point(index: np.ndarray, U: np.ndarray, reservation: np.ndarray) -> Solution | None:
    """The Nash bargaining package among ``index`` (None if no package is individually rational).

    Parameters
    ----------
    index
        ``(n,)`` package indices (of the original enumeration).
    U
        ``(P, n)`` utilities of those packages.
    reservation
        ``(P,)`` reservation values (the disagreement point).
    """
    ok = individually_rational(U, reservation)
    if not ok.any():
        return None
    idx, V = np.asarray(index)[ok], U[:, ok]
    gains = np.maximum(V - np.asarray(reservation)[:, None], 0.0)
    score = np.prod(gains, axis=0)
    j = _pick(score, idx, V)
    return Solution("nash", int(idx[j]), tuple(float(x) for x in V[:, j]), float(score[j]))


def kalai_point(index: np.ndarray, U: np.ndarray, reservation: np.ndarray) -> Solution | None:
    """The Kalai-Smorodinsky package among ``index`` (None if none is individually rational)."""
    ok = individually_rational(U, reservation)
    if not ok.any():
        return None
    r = np.asarray(reservation)[:, None]
    idx, V = np.asarray(index)[ok], U[:, ok]
    ideal = V.max(axis=1, keepdims=True)
    span = ideal - r
    norm = np.where(span > 1e-12, (V - r) / np.where(span > 1e-12, span, 1.0), 1.0)
    score = norm.min(axis=0)
    j = _pick(score, idx, V)
    return Solution("kalai", int(idx[j]), tuple(float(x) for x in V[:, j]), float(score[j]))


def utilitarian_point(index: np.ndarray, U: np.ndarray, reservation: np.ndarray) -> Solution | None:
    """The package with the largest sum of utilities among the individually rational ones."""
    ok = individually_rational(U, reservation)
    if not ok.any():
        return None
    idx, V = np.asarray(index)[ok], U[:, ok]
    score = V.sum(axis=0)
    j = _pick(score, idx, V)
    return Solution("utilitarian", int(idx[j]), tuple(float(x) for x in V[:, j]), float(score[j]))


def nash_products(U: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """``(n,)`` Nash products (0 where a party would lose against its reservation value)."""
    gains = U - np.asarray(reservation)[:, None]
    return np.where(np.all(gains >= -1e-12, axis=0), np.prod(np.maximum(gains, 0.0), axis=0), 0.0)
