"""The historical data behind the prior probability of agreement, coded as features.

Reads the International Crisis Behavior tables (system and actor level; Brecher,
Wilkenfeld et al., ICB data v14), the UCDP Conflict Termination dataset (Kreutz 2010,
*J. Peace Research* 47(2): 243-250) and the militarized interstate dispute tables
(COW MID 5: Palmer et al. 2022, *Conflict Management and Peace Science*; GML MID 2.2.1:
Gibler, Miller & Little 2016, *International Studies Quarterly*) from the reference
folder described in its README, and turns each ICB crisis into one row of features.

Every feature says *when* it is known, because that decides what a forecast may use:

- ``onset``: coded as at the crisis's start (what threatened whom, how it began);
- ``in-talks``: known to a forecaster at a given moment of the talks (has a mediator
  started? how long has the crisis lasted?), built from ICB's dates so that a row of
  the landmark data (see :func:`landmark_rows`) only holds what was known then;
- ``after-the-fact``: known during talks for a live case, but ICB codes it over the
  whole crisis (mediation at *any* time, the worst violence, every state that came to
  perceive a crisis), so a model fitted on it learns from the future; its skill is an
  upper bound;
- ``hindsight``: the total duration, known only at the end.

Nothing here decides a model; :mod:`tools.fit_agreement_prior` does.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ICB_SYSTEM = "icb1v14_crises_to1999.csv"
ICB_ACTORS = "icb2v14_actors_to1999.csv"
UCDP = "ucdp-term-dyadic-2015.csv"
COW_MID = "cow_mid_disps.csv"
GML_MID = "gml_mid_disps.csv"

#: Days after the trigger at which in-talks forecasts are scored (landmarks).  Beyond a
#: year too few crises are still open (45 at 365 days, 14 at 730) to learn from.
LANDMARKS = (0, 30, 90, 180, 365)


@dataclass(frozen=True)
class FeatureSpec:
    """One feature: its name, what it means for a user, when it is known, its coding."""

    name: str
    label: str
    timing: str  # onset | in-talks | after-the-fact | hindsight
    coding: str
    kind: str = "bool"  # bool | days
    cap: float | None = None

    @property
    def after_the_fact(self) -> bool:
        return self.timing in ("after-the-fact", "hindsight")


# Chosen before any model was fitted, from the crisis-bargaining literature (territorial
# stakes, violent onsets, wars and protracted conflicts; Brecher & Wilkenfeld 2000, *A
# Study of Crisis*, ch. 5-6) and limited to what a user can state for a new case without
# the ICB coding manual.  Power discrepancy, heterogeneity and geostrategic salience were
# left out for that reason (they are ICB indices, and power discrepancy is missing for
# 15% of crises).
FEATURES: dict[str, FeatureSpec] = {
    f.name: f
    for f in (
        FeatureSpec("territorial", "the gravest threat is to territory", "onset", "gravcr = 3"),
        FeatureSpec(
            "political_threat", "the gravest threat is to the political regime", "onset", "gravcr = 2"
        ),
        FeatureSpec(
            "existential_threat",
            "the gravest threat is of grave damage or to existence",
            "onset",
            "gravcr in (5, 6)",
        ),
        FeatureSpec("violent_trigger", "the crisis was triggered by a violent act", "onset", "break = 9"),
        FeatureSpec("intra_war", "the crisis arose during an ongoing war", "onset", "iwcmb >= 2"),
        FeatureSpec(
            "protracted",
            "one crisis in a protracted conflict between the same adversaries",
            "onset",
            "protrac >= 2",
        ),
        FeatureSpec(
            "dominant_system",
            "the crisis is at the level of the great powers (dominant system)",
            "onset",
            "syslevsy >= 3",
        ),
        FeatureSpec("ethnic", "ethnicity is central to the conflict", "onset", "ethnic in (1, 2)"),
        FeatureSpec(
            "mediation_under_way",
            "a third party has started mediating by the time of the forecast",
            "in-talks",
            "mediate = 4 and mediation start (yrmedst/momedst/damedst) on or before the landmark",
        ),
        FeatureSpec(
            "days_elapsed",
            "days since the crisis began (log scale; capped at one year)",
            "in-talks",
            "landmark day; crises already over by then are not in that landmark's rows",
            kind="days",
            cap=float(LANDMARKS[-1]),
        ),
        FeatureSpec(
            "mediated",
            "a third party mediated at some point of the crisis",
            "after-the-fact",
            "mediate = 4",
        ),
        FeatureSpec("full_scale_war", "the crisis involved full-scale war", "after-the-fact", "viol = 4"),
        FeatureSpec(
            "two_sided",
            "two or more states perceived a crisis (both sides at the table)",
            "after-the-fact",
            "two or more rows of the actor-level table",
        ),
        FeatureSpec(
            "log_duration",
            "total duration of the crisis in days (log)",
            "hindsight",
            "log(brexit)",
            kind="days",
        ),
    )
}

ONSET = [k for k, f in FEATURES.items() if f.timing == "onset"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def num(text: str | None) -> float:
    """A number from a CSV cell; NaN for blanks and non-numbers (e.g. UCDP's ``.``)."""
    try:
        return float(text) if text not in (None, "") else np.nan
    except ValueError:
        return np.nan


def _date(year: float, month: float, day: float) -> dt.date | None:
    """A date with the month and day defaulted to the middle where ICB leaves them blank."""
    if not np.isfinite(year):
        return None
    m = int(month) if np.isfinite(month) and 1 <= month <= 12 else 6
    d = int(day) if np.isfinite(day) and 1 <= day <= 28 else 15
    return dt.date(int(year), m, d)


@dataclass(frozen=True)
class Crises:
    """ICB crises with a coded outcome, one row each.

    ``y`` is 1 for a formal or semi-formal agreement (``forout`` 1 or 2).  ``group`` puts
    the crises of one protracted conflict (``pcid`` where ``protrac`` >= 2) together;
    other crises are their own group (ICB's ``pcid`` for those is a region code, not a
    conflict).  ``mediation_day`` is the day of the first mediation after the trigger
    (negative if it began before; NaN without mediation, or when its start is not
    recorded, so that a landmark never counts it as known).
    """

    crisno: np.ndarray
    name: tuple[str, ...]
    year: np.ndarray
    y: np.ndarray
    group: np.ndarray
    duration: np.ndarray
    mediation_day: np.ndarray
    columns: dict[str, np.ndarray]

    @property
    def n(self) -> int:
        return len(self.y)


def load_crises(folder: Path) -> Crises:
    """The ICB system-level crises with their features (actor count from the actor table)."""
    rows = [r for r in read_csv(folder / ICB_SYSTEM) if np.isfinite(num(r["forout"]))]
    actors: dict[int, int] = {}
    for r in read_csv(folder / ICB_ACTORS):
        key = int(num(r["crisno"]))
        actors[key] = actors.get(key, 0) + 1
    col = {k: np.array([num(r[k]) for r in rows]) for k in rows[0] if k not in ("icb1", "crisname")}
    crisno = col["crisno"].astype(int)
    group = np.array(
        [
            f"pc{int(p)}" if pr >= 2 else f"c{c}"
            for p, pr, c in zip(col["pcid"], col["protrac"], crisno, strict=True)
        ]
    )
    med_day = np.full(len(rows), np.nan)
    for k, r in enumerate(rows):
        trig = _date(col["yrtrig"][k], col["motrig"][k], col["datrig"][k])
        start = _date(num(r["yrmedst"]), num(r["momedst"]), num(r["damedst"]))
        if col["mediate"][k] == 4 and trig is not None and start is not None:
            med_day[k] = (start - trig).days
    n_actors = np.array([actors.get(int(c), 0) for c in crisno], dtype=float)
    coded = _code(col, n_actors)
    return Crises(
        crisno=crisno,
        name=tuple(r["crisname"] for r in rows),
        year=col["yrtrig"],
        y=np.isin(col["forout"], (1, 2)).astype(float),
        group=group,
        duration=col["brexit"],
        mediation_day=med_day,
        columns=coded,
    )


def _code(col: dict[str, np.ndarray], n_actors: np.ndarray) -> dict[str, np.ndarray]:
    """The crisis-level features of :data:`FEATURES` (landmark features are added later)."""
    rules: dict[str, Callable[[], np.ndarray]] = {
        "territorial": lambda: col["gravcr"] == 3,
        "political_threat": lambda: col["gravcr"] == 2,
        "existential_threat": lambda: np.isin(col["gravcr"], (5, 6)),
        "violent_trigger": lambda: col["break"] == 9,
        "intra_war": lambda: col["iwcmb"] >= 2,
        "protracted": lambda: col["protrac"] >= 2,
        "dominant_system": lambda: col["syslevsy"] >= 3,
        "ethnic": lambda: np.isin(col["ethnic"], (1, 2)),
        "mediated": lambda: col["mediate"] == 4,
        "full_scale_war": lambda: col["viol"] == 4,
        "two_sided": lambda: n_actors >= 2,
        "log_duration": lambda: np.log(np.maximum(col["brexit"], 1.0)),
    }
    return {k: np.asarray(f(), dtype=float) for k, f in rules.items()}


@dataclass(frozen=True)
class Rows:
    """A design: features ``X`` (N, K), outcome, trigger year, group and landmark of each row."""

    names: tuple[str, ...]
    X: np.ndarray
    y: np.ndarray
    year: np.ndarray
    group: np.ndarray
    landmark: np.ndarray

    def take(self, mask: np.ndarray) -> Rows:
        return Rows(
            self.names, self.X[mask], self.y[mask], self.year[mask], self.group[mask], self.landmark[mask]
        )


def crisis_rows(c: Crises, names: list[str]) -> Rows:
    """One row per crisis, as seen at its start (landmark 0) or, for after-the-fact
    features, as coded over the whole crisis."""
    X = np.column_stack([c.columns[k] for k in names]) if names else np.zeros((c.n, 0))
    return Rows(tuple(names), X, c.y, c.year, c.group, np.zeros(c.n))


def landmark_rows(c: Crises, names: list[str], landmarks: tuple[int, ...] = LANDMARKS) -> Rows:
    """Landmark data (van Houwelingen 2007, *Scand. J. Statistics* 34: 70-85): for each
    landmark day ``t``, one row per crisis still open after ``t`` days, with what was
    known at ``t``: the onset features, whether mediation had started, and ``t``.

    ``names`` may hold onset features, ``mediation_under_way`` and ``days_elapsed``.
    """
    blocks = []
    for t in landmarks:
        alive = c.duration > t
        known = {
            **{k: v[alive] for k, v in c.columns.items()},
            "mediation_under_way": (np.nan_to_num(c.mediation_day, nan=np.inf) <= t)[alive].astype(float),
            "days_elapsed": np.full(alive.sum(), days_feature(float(t))),
        }
        X = np.column_stack([known[k] for k in names]) if names else np.zeros((int(alive.sum()), 0))
        blocks.append(
            Rows(tuple(names), X, c.y[alive], c.year[alive], c.group[alive], np.full(alive.sum(), t))
        )
    return Rows(
        tuple(names),
        np.vstack([b.X for b in blocks]),
        *(np.concatenate([getattr(b, a) for b in blocks]) for a in ("y", "year", "group", "landmark")),
    )


def days_feature(days: float, cap: float = float(LANDMARKS[-1])) -> float:
    """The numeric form of ``days_elapsed``: log(1 + min(days, cap))."""
    return float(np.log1p(min(max(days, 0.0), cap)))


# -- reference classes: how often episodes of each kind ended in an agreement ------------------


@dataclass(frozen=True)
class ReferenceClass:
    """The share of episodes of one kind that ended in a negotiated agreement."""

    name: str
    unit: str
    outcome: str
    years: str
    y: np.ndarray
    year: np.ndarray
    group: np.ndarray


def reference_classes(folder: Path) -> list[ReferenceClass]:
    """Base rates from every table in the folder, each with its own coding of "agreement"."""
    out = []
    c = load_crises(folder)
    out.append(
        ReferenceClass(
            "ICB crises",
            "crisis",
            "formal or semi-formal agreement (forout 1-2)",
            "1918-1999",
            c.y,
            c.year,
            c.group,
        )
    )
    act = [r for r in read_csv(folder / ICB_ACTORS) if np.isfinite(num(r["outfor"]))]
    out.append(
        ReferenceClass(
            "ICB crisis actors",
            "state in a crisis",
            "formal or semi-formal agreement (outfor 1-2)",
            "1918-1999",
            np.array([num(r["outfor"]) in (1, 2) for r in act], dtype=float),
            np.array([num(r["yrtrig"]) for r in act]),
            np.array([f"c{int(num(r['crisno']))}" for r in act]),
        )
    )
    ep = ucdp_episodes(folder)
    out.append(
        ReferenceClass(
            "UCDP armed conflicts",
            "conflict episode (dyad)",
            "peace or ceasefire agreement (Outcome 1-2)",
            "1946-2014",
            ep["agree"],
            ep["year"],
            ep["conflict"],
        )
    )
    for name, file in (("COW MIDs", COW_MID), ("GML MIDs", GML_MID)):
        rows = [r for r in read_csv(folder / file) if num(r["settle"]) in (1, 2, 3, 4)]
        out.append(
            ReferenceClass(
                name,
                "militarized dispute",
                "negotiated settlement (settle 1)",
                "1816-2014" if file == COW_MID else "1816-2010",
                np.array([num(r["settle"]) == 1 for r in rows], dtype=float),
                np.array([num(r["styear"]) for r in rows]),
                np.array([f"d{r['dispnum']}" for r in rows]),
            )
        )
    return out


def ucdp_episodes(folder: Path) -> dict[str, np.ndarray]:
    """UCDP dyadic conflict episodes with a coded end (``Outcome`` 1-6; ``.`` = still on).

    Features known at an episode's start: interstate or internationalised conflict,
    territory (not government) at stake, war-level intensity in the first year.
    """
    by_ep: dict[str, list[dict[str, str]]] = {}
    for r in read_csv(folder / UCDP):
        by_ep.setdefault(r["DyadEp"], []).append(r)
    eps = []
    for rows in by_ep.values():
        rows.sort(key=lambda r: int(r["Year"]))
        if rows[-1]["Outcome"] in tuple("123456"):
            eps.append((rows[0], rows[-1]["Outcome"]))
    first = [e[0] for e in eps]
    return {
        "agree": np.array([o in ("1", "2") for _, o in eps], dtype=float),
        "year": np.array([num(r["Year"]) for r in first]),
        "conflict": np.array([r["ConflictId"] for r in first]),
        "interstate": np.array([r["TypeOfConflict"] == "2" for r in first], dtype=float),
        "internationalized": np.array([r["TypeOfConflict"] == "4" for r in first], dtype=float),
        "territory": np.array([r["Incompatibility"] == "1" for r in first], dtype=float),
        "war_at_start": np.array([r["IntensityLevel"] == "2" for r in first], dtype=float),
    }
