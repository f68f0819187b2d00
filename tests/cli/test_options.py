"""Typed option groups (negotia.cli.options): a toy command through typer's CliRunner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from negotia.cli.common import AS_OF_OPTION, KNOWN_BY_OPTION, handle_errors
from negotia.cli.options import ScenarioTime, group, option_groups

runner = CliRunner()


@dataclass(frozen=True)
class Draws:
    draws: Annotated[int, typer.Option("--draws", "-n", help="How many draws.")] = 100
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws.")] = 0
    label: Annotated[str | None, typer.Option("--label", help="A label.")] = None


def _app(command: object) -> typer.Typer:
    app = typer.Typer()
    app.command()(command)
    # a second command keeps typer from folding the only one into the app itself
    app.command("other")(lambda: None)
    return app


seen: list[object] = []


@handle_errors
@option_groups
def grouped(
    name: str = typer.Argument(..., help="A name."),
    mc: Draws = group(),
    loud: bool = typer.Option(False, "--loud", help="Shout."),
    time: ScenarioTime = group(),
) -> None:
    """A toy command."""
    seen[:] = [name, mc, loud, time]


@handle_errors
def by_hand(
    name: str = typer.Argument(..., help="A name."),
    draws: int = typer.Option(100, "--draws", "-n", help="How many draws."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws."),
    label: str | None = typer.Option(None, "--label", help="A label."),
    loud: bool = typer.Option(False, "--loud", help="Shout."),
    as_of: Date | None = AS_OF_OPTION,
    known_by: Date | None = KNOWN_BY_OPTION,
) -> None:
    """A toy command."""


def _help(command: object) -> str:
    result = runner.invoke(_app(command), ["grouped" if command is grouped else "by-hand", "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_command_gets_one_instance_per_group():
    result = runner.invoke(
        _app(grouped), ["grouped", "x", "-n", "7", "--label", "a", "--loud", "--as-of", "2025-01-02"]
    )
    assert result.exit_code == 0, result.output
    name, mc, loud, time = seen
    assert (name, mc, loud) == ("x", Draws(draws=7, seed=0, label="a"), True)
    assert isinstance(time, ScenarioTime) and str(time.as_of) == "2025-01-02" and time.known_by is None


def test_defaults_are_the_groups_own():
    assert runner.invoke(_app(grouped), ["grouped", "x"]).exit_code == 0
    assert seen[1] == Draws() and seen[3] == ScenarioTime()


def test_help_lists_the_fields_where_the_group_stands():
    # the same help, byte for byte, as the options written out by hand
    assert _help(grouped).replace("grouped", "by-hand") == _help(by_hand)
    lines = _help(grouped)
    order = [lines.index(opt) for opt in ("--draws", "--seed", "--label", "--loud", "--as-of", "--known-by")]
    assert order == sorted(order)


def test_a_groups_seed_is_still_checked_by_handle_errors():
    result = runner.invoke(_app(grouped), ["grouped", "x", "--seed", "-1"])
    assert result.exit_code == 2
    assert "--seed -1" in result.output


def test_only_offers_a_subset_and_replace_declares_a_field_anew():
    @option_groups
    def some(mc: Draws = group(only=("seed",), replace={"seed": typer.Argument(3, help="Seed.")})) -> None:
        seen[:] = [mc]

    assert runner.invoke(_app(some), ["some", "5"]).exit_code == 0
    assert seen == [Draws(seed=5)]
    result = runner.invoke(_app(some), ["some", "--draws", "5"])
    assert result.exit_code == 2 and "No such option" in result.output


def test_direct_calls_take_positional_and_keyword_arguments():
    @option_groups
    def direct(a: int, mc: Draws = group(), b: int = 0) -> tuple[int, Draws, int]:
        return a, mc, b

    assert direct(1, 2, 3, "l", b=4) == (1, Draws(2, 3, "l"), 4)
    assert direct(1, seed=9) == (1, Draws(seed=9), 0)


@dataclass(frozen=True)
class Plain:
    x: int = 0


def test_mistakes_are_refused_when_the_command_is_defined():
    with pytest.raises(TypeError, match="more than one parameter named seed"):

        @option_groups
        def clash(mc: Draws = group(), seed: int = 0) -> None: ...

    with pytest.raises(TypeError, match="no field 'sede'"):

        @option_groups
        def typo(mc: Draws = group(only=("sede",))) -> None: ...

    with pytest.raises(TypeError, match="needs a dataclass"):

        @option_groups
        def not_a_group(mc: int = group()) -> None: ...

    with pytest.raises(TypeError, match=r"Plain\.x is not Annotated"):

        @option_groups
        def undeclared(p: Plain = group()) -> None: ...


@dataclass(frozen=True)
class Named:
    name: Annotated[str, typer.Argument(help="A name.")]
    times: Annotated[int, typer.Option("--times", help="How often.")] = 1


def test_a_field_without_default_is_a_required_argument():
    @option_groups
    def hello(who: Named = group()) -> None:
        seen[:] = [who]

    assert runner.invoke(_app(hello), ["hello", "ann", "--times", "2"]).exit_code == 0
    assert seen == [Named("ann", 2)]
    result = runner.invoke(_app(hello), ["hello"])
    assert result.exit_code == 2 and "Missing argument" in result.output
