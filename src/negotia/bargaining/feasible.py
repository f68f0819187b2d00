r"""Does an acceptable package exist?  A batched feasibility kernel that never enumerates.

The question is asked of many problems at once (one per Monte Carlo variant, or per
variant and partial package): a leading batch axis ``b`` runs through every array.  Each
problem has *rows* -- the actors and ratification steps whose consent is needed -- and
issues ``k`` on the unit scale.  Row ``r`` accepts a package :math:`v` when

* every issue it has a say on lies inside its acceptable interval
  :math:`[\ell_{rk}, h_{rk}]` (its red lines), and
* its loss against its own ideal does not exceed what it loses without a deal:

  .. math:: \sum_{k\in S} a_{rk}\, L(|v_k - x_{rk}|) \;\le\; s_r + \sum_{k\in S} d_{rk},

  with :math:`L(d) = d` or :math:`d^2`, :math:`a_{rk} \ge 0` the salience weight over
  the loss of the worst outcome (as in :mod:`negotia.bargaining.utility`), :math:`d_{rk}`
  the row's loss at the status quo of issue ``k`` (the no-deal outcome; the worst loss
  where an issue has none), ``S`` the issues being settled (the others stay at the status
  quo) and :math:`s_r` the row's slack at the status quo (0 when its reservation value is
  the utility of the status quo, the default; +inf for a row without a reservation, such
  as a ratification step, which only has intervals).

Two parts, both exact:

1. **Red lines** are intervals, so their part is interval intersection per issue
   (:func:`red_line_box`); an empty intersection names the two rows whose bounds meet
   emptily.
2. **Reservation values**: each constraint is convex (a sum of convex per-issue losses),
   so the zone inside the red-line box is the intersection of convex sets.  *One issue
   alone* (:func:`issue_zones`) is a set of intervals, intersected in closed form: the
   zone of each issue is given exactly.  *Several issues* (:func:`settle`) are decided by
   Lagrangian duality (minimax over the simplex of row weights, Sion's theorem): the
   kernel runs a vectorised exponentiated-gradient ascent on the row weights
   :math:`\lambda` and stops for each problem as soon as it holds a **certificate** --
   a package satisfying every row (the zone exists), or weights with

   .. math:: \min_{v\in\text{box}} \sum_r \lambda_r\,(g_r(v) - c_r) > 0,

   whose inner minimum is computed in closed form per issue (weighted mean for quadratic
   loss, weighted median for linear), which proves that no package satisfies every row.
   Problems still undecided after ``max_iter`` steps (the zone is empty or non-empty by
   a hair) are solved one by one with SciPy (HiGHS linear programme for linear loss,
   SLSQP on the minimax for quadratic loss) and decided at tolerance ``1e-9``.

So "exact" means: red lines exactly; a single issue exactly (closed form); a package
by a certificate that can be checked, except for the few problems within ``1e-9`` of the
boundary, which the SciPy solve decides at that tolerance (their number is reported).
The answer is for the continuous issue scales; an enumeration over a grid of options
(:mod:`negotia.bargaining.zopa`) can only find fewer packages, never more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from negotia.errors import ParameterError
from negotia.scenario.redlines import RED_LINE_ATOL

LOSSES = ("linear", "quadratic")
#: Tolerance on the unit issue scale: the one red-line tolerance
#: (:data:`negotia.scenario.redlines.RED_LINE_ATOL`).
ATOL_SCALE = RED_LINE_ATOL
#: Tolerance on a row's loss, relative to the largest loss it can suffer in the box.
ATOL_LOSS = 1e-12
#: Tolerance at which the SciPy fallback decides a problem on the boundary.
ATOL_FALLBACK = 1e-9
#: A row counts as blocking in an infeasibility certificate when its weight exceeds this.
BLOCKING_WEIGHT = 1e-3


@dataclass(frozen=True)
class Rows:
    """The consent constraints of a batch of problems.

    Attributes
    ----------
    labels
        ``(R,)`` a name for each row (an actor id, a ratification step).
    scope
        ``(R, K)`` bool: the row has a say on the issue (its red lines and losses count there).
    ideal
        ``(B, R, K)`` the row's ideal point on the unit scale.
    coef
        ``(B, R, K)`` :math:`a_{rk} \\ge 0`, zero outside the scope.
    base
        ``(B, R, K)`` :math:`d_{rk}`: the loss of the no-deal outcome on each issue.
    slack
        ``(B, R)`` :math:`s_r`; ``+inf`` for a row with intervals only.
    lo, hi
        ``(B, R, K)`` the row's acceptable interval on each issue (unit scale; -inf/+inf open).
    loss
        ``linear`` or ``quadratic``.
    status_quo
        ``(K,)`` the no-deal outcome on the unit scale (NaN: none), or None.  Only a
        hint: :func:`settle` tries it first, which decides at once the problems whose
        zone holds little more than the status quo.
    """

    labels: tuple[str, ...]
    scope: np.ndarray
    ideal: np.ndarray
    coef: np.ndarray
    base: np.ndarray
    slack: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    loss: str = "quadratic"
    status_quo: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ParameterError(f"loss must be linear or quadratic, got {self.loss!r}")
        b, r, k = self.ideal.shape
        for name in ("coef", "base", "lo", "hi"):
            if getattr(self, name).shape != (b, r, k):
                raise ParameterError(
                    f"rows: {name} has shape {getattr(self, name).shape}, expected {(b, r, k)}"
                )
        if self.slack.shape != (b, r) or self.scope.shape != (r, k) or len(self.labels) != r:
            raise ParameterError("rows: slack, scope and labels do not match the rows")

    @property
    def batch(self) -> int:
        return int(self.ideal.shape[0])

    @property
    def n_rows(self) -> int:
        return int(self.ideal.shape[1])

    @property
    def n_issues(self) -> int:
        return int(self.ideal.shape[2])

    def take(self, index: np.ndarray) -> Rows:
        """The problems ``index`` of the batch (an integer array)."""
        return replace(
            self,
            ideal=self.ideal[index],
            coef=self.coef[index],
            base=self.base[index],
            slack=self.slack[index],
            lo=self.lo[index],
            hi=self.hi[index],
        )


def loss_of(d: np.ndarray, kind: str) -> np.ndarray:
    """:math:`L(|d|)`: ``|d|`` or ``d**2``."""
    return np.abs(d) if kind == "linear" else d * d


@dataclass(frozen=True)
class Box:
    """The red-line box: per problem and issue, the intersection of the rows' intervals.

    ``low_row``/``high_row`` are the rows whose bounds are binding (-1: the end of the
    scale); where ``empty`` is True those two rows' red lines do not overlap.
    """

    lo: np.ndarray
    hi: np.ndarray
    empty: np.ndarray
    low_row: np.ndarray
    high_row: np.ndarray


def red_line_box(rows: Rows, subset: np.ndarray | None = None) -> Box:
    """The intersection of the rows' intervals on each issue, clipped to the scale.

    ``subset`` (``(B, K)`` or ``(K,)`` bool) only matters for which issues are reported
    empty; the box of every issue is computed.
    """
    scope = rows.scope[None]
    lo = np.where(scope, rows.lo, -np.inf)
    hi = np.where(scope, rows.hi, np.inf)
    low_row = np.argmax(lo, axis=1)
    high_row = np.argmin(hi, axis=1)
    lo_max = np.take_along_axis(lo, low_row[:, None], axis=1)[:, 0]
    hi_min = np.take_along_axis(hi, high_row[:, None], axis=1)[:, 0]
    low_row = np.where(lo_max > 0.0, low_row, -1)
    high_row = np.where(hi_min < 1.0, high_row, -1)
    lo_c = np.maximum(lo_max, 0.0)
    hi_c = np.minimum(hi_min, 1.0)
    empty = lo_c > hi_c + ATOL_SCALE
    # Within the tolerance the box is the single point between the two bounds.
    touch = ~empty & (lo_c > hi_c)
    mid = 0.5 * (lo_c + hi_c)
    lo_c = np.where(touch, mid, lo_c)
    hi_c = np.where(touch, mid, hi_c)
    if subset is not None:
        empty = empty & np.broadcast_to(np.asarray(subset, dtype=bool), empty.shape)
    return Box(lo_c, hi_c, empty, low_row, high_row)


@dataclass(frozen=True)
class IssueZones:
    """The zone of agreement of each issue settled alone (the others at the status quo).

    ``lo``/``hi`` ``(B, K)``: the zone (unit scale; NaN where it is empty).  Where it is
    empty, ``red_lines`` says whether the red lines alone leave nothing; ``low_row`` and
    ``high_row`` name the two rows whose constraints meet emptily and ``low_is_red_line``
    / ``high_is_red_line`` whether each is its red line (True) or its reservation (False).
    """

    lo: np.ndarray
    hi: np.ndarray
    exists: np.ndarray
    red_lines: np.ndarray
    low_row: np.ndarray
    high_row: np.ndarray
    low_is_red_line: np.ndarray
    high_is_red_line: np.ndarray


def _inverse_loss(c: np.ndarray, kind: str) -> np.ndarray:
    return c if kind == "linear" else np.sqrt(c)


def reservation_intervals(rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` ``(B, R, K)``: where each row's reservation holds with the issue settled
    alone (the others at the status quo): an interval around its ideal point, empty
    (lo = +inf, hi = -inf) when it holds nowhere, the whole line off the row's scope."""
    scope = rows.scope[None]
    budget = rows.slack[:, :, None] + rows.base  # (B, R, K)
    a = rows.coef
    with np.errstate(divide="ignore", invalid="ignore"):
        radius = _inverse_loss(np.maximum(budget, 0.0) / a, rows.loss)
    # A row with no weight on the issue accepts anything there unless its slack is negative.
    none = (budget < -ATOL_LOSS) | ((a > 0) & (budget < 0))
    radius = np.where(a > 0, radius, np.inf)
    r_lo = np.where(none, np.inf, rows.ideal - radius)
    r_hi = np.where(none, -np.inf, rows.ideal + radius)
    return np.where(scope, r_lo, -np.inf), np.where(scope, r_hi, np.inf)


def issue_zones(rows: Rows) -> IssueZones:
    """Exact zone of every issue alone, for every problem (closed form, no iteration)."""
    box = red_line_box(rows)
    r_lo, r_hi = reservation_intervals(rows)
    res_low_row = np.argmax(r_lo, axis=1)
    res_high_row = np.argmin(r_hi, axis=1)
    res_lo = np.take_along_axis(r_lo, res_low_row[:, None], axis=1)[:, 0]
    res_hi = np.take_along_axis(r_hi, res_high_row[:, None], axis=1)[:, 0]
    lo = np.maximum(box.lo, res_lo)
    hi = np.minimum(box.hi, res_hi)
    exists = ~box.empty & (lo <= hi + ATOL_SCALE)
    low_red = box.lo >= res_lo
    high_red = box.hi <= res_hi
    low_row = np.where(low_red, box.low_row, res_low_row)
    high_row = np.where(high_red, box.high_row, res_high_row)
    return IssueZones(
        lo=np.where(exists, np.minimum(lo, hi), np.nan),
        hi=np.where(exists, np.maximum(lo, hi), np.nan),
        exists=exists,
        red_lines=box.empty,
        low_row=np.where(box.empty, box.low_row, low_row),
        high_row=np.where(box.empty, box.high_row, high_row),
        low_is_red_line=box.empty | low_red,
        high_is_red_line=box.empty | high_red,
    )


@dataclass(frozen=True)
class Feasibility:
    """Whether a package settling the issues ``subset`` exists, per problem.

    Attributes
    ----------
    feasible
        ``(B,)`` True where every row accepts some package.
    red_lines
        ``(B, K)`` True on the settled issues whose red-line box is empty.
    box
        The red-line box (with the rows whose bounds bind).
    point
        ``(B, K)`` a package every row accepts (unit scale; NaN where infeasible; off the
        settled issues: the box's middle, meaningless).
    blocking
        ``(B, R)`` where the red lines leave room but no package gives every row its
        reservation value: the rows of the infeasibility certificate (those whose
        reservation values jointly exclude every package); False elsewhere.
    fallback
        How many problems the SciPy solve decided (on the boundary to ``1e-9``).
    """

    feasible: np.ndarray
    red_lines: np.ndarray
    box: Box
    point: np.ndarray
    blocking: np.ndarray
    fallback: int = 0


def _inner(
    lam: np.ndarray, a: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, kind: str
) -> np.ndarray:
    """argmin over the box of sum_r lam_r a_rk L(v_k - x_rk), per issue (closed form)."""
    w = (lam[:, :, None] + 1e-12) * a  # the tiny floor keeps rows with weight 0 in the tie-break
    if kind == "quadratic":
        tot = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = (w * x).sum(axis=1) / tot
        v = np.where(tot > 0, v, 0.5 * (lo + hi))
        return np.clip(v, lo, hi)
    order = np.argsort(x, axis=1)
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    cum = np.cumsum(ws, axis=1)
    half = 0.5 * cum[:, -1:, :]
    j = np.argmax(cum >= half, axis=1)
    v = np.take_along_axis(xs, j[:, None, :], axis=1)[:, 0]
    v = np.where(cum[:, -1] > 0, v, 0.5 * (lo + hi))
    return np.clip(v, lo, hi)


def _row_losses(v: np.ndarray, a: np.ndarray, x: np.ndarray, kind: str) -> np.ndarray:
    return (a * loss_of(v[:, None, :] - x, kind)).sum(axis=2)


def settle(
    rows: Rows,
    subset: np.ndarray | None = None,
    *,
    max_iter: int = 300,
    step: float = 32.0,
) -> Feasibility:
    """Whether a package settling ``subset`` (the others at the status quo) exists.

    Parameters
    ----------
    rows
        The consent constraints of a batch of problems.
    subset
        ``(B, K)`` or ``(K,)`` bool: the issues settled (default: all).
    max_iter
        Steps of the dual ascent before the remaining problems go to SciPy.
    step
        Initial step of the exponentiated-gradient ascent (on losses scaled to [0, 1]);
        it shrinks as ``1/sqrt(t)``.  Large steps leave fewer problems to SciPy on the
        bundled case (32: about 0.5% of the partial-package problems of ukraine-2025).
    """
    B, R, K = rows.ideal.shape
    sub = np.ones((B, K), dtype=bool) if subset is None else np.broadcast_to(np.asarray(subset, bool), (B, K))
    box = red_line_box(rows, sub)
    p = _prepare(rows, sub, box)
    blocked = box.empty.any(axis=1)
    feasible = np.zeros(B, dtype=bool)
    point = np.full((B, K), np.nan)
    blocking = np.zeros((B, R), dtype=bool)
    # A row that cannot reach its reservation even at its best package in the box blocks alone.
    single = ~blocked & p.alone.any(axis=1)
    blocking[single] = p.alone[single]
    todo = ~blocked & ~single
    if rows.status_quo is not None and todo.any():
        # The status quo (the box's middle where an issue has none) is often in the zone.
        q = np.broadcast_to(rows.status_quo, (B, K))
        v = np.where(np.isfinite(q) & sub, q, 0.5 * (p.lo + p.hi))
        inside = ((v >= p.lo - ATOL_SCALE) & (v <= p.hi + ATOL_SCALE)).all(axis=1)
        h = np.where(p.binding, _row_losses(v, p.a, p.x, rows.loss) - p.budget, -np.inf)
        ok = todo & inside & (h <= ATOL_LOSS * np.maximum(p.worst, 1.0)).all(axis=1)
        feasible[ok], point[ok] = True, v[ok]
        todo &= ~ok
    todo = np.flatnonzero(todo)
    fallback = 0
    if todo.size:
        anchor = np.full((B, K), np.nan)
        if rows.status_quo is not None:
            q = np.broadcast_to(rows.status_quo, (B, K))
            anchor = np.where(sub & (q >= p.lo - ATOL_SCALE) & (q <= p.hi + ATOL_SCALE), q, np.nan)
        args = (p.a_n, p.c_n, p.x, p.lo, p.hi, p.binding, anchor)
        f, v, blk, undecided = _ascent(*(arr[todo] for arr in args), rows.loss, max_iter, step)
        feasible[todo], point[todo], blocking[todo] = f, v, blk
        fallback = undecided.size
        for j in todo[undecided]:
            ok1, v1, blk1 = _solve_one(p.a_n[j], p.c_n[j], p.x[j], p.lo[j], p.hi[j], p.binding[j], rows.loss)
            feasible[j], point[j], blocking[j] = ok1, v1 if ok1 else np.nan, blk1
    point = np.where(feasible[:, None], point, np.nan)
    return Feasibility(feasible, box.empty, box, point, blocking, fallback)


@dataclass(frozen=True)
class _Prepared:
    """The arrays of one :func:`settle` call: losses on the settled issues only."""

    a: np.ndarray
    x: np.ndarray
    budget: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    worst: np.ndarray
    binding: np.ndarray
    alone: np.ndarray
    a_n: np.ndarray
    c_n: np.ndarray


def _prepare(rows: Rows, sub: np.ndarray, box: Box) -> _Prepared:
    # Rows with a say on a settled issue; a loss counts only on settled issues.
    involved = (rows.scope[None] & sub[:, None, :]).any(axis=2)
    a = rows.coef * sub[:, None, :]
    budget = rows.slack + (rows.base * sub[:, None, :]).sum(axis=2)
    # Off the settled issues the box is irrelevant (and may be empty): pin it to one point.
    lo = np.where(sub, box.lo, 0.0)
    hi = np.where(sub, box.hi, 0.0)
    x = rows.ideal
    far = np.maximum(loss_of(lo[:, None, :] - x, rows.loss), loss_of(hi[:, None, :] - x, rows.loss))
    near = loss_of(x - np.clip(x, lo[:, None, :], hi[:, None, :]), rows.loss)
    worst = (a * far).sum(axis=2)
    best = (a * near).sum(axis=2)
    tol = ATOL_LOSS * np.maximum(worst, 1.0)
    # A row whose budget covers its worst package in the box never binds.
    binding = involved & np.isfinite(budget) & (budget < worst - tol)
    alone = binding & (budget < best - tol)
    # Losses scaled so that each binding row's worst package in the box costs 1.
    scale = np.where(binding, np.maximum(worst, 1e-300), 1.0)
    a_n = np.where(binding[:, :, None], a / scale[:, :, None], 0.0)
    c_n = np.where(binding, budget / scale, np.inf)
    return _Prepared(a, x, budget, lo, hi, worst, binding, alone, a_n, c_n)


def _ascent(
    a: np.ndarray,
    c: np.ndarray,
    x: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    binding: np.ndarray,
    anchor: np.ndarray,
    kind: str,
    max_iter: int,
    step: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exponentiated-gradient ascent on the row weights, stopping at a certificate.

    Candidate packages at each step: the minimiser for the current weights, the running
    average of the minimisers (which converges to a minimax package), and both with the
    issues whose status quo lies in the box pinned to it (``anchor``, NaN elsewhere): a
    zone that is a single point on those issues is found without a SciPy solve.
    """
    n, R, K = a.shape
    feasible = np.zeros(n, dtype=bool)
    point = np.full((n, K), np.nan)
    blocking = np.zeros((n, R), dtype=bool)
    live = np.arange(n)
    nb = binding.sum(axis=1, keepdims=True)
    lam = np.where(binding, 1.0 / np.maximum(nb, 1), 0.0)
    vsum = np.zeros((n, K))
    for t in range(max_iter + 1):
        al, xl, lol, hil, bl, cl, an = (
            a[live],
            x[live],
            lo[live],
            hi[live],
            binding[live],
            c[live],
            anchor[live],
        )
        v = _inner(lam, al, xl, lol, hil, kind)
        h = np.where(bl, _row_losses(v, al, xl, kind) - cl, -np.inf)
        phi = np.where(bl, lam * np.where(bl, h, 0.0), 0.0).sum(axis=1)
        vsum += v
        vbar = vsum / (t + 1)
        pinned = np.isfinite(an)
        found = np.zeros(live.size, dtype=bool)
        for cand in (v, vbar, np.where(pinned, an, v), np.where(pinned, an, vbar)):
            hc = np.where(bl, _row_losses(cand, al, xl, kind) - cl, -np.inf)
            ok = ~found & (hc.max(axis=1) <= ATOL_LOSS)
            point[live[ok]] = cand[ok]
            found |= ok
        no = ~found & (phi > ATOL_LOSS)
        feasible[live[found]] = True
        blocking[live[no]] = (lam > BLOCKING_WEIGHT)[no]
        keep = ~(found | no)
        live, lam, vsum = live[keep], lam[keep], vsum[keep]
        if live.size == 0 or t == max_iter:
            break
        g = np.where(binding[live], h[keep], 0.0)
        lam = lam * np.exp(step / np.sqrt(t + 1.0) * np.clip(g, -1.0, 1.0))
        lam /= lam.sum(axis=1, keepdims=True)
    return feasible, point, blocking, live


def _solve_one(
    a: np.ndarray,
    c: np.ndarray,
    x: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    binding: np.ndarray,
    kind: str,
) -> tuple[bool, np.ndarray, np.ndarray]:
    """One problem on the boundary: minimise the largest excess loss with SciPy."""
    from scipy.optimize import linprog, minimize

    rows = np.flatnonzero(binding)
    A, X, C = a[rows], x[rows], c[rows]
    R, K = A.shape
    if kind == "linear":
        # Variables: v (K), d (R*K) with d >= |v - x|, t; minimise t.
        nvar = K + R * K + 1
        cost = np.zeros(nvar)
        cost[-1] = 1.0
        a_ub, b_ub = [], []
        for r in range(R):
            for k in range(K):
                j = K + r * K + k
                for sign in (1.0, -1.0):
                    row = np.zeros(nvar)
                    row[k], row[j] = sign, -1.0
                    a_ub.append(row)
                    b_ub.append(sign * X[r, k])
            row = np.zeros(nvar)
            row[K + r * K : K + (r + 1) * K] = A[r]
            row[-1] = -1.0
            a_ub.append(row)
            b_ub.append(C[r])
        bounds = [(lo[k], hi[k]) for k in range(K)] + [(0, None)] * (R * K) + [(None, None)]
        res = linprog(cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
        v, t = res.x[:K], float(res.x[-1])
    else:

        def excess(z: np.ndarray) -> np.ndarray:
            return z[-1] - ((A * (z[None, :K] - X) ** 2).sum(axis=1) - C)

        def excess_jac(z: np.ndarray) -> np.ndarray:
            return np.hstack([-2.0 * A * (z[None, :K] - X), np.ones((R, 1))])

        last = np.zeros(K + 1)
        last[-1] = 1.0
        v0 = np.clip((A * X).sum(axis=0) / np.maximum(A.sum(axis=0), 1e-300), lo, hi)
        t0 = float(((A * (v0[None] - X) ** 2).sum(axis=1) - C).max())
        res = minimize(
            lambda z: z[-1],
            np.append(v0, t0),
            jac=lambda z: last,
            method="SLSQP",
            constraints=[{"type": "ineq", "fun": excess, "jac": excess_jac}],
            bounds=[(lo[k], hi[k]) for k in range(K)] + [(None, None)],
            options={"ftol": 1e-13, "maxiter": 500},
        )
        v = np.clip(res.x[:K], lo, hi)
        t = float(((A * (v[None] - X) ** 2).sum(axis=1) - C).max())
    h = (A * loss_of(v[None] - X, kind)).sum(axis=1) - C
    ok = bool(t <= ATOL_FALLBACK)
    blk = np.zeros(a.shape[0], dtype=bool)
    if not ok:
        blk[rows[h >= t - 1e-6]] = True
    return ok, v, blk
