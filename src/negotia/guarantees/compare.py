"""Assess one arrangement against an attack, and put arrangements side by side.

:func:`assess_guarantees` is the one call most users need: it resolves an arrangement
(a catalogue id, instrument ids, or instruments), checks which obligations the event
triggers, scores the credibility of each and simulates the response.
:func:`compare_arrangements` does that for several arrangements with the same event,
seed and settings, ranks them and explains the differences in plain words.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from negotia.errors import InputError, ParameterError
from negotia.guarantees.capabilities import Measure
from negotia.guarantees.catalogue import Catalogue, LeftOut, catalogue, data_text, validate_model
from negotia.guarantees.credibility import Credibility, CredibilitySettings, assess_triggered
from negotia.guarantees.deterrence import Deterrence, simulate_response
from negotia.guarantees.schema import Arrangement, Event, Instrument
from negotia.guarantees.triggers import TriggerResult, check_event


@dataclass(frozen=True)
class GuaranteeCase:
    """A worked case from the bundled ``data/cases.yaml``: what to compare, against what.

    ``arrangements`` are catalogue ids, weakest promise first; ``event`` is the attack an
    assessment uses when none is given, as data (see :meth:`attack`).
    """

    name: str
    arrangements: tuple[str, ...]
    event: dict[str, Any]

    def attack(self, when: Date | str | None = None, **changes: Any) -> Event:
        """The case's event, validated; ``when`` and keyword arguments change its fields."""
        data = {**self.event, **({} if when is None else {"date": when}), **changes}
        return validate_model(Event, data, f"<event of case {self.name}>")


@functools.cache
def _cases() -> tuple[str, dict[str, GuaranteeCase]]:
    import yaml

    raw = yaml.safe_load(data_text("cases.yaml"))
    cases = {
        name: GuaranteeCase(name, tuple(c["arrangements"]), dict(c["event"]))
        for name, c in raw["cases"].items()
    }
    return str(raw["default"]), cases


def guarantee_case(name: str | None = None) -> GuaranteeCase:
    """A bundled case by name (default: the file's ``default``, the Ukraine 2025 case)."""
    default, cases = _cases()
    key = default if name is None else name
    if key not in cases:
        raise ParameterError(f"unknown guarantee case {key!r}; bundled cases: {', '.join(cases)}")
    return cases[key]


def renewed_russian_attack(when: Date | str | None = None, **changes: Any) -> Event:
    """The event of the bundled ``ukraine-2025`` case (``data/cases.yaml``).

    A major, deliberate and sustained, unprovoked armed attack on territory Ukraine holds,
    while a ceasefire is in force, with Ukraine asking for help.  Keyword arguments
    change any field.
    """
    return guarantee_case("ukraine-2025").attack(when, **changes)


def resolve_arrangement(
    spec: str | Arrangement | list[str | Instrument], cat: Catalogue | None = None
) -> tuple[Arrangement, list[Instrument]]:
    """An arrangement and its instruments (with joins and assumed legal forms applied).

    ``spec`` is an arrangement id, instrument ids joined by ``+`` (``gbr-ukr-2024+deu-ukr-2024``),
    an :class:`Arrangement`, or a list of instrument ids and instruments.
    """
    cat = cat or catalogue()
    if isinstance(spec, str):
        key = spec.strip().lower().replace("_", "-")
        if key in cat.arrangements:
            arr = cat.arrangements[key]
        else:
            ids = [s for s in key.split("+") if s]
            if not ids:  # "" or "+": pydantic would refuse the empty id with a traceback
                raise ParameterError(
                    f"no arrangement or instrument in {spec!r}: give an arrangement id "
                    "(negotia guarantees list) or instrument ids joined by '+'"
                )
            insts = [cat.instrument(i) for i in ids]
            arr = Arrangement(
                id=key, name=" + ".join(i.label for i in insts), instruments=[i.id for i in insts]
            )
    elif isinstance(spec, Arrangement):
        arr = spec
    else:
        inline = [x for x in spec if isinstance(x, Instrument)]
        cat = cat.merged(Catalogue({i.id: i for i in inline}))
        ids = [x.id if isinstance(x, Instrument) else cat.instrument(x).id for x in spec]
        arr = Arrangement(
            id="custom", name=" + ".join(cat.instruments[i].label for i in ids), instruments=ids
        )
    out = []
    for ident in arr.instruments:
        inst = cat.instrument(ident)
        if ident in arr.join:
            inst = inst.with_parties(arr.join[ident])
        if ident in arr.bindingness:
            form = arr.bindingness[ident]
            inst = inst.model_copy(update={"bindingness": form, "ratified": form.value == "ratified_treaty"})
        out.append(inst)
    return arr, out


@dataclass
class Assessment:
    """Triggers, credibility and simulated response of one arrangement for one event."""

    arrangement: Arrangement
    event: Event
    triggers: list[TriggerResult]
    credibility: list[Credibility]
    deterrence: Deterrence
    settings: CredibilitySettings
    #: The day of the catalogue used (None: every instrument) and the instruments the
    #: arrangement lost to it (signed or reported after that day).
    as_of: Date | None = None
    left_out: list[LeftOut] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "arrangement": self.arrangement.model_dump(mode="json"),
            "event": self.event.model_dump(mode="json"),
            "triggers": [t.to_dict() for t in self.triggers],
            "credibility": [c.to_dict() for c in self.credibility],
            "deterrence": self.deterrence.to_dict(),
            "settings": self.settings.model_dump(mode="json"),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "left_out": [x.to_dict() for x in self.left_out],
        }


def _event(event: Event | dict[str, Any] | None) -> Event:
    if event is None:
        return guarantee_case().attack()
    if isinstance(event, Event):
        return event
    return validate_model(Event, event, "<event>")


def assess_guarantees(
    arrangement: str | Arrangement | list[str | Instrument] = "nato-membership",
    event: Event | dict[str, Any] | None = None,
    *,
    settings: CredibilitySettings | dict[str, Any] | None = None,
    n_draws: int = 20_000,
    seed: int | None = 0,
    rho: float = 0.5,
    measure: Measure | None = None,
    defence_share: dict[int, float] | None = None,
    assistance_share: float | None = None,
    cat: Catalogue | None = None,
) -> Assessment:
    """What an arrangement would do for its beneficiary if ``event`` happened.

    Parameters
    ----------
    arrangement
        Catalogue arrangement id (``"nato-membership"``), instrument ids joined by ``+``,
        an :class:`Arrangement`, or a list of instrument ids / instruments.
    event
        The attack (an :class:`Event` or a mapping); default the bundled case's
        (:func:`guarantee_case`).
    settings
        Credibility settings (:class:`CredibilitySettings` or a mapping).
    n_draws, seed, rho, measure, defence_share, assistance_share
        Passed to :func:`negotia.guarantees.deterrence.simulate_response`.

    Returns
    -------
    Assessment
        Every obligation's trigger verdict, the credibility of each triggered one with its
        factors, and the distribution of the responding capability.
    """
    ev = _event(event)
    if isinstance(settings, dict):
        settings = validate_model(CredibilitySettings, settings, "<settings>")
    s = settings or CredibilitySettings()
    if measure is not None:
        s = s.model_copy(update={"measure": measure})
    cat = cat or catalogue()
    arr, insts = resolve_arrangement(arrangement, cat)
    if arr.bindingness:
        s = s.model_copy(update={"bindingness": {**arr.bindingness, **s.bindingness}})
    triggers = check_event(ev, insts, assume_in_force=arr.assume_in_force)
    by_id = {i.id: i for i in insts}
    creds = assess_triggered(triggers, by_id, ev.attacker, settings=s)
    det = simulate_response(
        creds,
        by_id,
        ev.attacker,
        ev.target,
        n_draws=n_draws,
        seed=seed,
        rho=rho,
        measure=s.measure,
        defence_share=defence_share,
        assistance_share=assistance_share,
    )
    return Assessment(arr, ev, triggers, creds, det, s, cat.day, cat.left_out_of(arr.id))


@dataclass
class Comparison:
    """Several arrangements against the same event, ranked, with explanations."""

    event: Event
    assessments: list[Assessment]
    ranking: list[str]
    explanations: list[str] = field(default_factory=list)

    @property
    def as_of(self) -> Date | None:
        """The day of the catalogue the arrangements were taken from (None: undated)."""
        return self.assessments[0].as_of if self.assessments else None

    @property
    def left_out(self) -> dict[str, list[LeftOut]]:
        """Arrangement id -> the instruments it lost to the day (only those that lost some)."""
        return {a.arrangement.id: a.left_out for a in self.assessments if a.left_out}

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event.model_dump(mode="json"),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "ranking": self.ranking,
            "arrangements": [summary(a) for a in self.assessments],
            "left_out": {k: [x.to_dict() for x in v] for k, v in self.left_out.items()},
            "explanations": self.explanations,
        }


def summary(a: Assessment) -> dict[str, Any]:
    """The headline figures of one assessment (one row of the comparison table)."""
    d = a.deterrence
    trig = [t for t in a.triggers if t.status == "triggered"]
    return {
        "id": a.arrangement.id,
        "name": a.arrangement.name,
        "triggered": len(trig),
        "guarantors": len(d.guarantors),
        "defence_guarantors": sum(1 for g in d.guarantors if g.response_strength >= 3),
        "max_response": d.max_response,
        "expected_response": d.expected_response,
        "p05": d.quantiles["p05"],
        "p50": d.quantiles["p50"],
        "p95": d.quantiles["p95"],
        "attacker_capability": d.attacker_capability,
        "p_outweighs": d.p_outweighs,
        "p_outweighs_with_target": d.p_outweighs_with_target,
        "p_any_honours": d.p_any_honours,
        "expected_strength": d.expected_strength,
        "mean_credibility": (sum(g.probability for g in d.guarantors) / len(d.guarantors))
        if d.guarantors
        else None,
    }


def compare_arrangements(
    arrangements: list[str | Arrangement] | tuple[str, ...] | None = None,
    event: Event | dict[str, Any] | None = None,
    **kwargs: Any,
) -> Comparison:
    """Assess each arrangement with the same event, seed and settings; rank and explain.

    ``arrangements`` default to the bundled case's (:func:`guarantee_case`).

    Ranked by the probability that the response outweighs the attacker, then by the
    expected response, then by the expected response strength (so a consultation ranks
    above nothing).  Keyword arguments go to :func:`assess_guarantees`.
    """
    if arrangements is None:
        arrangements = guarantee_case().arrangements
    if not arrangements:
        raise InputError("<arrangements>", "give at least one arrangement to compare")
    ev = _event(event)
    results = [assess_guarantees(a, ev, **kwargs) for a in arrangements]
    order = sorted(
        range(len(results)),
        key=lambda k: (
            -results[k].deterrence.p_outweighs,
            -results[k].deterrence.expected_response,
            -results[k].deterrence.expected_strength,
            k,
        ),
    )
    ranking = [results[k].arrangement.id for k in order]
    return Comparison(ev, results, ranking, explain(results, order))


def _money(x: float, measure: str) -> str:
    return f"US${x:,.0f}bn" if measure == "milex" else f"CINC {x:.4f}"


def explain(results: list[Assessment], order: list[int]) -> list[str]:
    """Plain-language sentences: what each arrangement does, and why the ranking is so."""
    out = []
    for a in results:
        d = a.deterrence
        name = a.arrangement.name
        trig = [t for t in a.triggers if t.status == "triggered"]
        breached = [t for t in a.triggers if t.status == "breached"]
        unit = d.measure
        if not d.guarantors:
            why = _why_nothing(a)
            text = f"{name}: nothing is owed to {a.event.target} for this attack{why}."
            if breached:
                text += " " + "; ".join(sorted({t.reason for t in breached})) + "."
            out.append(text)
            continue
        defence = [g for g in d.guarantors if g.response_strength >= 3]
        help_ = [g for g in d.guarantors if 0 < g.response_strength < 3]
        best = max(d.guarantors, key=lambda g: g.probability * max(g.contribution, 1e-9))
        parts = [f"{name}: {len(trig)} obligation(s) trigger"]
        if defence:
            names = ", ".join(g.guarantor for g in defence[:5]) + (", ..." if len(defence) > 5 else "")
            parts.append(f"{len(defence)} guarantor(s) owe armed defence ({names})")
        if help_:
            parts.append(f"{len(help_)} owe consultation or aid, not defence")
        s = "; ".join(parts) + ". "
        if d.max_response == 0:
            who = ", ".join(f"{g.guarantor} (p = {g.probability:.2f})" for g in d.guarantors[:5])
            s += f"They would consult - {who} - but no forces or aid are promised, so nothing responds."
            if breached:
                s += " " + "; ".join(sorted({t.reason for t in breached})) + "."
            out.append(s)
            continue
        s += (
            f"If every guarantor honoured, {_money(d.max_response, unit)} would respond against "
            f"the attacker's {_money(d.attacker_capability or 0.0, unit)}; "
            f"the model expects {_money(d.expected_response, unit)} "
            f"(the weightiest guarantor, {best.guarantor}, honours with p = {best.probability:.2f}), "
            f"and the response outweighs the attacker in {d.p_outweighs:.0%} of draws."
        )
        if d.max_response <= (d.attacker_capability or 0.0):
            s += (
                " Even full honouring could not outweigh the attacker: this is a promise of help, "
                "not of defeating the attack."
            )
        if breached:
            s += " " + "; ".join(sorted({t.reason for t in breached})) + "."
        out.append(s)
    for hi, lo in itertools.pairwise(order):
        out.append(_pairwise(results[hi], results[lo]))
    return out


def _top(a: Assessment) -> Any:
    d = a.deterrence
    if not d.guarantors:
        return None
    return max(d.guarantors, key=lambda g: (g.contribution, g.probability))


def _pairwise(hi: Assessment, lo: Assessment) -> str:
    """Why ``hi`` ranks above ``lo``, from the figures that differ most."""
    dh, dl = hi.deterrence, lo.deterrence
    unit = dh.measure
    nh = sum(1 for g in dh.guarantors if g.response_strength >= 3)
    nl = sum(1 for g in dl.guarantors if g.response_strength >= 3)
    tie = dh.p_outweighs == dl.p_outweighs and dh.expected_response == dl.expected_response
    text = (
        f"{hi.arrangement.name} {'ties with' if tie else 'ranks above'} {lo.arrangement.name} "
        f"(P(response > attacker) {dh.p_outweighs:.1%} vs {dl.p_outweighs:.1%}; "
        f"expected response {_money(dh.expected_response, unit)} vs {_money(dl.expected_response, unit)})"
    )
    reasons = []
    if nh != nl:
        reasons.append(f"{nh} vs {nl} guarantor(s) owe armed defence")
    if abs(dh.max_response - dl.max_response) > 1e-9:
        reasons.append(
            f"full honouring would bring {_money(dh.max_response, unit)} vs {_money(dl.max_response, unit)}"
        )
    th, tl = _top(hi), _top(lo)
    if th is not None and tl is not None and th.guarantor == tl.guarantor:
        ch = next(
            c
            for c in hi.credibility
            if (c.guarantor, c.instrument, c.obligation) == (th.guarantor, th.instrument, th.obligation)
        )
        cl = next(
            c
            for c in lo.credibility
            if (c.guarantor, c.instrument, c.obligation) == (tl.guarantor, tl.instrument, tl.obligation)
        )
        diffs = []
        lo_f = {f.name: f for f in cl.factors}
        for f in ch.factors:
            g = lo_f.get(f.name)
            a = f.log_odds if f.applied else 0.0
            b = (g.log_odds if g.applied else 0.0) if g else 0.0
            if abs(a - b) > 1e-6:
                diffs.append(
                    (abs(a - b), f"{f.name} {f.value} vs {g.value if g else '-'} ({a - b:+.2f} log-odds)")
                )
        if ch.base.rate != cl.base.rate:
            diffs.append((1.0, f"base rate {ch.base.rate:.2f} ({ch.base.label}) vs {cl.base.rate:.2f}"))
        if abs(th.probability - tl.probability) > 1e-9:
            why = "; ".join(d for _, d in sorted(diffs, reverse=True)[:3])
            reasons.append(
                f"{th.guarantor}'s promise is honoured with p = {th.probability:.2f} vs {tl.probability:.2f}"
                + (f" ({why})" if why else "")
            )
    elif th is not None and tl is None:
        reasons.append(f"{lo.arrangement.name} gives the target nothing for this attack")
    return text + (": " + "; ".join(reasons) if reasons else "") + "."


def _why_nothing(a: Assessment) -> str:
    owed = [t for t in a.triggers if t.beneficiary == a.event.target and t.status != "triggered"]
    if not a.triggers:
        return " (the arrangement holds no obligations)"
    if not owed:
        return f" ({a.event.target} is not a beneficiary)"
    reasons = sorted({t.reason for t in owed if t.status != "breached"})
    return " - " + "; ".join(reasons[:4]) if reasons else ""
