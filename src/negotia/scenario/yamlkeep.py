"""Writing a scenario as YAML over the text of the YAML file it came from, so that the
file's comments, key order and quoting survive a ``convert`` (ruamel.yaml round trip).

The new text is the old document with its values replaced by the scenario's: keys the
scenario no longer has are removed, new ones are added at the end of their mapping,
equal values are left as written.  The result is read back and must give the same
scenario as the plain writer's text; if it does not (an anchor shared by two places
that now differ, say), the caller falls back to the plain writer, which has no comments.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from negotia.scenario import yamljson
from negotia.scenario.schema import Scenario
from negotia.scenario.validation import scenario_from_data


def dump_yaml_keeping(scenario: Scenario, original: str) -> str | None:
    """The scenario as YAML laid over ``original`` (a YAML text), or None when the
    comments cannot be kept honestly (see the module docstring)."""
    try:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    from ruamel.yaml.util import load_yaml_guess_indent

    yaml = YAML(typ="rt")
    yaml.width = 100
    yaml.preserve_quotes = True
    try:
        _, indent, dash = load_yaml_guess_indent(original)
        doc = yaml.load(original)
    except (YAMLError, ValueError, RecursionError):
        return None
    # The input's own indentation of lists ("  - " or "- "), so the text looks the same.
    yaml.indent(mapping=dash or 2, sequence=indent or 2, offset=dash or 0)
    new = yamljson.scenario_to_data(scenario)
    if not _is_map(doc):
        return None
    doc = _merge(doc, new)
    out = io.StringIO()
    yaml.dump(doc, out)
    text = out.getvalue()
    try:
        data, line_of = yamljson.parse_yaml(text, "<converted>")
        again = scenario_from_data(data, "<converted>", line_of.get)
    except Exception:  # any failure means: do not use this text
        return None
    return text if again == scenario else None


def _is_map(x: Any) -> bool:
    from ruamel.yaml.comments import CommentedMap

    return isinstance(x, CommentedMap)


def _merge(old: Any, new: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(new, dict) and isinstance(old, CommentedMap):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _merge(old[key], value) if key in old else value
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        keep = min(len(old), len(new))
        for k in range(keep):
            old[k] = _merge(old[k], new[k])
        del old[keep:]
        old.extend(new[keep:])
        return old
    return old if _same(old, new) else new


def _same(old: Any, new: Any) -> bool:
    """Equal as written: the old scalar stays (with its quotes and number format)."""
    if isinstance(old, dt.date) and isinstance(new, str):
        return old.isoformat() == new
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool) and old == new
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old) == float(new)
    if isinstance(old, str) and isinstance(new, str):
        return old == new
    return old is None and new is None
