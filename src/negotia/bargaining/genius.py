r"""Reading and writing GENIUS and GeniusWeb negotiation domains and profiles.

The automated negotiating agents competitions (ANAC) publish their domains in two
formats; negotia reads and writes both directly (no dependency on NegMAS, whose
licence is AGPL):

* **GENIUS XML** (Lin et al. 2014, *Computational Intelligence* 30(1): 48-70): a domain
  file ``<negotiation_template><utility_space><objective><issue etype="discrete">``
  listing each issue's ``<item value=...>``, and one profile per party
  (``<utility_space>``) with a ``<weight index= value=>`` per issue, an
  ``evaluation`` per item and an optional ``<reservation value=>``.  A party's utility
  of a package is :math:`\sum_i w_i\, e_i(v_i) / \max_v e_i(v)` -- each issue's
  evaluations are divided by the largest one of that issue (GENIUS's
  ``EvaluatorDiscrete``); weights that do not sum to 1 are divided by their sum.
* **GeniusWeb JSON** (the ``LinearAdditiveUtilitySpace`` profile): ``issueWeights``
  and, per issue, ``DiscreteValueSetUtilities.valueUtilities`` (already on 0-1),
  with the domain (``issuesValues``) embedded, and an optional ``reservationBid``.

Only discrete issues are supported; any other issue type is reported as an error
naming the file and the issue.
"""

from __future__ import annotations

import json
import math
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from negotia.bargaining.space import OutcomeSpace, categorical_options
from negotia.bargaining.utility import UtilityModel
from negotia.errors import InputError, Problem


@dataclass(frozen=True)
class Domain:
    """Issues and their values, in file order."""

    name: str
    issues: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def space(self) -> OutcomeSpace:
        return OutcomeSpace(tuple(categorical_options(n, n, list(v)) for n, v in self.issues))

    @property
    def issue_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.issues)


@dataclass(frozen=True)
class Profile:
    """A linear additive profile: issue weights (sum 1), value utilities (max 1 per issue)."""

    name: str
    weights: tuple[float, ...]
    utilities: tuple[tuple[float, ...], ...]
    reservation: float = 0.0
    #: The issue weights' sum as written in the file (``weights`` are divided by it).
    weight_sum: float = 1.0

    def note(self) -> str | None:
        """What negotia did with weights that do not sum to 1 (GENIUS uses them as written)."""
        if abs(self.weight_sum - 1.0) <= 1e-6:
            return None
        return (
            f"profile {self.name}: issue weights sum to {self.weight_sum:.6g}, not 1; negotia "
            "divided them by their sum (GENIUS uses them as written and caps utility at 1)"
        )

    def tables(self) -> list[np.ndarray]:
        return [w * np.asarray(u, dtype=float) for w, u in zip(self.weights, self.utilities, strict=True)]


# -- reading -----------------------------------------------------------------------
def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        line = e.position[0] if e.position else 0
        raise InputError(str(path), Problem(f"line {line}", f"not well-formed XML: {e}")) from None
    except OSError as e:
        raise InputError(str(path), Problem("", e.strerror or str(e))) from None


def _finite(raw: object) -> float | None:
    """``raw`` as a finite float, or None (a missing, non-numeric, nan or infinite value)."""
    if isinstance(raw, bool):
        return None
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _xml_issue_names(path: Path) -> set[str]:
    """The issue names a GENIUS XML file declares (empty if it cannot be read)."""
    try:
        return {i.get("name", "") for i in _parse_xml(path).findall(".//issue")}
    except InputError:
        return set()


def _issues_xml(root: ET.Element, path: Path) -> list[ET.Element]:
    issues = root.findall(".//issue")
    if not issues:
        raise InputError(str(path), Problem("", "no <issue> elements: not a GENIUS domain or profile"))
    return issues


def read_genius_domain(path: str | os.PathLike[str]) -> Domain:
    """Read a GENIUS XML domain file."""
    path = Path(path)
    root = _parse_xml(path)
    problems, issues = [], []
    for k, issue in enumerate(_issues_xml(root, path)):
        name = issue.get("name") or f"issue{k + 1}"
        etype = (issue.get("etype") or issue.get("type") or "discrete").lower()
        if etype != "discrete":
            problems.append(Problem(f"issue {name!r}", f"type {etype!r} is not supported (only discrete)"))
            continue
        values = tuple(item.get("value", "") for item in issue.findall("item"))
        if not values:
            problems.append(Problem(f"issue {name!r}", "has no <item> values"))
        if len(set(values)) != len(values):
            problems.append(Problem(f"issue {name!r}", "repeats a value"))
        issues.append((name, values))
    if problems:
        raise InputError(str(path), problems)
    return Domain(path.stem.removesuffix("_domain"), tuple(issues))


def read_genius_profile(path: str | os.PathLike[str], domain: Domain) -> Profile:
    """Read a GENIUS XML profile of ``domain``."""
    path = Path(path)
    root = _parse_xml(path)
    problems: list[Problem] = []
    by_index: dict[str, str] = {}
    evals: dict[str, dict[str, float]] = {}
    for issue in _issues_xml(root, path):
        name = issue.get("name", "")
        by_index[issue.get("index", "")] = name
        ev = {}
        for item in issue.findall("item"):
            raw = item.get("evaluation")
            value = _finite(raw)
            if value is None:
                problems.append(
                    Problem(
                        f"issue {name!r}, item {item.get('value')!r}",
                        f"evaluation {raw!r} is not a finite number",
                    )
                )
            else:
                ev[item.get("value", "")] = value
        evals[name] = ev
    weights: dict[str, float] = {}
    # GENIUS ignores a weight on an objective (the root "objective" element shares the
    # numbering with the issues, usually index 0); only issue weights count.
    objectives = {o.get("index", "") for o in root.iter("objective")} - set(by_index)
    for w in root.findall(".//weight"):
        if w.get("index", "") in objectives:
            continue
        name = by_index.get(w.get("index", ""))
        value = _finite(w.get("value", ""))
        if value is None:
            problems.append(
                Problem(f"weight index {w.get('index')}", f"value {w.get('value')!r} is not a finite number")
            )
            continue
        if name is None:
            problems.append(Problem(f"weight index {w.get('index')}", "names no issue of the profile"))
        elif value < 0:
            problems.append(Problem(f"weight of {name!r}", "must not be negative"))
        else:
            weights[name] = value
    res_el = root.find(".//reservation")
    reservation = 0.0
    if res_el is not None:
        value = _finite(res_el.get("value", "0"))
        if value is None:
            problems.append(Problem("reservation", f"value {res_el.get('value')!r} is not a finite number"))
        else:
            reservation = value
    table_w, table_u = [], []
    for name, values in domain.issues:
        if name not in evals:
            problems.append(Problem(f"issue {name!r}", "is in the domain but not in the profile"))
            continue
        missing = [v for v in values if v not in evals[name]]
        if missing:
            problems.append(Problem(f"issue {name!r}", f"no evaluation for {', '.join(map(repr, missing))}"))
            continue
        e = np.array([evals[name][v] for v in values])
        if (e < 0).any() or e.max() <= 0:
            problems.append(Problem(f"issue {name!r}", "evaluations must be >= 0 with a positive maximum"))
            continue
        table_u.append(tuple(float(x) for x in e / e.max()))
        table_w.append(weights.get(name, 0.0))
    if problems:
        raise InputError(str(path), problems)
    total = sum(table_w)
    if total <= 0:
        raise InputError(str(path), Problem("weight", "the issue weights sum to zero"))
    return Profile(path.stem, tuple(w / total for w in table_w), tuple(table_u), reservation, total)


def read_geniusweb_domain(path: str | os.PathLike[str]) -> Domain:
    """Read a GeniusWeb JSON domain (``{"name": ..., "issuesValues": {...}}``)."""
    path = Path(path)
    data = _load_json(path)
    if "LinearAdditiveUtilitySpace" in data:
        data = data["LinearAdditiveUtilitySpace"].get("domain", {})
    return _domain_from_json(data, str(path))


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(str(path), Problem(f"line {e.lineno}", f"not valid JSON: {e.msg}")) from None
    except OSError as e:
        raise InputError(str(path), Problem("", e.strerror or str(e))) from None
    if not isinstance(data, dict):
        raise InputError(str(path), Problem("", "expected a JSON object"))
    return data


def _domain_from_json(data: dict, source: str) -> Domain:
    iv = data.get("issuesValues")
    if not isinstance(iv, dict) or not iv:
        raise InputError(source, Problem("issuesValues", "missing or empty: not a GeniusWeb domain"))
    problems, issues = [], []
    for name, spec in iv.items():
        values = spec.get("values") if isinstance(spec, dict) else None
        if not isinstance(values, list) or not values:
            problems.append(
                Problem(f"issuesValues.{name}", "only discrete issues ({'values': [...]}) are supported")
            )
            continue
        issues.append((str(name), tuple(str(v) for v in values)))
    if problems:
        raise InputError(source, problems)
    return Domain(str(data.get("name", "domain")), tuple(issues))


def read_geniusweb_profile(path: str | os.PathLike[str], domain: Domain | None = None) -> Profile:
    """Read a GeniusWeb ``LinearAdditiveUtilitySpace`` JSON profile."""
    path = Path(path)
    data = _load_json(path)
    space = data.get("LinearAdditiveUtilitySpace")
    if not isinstance(space, dict):
        raise InputError(str(path), Problem("", "no LinearAdditiveUtilitySpace object"))
    domain = domain or _domain_from_json(space.get("domain", {}), str(path))
    weights = space.get("issueWeights") or {}
    utils = space.get("issueUtilities") or {}
    problems, table_w, table_u = [], [], []
    for name, values in domain.issues:
        spec = utils.get(name)
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
        w = weights.get(name)
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            problems.append(Problem(f"issueWeights.{name}", f"must be a number >= 0, got {w!r}"))
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
        try:
            opt = [domain.issues[k][1].index(str(chosen[n])) for k, (n, _) in enumerate(domain.issues)]
        except (KeyError, ValueError):
            raise InputError(str(path), Problem("reservationBid", "names a value the domain lacks")) from None
        res = sum(w * u[j] for w, u, j in zip(prof.weights, prof.utilities, opt, strict=True))
        prof = Profile(prof.name, prof.weights, prof.utilities, float(res), total)
    return prof


# -- writing -----------------------------------------------------------------------
def write_genius_domain(domain: Domain, path: str | os.PathLike[str]) -> None:
    """Write ``domain`` as a GENIUS XML domain file."""
    root = ET.Element("negotiation_template")
    us = ET.SubElement(root, "utility_space", number_of_issues=str(len(domain.issues)))
    obj = ET.SubElement(us, "objective", index="0", name="root", type="objective", etype="objective")
    for k, (name, values) in enumerate(domain.issues):
        iss = ET.SubElement(
            obj, "issue", index=str(k + 1), name=name, etype="discrete", type="discrete", vtype="discrete"
        )
        for j, v in enumerate(values):
            ET.SubElement(iss, "item", index=str(j + 1), value=v, cost="0", description=v)
    _write_xml(root, Path(path))


def write_genius_profile(domain: Domain, profile: Profile, path: str | os.PathLike[str]) -> None:
    """Write ``profile`` as a GENIUS XML profile (evaluations = utilities on 0-1)."""
    root = ET.Element("utility_space")
    ET.SubElement(root, "reservation", value=repr(float(profile.reservation)))
    obj = ET.SubElement(root, "objective", index="0", name="root", type="objective", etype="objective")
    for k, ((name, values), u) in enumerate(zip(domain.issues, profile.utilities, strict=True)):
        iss = ET.SubElement(
            obj, "issue", index=str(k + 1), name=name, etype="discrete", type="discrete", vtype="discrete"
        )
        for j, (v, x) in enumerate(zip(values, u, strict=True)):
            ET.SubElement(iss, "item", index=str(j + 1), value=v, cost="0.0", evaluation=repr(float(x)))
    for k, w in enumerate(profile.weights):
        ET.SubElement(obj, "weight", index=str(k + 1), value=repr(float(w)))
    _write_xml(root, Path(path))


def _write_xml(root: ET.Element, path: Path) -> None:
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


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


# -- to and from the utility model -------------------------------------------------
def model_from_profiles(domain: Domain, profiles: list[Profile]) -> UtilityModel:
    """The :class:`UtilityModel` of GENIUS profiles (no red lines; reservation from the profiles).

    The reference outcome for concessions is, per issue, the option with the largest
    sum of the parties' utilities.
    """
    space = domain.space
    P = len(profiles)
    per_party = [p.tables() for p in profiles]
    tables = tuple(np.stack([per_party[p][k] for p in range(P)]) for k in range(len(domain.issues)))
    ref = np.stack([t[:, int(np.argmax(t.sum(axis=0)))] for t in tables], axis=1)
    names = tuple(p.name for p in profiles)
    if len(set(names)) != len(names):
        names = tuple(f"{n}#{k + 1}" for k, n in enumerate(names))
    return UtilityModel(
        space=space,
        parties=names,
        tables=tables,
        allowed=tuple(np.ones((P, o.size), dtype=bool) for o in space.issues),
        reservation=np.array([p.reservation for p in profiles], dtype=float),
        reference=ref,
        reference_values=np.full(len(domain.issues), np.nan),
        loss="table",
    )


def profiles_from_model(model: UtilityModel) -> tuple[Domain, list[Profile]]:
    """GENIUS domain and profiles of any :class:`UtilityModel` (red lines are not representable)."""
    domain = Domain(
        "negotia",
        tuple((o.id, tuple(o.labels)) for o in model.space.issues),
    )
    profiles = []
    for p, party in enumerate(model.parties):
        mins = np.array([t[p].min() for t in model.tables])
        span = np.array([t[p].max() - t[p].min() for t in model.tables])
        # Affine-normalise each issue to [0, 1] (GENIUS divides by the maximum only);
        # the sum of the minima is a constant that rescales the utility and reservation.
        scale = span.sum()
        weights = span / scale if scale > 0 else np.full(len(span), 1.0 / len(span))
        utils = tuple(
            tuple(float(x) for x in ((t[p] - m) / s if s > 0 else np.ones_like(t[p])))
            for t, m, s in zip(model.tables, mins, span, strict=True)
        )
        res = float(np.clip((model.reservation[p] - mins.sum()) / scale, 0.0, 1.0)) if scale > 0 else 0.0
        profiles.append(Profile(party, tuple(float(w) for w in weights), utils, res))
    return domain, profiles


# -- files beside each other -------------------------------------------------------
def is_genius_file(path: str) -> bool:
    """True for a GENIUS XML domain or a GeniusWeb JSON domain/profile."""
    p = Path(path)
    if not p.is_file():
        return False
    if p.suffix.lower() == ".xml":
        return True
    if p.suffix.lower() == ".json":
        head = p.read_text(encoding="utf-8", errors="replace")[:20000]
        return "issuesValues" in head and '"stances"' not in head
    return False


def load_model(path: str, parties: list[str] | tuple[str, ...] | None = None) -> tuple[UtilityModel, str]:
    """The utility model of a GENIUS domain file and the profiles in its folder.

    For ``X_domain.xml`` (or any GENIUS domain), every other ``.xml`` file of the folder
    whose issues are the domain's is read as a profile; for a GeniusWeb domain
    ``.json``, every ``LinearAdditiveUtilitySpace`` JSON file of the folder.  A
    GeniusWeb *profile* may also be given: its embedded domain is used.  ``parties``
    selects profiles by file stem (or profile name).
    """
    p = Path(path)
    profiles: list[Profile] = []
    broken: list[InputError] = []
    skipped: list[str] = []
    if p.suffix.lower() == ".xml":
        domain = read_genius_domain(p)
        if _parse_xml(p).tag != "negotiation_template":
            raise InputError(str(p), Problem("", "is a GENIUS profile; give the domain file"))
        for f in sorted(p.parent.glob("*.xml")):
            if f == p:
                continue
            try:
                if _parse_xml(f).tag == "negotiation_template":
                    continue
                profiles.append(read_genius_profile(f, domain))
            except InputError as e:
                # A profile of another domain in the same folder, or an unrelated broken file,
                # is passed over with a note; a broken profile of this domain is an error,
                # not a party silently left out.
                if _xml_issue_names(f) == {n for n, _ in domain.issues}:
                    broken.append(e)
                else:
                    skipped.append(f"{f.name}: {e.problems[0] if e.problems else e}")
    else:
        data = _load_json(p)
        domain = read_geniusweb_domain(p)
        files = sorted(p.parent.glob("*.json"))
        if "LinearAdditiveUtilitySpace" in data:
            files = [f for f in files if f != p] + [p]
        for f in files:
            data_f: object = None
            try:
                data_f = _load_json(f)
                if "LinearAdditiveUtilitySpace" in data_f:
                    profiles.append(read_geniusweb_profile(f, domain))
            except InputError as e:
                space = data_f.get("LinearAdditiveUtilitySpace") if isinstance(data_f, dict) else None
                named = space.get("domain", {}).get("name") if isinstance(space, dict) else None
                if isinstance(named, str) and named == domain.name:
                    broken.append(e)
                else:
                    skipped.append(f"{f.name}: {e.problems[0] if e.problems else e}")
    if broken:
        raise InputError(
            str(p),
            [
                Problem(f"{Path(e.source).name}: {q.where}".rstrip(": "), q.message)
                for e in broken
                for q in e.problems
            ],
        )
    if parties:
        wanted = {x.casefold() for x in parties}
        unknown = wanted - {pr.name.casefold() for pr in profiles}
        if unknown:
            raise InputError(
                str(p),
                Problem(
                    "",
                    f"no profile named {', '.join(sorted(unknown))} beside the domain; "
                    f"found: {', '.join(pr.name for pr in profiles) or 'none'}",
                ),
            )
        profiles = [pr for pr in profiles if pr.name.casefold() in wanted]
    if len(profiles) < 2:
        raise InputError(
            str(p),
            [
                Problem(
                    "", f"found {len(profiles)} profile(s) of this domain in its folder; bargaining needs two"
                ),
                *(Problem("", f"skipped {x}") for x in skipped),
            ],
        )
    model = model_from_profiles(domain, profiles)
    notes = [n for n in (pr.note() for pr in profiles) if n]
    notes += [f"skipped {x}" for x in skipped]
    return replace(model, notes=(*model.notes, *notes)), domain.name
