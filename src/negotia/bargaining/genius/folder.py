"""A domain file and the profiles beside it, as one utility model (and back)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from negotia.bargaining.genius.jsonfiles import load_json, read_geniusweb_domain, read_geniusweb_profile
from negotia.bargaining.genius.model import Domain, Profile
from negotia.bargaining.genius.numeric import Points
from negotia.bargaining.genius.xmlfiles import (
    parse_xml,
    read_genius_domain,
    read_genius_profile,
    xml_issue_names,
)
from negotia.bargaining.utility import UtilityModel
from negotia.errors import InputError, Problem


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


def load_model(
    path: str, parties: list[str] | tuple[str, ...] | None = None, points: Points = None
) -> tuple[UtilityModel, str]:
    """The utility model of a GENIUS domain file and the profiles in its folder.

    For ``X_domain.xml`` (or any GENIUS domain), every other ``.xml`` file of the folder
    whose issues are the domain's is read as a profile; for a GeniusWeb domain
    ``.json``, every ``LinearAdditiveUtilitySpace`` JSON file of the folder.  A
    GeniusWeb *profile* may also be given: its embedded domain is used.  ``parties``
    selects profiles by file stem (or profile name); ``points`` is the number of values an
    integer or real issue is read at (one number, or per issue name; default
    :data:`~negotia.bargaining.genius_numeric.DEFAULT_POINTS`), each such reading named in
    the model's notes.
    """
    p = Path(path)
    if p.suffix.lower() == ".xml":
        domain, profiles, broken, skipped = _xml_folder(p, points)
    else:
        domain, profiles, broken, skipped = _json_folder(p, points)
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
        profiles = _chosen(p, profiles, parties)
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
    notes = domain.notes() + [n for n in (pr.note() for pr in profiles) if n]
    notes += [f"skipped {x}" for x in skipped]
    return replace(model, notes=(*model.notes, *notes)), domain.name


#: What reading a domain's folder gives: the domain, its profiles, the errors of broken
#: profiles of this domain, and the files passed over (``name: why``).
_Folder = tuple[Domain, list[Profile], list[InputError], list[str]]


def _xml_folder(p: Path, points: Points) -> _Folder:
    """A GENIUS XML domain and every profile of it among the folder's other ``.xml`` files."""
    profiles: list[Profile] = []
    broken: list[InputError] = []
    skipped: list[str] = []
    domain = read_genius_domain(p, points)
    if parse_xml(p).tag != "negotiation_template":
        raise InputError(str(p), Problem("", "is a GENIUS profile; give the domain file"))
    for f in sorted(p.parent.glob("*.xml")):
        if f == p:
            continue
        try:
            if parse_xml(f).tag == "negotiation_template":
                continue
            profiles.append(read_genius_profile(f, domain))
        except InputError as e:
            # A profile of another domain in the same folder, or an unrelated broken file,
            # is passed over with a note; a broken profile of this domain is an error,
            # not a party silently left out.
            if xml_issue_names(f) == {n for n, _ in domain.issues}:
                broken.append(e)
            else:
                skipped.append(f"{f.name}: {e.problems[0] if e.problems else e}")
    return domain, profiles, broken, skipped


def _json_folder(p: Path, points: Points) -> _Folder:
    """A GeniusWeb domain (or a profile's embedded one) and every profile of it in the folder."""
    profiles: list[Profile] = []
    broken: list[InputError] = []
    skipped: list[str] = []
    data = load_json(p)
    domain = read_geniusweb_domain(p, points)
    files = sorted(p.parent.glob("*.json"))
    if "LinearAdditiveUtilitySpace" in data:
        files = [f for f in files if f != p] + [p]
    for f in files:
        data_f: object = None
        try:
            data_f = load_json(f)
            if "LinearAdditiveUtilitySpace" in data_f:
                profiles.append(read_geniusweb_profile(f, domain))
        except InputError as e:
            space = data_f.get("LinearAdditiveUtilitySpace") if isinstance(data_f, dict) else None
            named = space.get("domain", {}).get("name") if isinstance(space, dict) else None
            if isinstance(named, str) and named == domain.name:
                broken.append(e)
            else:
                skipped.append(f"{f.name}: {e.problems[0] if e.problems else e}")
    return domain, profiles, broken, skipped


def _chosen(p: Path, profiles: list[Profile], parties: list[str] | tuple[str, ...]) -> list[Profile]:
    """The profiles named in ``parties`` (case-insensitive); a name with no profile is an error."""
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
    return [pr for pr in profiles if pr.name.casefold() in wanted]
