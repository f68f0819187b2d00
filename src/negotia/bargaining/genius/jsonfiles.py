"""GeniusWeb JSON domains and profiles: reading and writing."""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from pathlib import Path

from negotia.bargaining.genius import numeric
from negotia.bargaining.genius.model import Domain, Profile
from negotia.bargaining.genius.numeric import Points
from negotia.bargaining.genius.numeric import finite as _finite
from negotia.errors import InputError, Problem


def read_geniusweb_domain(path: str | os.PathLike[str], points: Points = None) -> Domain:
    """Read a GeniusWeb JSON domain (``{"name": ..., "issuesValues": {...}}``)."""
    path = Path(path)
    data = load_json(path)
    if "LinearAdditiveUtilitySpace" in data:
        data = data["LinearAdditiveUtilitySpace"].get("domain", {})
    return _domain_from_json(data, str(path), points)


def load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(str(path), Problem(f"line {e.lineno}", f"not valid JSON: {e.msg}")) from None
    except OSError as e:
        raise InputError(str(path), Problem("", e.strerror or str(e))) from None
    if not isinstance(data, dict):
        raise InputError(str(path), Problem("", "expected a JSON object"))
    return data


def _domain_from_json(data: dict, source: str, points: Points = None) -> Domain:
    iv = data.get("issuesValues")
    if not isinstance(iv, dict) or not iv:
        raise InputError(source, Problem("issuesValues", "missing or empty: not a GeniusWeb domain"))
    problems: list[Problem] = []
    issues, nums = [], []
    for name, spec in iv.items():
        if isinstance(spec, dict) and "range" in spec:
            num, found = numeric.from_json(spec, str(name), numeric.points_for(points, str(name)))
            problems += found
            if num is not None:
                issues.append((str(name), num.labels))
                nums.append((str(name), num))
            continue
        values = spec.get("values") if isinstance(spec, dict) else None
        if not isinstance(values, list) or not values:
            problems.append(
                Problem(
                    f"issuesValues.{name}",
                    "expected a discrete issue {'values': [...]} or a number issue {'range': {...}}",
                )
            )
            continue
        issues.append((str(name), tuple(str(v) for v in values)))
    if problems:
        raise InputError(source, problems)
    return Domain(str(data.get("name", "domain")), tuple(issues), tuple(nums))


def read_geniusweb_profile(
    path: str | os.PathLike[str], domain: Domain | None = None, points: Points = None
) -> Profile:
    """Read a GeniusWeb ``LinearAdditiveUtilitySpace`` JSON profile."""
    path = Path(path)
    data = load_json(path)
    space = data.get("LinearAdditiveUtilitySpace")
    if not isinstance(space, dict):
        raise InputError(str(path), Problem("", "no LinearAdditiveUtilitySpace object"))
    domain = domain or _domain_from_json(space.get("domain", {}), str(path), points)
    weights = space.get("issueWeights") or {}
    utils = space.get("issueUtilities") or {}
    problems: list[Problem] = []
    table_w, table_u = [], []
    for name, values in domain.issues:
        spec = utils.get(name)
        w = weights.get(name)
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            problems.append(Problem(f"issueWeights.{name}", f"must be a number >= 0, got {w!r}"))
            continue
        num = domain.numeric_issue(name)
        if num is not None:
            un, found = numeric.evaluate_json(spec, num, name)
            problems += found
            if un is not None:
                table_w.append(float(w))
                table_u.append(tuple(float(x) for x in un))
            continue
        vu = None
        if isinstance(spec, dict):
            inner = spec.get("DiscreteValueSetUtilities") or spec.get("discreteutils")
            vu = inner.get("valueUtilities") if isinstance(inner, dict) else None
        if not isinstance(vu, dict):
            problems.append(Problem(f"issueUtilities.{name}", "missing discrete valueUtilities"))
            continue
        missing = [v for v in values if v not in vu]
        if missing:
            problems.append(
                Problem(f"issueUtilities.{name}", f"no utility for {', '.join(map(repr, missing))}")
            )
            continue
        parsed = [_finite(vu[v]) for v in values]
        if any(x is None for x in parsed):
            bad = [v for v, x in zip(values, parsed, strict=True) if x is None]
            problems.append(
                Problem(
                    f"issueUtilities.{name}", f"utility of {', '.join(map(repr, bad))} is not a finite number"
                )
            )
            continue
        u = [float(x) for x in parsed]  # type: ignore[arg-type]
        if min(u) < 0 or max(u) > 1:
            problems.append(Problem(f"issueUtilities.{name}", "value utilities must lie in [0, 1]"))
            continue
        table_w.append(float(w))
        table_u.append(tuple(u))
    if problems:
        raise InputError(str(path), problems)
    total = sum(table_w)
    if total <= 0:
        raise InputError(str(path), Problem("issueWeights", "sum to zero"))
    prof = Profile(
        str(space.get("name", path.stem)), tuple(w / total for w in table_w), tuple(table_u), 0.0, total
    )
    bid = space.get("reservationBid")
    if isinstance(bid, dict):
        chosen = bid.get("issuevalues", bid)
        res = sum(
            w * _bid_utility(domain, utils, name, values, u, chosen, str(path))
            for w, u, (name, values) in zip(prof.weights, prof.utilities, domain.issues, strict=True)
        )
        prof = Profile(prof.name, prof.weights, prof.utilities, float(res), total)
    return prof


def _bid_utility(
    domain: Domain,
    utils: dict,
    name: str,
    values: tuple[str, ...],
    u: tuple[float, ...],
    chosen: dict,
    src: str,
) -> float:
    """One issue's utility of the reservation bid's value (a number issue's value need not be a kept one)."""
    lacks = InputError(src, Problem(f"reservationBid.{name}", "names a value the domain lacks"))
    if name not in chosen:
        raise lacks
    num = domain.numeric_issue(name)
    if num is None:
        if str(chosen[name]) not in values:
            raise lacks
        return u[values.index(str(chosen[name]))]
    v = _finite(chosen[name])
    if v is None or not num.low <= v <= num.high:
        raise lacks
    at, _ = numeric.evaluate_json(utils.get(name), replace(num, values=(v,)), name)
    return float(at[0]) if at is not None else 0.0


def domain_json(domain: Domain) -> dict:
    return {"name": domain.name, "issuesValues": {n: {"values": list(v)} for n, v in domain.issues}}


def profile_json(domain: Domain, profile: Profile) -> dict:
    """A GeniusWeb ``LinearAdditiveUtilitySpace`` profile as a dict."""
    return {
        "LinearAdditiveUtilitySpace": {
            "issueUtilities": {
                n: {"DiscreteValueSetUtilities": {"valueUtilities": dict(zip(v, u, strict=True))}}
                for (n, v), u in zip(domain.issues, profile.utilities, strict=True)
            },
            "issueWeights": {n: w for (n, _), w in zip(domain.issues, profile.weights, strict=True)},
            "domain": domain_json(domain),
            "name": profile.name,
        }
    }


def write_geniusweb_profile(domain: Domain, profile: Profile, path: str | os.PathLike[str]) -> None:
    """Write ``profile`` as GeniusWeb JSON (the reservation value has no place there and is dropped)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(profile_json(domain, profile), indent=2) + "\n", encoding="utf-8")


def write_geniusweb_domain(domain: Domain, path: str | os.PathLike[str]) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(domain_json(domain), indent=2) + "\n", encoding="utf-8")
