"""Decimal shadow of the exchange model, for reference-exact tie-breaking.

The decide-exchange-model computes in 28-digit decimals and keeps its exchanges in a
list that it sorts by gain, highest first, with a stable sort before each realisation.
Many exchanges have gains that are equal in exact arithmetic (two partners with the
same stances, positions on round numbers), and which of them is realised first is then
decided by the last digit of the decimal result or, when the decimals are exactly
equal, by the list order.  Binary floats round differently, so a float run realises a
different exchange in such cases and drifts away.

The compiled loop (:mod:`negotia.models.exchange.kernel`) runs in floats and stops only
where floats cannot decide: several exchanges whose gains are equal to 1e-9 at the top
of the list, and NBS checks whose outcome lands within 1e-9 of the partner's position.
:class:`DecimalLane` then decides in decimals, in the reference's order of operations:

* its decimal state (positions, moves bought) is brought up to date by *replaying* the
  loop's log of realised exchanges, each recomputed in decimals (the NBS decisions that
  the floats made clearly are taken over), so the decimal positions are those of the
  reference;
* a tie at the top goes to the exchange with the highest decimal gain; among exactly
  equal decimal gains, to the one first in the reference's list.  Since the list is
  re-sorted stably at every step, its order is the lexicographic order of the gains
  over time, most recent first, then creation order: the first differing past gain
  decides (:meth:`DecimalLane._before`), recomputed in decimals from the state of that
  time.
"""

from __future__ import annotations

import bisect
import functools
from decimal import Decimal
from typing import Any

import numpy as np

D0 = Decimal(0)
_MINUS_INF = float("-inf")


def to_decimal(v: float) -> Decimal:
    """A float input (a salience, a capability) as the decimal its text most likely was."""
    return Decimal(f"{float(v):.12g}")


def bought_update(old: Any, y: Any, start: Any) -> Any:
    """The reference's bookkeeping of a move bought again: keep the one closest to the start."""
    if old is None:
        return y
    if start <= old:
        return old if old < y else y
    return old if old > y else y


class Shadow:
    """Decimal data of one batch element: saliences, powers, and the round's start positions.

    Parameters
    ----------
    sal, cap
        ``(A, I)`` decimals (None where the actor takes no part).
    x0
        ``(A, I)`` decimal start positions of the first round on the 0-100 scale (None
        where absent); :meth:`start` begins a later round.
    """

    def __init__(self, sal: list[list[Any]], cap: list[list[Any]], x0: list[list[Any]]) -> None:
        self.sal = sal
        self.cap = cap
        A, I = len(x0), len(x0[0]) if x0 else 0
        self.actors_on = [[a for a in range(A) if sal[a][t] is not None] for t in range(I)]
        #: each actor's place in the summation order of an issue
        self.place = [{a: k for k, a in enumerate(self.actors_on[t])} for t in range(I)]
        self.den = []
        for t in range(I):
            total: Any = 0
            for a in self.actors_on[t]:
                total += cap[a][t] * sal[a][t]
            self.den.append(total)
        self.start(x0)

    def start(self, x0: list[list[Any]]) -> None:
        """Begin a round from the start positions ``x0``."""
        self.x0 = [row[:] for row in x0]
        #: current decimal positions, shared by the lanes (blocks of issues) of the element
        self.cur = [row[:] for row in x0]
        self._terms: list[list[tuple[int, Any]] | None] = [None] * len(self.den)
        self._prefix: list[list[Any] | None] = [None] * len(self.den)

    def _sums(self, t: int) -> tuple[list[tuple[int, Any]], list[Any]]:
        """Per issue, built when first needed: (actor, start position x salience x power) in
        summation order, and their running sums (``prefix[k]`` = the first k terms added in
        order, the very values the summation loop passes through): a sum with some
        positions replaced starts from the prefix before the first replaced actor, with the
        reference's rounding."""
        terms = self._terms[t]
        prefix = self._prefix[t]
        if terms is None or prefix is None:
            sal, cap, x0 = self.sal, self.cap, self.x0
            terms = [(a, x0[a][t] * sal[a][t] * cap[a][t]) for a in self.actors_on[t]]
            run: Any = 0
            prefix = [run]
            for _, term in terms:
                run += term
                prefix.append(run)
            self._terms[t], self._prefix[t] = terms, prefix
        return terms, prefix

    # -- the reference's NBS with some positions replaced --------------------------------
    def _numerator(self, t: int, updates: dict[int, Any], actor: int, pos: Any, last: bool) -> Any:
        """Sum of position x salience x power on issue ``t``.

        ``last=True``: updates applied, then ``actor`` set to ``pos`` (adjusted NBS);
        ``last=False``: ``actor`` set to ``pos`` first, updates override it.
        """
        terms, prefix = self._sums(t)
        place = self.place[t]
        first = place.get(actor, len(place))
        for a in updates:
            first = min(first, place.get(a, first))
        num: Any = prefix[first]
        for a, term in terms[first:]:
            if a != actor and a not in updates:
                num += term
                continue
            x = (pos if a == actor else updates[a]) if last else updates.get(a, pos)
            num += x * self.sal[a][t] * self.cap[a][t]
        return num

    def nbs(self, t: int, updates: dict[int, Any], actor: int, pos: Any) -> Any:
        den = self.den[t]
        if den == 0:
            return D0
        return self._numerator(t, updates, actor, pos, True) / den

    def calculate(
        self,
        aI: int,
        aJ: int,
        p: int,
        q: int,
        xIs: Any,
        xJs: Any,
        upd_p: dict[int, Any],
        upd_q: dict[int, Any],
        crossed: tuple[bool, bool] | None = None,
    ) -> tuple[Decimal, Decimal, Decimal]:
        """Voting positions of both sides and the gain of an exchange, in decimals.

        Side I (``aI``) supplies ``q`` from position ``xIs``, side J (``aJ``) supplies ``p``
        from ``xJs``; ``upd_q`` are the moves ``aJ`` has bought on ``q`` (they count in side
        I's NBS check) and ``upd_p`` those ``aI`` has bought on ``p``.  ``crossed``: the
        outcome of the NBS check of side I and side J when the float computation decided
        it clearly (the outcome more than 1e-9 from the partner's position, while floats
        and decimals differ by about 1e-13); the check's sums are then not redone in
        decimals.  None: decide it here.
        """
        s, c, x0 = self.sal, self.cap, self.x0
        sIp, sIq, sJp, sJq = s[aI][p], s[aI][q], s[aJ][p], s[aJ][q]
        cIq, cJp = c[aI][q], c[aJ][p]
        denP, denQ = self.den[p], self.den[q]
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
        # NBS check: side I (supplies q, partner demands q at dJ), then side J.
        for side in (0, 1):
            if side == 0:
                aX, t, xs, y, x, ups = aI, q, xIs, yI, dJ, upd_q
                sXs, sXd, sOs, sOd, cX, cO, denO, xOs, dX = sIq, sIp, sJp, sJq, cIq, cJp, denP, xJs, dI
            else:
                aX, t, xs, y, x, ups = aJ, p, xJs, yJ, dI, upd_p
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


def _crossed(flag: int) -> tuple[bool, bool] | None:
    """The float NBS decisions of a candidate (None: too close to call in floats)."""
    return None if flag & 4 else (bool(flag & 1), bool(flag & 2))


class DecimalLane:
    """Decisions in decimals for one lane (a batch element or a block of its issues) in one round.

    ``arrays`` are the lane's state arrays by name
    (:func:`~negotia.models.exchange.kernel.views`; read, and for decided candidates
    written, in place); ``iss`` maps the lane's local issue indices to the batch
    element's.  Realisations are numbered
    from 1; realisation ``r`` happens at sort step ``r`` (the sort before it sees the
    gains computed after realisation ``r - 1``).
    """

    def __init__(self, shadow: Shadow, arrays: dict[str, np.ndarray], iss: list[int], record: bool) -> None:
        self.sh = shadow
        self.v = arrays
        self.iss = iss
        # views, read one candidate at a time: a lane has up to millions of candidates and
        # only the few thousand realised or tied ever come here
        self.ai, self.aj, self.pp, self.qq = (arrays[k] for k in ("ai", "aj", "pp", "qq"))
        self.ver = arrays["ver"]
        self.replayed = 0
        #: moves bought: (buyer, issue) -> {actor: decimal position}
        self.G: dict[tuple[int, int], dict[int, Any]] = {}
        #: the realisations replayed: (actor I, issue q, its new position, actor J, issue p, ...)
        self.log: list[tuple[int, int, Any, int, int, Any]] = []
        #: index of ``log`` for states of the past (built when a tie needs them):
        #: realisations that moved (actor, issue), and that a buyer bought on (buyer, issue)
        self._indexed = 0
        self.moved_r: dict[tuple[int, int], list[int]] = {}
        self.moved_y: dict[tuple[int, int], list[Any]] = {}
        self.bought_r: dict[tuple[int, int], list[int]] = {}
        self.bought_ay: dict[tuple[int, int], list[tuple[int, Any]]] = {}
        #: decimal results (voting positions and gain) by (candidate, version), the version
        #: being the realisation after which it was calculated (0 = start of the round)
        self.cache: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
        #: sort steps at which a candidate lost a random tie and went to the end of the list
        self.demoted: dict[int, set[int]] = {}
        self.record = record
        self.events: list[dict[str, Any]] = []

    # -- the candidate's keys, in batch-element issue indices -----------------------------
    def _keys(self, e: int) -> tuple[int, int, int, int]:
        return int(self.ai[e]), int(self.aj[e]), self.iss[int(self.pp[e])], self.iss[int(self.qq[e])]

    def _index(self) -> None:
        """Extend the index of past states to the realisations replayed so far."""
        for r in range(self._indexed + 1, len(self.log) + 1):
            aI, q, yI, aJ, p, yJ = self.log[r - 1]
            for a, t, y in ((aI, q, yI), (aJ, p, yJ)):
                self.moved_r.setdefault((a, t), []).append(r)
                self.moved_y.setdefault((a, t), []).append(y)
            # aJ bought aI's move on q, aI bought aJ's move on p
            for buyer, t, a, y in ((aJ, q, aI, yI), (aI, p, aJ, yJ)):
                self.bought_r.setdefault((buyer, t), []).append(r)
                self.bought_ay.setdefault((buyer, t), []).append((a, y))
        self._indexed = len(self.log)

    def _touches(self, e: int) -> list[list[int]]:
        """The realisation lists that recalculate ``e``: its sides' supply positions moved
        (I on q, J on p) or moves bought by its sides on their demand issues (I on p, J on q)."""
        self._index()
        aI, aJ, p, q = self._keys(e)
        empty: list[int] = []
        return [
            self.moved_r.get((aI, q), empty),
            self.moved_r.get((aJ, p), empty),
            self.bought_r.get((aI, p), empty),
            self.bought_r.get((aJ, q), empty),
        ]

    def _version(self, e: int, upto: int) -> int:
        """The realisation after which the version of ``e`` in use after realisation
        ``upto`` was calculated (0: the start of the round)."""
        best = 0
        for lst in self._touches(e):
            k = bisect.bisect_right(lst, upto)
            if k and lst[k - 1] > best:
                best = lst[k - 1]
        return best

    # -- decimal state now and in the past -----------------------------------------------
    def _cur_at(self, a: int, t: int, s: int) -> Any:
        """Decimal position of ``a`` on ``t`` after realisation ``s``."""
        self._index()
        r = self.moved_r.get((a, t), [])
        k = bisect.bisect_right(r, s)
        return self.moved_y[(a, t)][k - 1] if k else self.sh.x0[a][t]

    def _bought_at(self, buyer: int, t: int, s: int) -> dict[int, Any]:
        """The moves ``buyer`` had bought on ``t`` after realisation ``s``."""
        self._index()
        r = self.bought_r.get((buyer, t), [])
        out: dict[int, Any] = {}
        for a, y in self.bought_ay.get((buyer, t), [])[: bisect.bisect_right(r, s)]:
            out[a] = bought_update(out.get(a), y, self.sh.x0[a][t])
        return out

    def _decimal(self, e: int, s: int, crossed: tuple[bool, bool] | None) -> tuple[Any, Any, Any]:
        """Decimal result of candidate ``e`` as calculated after realisation ``s``.

        The state replayed so far serves for the candidate's current version (its inputs
        have not changed since, or it would have been recalculated); an earlier version is
        computed from the state of its time.
        """
        key = (e, s)
        res = self.cache.get(key)
        if res is None:
            aI, aJ, p, q = self._keys(e)
            if s == self.ver[e]:
                sh = self.sh
                xI, xJ = sh.cur[aI][q], sh.cur[aJ][p]
                up, uq = self.G.get((aI, p), {}), self.G.get((aJ, q), {})
            else:
                xI, xJ = self._cur_at(aI, q, s), self._cur_at(aJ, p, s)
                up, uq = self._bought_at(aI, p, s), self._bought_at(aJ, q, s)
            res = self.sh.calculate(aI, aJ, p, q, xI, xJ, up, uq, crossed)
            self.cache[key] = res
        return res

    def replay(self, upto: int) -> None:
        """Bring the decimal state up to realisation ``upto`` from the loop's log."""
        log_e, log_flags = self.v["log_e"], self.v["log_flags"]
        sh, G, x0 = self.sh, self.G, self.sh.x0
        for r in range(self.replayed + 1, upto + 1):
            e = int(log_e[r - 1])
            aI, aJ, p, q = self._keys(e)
            self.replayed = r - 1
            yI, yJ, g = self._decimal(e, int(self.ver[e]), _crossed(int(log_flags[r - 1])))
            if self.record:
                self.events.append(
                    {
                        "I": (aI, q, float(sh.cur[aI][q]), float(yI)),
                        "J": (aJ, p, float(sh.cur[aJ][p]), float(yJ)),
                        "gain": float(g),
                        "step": r - 1,
                    }
                )
            sh.cur[aI][q] = yI
            sh.cur[aJ][p] = yJ
            # aJ bought aI's move on q, aI bought aJ's move on p
            upd = G.get((aJ, q))
            if upd is None:
                upd = G[(aJ, q)] = {}
            upd[aI] = bought_update(upd.get(aI), yI, x0[aI][q])
            upd = G.get((aI, p))
            if upd is None:
                upd = G[(aI, p)] = {}
            upd[aJ] = bought_update(upd.get(aJ), yJ, x0[aJ][p])
            self.log.append((aI, q, yI, aJ, p, yJ))
        self.replayed = max(self.replayed, upto)

    # -- the two decisions the compiled loop hands over ----------------------------------
    def decide_nbs(self) -> None:
        """Candidates in ``buf`` whose NBS check is too close to call: moves in decimals."""
        v = self.v
        M, Y, gain, buf = v["M"], v["Y"], v["gain"], v["buf"]
        K = int(v["done"][0])
        self.replay(K)
        for e in buf[: int(v["nbuf"][0])].tolist():
            aI, aJ, p, q = self._keys(e)
            yI, yJ, g = self._decimal(e, K, None)
            Y[0, e], Y[1, e], gain[e] = float(yI), float(yJ), float(g)
            M[0, e] = float(yI - self.sh.cur[aI][q])
            M[1, e] = float(yJ - self.sh.cur[aJ][p])

    def decide_tie(self, ties_random: bool, rng: np.random.Generator | None) -> None:
        """Candidates in ``buf`` with (nearly) equal best float gains: the reference's choice."""
        v = self.v
        flags, buf = v["flags"], v["buf"]
        K = int(v["done"][0])
        self.replay(K)
        step = K + 1
        members = buf[: int(v["nbuf"][0])].tolist()
        gains = {e: self._decimal(e, int(self.ver[e]), _crossed(int(flags[e])))[2] for e in members}
        top = max(gains.values())
        best = [e for e in members if gains[e] == top]
        if len(best) > 1:
            best.sort(key=functools.cmp_to_key(lambda a, b: self._before(a, b, step)))
        chosen = best[0]
        if ties_random and len(best) > 1 and rng is not None and rng.random() >= 0.5:
            # the reference: the first goes to the end of the list, the second is realised
            self.demoted.setdefault(best[0], set()).add(step)
            chosen = best[1]
        v["chosen"][0] = chosen

    def _value(self, e: int, level: int) -> Any:
        """The gain that ordered ``e`` in the sort of step ``level`` (-inf: sent to the end)."""
        if level in self.demoted.get(e, ()):
            return _MINUS_INF
        return self._decimal(e, self._version(e, level - 1), None)[2]

    def _before(self, a: int, b: int, step: int) -> int:
        """-1 if ``a`` comes before ``b`` in the reference's list at sort step ``step``.

        Both have the same gain now.  Sorted stably at every step, the list orders
        exchanges by their gain at each past step, most recent first, then by creation:
        the first past step at which the gains differ decides.  Gains change only where an
        exchange was recalculated (or sent to the end after a lost random tie).
        """
        levels: set[int] = set()
        for e in (a, b):
            for lst in self._touches(e):
                levels.update(s for s in lst if s < step)
            for d in self.demoted.get(e, ()):
                levels.update((d, d - 1))
        for level in sorted(levels, reverse=True):
            if level < 1:
                break
            va, vb = self._value(a, level), self._value(b, level)
            if va != vb:
                return -1 if va > vb else 1
        return -1 if a < b else 1


def preference_update(x: Decimal, y: Decimal, s: Decimal, sw: Decimal, fw: Decimal) -> Any:
    """x + w (y - x) with w = fw + sw (1 - s), in the reference's order; ``sw`` and ``fw``
    are the salience and fixed weights as decimals (``Decimal(0.4)``, ``Decimal(0.1)``: the
    reference converts the floats, binary rounding included)."""
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
