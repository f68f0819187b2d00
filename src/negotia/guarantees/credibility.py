"""How likely a guarantor is to honour a triggered obligation, factor by factor.

The probability is built on the log-odds scale, so every factor adds a visible amount:

.. math::

    \\operatorname{logit} p = \\operatorname{logit} r_{\\text{type, era}}
        + \\sum_{k \\in T} \\hat\\beta_k (x_k - \\bar x_k)
        + \\sum_j \\delta_j

(a) :math:`r_{\\text{type, era}}` is the historical honouring rate of the obligation's
ATOP type in the chosen era, from Berkemeier & Fuhrmann (2018; counts recomputed from
their replication file) or Leeds, Long & Mitchell (2000).

(b) :math:`\\hat\\beta` is the logit of Leeds & Anac (2005, Table 4), ``honor3`` on
``milinst formal chcap2d dinstch2 origtar1``, fitted here by maximum likelihood on
their 137 cases (1816-1944).  It enters as a *shift* from the sample's mean profile
:math:`\\bar x`, so the era's base rate keeps the level.  By default only the terms
Leeds (2003) explains causally — a material change in the guarantor's capability
(``chcap2d``) or domestic institutions (``dinstch2``) since signing, and the attacker
being the alliance's original target (``origtar1``) — are applied; the negative raw
coefficients of institutionalisation and formality most likely reflect selection (deep
alliances are formed where honouring is costly, Leeds & Anac 2005), so those two are
shown but not applied unless asked for.

(c) :math:`\\delta_j` are scenario factors the user sets and sees: legal form,
ratification, troops in place, the guarantor's salience for the beneficiary, the
capability ratio to the attacker, the attacker's nuclear status and a running exit
notice.  **Their sizes are assumptions, not estimates** (no published effect of
ratification as such exists; see the reference data sheet §2.3-2.5); the defaults are
modest and every one can be changed or set to zero.

References
----------
Berkemeier, M. & Fuhrmann, M. (2018). Reassessing the fulfillment of alliance commitments
in war. *Research & Politics* 5(2).
Leeds, B. A., Long, A. G. & Mitchell, S. M. (2000). Reevaluating alliance reliability.
*Journal of Conflict Resolution* 44(5), 686-699.
Leeds, B. A. (2003). Alliance reliability in times of war. *International Organization*
57(4), 801-827.
Leeds, B. A. & Anac, S. (2005). Alliance institutionalization and alliance performance.
*International Interactions* 31(3), 183-202.
Reiter, D. & Poast, P. (2021). The truth about tripwires. *Texas National Security Review* 4(3).
"""

from __future__ import annotations

import csv
import functools
import io
import math
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from negotia.guarantees.capabilities import capability, is_nuclear
from negotia.guarantees.schema import AtopType, Bindingness, Instrument, Obligation
from negotia.guarantees.triggers import TriggerResult

LOGIT_TERMS: tuple[str, ...] = ("milinst", "formal", "chcap2d", "dinstch2", "origtar1")
CAUSAL_TERMS: tuple[str, ...] = ("chcap2d", "dinstch2", "origtar1")
Era = Literal["post1945", "pre1945", "all", "llm"]


# -- (a) base rates -------------------------------------------------------------------


@dataclass(frozen=True)
class BaseRate:
    rate: float
    honored: int | None
    opportunities: int | None
    label: str
    source: str


@functools.cache
def _reliability() -> dict[str, Any]:
    text = (resources.files("negotia.guarantees") / "data" / "reliability.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def base_rate(atop_type: AtopType | str, era: Era = "post1945") -> BaseRate:
    """The historical honouring rate for an obligation type and era.

    Uses the type- and era-specific rate where one exists (defence), the type's rate over
    all eras where only that exists (offence, neutrality, non-aggression), and the rate of
    all obligation types in the era otherwise (consultation and assistance, for which the
    data hold no cases: Berkemeier & Fuhrmann code consultation pacts "does not apply").
    """
    data = _reliability()
    t = AtopType(atop_type).value
    rows = data["rates"]

    def find(typ: str, er: str) -> dict[str, Any] | None:
        return next((r for r in rows if r["type"] == typ and r["era"] == er), None)

    if era == "llm":
        row, label = find("all", "llm"), "all obligation types, 1816-1944 (LLM 2000)"
    elif (row := find(t, era)) is not None:
        label = f"{t} obligations, {_era_label(era)}"
    elif (row := find(t, "all")) is not None:
        label = f"{t} obligations, 1816-2003 (no split by era in the data)"
    else:
        row = find("all", era)
        label = f"all obligation types, {_era_label(era)} (no {t}-specific figure exists)"
    assert row is not None
    src = data["sources"][row["source"]]["short"]
    if "rate" in row:
        return BaseRate(float(row["rate"]), None, None, label, src)
    return BaseRate(row["honored"] / row["opportunities"], row["honored"], row["opportunities"], label, src)


def _era_label(era: str) -> str:
    return {"post1945": "1945-2003", "pre1945": "1816-1944", "all": "1816-2003"}.get(era, era)


# -- (b) the Leeds & Anac (2005) logit -----------------------------------------------


@dataclass(frozen=True)
class LogitFit:
    """A fitted logit: coefficients (constant first), standard errors, log-likelihood."""

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    loglik: float
    n: int
    means: np.ndarray  # sample means of the covariates (no constant)

    def as_dict(self) -> dict[str, Any]:
        return {
            "terms": list(self.names),
            "coef": dict(zip(self.names, self.coef.tolist(), strict=True)),
            "se": dict(zip(self.names, self.se.tolist(), strict=True)),
            "loglik": self.loglik,
            "n": self.n,
        }


def load_leeds_anac() -> tuple[np.ndarray, np.ndarray]:
    """The 137 cases shipped with negotia: ``X`` (n, 5) in :data:`LOGIT_TERMS` order, ``y``."""
    text = (resources.files("negotia.guarantees") / "data" / "leeds_anac_2005.csv").read_text(
        encoding="utf-8"
    )
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    X = np.array([[float(r[c]) for c in LOGIT_TERMS] for r in rows])
    y = np.array([float(r["honor3"]) for r in rows])
    return X, y


def fit_logit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Maximum-likelihood logit with a constant: coefficients (constant first) and log-likelihood.

    Minimises the negative Bernoulli log-likelihood
    :math:`\\sum_i \\log(1 + e^{z_i}) - y_i z_i`, :math:`z = X\\beta`, with its analytic
    gradient :math:`X^\\top(\\sigma(z) - y)` by BFGS, then polishes with Newton steps.
    """
    # SciPy is imported here, not with the module: loading a scenario's guarantees needs none of it.
    from scipy.optimize import minimize
    from scipy.special import expit

    Z = np.column_stack([np.ones(len(y)), X])

    def nll(b: np.ndarray) -> float:
        z = Z @ b
        return float(np.sum(np.logaddexp(0.0, z) - y * z))

    def grad(b: np.ndarray) -> np.ndarray:
        return Z.T @ (expit(Z @ b) - y)

    res = minimize(
        nll, np.zeros(Z.shape[1]), jac=grad, method="BFGS", options={"gtol": 1e-10, "maxiter": 1000}
    )
    b = res.x
    for _ in range(5):  # Newton polish: exact Hessian of the logit likelihood
        p = expit(Z @ b)
        H = (Z * (p * (1 - p))[:, None]).T @ Z
        b = b - np.linalg.solve(H, grad(b))
    return b, -nll(b)


@functools.cache
def leeds_anac_fit() -> LogitFit:
    """Leeds & Anac (2005) Table 4 model fitted on the shipped replication data."""
    from scipy.special import expit

    X, y = load_leeds_anac()
    b, ll = fit_logit(X, y)
    Z = np.column_stack([np.ones(len(y)), X])
    p = expit(Z @ b)
    H = (Z * (p * (1 - p))[:, None]).T @ Z
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    return LogitFit(("const", *LOGIT_TERMS), b, se, ll, len(y), X.mean(axis=0))


@functools.cache
def loo_brier() -> dict[str, float]:
    """Leave-one-out Brier scores on the 137 cases: the fitted logit against the base rate.

    For each case the logit is refitted without it and the base rate is the honouring
    share of the other 136; the Brier score is the mean squared error of the predicted
    probability.  This measures out-of-sample fit *within* 1816-1944 only; it says
    nothing about calibration for a guarantee given today.
    """
    from scipy.special import expit

    X, y = load_leeds_anac()
    n = len(y)
    p_logit = np.empty(n)
    p_base = np.empty(n)
    mask = np.ones(n, dtype=bool)
    for i in range(n):  # 137 small refits; not a hot path
        mask[i] = False
        b, _ = fit_logit(X[mask], y[mask])
        p_logit[i] = expit(b[0] + X[i] @ b[1:])
        p_base[i] = y[mask].mean()
        mask[i] = True
    return {
        "n": float(n),
        "brier_logit": float(np.mean((p_logit - y) ** 2)),
        "brier_base_rate": float(np.mean((p_base - y) ** 2)),
    }


# -- (c) scenario factors -------------------------------------------------------------


class FactorWeights(BaseModel):
    """Sizes of the scenario factors on the log-odds scale (assumptions; see module docs)."""

    model_config = ConfigDict(extra="forbid")

    legal_form: dict[str, float] = Field(
        default_factory=lambda: {
            "treaty": 0.0,
            "executive_agreement": -0.5,
            "political_declaration": -1.0,
            "draft": -1.0,
        },
        description="by legal form (a treaty, ratified or not, is the reference)",
    )
    not_ratified: float = -0.25
    troops_full: float = 0.5
    troops_for_full: int = 50_000
    salience: float = 2.0
    capability_ratio: float = 0.25
    attacker_nuclear_defence: float = -0.5
    attacker_nuclear_assistance: float = -0.25
    exit_pending: float = -0.5


class CredibilitySettings(BaseModel):
    """What a user can set for the credibility model.

    Per-guarantor settings are mappings ``actor -> value``; ``"*"`` sets every guarantor.
    """

    model_config = ConfigDict(extra="forbid")

    era: Era = "all"
    use_logit: bool = True
    logit_terms: list[Literal["milinst", "formal", "chcap2d", "dinstch2", "origtar1"]] = Field(
        default_factory=lambda: list(CAUSAL_TERMS)
    )
    capability_change: dict[str, bool] = Field(default_factory=dict)
    institution_change: dict[str, bool] = Field(default_factory=dict)
    # The documented ranges are enforced: a salience of 5 once made honouring certain.
    salience: dict[str, Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )
    troops: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    original_target: bool | None = Field(
        default=None, description="override the coded origtar1 (None: coded from the catalogue)"
    )
    bindingness: dict[str, Bindingness] = Field(
        default_factory=dict, description="instrument id -> legal form to assume (e.g. a ratified draft)"
    )
    measure: Literal["milex", "cinc"] = "milex"
    weights: FactorWeights = Field(default_factory=FactorWeights)

    def per(self, table: dict[str, Any], actor: str, default: Any) -> Any:
        if actor in table:
            return table[actor]
        return table.get("*", default)


@dataclass
class Factor:
    """One contribution to the log-odds, and what removing it alone would change."""

    name: str
    value: str
    log_odds: float
    applied: bool
    source: str
    delta_p: float = 0.0


@dataclass
class Credibility:
    """The probability that one guarantor honours one triggered obligation."""

    instrument: str
    obligation: str
    guarantor: str
    beneficiary: str
    atop_type: str
    response_strength: int
    base: BaseRate
    factors: list[Factor]
    probability: float

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        return d


def _legal_form(b: Bindingness) -> str:
    if b in (Bindingness.ratified_treaty, Bindingness.unratified_treaty):
        return "treaty"
    return b.value


def covariates(
    inst: Instrument, ob: Obligation, guarantor: str, attacker: str, s: CredibilitySettings
) -> dict[str, float | None]:
    """Leeds & Anac covariates of an obligation, coded from the catalogue entry.

    ``milinst``: 2 with an integrated command, bases or a common defence policy, 1 with
    troops in place, a formal organisation or military aid, else 0 (after Leeds & Anac's
    ATOP-based index).  ``formal``: 1 for a treaty form plus 1 for a formal organisation.
    ``chcap2d``/``dinstch2``: the user's settings for the guarantor; ``None`` (unknown,
    the default) puts the term at its sample mean, so it shifts nothing.
    ``origtar1``: 1 if the attacker is one the instrument was formed against (its
    ``original_targets``) or a named adversary of the obligation.
    """
    g = ob.integration
    troops = s.per(s.troops, guarantor, g.troops)
    if g.integrated_command or g.bases or g.common_defence_policy:
        milinst = 2
    elif troops > 0 or inst.formal_organization or ob.aid:
        milinst = 1
    else:
        milinst = 0
    form = s.bindingness.get(inst.id, inst.bindingness)
    formal = int(form in (Bindingness.ratified_treaty, Bindingness.unratified_treaty)) + int(
        inst.formal_organization
    )
    adv = ob.condition("named_adversary")
    targets = set(inst.original_targets) | set(adv.adversaries if adv is not None else ())
    cap = s.per(s.capability_change, guarantor, None)
    ins = s.per(s.institution_change, guarantor, None)
    return {
        "milinst": float(milinst),
        "formal": float(formal),
        "chcap2d": None if cap is None else float(bool(cap)),
        "dinstch2": None if ins is None else float(bool(ins)),
        "origtar1": float(attacker in targets) if s.original_target is None else float(s.original_target),
    }


def assess_obligation(
    inst: Instrument,
    ob: Obligation,
    guarantor: str,
    beneficiary: str,
    attacker: str,
    *,
    settings: CredibilitySettings | None = None,
    exit_pending: bool = False,
) -> Credibility:
    """The honouring probability of one directed obligation, with every factor shown."""
    from scipy.special import expit

    s = settings or CredibilitySettings()
    base = base_rate(ob.atop_type, s.era)
    factors = _logit_factors(inst, ob, guarantor, attacker, s)
    factors += _commitment_factors(inst, ob, guarantor, s)
    factors.append(_capability_factor(guarantor, attacker, s))
    factors += _attacker_and_exit_factors(ob, attacker, s.weights, exit_pending)
    L = _logit(base.rate) + sum(f.log_odds for f in factors if f.applied)
    p = float(expit(L))
    for f in factors:
        f.delta_p = p - float(expit(L - f.log_odds)) if f.applied else 0.0
    return Credibility(
        instrument=inst.id,
        obligation=ob.id or "",
        guarantor=guarantor,
        beneficiary=beneficiary,
        atop_type=ob.atop_type.value,
        response_strength=ob.response_strength,
        base=base,
        factors=factors,
        probability=p,
    )


def _logit_factors(
    inst: Instrument, ob: Obligation, guarantor: str, attacker: str, s: CredibilitySettings
) -> list[Factor]:
    """One factor per term of the fitted Leeds & Anac logit (applied only where selected)."""
    factors = []
    fit = leeds_anac_fit()
    x = covariates(inst, ob, guarantor, attacker, s)
    for k, term in enumerate(LOGIT_TERMS):
        beta = float(fit.coef[k + 1])
        xv = x[term]
        shift = 0.0 if xv is None else beta * (xv - float(fit.means[k]))
        applied = s.use_logit and term in s.logit_terms
        shown = "unknown (at sample mean)" if xv is None else f"{xv:g}"
        factors.append(
            Factor(
                f"logit:{term}",
                f"{shown} (sample mean {fit.means[k]:.2f}, beta {beta:+.3f})",
                shift,
                applied,
                "Leeds & Anac 2005 Table 4, fitted on their replication data"
                + ("" if applied else "; shown, not applied (see docs: selection)"),
            )
        )
    return factors


def _commitment_factors(
    inst: Instrument, ob: Obligation, guarantor: str, s: CredibilitySettings
) -> list[Factor]:
    """Legal form, ratification, troops in place and the guarantor's salience."""
    w = s.weights
    form = s.bindingness.get(inst.id, inst.bindingness)
    lf = _legal_form(form)
    ratified = form is Bindingness.ratified_treaty
    troops = int(s.per(s.troops, guarantor, ob.integration.troops))
    sal = float(s.per(s.salience, guarantor, 0.5))
    return [
        Factor("legal form", lf, w.legal_form.get(lf, 0.0), True, "assumption (no published estimate)"),
        Factor(
            "ratification",
            "ratified" if ratified else "not ratified",
            0.0 if ratified else w.not_ratified,
            True,
            "assumption",
        ),
        Factor(
            "troops in place",
            f"{troops:,}",
            w.troops_full * min(1.0, troops / w.troops_for_full) if w.troops_for_full else 0.0,
            True,
            "assumption; grows with size (Reiter & Poast 2021: small tripwires do not deter)",
        ),
        Factor(
            "salience for beneficiary",
            f"{sal:.2f}",
            w.salience * (sal - 0.5),
            True,
            "assumption; 0.5 is neutral",
        ),
    ]


def _capability_factor(guarantor: str, attacker: str, s: CredibilitySettings) -> Factor:
    cg, ca = capability(guarantor, s.measure), capability(attacker, s.measure)
    if cg is not None and ca is not None and cg > 0 and ca > 0:
        ratio = cg / ca
        lo = s.weights.capability_ratio * max(-2.0, min(2.0, math.log(ratio)))
        return Factor("capability ratio to attacker", f"{ratio:.2f}", lo, True, f"assumption; {s.measure}")
    return Factor("capability ratio to attacker", "unknown", 0.0, False, "no capability figure")


def _attacker_and_exit_factors(
    ob: Obligation, attacker: str, w: FactorWeights, exit_pending: bool
) -> list[Factor]:
    nuc = is_nuclear(attacker)
    if ob.response_strength >= 3:
        d = w.attacker_nuclear_defence
    elif ob.response_strength == 2:
        d = w.attacker_nuclear_assistance
    else:
        d = 0.0
    return [
        Factor("attacker nuclear-armed", "yes" if nuc else "no", d if nuc else 0.0, True, "assumption"),
        Factor(
            "exit notice running",
            "yes" if exit_pending else "no",
            w.exit_pending if exit_pending else 0.0,
            True,
            "assumption",
        ),
    ]


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def assess_triggered(
    results: list[TriggerResult],
    instruments: dict[str, Instrument],
    attacker: str,
    *,
    settings: CredibilitySettings | None = None,
) -> list[Credibility]:
    """Credibility of every *triggered* obligation in ``results``."""
    out = []
    for r in results:
        if r.status != "triggered":
            continue
        inst = instruments[r.instrument]
        ob = next(o for k, o in enumerate(inst.obligations) if (o.id or f"obligations[{k}]") == r.obligation)
        out.append(
            assess_obligation(
                inst,
                ob,
                r.guarantor,
                r.beneficiary,
                attacker,
                settings=settings,
                exit_pending=r.exit_pending is not None,
            )
        )
    return out


@dataclass
class ModelReport:
    """The fitted logit and its leave-one-out check, for display."""

    fit: dict[str, Any]
    brier: dict[str, float]
    base_rates: list[dict[str, Any]] = field(default_factory=list)


def model_report() -> ModelReport:
    """Coefficients of the fitted Leeds & Anac model, the LOO Brier scores and the base rates."""
    eras: tuple[Era, ...] = ("post1945", "pre1945", "all", "llm")
    rates = []
    for t in AtopType:
        for e in eras:
            b = base_rate(t, e)
            rates.append({"type": t.value, "era": e, "rate": b.rate, "label": b.label, "source": b.source})
    return ModelReport(leeds_anac_fit().as_dict(), loo_brier(), rates)
