"""Typed option groups: options that several commands share, declared once.

A group is a frozen dataclass whose fields are declared the way typer reads a
command's parameters, ``Annotated[type, typer.Option(...)]`` with the default after
``=``. A command takes a group as one parameter whose default is :func:`group`::

    @dataclass(frozen=True)
    class Draws:
        draws: Annotated[int, typer.Option("--draws", "-n", help="Monte Carlo draws.")] = 20_000
        seed: Annotated[int, typer.Option("--seed", help="Seed of the draws.")] = 0

    @handle_errors
    @option_groups
    def simulate(name: str = typer.Argument(...), mc: Draws = group()) -> None:
        run(name, mc.draws, seed=mc.seed)

:func:`option_groups` gives typer a signature in which each group parameter is
replaced, where it stands, by its fields (same names, types, defaults and help as if
written out by hand), so ``--help`` lists them in that place; on each call it gathers
their values into one instance per group. ``group(only=...)`` offers a subset of the
fields (the others keep their defaults); ``group(replace=...)`` declares a field
another way for one command (e.g. an argument where the group has an option).

:func:`option_groups` goes *under* :func:`negotia.cli.common.handle_errors`, which
then still sees every option by its name (it checks ``seed``).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Annotated, Any, TypeVar

from typer.models import ParameterInfo

from negotia.cli.common import AS_OF_OPTION, KNOWN_BY_OPTION

__all__ = ["ScenarioTime", "annotated", "group", "option_groups"]

F = TypeVar("F", bound=Callable[..., Any])


def annotated(info: ParameterInfo) -> ParameterInfo:
    """A ready-made ``typer.Option(default, "--name", ...)`` for use in ``Annotated[...]``,
    where typer takes the default from after ``=`` instead."""
    out = copy.copy(info)
    out.default = ...
    return out


@dataclass(frozen=True)
class _Group:
    """The default of a command's group parameter: which fields, declared how."""

    only: tuple[str, ...] | None
    replace: Mapping[str, ParameterInfo]


def group(*, only: Sequence[str] | None = None, replace: Mapping[str, ParameterInfo] | None = None) -> Any:
    """Mark a command's parameter, annotated with a group's class, as that group's options.

    ``only``: the fields offered (listed in the group's order whatever the order here);
    ``replace``: another declaration for a field, default-style (``typer.Argument(None, ...)``).
    """
    return _Group(tuple(only) if only is not None else None, dict(replace or {}))


def _typer_info(annotation: Any) -> ParameterInfo | None:
    if typing.get_origin(annotation) is Annotated:
        return next((m for m in annotation.__metadata__ if isinstance(m, ParameterInfo)), None)
    return None


def _expand(name: str, cls: Any, spec: _Group) -> list[inspect.Parameter]:
    """The parameters a group stands for in a command's signature."""
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise TypeError(f"parameter {name!r}: group() needs a dataclass annotation, not {cls!r}")
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = [f for f in (*(spec.only or ()), *spec.replace) if f not in fields]
    if unknown:
        raise TypeError(f"parameter {name!r}: {cls.__name__} has no field {', '.join(map(repr, unknown))}")
    out = []
    for f in fields.values():
        if spec.only is not None and f.name not in spec.only:
            continue
        if _typer_info(hints[f.name]) is None:
            raise TypeError(f"{cls.__name__}.{f.name} is not Annotated with a typer.Option or typer.Argument")
        # A field without a default is a required parameter (typer: a required argument).
        required = f.default is dataclasses.MISSING
        annotation, default = hints[f.name], inspect.Parameter.empty if required else f.default
        if f.name in spec.replace:
            annotation, default = typing.get_args(annotation)[0], spec.replace[f.name]
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        out.append(inspect.Parameter(f.name, kind, default=default, annotation=annotation))
    return out


def option_groups(func: F) -> F:
    """Expand ``func``'s group parameters into typer's parameters, and back on each call."""
    hints = typing.get_type_hints(func, include_extras=True)
    params: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for p in inspect.signature(func).parameters.values():
        if isinstance(p.default, _Group):
            fields = _expand(p.name, hints[p.name], p.default)
            groups[p.name] = (hints[p.name], [f.name for f in fields])
            params.extend(fields)
        else:
            params.append(p.replace(annotation=hints.get(p.name, p.annotation)))
    names = [p.name for p in params]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise TypeError(f"{func.__name__}: more than one parameter named {', '.join(clash)}")
    returns = hints.get("return", inspect.Signature.empty)
    signature = inspect.Signature(params, return_annotation=returns)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = dict(signature.bind_partial(*args, **kwargs).arguments)
        for name, (cls, fields) in groups.items():
            values[name] = cls(**{f: values.pop(f) for f in fields if f in values})
        return func(**values)

    # typer reads the parameters from the signature and their types from the annotations.
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    if returns is not inspect.Signature.empty:
        wrapper.__annotations__["return"] = returns
    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class ScenarioTime:
    """The day a scenario is analysed on, and the knowledge cut-off of its revisions."""

    as_of: Annotated[Date | None, annotated(AS_OF_OPTION)] = None
    known_by: Annotated[Date | None, annotated(KNOWN_BY_OPTION)] = None
