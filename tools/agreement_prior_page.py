"""Render ``docs/agreement-prior.md`` from the results of :mod:`tools.fit_agreement_prior`.

Every figure on the page comes from the run that wrote the shipped coefficients, so the
page and ``src/negotia/agreement/data/prior.json`` always agree.
"""

from __future__ import annotations

import math

import numpy as np

from negotia.agreement import combine as comb
from negotia.agreement.prior import PriorModel, model_from_dict

try:
    from agreement_prior_data import FEATURES, LANDMARKS
except ImportError:  # pragma: no cover
    from tools.agreement_prior_data import FEATURES, LANDMARKS

#: An example case for the page (not a scenario's data): a territorial crisis within a
#: protracted conflict, during a war, at great-power level, mediated, 1,390 days in.
EXAMPLE = {
    "territorial": True,
    "political_threat": False,
    "existential_threat": False,
    "violent_trigger": True,
    "intra_war": True,
    "protracted": True,
    "dominant_system": True,
    "ethnic": False,
    "mediation_under_way": True,
    "days_elapsed": 1390,
}


def pct(x: float, sign: bool = True) -> str:
    return f"{x * 100:+.1f}%" if sign else f"{x * 100:.1f}%"


def skill_cell(s) -> str:
    return f"{pct(s.skill)} [{pct(s.low)}, {pct(s.high)}]"


def verdict(models: dict) -> list[str]:
    on, talk, late, hind = (models[k].oot_skill for k in ("onset", "in-talks", "after-the-fact", "hindsight"))
    return [
        "## Verdict",
        "",
        "**The aim (a Brier skill of at least 10% over the base rate, out of time, using only what is "
        "known while talks are under way) is not reached: the data do not allow it.** Trained on earlier "
        "crises and scored on each later decade (1950s-1990s), the model of what is known when a crisis "
        f"begins scores {skill_cell(on)}, and the model of what is known at a moment of the talks "
        f"(whether a mediator has started, how long the crisis has lasted) {skill_cell(talk)} against "
        "the base rate of the crises still open at that moment; both intervals include zero. Adding "
        "mediation, war and a second crisis actor *as ICB codes them over the whole crisis* reaches "
        f"{skill_cell(late)}, and the total duration on top {skill_cell(hind)}: these are upper bounds "
        "for a forecaster who knows that talks are under way, because the codings include what happened "
        "later (a mediator who arrived to seal the deal, a war that broke out after the forecast).",
        "",
        "No feature set was searched to reach the aim: the features were fixed before the models were "
        "fitted (see the table of features) and the variants tried are all listed below. Before that, a "
        "few quick looks ran on this same table (agreement rates by single codings, two or three small "
        "feature sets scored the same way: onset-only sets reached at most about 4% out of time, sets "
        "with the after-the-fact codings 13-17%); they led to the landmark design for the in-talks "
        "model and are not themselves in any model.",
        "",
    ]


def meaning() -> list[str]:
    return [
        "## What the number means, and what it does not",
        "",
        "- The prior is a **base rate with adjustments**: among past interstate crises with these "
        "features, about this share ended in a formal or semi-formal agreement (ICB `forout` 1 or 2). "
        "Tacit understandings, unilateral acts, imposed outcomes and crises that faded count as no "
        "agreement.",
        "- It knows nothing of the parties' positions or red lines. The bargaining analysis adds that "
        "(see *Combining the prior with the bargaining space*).",
        "- The Brier skill says how much better than the base rate the model's probabilities scored "
        "on later crises: 0% is no better, 10% would remove a tenth of the base rate's squared error. "
        "A skill near zero means the factors below do not tell crises apart reliably out of time; the "
        "probability is then worth about as much as the base rate it starts from, no more.",
        "- The interval beside a case's probability is the sampling uncertainty of the coefficients "
        "(cluster-robust by conflict, without the shrinkage of the penalty). It is not a measure of skill, "
        "and a well-estimated 40% is still a 40% chance.",
        "- The data end in 1999; the world of crises since may differ (the README of the data keeps the "
        "crises from 2000 on apart for an independent check, not run here).",
        "",
    ]


def data_section(result: dict) -> list[str]:
    c = result["crises"]
    files = result["files"]
    return [
        "## Data",
        "",
        f"International Crisis Behavior v14 (Brecher, Wilkenfeld et al.), system level: {c.n} crises "
        f"triggered {int(c.year.min())}-{int(c.year.max())} with a coded outcome, {int(c.y.sum())} of them "
        f"({pct(c.y.mean(), False)}) ending in a formal or semi-formal agreement; the actor-level table "
        "gives the number of crisis actors. Crises of one protracted conflict (ICB `pcid` where `protrac` "
        f">= 2) form one group; the others are their own group ({len(np.unique(c.group))} groups).",
        "",
        "Territorial threat is `gravcr` = 3, the codebook's territorial threat: it gives the rates the "
        "data folder's README quotes for territory (0.46 here against 0.28 otherwise), whereas the "
        'README\'s note "6 = territorial" does not match this file (`gravcr` = 6, threat to existence, '
        "has 0.19).",
        "",
        "Files (SHA-256, first 16 hex digits): "
        + ", ".join(f"`{k}` {v[:16]}" for k, v in files.items() if k.startswith("icb")),
        "",
    ]


def features_table() -> list[str]:
    out = [
        "## Features and when each is known",
        "",
        "| feature | meaning | known | ICB coding |",
        "|---|---|---|---|",
    ]
    for f in FEATURES.values():
        out.append(f"| `{f.name}` | {f.label} | {f.timing} | {f.coding} |")
    out += [
        "",
        "*onset*: coded as at the crisis's start. *in-talks*: known at the landmark day, built from ICB's "
        "dates (a mediation counts from its recorded start; missing day or month taken as mid-month or "
        "mid-year; the one mediated crisis without a start year never counts as mediated at a landmark). "
        "*after-the-fact*: a live case can state it, but ICB codes it over the whole crisis. *hindsight*: "
        "known only at the end.",
        "",
        "The onset features were fixed before any fit, from the crisis literature (Brecher & Wilkenfeld "
        "2000, *A Study of Crisis*) and limited to facts a user can state for a new case without the ICB "
        "manual; power discrepancy, heterogeneity and geostrategic salience were left out for that reason.",
        "",
    ]
    return out


def method_section(result: dict) -> list[str]:
    st = result["settings"]
    return [
        "## How the models are fitted and scored",
        "",
        "Each model is a logit with a ridge penalty on the standardised coefficients, the penalty chosen "
        "by 2x repeated 5-fold cross-validation grouped by conflict inside the training set (Brier score). "
        "The in-talks model is fitted on landmark data (van Houwelingen 2007, *Scand. J. Statistics* 34: "
        f"70-85): for each landmark day {', '.join(map(str, LANDMARKS))}, one row per crisis still open "
        "then, holding only what was known then.",
        "",
        f"**Out of time**: for each decade from {st['blocks'][0]} to {st['blocks'][-1] - 1}, the model is "
        "fitted on the crises triggered before it and forecasts the crises of that decade; the crises of "
        "any protracted conflict with a crisis in the test decade are dropped from that training set, so a "
        "conflict never straddles training and test. The reference forecast is the training base rate (for "
        "the in-talks model, the base rate of the training crises still open at the same landmark). Brier "
        "skill = 1 - BS(model) / BS(base rate), pooled over the decades; the "
        f"{st['level']:.0%} interval is a percentile bootstrap resampling conflicts ({st['bootstrap']} "
        f"resamples, seed {st['seed']}). Grouped 10-fold cross-validation (5 repeats, not out of time) is "
        "shown beside it for comparison with the data README's figures.",
        "",
    ]


def results_table(models: dict) -> list[str]:
    out = [
        "## Results",
        "",
        "| model | features | out-of-time skill [90%] | Brier (model / base) | rows | grouped-CV skill |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, ev in models.items():
        s, cv = ev.oot_skill, ev.cv_skill
        feats = ", ".join(f"`{n}`" for n in ev.rows.names)
        out.append(
            f"| {name} | {feats} | {skill_cell(s)} | {s.brier:.4f} / {s.brier_base:.4f} | {s.n} | "
            f"{pct(cv.skill)} |"
        )
    talk = models["in-talks"]
    out += [
        "",
        "Against the base rate of *all* training crises (ignoring how long the crisis has lasted), the "
        f"in-talks model scores {skill_cell(talk.oot_skill_all)}: most of that is the elapsed time "
        "itself (crises still open after months end in agreement more often), which the strict comparison "
        "above credits to the base rate.",
        "",
        "The data README's orientation figures (about 4% in 10-fold CV and 1% out of time for five onset "
        "features, about 17% with the after-the-fact codings) agree with these.",
        "",
        "The in-talks model by landmark (out of time, against the base rate of crises open then):",
        "",
        "| landmark (days) | rows | agreement rate | skill [90%] |",
        "|---:|---:|---:|---:|",
    ]
    for t, s in talk.by_landmark.items():
        out.append(f"| {t} | {s.n} | {pct(s.outcome_rate, False)} | {skill_cell(s)} |")
    out.append("")
    out += [
        f"The variant *in-talks (mediation and time only)* was tried after seeing the first results; it "
        f"scores {skill_cell(models['in-talks (mediation and time only)'].oot_skill)}, no better. The "
        "penalties chosen out of time (one per test decade): "
        + "; ".join(f"{n} {', '.join(f'{p:g}' for p in ev.oot.penalties)}" for n, ev in models.items())
        + ".",
        "",
    ]
    return out


def reliability_section(models: dict, reliability) -> list[str]:
    out = [
        "## Calibration out of time",
        "",
        "Forecast probability against the observed frequency of agreement:",
        "",
    ]
    for name in ("in-talks", "after-the-fact"):
        out += [
            f"*{name}*:",
            "",
            "| forecast bin | rows | mean forecast | observed |",
            "|---|---:|---:|---:|",
        ]
        for r in reliability(models[name].oot):
            a, b = r["bin"]
            out.append(f"| {a:.1f}-{b:.1f} | {r['n']} | {r['forecast']:.2f} | {r['observed']:.2f} |")
        out.append("")
    return out


def coefficients_section(models: dict, shipped: dict) -> list[str]:
    out = ["## The shipped models", ""]
    for name, m in shipped["models"].items():
        ev = models[name]
        se = np.sqrt(np.diag(ev.covariance))
        out += [
            f"**{name}** ({m['description']}; penalty {m['penalty']:g}, base rate "
            f"{pct(m['training']['base_rate'], False)} over {m['training']['rows']} rows):",
            "",
            "| feature | known | coefficient (log-odds) | cluster-robust SE | odds ratio | training mean |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for k, f in enumerate(m["features"]):
            unit = " per log-day" if f["kind"] == "days" else ""
            out.append(
                f"| `{f['name']}` | {f['timing']} | {f['coef']:+.3f}{unit} | {se[k + 1]:.3f} | "
                f"{math.exp(f['coef']):.2f} | {f['mean']:.3f} |"
            )
        out.append("")
    return out


def example_section(shipped_models: dict[str, PriorModel]) -> list[str]:
    out = [
        "## Each factor's contribution, for an example case",
        "",
        "An example (not the data of any bundled scenario): "
        + ", ".join(f"`{k}` = {str(v).lower()}" for k, v in EXAMPLE.items())
        + ". Contributions are log-odds against the average training crisis; they add up to the case's "
        "log-odds.",
        "",
    ]
    late = {"mediated": True, "full_scale_war": True, "two_sided": True}
    for name in ("onset", "in-talks", "after-the-fact"):
        known = {f.name for f in shipped_models[name].features}
        feats = {k: v for k, v in {**EXAMPLE, **late}.items() if k in known}
        r = shipped_models[name].predict(feats)
        parts = ", ".join(
            f"`{c.name}` {c.log_odds:+.2f}" for c in r.contributions if abs(c.log_odds) >= 0.005
        )
        out.append(
            f"- *{name}*: P = {r.probability:.2f} [{r.low:.2f}, {r.high:.2f}] "
            f"(average crisis {r.average:.2f}); {parts}."
        )
    out.append("")
    return out


def reference_section(result: dict, n_boot: int, seed: int) -> list[str]:
    out = [
        "## Reference classes: how often each kind of episode ended in an agreement",
        "",
        "| table | unit | agreement means | years | n | share [90%] | since 1990 |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    rng = np.random.default_rng(seed)
    for rc in result["classes"]:
        names, inv = np.unique(rc.group, return_inverse=True)
        ys = np.bincount(inv, rc.y, minlength=len(names))
        ns = np.bincount(inv, minlength=len(names))
        draws = rng.integers(0, len(names), size=(n_boot, len(names)))
        boot = ys[draws].sum(1) / ns[draws].sum(1)
        lo, hi = np.percentile(boot, [5, 95])
        late = rc.year >= 1990
        out.append(
            f"| {rc.name} | {rc.unit} | {rc.outcome} | {rc.years} | {len(rc.y)} | {rc.y.mean():.2f} "
            f"[{lo:.2f}, {hi:.2f}] | {rc.y[late].mean():.2f} (n = {int(late.sum())}) |"
        )
    u = result["ucdp"]
    out += [
        "",
        "The codings differ (a ceasefire agreement counts in UCDP, a negotiated settlement of a dispute in "
        "the MID tables), and so do the units; the shares are not comparable across rows. Disputes settle "
        "by negotiation less and less often over time in the MID tables, a drift an out-of-time model has "
        "to live with. The same out-of-time test on UCDP armed-conflict episodes (features at an episode's "
        "start: interstate, internationalised, territory at stake, war-level intensity; test decades "
        f"1975-2014, episodes of one conflict grouped) gives a skill of {skill_cell(u)} over {u.n} episodes: "
        "no better there.",
        "",
    ]
    return out


def combination_section(prior_example: float, base: float) -> list[str]:
    s, c = comb.SENSITIVITY, comb.SPECIFICITY
    q_base = float(comb.conditionals(base)[0])
    out = [
        "## Combining the prior with the bargaining space",
        "",
        "The agreement analysis gives `p_zone`, the probability (under the scenario's uncertainty) that a "
        "package exists which every party and veto player accepts. A zone is **necessary, not sufficient**: "
        "no deal can be signed that a party or veto player rejects, and talks also fail when a zone exists "
        "(private information, commitment problems, spoilers; Fearon 1995, *International Organization* "
        "49(3)). So `negotia.agreement.combine` uses",
        "",
        "    P(deal) = p_zone · P(settle | zone),   P(settle | zone) = π / (π + (1 - π)(1 - c))",
        "",
        "where π is the prior above and the conditional follows from it by Bayes' rule under two stated "
        f"assumptions: every agreement had a zone (the *sensitivity* s = P(zone | agreement) = {s:g}), and "
        f"a share c = P(no zone | no agreement) = {c} of the failed talks had none (the *specificity*; the "
        "others failed with a zone). Limits (tested): `p_zone` = 0 gives 0; `p_zone` = 1 gives "
        "P(settle | zone); `p_zone` equal to what history itself implies, π + (1 - π)(1 - c), gives back π. "
        f"For the base rate π = {base:.2f}, P(settle | zone) = {q_base:.2f}: a zone found for certain does "
        "not make a deal likely, it makes one possible.",
        "",
        "A user who holds stated red lines to be soft can pass s < 1; the finding then acts as a diagnostic "
        "test (Bayes' rule with likelihood ratios s / (1 - c) for a zone and (1 - s) / c for none, Jeffrey's "
        "rule for the uncertain finding), and without a zone P(deal) = π (1 - s) / (π (1 - s) + (1 - π) c) "
        "instead of 0. A red line's `sd` in the scenario is the better way to say that it may move: it "
        "enters `p_zone` itself. Neither s nor c is measured: no data set records both the parties' red "
        "lines and how their talks ended.",
        "",
        "**What the Brier scores above do and do not cover.** They score the prior alone, against history. "
        "The combined P(deal) has no out-of-sample score: it multiplies that prior's conditional by a "
        "`p_zone` that no historical table records. Its interval carries the prior's interval and that of "
        "`p_zone`, not the uncertainty of s and c; the tables below show how much the result leans on them.",
        "",
    ]
    for label, pi in (
        (f"the example's in-talks prior, π = {prior_example:.2f}", prior_example),
        (f"the base rate, π = {base:.2f}", base),
    ):
        rows = comb.sensitivity_table(pi)
        keys = [k for k in rows[0] if k.startswith("p_zone")]
        out += [
            f"P(deal) for {label}:",
            "",
            "| s | c | " + " | ".join(keys) + " |",
            "|---:|---:|" + "---:|" * len(keys),
        ]
        for r in rows:
            out.append(
                f"| {r['sensitivity']:g} | {r['specificity']} | "
                + " | ".join(f"{r[k]:.2f}" for k in keys)
                + " |"
            )
        out.append("")
    return out


def limits() -> list[str]:
    return [
        "## Limits",
        "",
        "- ICB is a record of interstate crises, coded by its project; a negotiation that is not such a "
        "crisis (a trade round, an EU file) is outside the reference class.",
        "- The features are coarse and coded by people after the fact; a user coding a live case may judge "
        "them differently.",
        "- The in-talks model knows whether a mediator has started and how long the crisis has lasted, not "
        "how the talks are going; beyond one year the data hold too few open crises, so longer crises are "
        "treated as one year old (and the result says so).",
        "- Out of time, with about 300 test crises, a true skill of a few percent cannot be told from zero; "
        "the intervals above show the resolution.",
        "",
    ]


def render(result: dict, shipped: dict, reliability, command: str) -> str:
    models = result["models"]
    st = result["settings"]
    shipped_models = {name: model_from_dict(name, d) for name, d in shipped["models"].items()}
    example = shipped_models["in-talks"].predict(EXAMPLE).probability
    lines = [
        "# The prior probability of agreement (issue 12, item 4)",
        "",
        "<!-- Generated by `tools/fit_agreement_prior.py` — edit that script, not this page. -->",
        "",
        *verdict(models),
        *meaning(),
        *data_section(result),
        *features_table(),
        *method_section(result),
        *results_table(models),
        *reliability_section(models, reliability),
        *coefficients_section(models, shipped),
        *example_section(shipped_models),
        *reference_section(result, st["bootstrap"], st["seed"]),
        *combination_section(example, float(result["crises"].y.mean())),
        *limits(),
        "## Reproduce",
        "",
        "```",
        command,
        "```",
        "",
        "In Python: `negotia.agreement.agreement_prior({...features...}, model='in-talks')`; a scenario "
        "states its case in `metadata.prior` (`model:` and `features:`), read by "
        "`negotia.agreement.prior_for_scenario`.",
        "",
    ]
    return "\n".join(lines)
