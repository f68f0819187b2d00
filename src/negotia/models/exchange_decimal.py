"""Decimal shadow of the exchange model, for reference-exact tie-breaking.

The decide-exchange-model computes in 28-digit decimals.  Many exchanges have gains
that are equal in exact arithmetic (e.g. two partners with the same stances), and which
of them is realised first is then decided by the last digit of the decimal result (or,
when the decimals are exactly equal, by list order).  Binary floats round differently,
so a float implementation realises a different exchange in such cases and the runs
drift apart.

This module keeps, next to the vectorised float state, the decimal values of the
quantities that feed those decisions: every actor's start and current position and the
moves recorded per exchange ("updates").  It recomputes in decimals only (a) the
exchange being realised, whose decimal voting positions then replace the float ones,
and (b) the gains of the exchanges that tie (to 1e-11) at the top of the list.
Everything else stays vectorised in floats.  The arithmetic follows the order of
operations of the reference so that its rounding is reproduced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

D0 = Decimal(0)


def to_decimal(v: float) -> Decimal:
    """A float input (a salience, a capability) as the decimal its text most likely was."""
    return Decimal(f"{float(v):.12g}")


class Shadow:
    """Decimal state of one batch element over one round.

    Parameters
    ----------
    sal, cap
        ``(A, I)`` decimals (None where the actor takes no part).
    x0
        ``(A, I)`` decimal start positions on the 0-100 scale (None where absent).
    """

    def __init__(self, sal: list[list[Any]], cap: list[list[Any]], x0: list[list[Any]]) -> None:
        self.sal = sal
        self.cap = cap
        self.x0 = [row[:] for row in x0]
        self.cur = [row[:] for row in x0]
        A, I = len(x0), len(x0[0]) if x0 else 0
        self.actors_on = [[a for a in range(A) if sal[a][t] is not None] for t in range(I)]
        #: per issue: (actor, position x salience x power at the start) in summation order
        self.terms = [
            [(a, self.x0[a][t] * sal[a][t] * cap[a][t]) for a in self.actors_on[t]] for t in range(I)
        ]
        #: per issue: the running sums of ``terms`` (``prefix[t][k]`` = the first k terms
        #: added in order, the very values the summation loop passes through), and each
        #: actor's place in that order: a sum with some positions replaced starts from the
        #: prefix before the first replaced actor, with the reference's rounding.
        self.prefix = []
        for t in range(I):
            run: Any = 0
            sums = [run]
            for _, term in self.terms[t]:
                run += term
                sums.append(run)
            self.prefix.append(sums)
        self.place = [{a: k for k, a in enumerate(self.actors_on[t])} for t in range(I)]
        self.den = []
        for t in range(I):
            total: Any = 0
            for a in self.actors_on[t]:
                total += cap[a][t] * sal[a][t]
            self.den.append(total)
        #: per candidate: [updates on p, updates on q], each {actor: Decimal}
        self.upd: dict[int, list[dict[int, Decimal]]] = {}

    # -- the reference's NBS with some positions replaced --------------------------------
    def _numerator(self, t: int, updates: dict[int, Decimal], actor: int, pos: Decimal, last: bool) -> Any:
        """Sum of position x salience x power on issue ``t``.

        ``last=True``: updates applied, then ``actor`` set to ``pos`` (adjusted NBS);
        ``last=False``: ``actor`` set to ``pos`` first, updates override it.
        """
        place = self.place[t]
        first = place.get(actor, len(place))
        for a in updates:
            first = min(first, place.get(a, first))
        num: Any = self.prefix[t][first]
        for a, term in self.terms[t][first:]:
            if a != actor and a not in updates:
                num += term
                continue
            x = (pos if a == actor else updates[a]) if last else updates.get(a, pos)
            num += x * self.sal[a][t] * self.cap[a][t]
        return num

    def nbs(self, t: int, updates: dict[int, Decimal], actor: int, pos: Decimal) -> Any:
        den = self.den[t]
        if den == 0:
            return D0
        return self._numerator(t, updates, actor, pos, True) / den

    def calculate(
        self, e: int, aI: int, aJ: int, p: int, q: int, crossed: tuple[bool, bool] | None = None
    ) -> tuple[Decimal, Decimal, Decimal]:
        """Voting positions of both sides and the gain of candidate ``e``, in decimals.

        ``crossed``: the outcome of the NBS check of side I and side J when the float
        computation decided it clearly (the outcome more than 1e-9 from the partner's
        position, while floats and decimals differ by about 1e-13); the check's sums are
        then not redone in decimals.  None: decide it here.
        """
        s, c, x0, cur = self.sal, self.cap, self.x0, self.cur
        sIp, sIq, sJp, sJq = s[aI][p], s[aI][q], s[aJ][p], s[aJ][q]
        cIq, cJp = c[aI][q], c[aJ][p]
        denP, denQ = self.den[p], self.den[q]
        xIs, xJs = cur[aI][q], cur[aJ][p]
        dI, dJ = x0[aI][p], x0[aJ][q]
        dp = (abs(dI - xJs) * sJp * cJp) / denP
        dq = ((sJp + sIp) / (sJq + sIq)) * dp
        mI = (dq * denQ) / (cIq * sIq)
        mJ = abs(dI - xJs)
        if abs(mI) > abs(dJ - xIs):
            dq = (abs(dJ - xIs) * sIq * cIq) / denQ
            dp = ((sIq + sJq) / (sIp + sJp)) * dq
            mI = abs(dJ - xIs)
            mJ = (dp * denP) / (cJp * sJp)
        if xIs > dJ:
            mI = -mI
        if xJs > dI:
            mJ = -mJ
        yI, yJ = xIs + mI, xJs + mJ
        gain = abs(dq * sIq - dp * sIp)
        upd = self.upd.get(e) or [{}, {}]
        # NBS check: side I (supplies q, partner demands q at dJ), then side J.
        for side in (0, 1):
            if side == 0:
                aX, t, xs, y, x, ups = aI, q, xIs, yI, dJ, upd[1]
                sXs, sXd, sOs, sOd, cX, cO, denO, xOs, dX = sIq, sIp, sJp, sJq, cIq, cJp, denP, xJs, dI
            else:
                aX, t, xs, y, x, ups = aJ, p, xJs, yJ, dI, upd[0]
                sXs, sXd, sOs, sOd, cX, cO, denO, xOs, dX = sJp, sJq, sIq, sIp, cJp, cIq, denQ, xIs, dJ
            if crossed is None:
                nbs0 = self.nbs(t, ups, aX, xs)
                nbs1 = self.nbs(t, ups, aX, y)
                if (x - nbs0 >= 0 and x - nbs1 >= 0) or (x - nbs0 <= 0 and x - nbs1 <= 0):
                    continue
            elif not crossed[side]:
                continue
            den = self.den[t]
            left = x * den - self._numerator(t, ups, aX, xs, False)
            delta = abs(left / (sXs * cX))
            rX = (delta * sXs * cX) / den
            rO = ((sXs + sOd) / (sXd + sOs)) * rX
            mO = abs((rO * denO) / (cO * sOs))
            mX = delta
            if xOs > dX:
                mO = -mO
            if xs > x:
                mX = -mX
            yO, yX = xOs + mO, xs + mX
            gain = abs(rO * sOs - rX * sOd)
            if side == 0:
                yI, yJ = yX, yO
            else:
                yJ, yI = yX, yO
        return yI, yJ, gain

    def record_update(self, e: int, slot: int, actor: int, y: Decimal, start: Decimal) -> None:
        """The reference's bookkeeping of a move bought on a demand issue."""
        upd = self.upd.setdefault(e, [{}, {}])[slot]
        old = upd.get(actor)
        if old is None:
            upd[actor] = y
        elif start <= old:
            upd[actor] = old if old < y else y
        else:
            upd[actor] = old if old > y else y


def preference_update(x: Decimal, y: Decimal, s: Decimal, salience_weight: float, fixed_weight: float) -> Any:
    """x + w (y - x) with w = fixed + salience_weight (1 - s), in the reference's order."""
    sw = Decimal(salience_weight)
    fw = Decimal(fixed_weight)
    return (1 - s) * sw * y + fw * y + (1 - (1 - s) * sw - fw) * x


def shadows_from_arrays(
    pos100: np.ndarray, sal: np.ndarray, cap: np.ndarray, elig: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[list[list[list[Any]]], list[list[list[Any]]], list[list[list[Any]]]]:
    """Decimal saliences, powers and 0-100 positions per batch element.

    Positions are rebuilt from the issue scale as the reference does: the value on the
    issue's own scale (as written, to 12 significant digits) minus the lower bound, times
    100 / (upper - lower).
    """
    B, A, I = pos100.shape
    loD = [to_decimal(v) for v in lo]
    step = [Decimal(100) / (to_decimal(h) - to_decimal(v)) for v, h in zip(lo, hi, strict=True)]
    sD, cD, xD = [], [], []
    for b in range(B):
        srow, crow, xrow = [], [], []
        for a in range(A):
            s_, c_, x_ = [], [], []
            for t in range(I):
                if elig[b, a, t]:
                    s_.append(to_decimal(sal[b, a, t]))
                    c_.append(to_decimal(cap[b, a, t]))
                    orig = lo[t] + pos100[b, a, t] / 100.0 * (hi[t] - lo[t])
                    x_.append((to_decimal(orig) - loD[t]) * step[t])
                else:
                    s_.append(None)
                    c_.append(None)
                    x_.append(None)
            srow.append(s_)
            crow.append(c_)
            xrow.append(x_)
        sD.append(srow)
        cD.append(crow)
        xD.append(xrow)
    return sD, cD, xD
