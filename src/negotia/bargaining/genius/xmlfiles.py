"""GENIUS XML domains and profiles: reading and writing."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from negotia.bargaining.genius import numeric
from negotia.bargaining.genius.model import Domain, Profile
from negotia.bargaining.genius.numeric import Points
from negotia.bargaining.genius.numeric import finite as _finite
from negotia.errors import InputError, Problem


def parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        line = e.position[0] if e.position else 0
        raise InputError(str(path), Problem(f"line {line}", f"not well-formed XML: {e}")) from None
    except OSError as e:
        raise InputError(str(path), Problem("", e.strerror or str(e))) from None


def xml_issue_names(path: Path) -> set[str]:
    """The issue names a GENIUS XML file declares (empty if it cannot be read)."""
    try:
        return {i.get("name", "") for i in parse_xml(path).findall(".//issue")}
    except InputError:
        return set()


def _issues_xml(root: ET.Element, path: Path) -> list[ET.Element]:
    issues = root.findall(".//issue")
    if not issues:
        raise InputError(str(path), Problem("", "no <issue> elements: not a GENIUS domain or profile"))
    return issues


def read_genius_domain(path: str | os.PathLike[str], points: Points = None) -> Domain:
    """Read a GENIUS XML domain file; integer and real issues are read at ``points`` values."""
    path = Path(path)
    root = parse_xml(path)
    problems: list[Problem] = []
    issues, nums = [], []
    for k, issue in enumerate(_issues_xml(root, path)):
        name = issue.get("name") or f"issue{k + 1}"
        etype = (issue.get("etype") or issue.get("type") or "discrete").lower()
        if etype in ("integer", "real"):
            num, found = numeric.from_xml(issue, etype, name, numeric.points_for(points, name))
            problems += found
            if num is not None:
                issues.append((name, num.labels))
                nums.append((name, num))
            continue
        if etype != "discrete":
            problems.append(
                Problem(f"issue {name!r}", f"type {etype!r} is not supported (discrete, integer, real)")
            )
            continue
        values = tuple(item.get("value", "") for item in issue.findall("item"))
        if not values:
            problems.append(Problem(f"issue {name!r}", "has no <item> values"))
        if len(set(values)) != len(values):
            problems.append(Problem(f"issue {name!r}", "repeats a value"))
        issues.append((name, values))
    if problems:
        raise InputError(str(path), problems)
    return Domain(path.stem.removesuffix("_domain"), tuple(issues), tuple(nums))


def read_genius_profile(path: str | os.PathLike[str], domain: Domain) -> Profile:
    """Read a GENIUS XML profile of ``domain``."""
    path = Path(path)
    root = parse_xml(path)
    problems: list[Problem] = []
    by_index, evals, elements = _evaluations(root, path, domain, problems)
    weights = _weights(root, by_index, problems)
    reservation = _reservation(root, problems)
    table_w, table_u = _tables(domain, evals, elements, weights, problems)
    if problems:
        raise InputError(str(path), problems)
    total = sum(table_w)
    if total <= 0:
        raise InputError(str(path), Problem("weight", "the issue weights sum to zero"))
    return Profile(path.stem, tuple(w / total for w in table_w), tuple(table_u), reservation, total)


def _evaluations(
    root: ET.Element, path: Path, domain: Domain, problems: list[Problem]
) -> tuple[dict[str, str], dict[str, dict[str, float]], dict[str, ET.Element]]:
    """The profile's issues: name by index, each discrete issue's evaluations, each element."""
    by_index: dict[str, str] = {}
    evals: dict[str, dict[str, float]] = {}
    elements: dict[str, ET.Element] = {}
    for issue in _issues_xml(root, path):
        name = issue.get("name", "")
        by_index[issue.get("index", "")] = name
        elements[name] = issue
        if domain.numeric_issue(name) is not None:
            continue
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
    return by_index, evals, elements


def _weights(root: ET.Element, by_index: dict[str, str], problems: list[Problem]) -> dict[str, float]:
    """The issue weights as written, by issue name."""
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
    return weights


def _reservation(root: ET.Element, problems: list[Problem]) -> float:
    """The profile's reservation value (0 when it gives none)."""
    res_el = root.find(".//reservation")
    if res_el is None:
        return 0.0
    value = _finite(res_el.get("value", "0"))
    if value is None:
        problems.append(Problem("reservation", f"value {res_el.get('value')!r} is not a finite number"))
        return 0.0
    return value


def _tables(
    domain: Domain,
    evals: dict[str, dict[str, float]],
    elements: dict[str, ET.Element],
    weights: dict[str, float],
    problems: list[Problem],
) -> tuple[list[float], list[tuple[float, ...]]]:
    """Per issue of the domain, in its order: the weight and the utilities of its values (max 1)."""
    table_w, table_u = [], []
    for name, values in domain.issues:
        num = domain.numeric_issue(name)
        if num is not None and name in elements:
            u, found = numeric.evaluate_xml(elements[name], num, name)
            problems += found
            if u is not None:
                table_u.append(tuple(float(x) for x in u))
                table_w.append(weights.get(name, 0.0))
            continue
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
    return table_w, table_u


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
