"""The guarantee commands' options, made from typed groups, keep the order --help has
always listed them in (the order before the groups, recorded here)."""

from __future__ import annotations

import pytest
import typer

ATTACK = [
    "--event",
    "--attacker",
    "--target",
    "--kind",
    "--date",
    "--scale",
    "--ceasefire-side",
    "--ceasefire",
]
CREDIBILITY = [
    "--era",
    "--salience",
    "--troops",
    "--capability-change",
    "--institution-change",
    "--bindingness",
    "--logit-terms",
    "--no-logit",
    "--measure",
    "--weight",
    "--original-target",
]
DRAWS = ["--draws", "--seed", "--rho"]
TAIL = ["--treaties", "--replace", "--scenario"]
TIME = ["--format", "--as-of", "--known-by"]
EVENT = [
    "--attacker",
    "--target",
    "--kind",
    "--date",
    "--scale",
    "--area",
    "--inside-area",
    "--ceasefire-side",
    "--provoked",
    "--ceasefire",
    "--requested",
    "--deliberate",
    "--sustained",
    "--co-attacker",
    "--conflict",
]

ORDER = {
    "assess": ["arrangement", *ATTACK, *CREDIBILITY, *DRAWS, "--model", *TAIL, "--value", *TIME],
    "compare": [
        "arrangements",
        *[o for o in ATTACK if o not in ("--kind", "--scale")],
        *CREDIBILITY,
        *DRAWS,
        *TAIL,
        *TIME,
    ],
    "check": ["--instruments", "file", *EVENT, "--assume-in-force", "--all", *TAIL, *TIME],
    "list": ["--format", "--treaties", "--replace", "--as-of"],
    "show": ["ident", "--format", "--treaties", "--replace"],
}


@pytest.mark.parametrize("name", sorted(ORDER))
def test_options_keep_their_order(name):
    from negotia.cli.guarantees import app

    command = typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]
    got = [p.opts[0] if p.param_type_name == "option" else p.name for p in command.params]
    assert got == ORDER[name]
