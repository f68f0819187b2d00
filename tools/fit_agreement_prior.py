"""Fit the prior probability of agreement on how past crises ended, score it out of time,
and write the shipped coefficients and ``docs/agreement-prior.md``.

    python tools/fit_agreement_prior.py ../shared/reference/agreement \\
        --out src/negotia/agreement/data/prior.json --docs docs/agreement-prior.md

The models are ridge-penalised logits (penalty chosen by grouped cross-validation inside
each training set) of "the crisis ended in a formal or semi-formal agreement" on the
features of :mod:`tools.agreement_prior_data`.  They are scored **out of time**: for each
decade from the 1950s to the 1990s, a model trained on the crises triggered before it
forecasts the crises of that decade; the crises of a protracted conflict that has a crisis
in the test decade are dropped from its training set, so one conflict never straddles
training and test.  The score is the Brier skill against the training base rate, with a
90% bootstrap interval that resamples conflicts (groups), not crises.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import expit, logit

try:  # run as a script (python tools/fit_agreement_prior.py) or imported as tools.*
    from agreement_prior_data import (
        FEATURES,
        LANDMARKS,
        ONSET,
        Crises,
        Rows,
        crisis_rows,
        landmark_rows,
        load_crises,
        reference_classes,
        sha256,
        ucdp_episodes,
    )
except ImportError:  # pragma: no cover - the import path depends on how it is started
    from tools.agreement_prior_data import (
        FEATURES,
        LANDMARKS,
        ONSET,
        Crises,
        Rows,
        crisis_rows,
        landmark_rows,
        load_crises,
        reference_classes,
        sha256,
        ucdp_episodes,
    )

PENALTIES = (0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
#: Test decades of the out-of-time evaluation: [start, end) trigger years.
BLOCKS = (1950, 1960, 1970, 1980, 1990, 2000)
LEVEL = 0.9

#: The models, their rows and features.  ``shipped`` ones go into prior.json.
MODELS: dict[str, dict] = {
    "onset": {
        "rows": "crisis",
        "features": ONSET,
        "shipped": True,
        "description": "what is known when a crisis begins",
    },
    "in-talks": {
        "rows": "landmark",
        "features": [*ONSET, "mediation_under_way", "days_elapsed"],
        "shipped": True,
        "description": "what is known at a moment of the talks: the onset facts, whether a mediator "
        "has started, and how long the crisis has lasted",
    },
    "after-the-fact": {
        "rows": "crisis",
        "features": [*ONSET, "mediated", "full_scale_war", "two_sided"],
        "shipped": True,
        "description": "adds mediation, war and a second crisis actor as ICB codes them over the "
        "whole crisis: an upper bound, since the codings include what happened later",
    },
    "in-talks (mediation and time only)": {
        "rows": "landmark",
        "features": ["mediation_under_way", "days_elapsed"],
        "shipped": False,
        "description": "a variant tried after the first results: only what the talks themselves show",
    },
    "hindsight": {
        "rows": "crisis",
        "features": [*ONSET, "mediated", "full_scale_war", "two_sided", "log_duration"],
        "shipped": False,
        "description": "adds the total duration, known only at the end: an upper bound, not a forecast",
    },
}


# -- the penalised logit --------------------------------------------------------------------------


@dataclass(frozen=True)
class Logit:
    """A fitted logit on the raw feature scale: ``P = expit(intercept + X @ coef)``."""

    intercept: float
    coef: np.ndarray
    penalty: float
    mean: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return expit(self.intercept + X @ self.coef)


def fit_logit(X: np.ndarray, y: np.ndarray, penalty: float = 0.0, *, max_iter: int = 100) -> Logit:
    """Ridge-penalised logistic regression by Newton's method.

    Maximises sum(y log p + (1 - y) log(1 - p)) - penalty/2 * ||b||^2 where ``b`` are the
    coefficients of the standardised features (the intercept is not penalised), so one
    penalty treats binary and numeric features alike (Hastie, Tibshirani & Friedman 2009,
    *The Elements of Statistical Learning*, sec. 4.4.4).  The objective is strictly
    concave for penalty > 0, so Newton's method converges from the base-rate start.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    mean = X.mean(axis=0) if X.shape[0] else np.zeros(X.shape[1])
    scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    Z = np.column_stack([np.ones(len(y)), (X - mean) / scale])
    pen = np.full(Z.shape[1], float(penalty))
    pen[0] = 0.0
    b = np.zeros(Z.shape[1])
    b[0] = logit(np.clip(y.mean(), 1e-3, 1 - 1e-3))
    for _ in range(max_iter):
        p = expit(Z @ b)
        grad = Z.T @ (y - p) - pen * b
        hess = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(pen) + 1e-12 * np.eye(len(b))
        step = np.linalg.solve(hess, grad)
        b = b + step
        if np.max(np.abs(step)) < 1e-10:
            break
    coef = b[1:] / scale
    return Logit(float(b[0] - coef @ mean), coef, float(penalty), mean, scale)


def cluster_covariance(fit: Logit, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Cluster-robust (sandwich) covariance of (intercept, coef) on the raw scale.

    V = H^-1 (G/(G-1) sum_g s_g s_g') H^-1 with H the information at the fitted values and
    s_g the score summed over the rows of group g (Cameron & Miller 2015, *J. Human
    Resources* 50(2), sec. II.C): crises of one protracted conflict, and the landmark rows
    of one crisis, are not independent evidence.  H leaves the penalty out: with it, the
    shrinkage would narrow the variance without counting its bias, and the interval of a
    case's probability would be too narrow.
    """
    Z = np.column_stack([np.ones(len(y)), X])
    p = fit.predict(X)
    H = (Z * (p * (1 - p))[:, None]).T @ Z
    score = Z * (y - p)[:, None]
    names, inv = np.unique(groups, return_inverse=True)
    S = np.zeros((len(names), Z.shape[1]))
    np.add.at(S, inv, score)
    G = len(names)
    meat = S.T @ S * (G / (G - 1))
    Hinv = np.linalg.inv(H)
    return Hinv @ meat @ Hinv


def group_folds(groups: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Fold of each row; all rows of a group share one fold (groups dealt at random)."""
    names, inv = np.unique(groups, return_inverse=True)
    fold_of = rng.permutation(len(names)) % k
    return fold_of[inv]


def choose_penalty(rows: Rows, seed: int, folds: int = 5, repeats: int = 2) -> float:
    """The penalty with the least Brier score in repeated grouped K-fold CV on ``rows``."""
    if rows.X.shape[1] == 0:
        return 0.0
    rng = np.random.default_rng(seed)
    loss = np.zeros(len(PENALTIES))
    for _ in range(repeats):
        fold = group_folds(rows.group, folds, rng)
        for f in range(folds):
            tr, te = fold != f, fold == f
            for j, lam in enumerate(PENALTIES):
                p = fit_logit(rows.X[tr], rows.y[tr], lam).predict(rows.X[te])
                loss[j] += np.sum((p - rows.y[te]) ** 2)
    return PENALTIES[int(np.argmin(loss))]


def fit_model(rows: Rows, seed: int) -> Logit:
    """The penalty chosen by inner CV, then the fit on all of ``rows``."""
    return fit_logit(rows.X, rows.y, choose_penalty(rows, seed))


# -- scoring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """Out-of-sample forecasts beside the base-rate forecasts they are compared with."""

    p: np.ndarray
    base: np.ndarray
    base_all: np.ndarray
    y: np.ndarray
    group: np.ndarray
    landmark: np.ndarray
    penalties: tuple[float, ...] = ()

    def take(self, mask: np.ndarray) -> Scored:
        return Scored(*(getattr(self, a)[mask] for a in _ARRAYS))


_ARRAYS = ("p", "base", "base_all", "y", "group", "landmark")


def _base_rates(train: Rows, landmark: np.ndarray) -> np.ndarray:
    """The training base rate among rows of the same landmark (the crises still open then)."""
    out = np.empty(len(landmark))
    for t in np.unique(landmark):
        m = train.landmark == t
        out[landmark == t] = train.y[m].mean() if m.any() else train.y.mean()
    return out


def out_of_time(rows: Rows, seed: int = 0, blocks: tuple[int, ...] = BLOCKS) -> Scored:
    """Forecasts of each test decade by a model fitted on earlier crises only (see module doc)."""
    parts: list[Scored] = []
    pens = []
    seeds = np.random.SeedSequence(seed).generate_state(len(blocks))
    for k, (a, b) in enumerate(itertools.pairwise(blocks)):
        test = (rows.year >= a) & (rows.year < b)
        train = (rows.year < a) & ~np.isin(rows.group, np.unique(rows.group[test]))
        tr, te = rows.take(train), rows.take(test)
        fit = fit_model(tr, int(seeds[k]))
        pens.append(fit.penalty)
        parts.append(
            Scored(
                fit.predict(te.X),
                _base_rates(tr, te.landmark),
                np.full(len(te.y), tr.y.mean()),
                te.y,
                te.group,
                te.landmark,
            )
        )
    cat = {a: np.concatenate([getattr(p, a) for p in parts]) for a in _ARRAYS}
    return Scored(**cat, penalties=tuple(pens))


def grouped_cv(rows: Rows, seed: int = 0, folds: int = 10, repeats: int = 5) -> Scored:
    """Repeated grouped K-fold CV (not out of time), to compare with the README's figures."""
    ps, bs, bas, ys, gs, ls = [], [], [], [], [], []
    streams = np.random.SeedSequence(seed).spawn(repeats)
    for s in streams:
        fold = group_folds(rows.group, folds, np.random.default_rng(s))
        inner = s.generate_state(folds)
        p, base, base_all = (np.empty(len(rows.y)) for _ in range(3))
        for f in range(folds):
            tr, te = rows.take(fold != f), fold == f
            p[te] = fit_model(tr, int(inner[f])).predict(rows.X[te])
            base[te] = _base_rates(tr, rows.landmark[te])
            base_all[te] = tr.y.mean()
        for acc, v in zip(
            (ps, bs, bas, ys, gs, ls), (p, base, base_all, rows.y, rows.group, rows.landmark), strict=True
        ):
            acc.append(v)
    return Scored(*(np.concatenate(a) for a in (ps, bs, bas, ys, gs, ls)))


@dataclass(frozen=True)
class Skill:
    """Brier score of forecasts and of the base rate, the skill 1 - BS/BS_base, interval."""

    n: int
    groups: int
    brier: float
    brier_base: float
    skill: float
    low: float
    high: float
    outcome_rate: float

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def skill(
    s: Scored, n_boot: int = 2000, seed: int = 0, level: float = LEVEL, *, against: str = "base"
) -> Skill:
    """Brier skill with a percentile bootstrap interval resampling groups (conflicts).

    ``against="base"`` compares with the training base rate of the rows' own landmark
    (the crises still open then); ``"base_all"`` with the base rate of all crises.
    """
    names, inv = np.unique(s.group, return_inverse=True)
    e_m = np.bincount(inv, (s.p - s.y) ** 2, minlength=len(names))
    e_b = np.bincount(inv, (getattr(s, against) - s.y) ** 2, minlength=len(names))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(names), size=(n_boot, len(names)))
    boot = 1 - e_m[draws].sum(axis=1) / e_b[draws].sum(axis=1)
    lo, hi = np.percentile(boot, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    n = len(s.y)
    return Skill(
        n=n,
        groups=len(names),
        brier=float(e_m.sum() / n),
        brier_base=float(e_b.sum() / n),
        skill=float(1 - e_m.sum() / e_b.sum()),
        low=float(lo),
        high=float(hi),
        outcome_rate=float(s.y.mean()),
    )


def reliability(s: Scored, edges: tuple[float, ...] = (0.0, 0.2, 0.3, 0.4, 0.5, 1.0)) -> list[dict]:
    """Forecast probability against observed frequency, in bins of the forecast."""
    out = []
    for a, b in itertools.pairwise(edges):
        m = (s.p >= a) & ((s.p < b) if b < 1 else (s.p <= b))
        if m.any():
            out.append(
                {
                    "bin": [a, b],
                    "n": int(m.sum()),
                    "forecast": float(s.p[m].mean()),
                    "observed": float(s.y[m].mean()),
                }
            )
    return out


# -- the models ------------------------------------------------------------------------------------


def model_rows(c: Crises, name: str) -> Rows:
    spec = MODELS[name]
    maker = landmark_rows if spec["rows"] == "landmark" else crisis_rows
    return maker(c, list(spec["features"]))


@dataclass
class Evaluated:
    """One model: the final fit, its covariance and its scores."""

    name: str
    rows: Rows
    fit: Logit
    covariance: np.ndarray
    oot: Scored
    oot_skill: Skill
    oot_skill_all: Skill
    cv_skill: Skill
    by_landmark: dict[int, Skill]


def evaluate_model(c: Crises, name: str, seed: int = 0, n_boot: int = 2000) -> Evaluated:
    rows = model_rows(c, name)
    fit = fit_model(rows, seed)
    cov = cluster_covariance(fit, rows.X, rows.y, rows.group)
    oot = out_of_time(rows, seed)
    cvs = grouped_cv(rows, seed)
    by_lm = {}
    if MODELS[name]["rows"] == "landmark":
        by_lm = {int(t): skill(oot.take(oot.landmark == t), n_boot, seed) for t in np.unique(oot.landmark)}
    return Evaluated(
        name,
        rows,
        fit,
        cov,
        oot,
        skill(oot, n_boot, seed),
        skill(oot, n_boot, seed, against="base_all"),
        skill(cvs, n_boot, seed),
        by_lm,
    )


def ucdp_out_of_time(folder: Path, seed: int = 0, n_boot: int = 2000) -> Skill:
    """The same out-of-time test on UCDP armed-conflict episodes with their onset features
    (test decades 1975-2014; episodes of one conflict grouped)."""
    ep = ucdp_episodes(folder)
    names = ("interstate", "internationalized", "territory", "war_at_start")
    X = np.column_stack([ep[k] for k in names])
    n = len(ep["agree"])
    rows = Rows(names, X, ep["agree"], ep["year"], ep["conflict"], np.zeros(n))
    return skill(out_of_time(rows, seed, blocks=(1975, 1985, 1995, 2005, 2015)), n_boot, seed)


# -- output ----------------------------------------------------------------------------------------


def model_json(ev: Evaluated) -> dict:
    """The shipped form of a model: everything :mod:`negotia.agreement.prior` needs."""
    spec = MODELS[ev.name]
    feats = []
    for k, name in enumerate(ev.rows.names):
        f = FEATURES[name]
        feats.append(
            {
                "name": name,
                "label": f.label,
                "kind": f.kind,
                "timing": f.timing,
                "after_the_fact": f.after_the_fact,
                "coding": f.coding,
                "cap_days": f.cap,
                "coef": float(ev.fit.coef[k]),
                "mean": float(ev.rows.X[:, k].mean()),
            }
        )
    return {
        "description": spec["description"],
        "intercept": ev.fit.intercept,
        "penalty": ev.fit.penalty,
        "features": feats,
        "covariance": ev.covariance.tolist(),
        "training": {
            "rows": len(ev.rows.y),
            "base_rate": float(ev.rows.y.mean()),
            "landmarks": sorted({int(t) for t in ev.rows.landmark}),
        },
        "out_of_time": ev.oot_skill.to_dict(),
        "out_of_time_vs_all_crises": ev.oot_skill_all.to_dict(),
        "grouped_cv": ev.cv_skill.to_dict(),
    }


def run(folder: Path, seed: int = 0, n_boot: int = 2000) -> dict:
    """Everything the JSON and the docs page need."""
    c = load_crises(folder)
    models = {name: evaluate_model(c, name, seed, n_boot) for name in MODELS}
    return {
        "crises": c,
        "models": models,
        "ucdp": ucdp_out_of_time(folder, seed, n_boot),
        "classes": reference_classes(folder),
        "files": {p.name: sha256(p) for p in sorted(folder.glob("*.csv"))},
        "settings": {"seed": seed, "bootstrap": n_boot, "level": LEVEL, "blocks": list(BLOCKS)},
    }


def shipped_json(result: dict) -> dict:
    c: Crises = result["crises"]
    return {
        "format": "negotia-agreement-prior/1",
        "outcome": "the crisis ended in a formal or semi-formal agreement (ICB forout 1 or 2)",
        "data": {
            "source": "International Crisis Behavior v14, system and actor level, crises triggered 1918-1999",
            "crises": c.n,
            "years": [int(c.year.min()), int(c.year.max())],
            "files": result["files"],
        },
        "default_model": "in-talks",
        "landmarks": list(LANDMARKS),
        "settings": result["settings"],
        "models": {name: model_json(ev) for name, ev in result["models"].items() if MODELS[name]["shipped"]},
        "generated": "tools/fit_agreement_prior.py",
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="the reference folder with the ICB, UCDP and MID tables")
    ap.add_argument("--out", type=Path, default=Path("src/negotia/agreement/data/prior.json"))
    ap.add_argument("--docs", type=Path, default=Path("docs/agreement-prior.md"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bootstrap", type=int, default=2000)
    args = ap.parse_args(argv)
    result = run(args.folder, args.seed, args.bootstrap)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = shipped_json(result)
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    if args.docs is not None:
        try:
            from agreement_prior_page import render
        except ImportError:  # pragma: no cover
            from tools.agreement_prior_page import render

        command = (
            f"python tools/fit_agreement_prior.py {args.folder} --out {args.out} --docs {args.docs} "
            f"--seed {args.seed} --bootstrap {args.bootstrap}"
        )
        args.docs.write_text(render(result, data, reliability, command), encoding="utf-8")
    for name, ev in result["models"].items():
        s = ev.oot_skill
        print(f"{name:15s} out of time: skill {s.skill:+.3f} [{s.low:+.3f}, {s.high:+.3f}]  n={s.n}")


if __name__ == "__main__":
    main()
