"""A chart as plain data, drawn by two backends: plotly (HTML) and matplotlib (PNG/SVG).

Every figure of the report is built once, as a :class:`Chart` of a few kinds of
layers, from typed results; :mod:`negotia.report.plotly_backend` and
:mod:`negotia.report.mpl_backend` draw the same chart, so the interactive page and the
static images cannot disagree.  Layers hold tuples of plain floats and strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: The colours of series (after Okabe & Ito 2008, colour-blind safe; their yellow, faint on
#: white, is replaced by a wine red, and black is kept for the one series a chart stresses).
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#882255",
)
GREY = "#9a9a9a"
RED = "#d62728"


def colour(k: int) -> str:
    """The ``k``-th colour of the palette (cycling)."""
    return PALETTE[k % len(PALETTE)]


@dataclass(frozen=True)
class Points:
    """Markers, optionally sized and labelled."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    name: str
    color: str = PALETTE[0]
    size: tuple[float, ...] | None = None  # marker diameters in points
    text: tuple[str, ...] | None = None  # labels drawn beside the markers
    hover: tuple[str, ...] | None = None
    symbol: Literal["circle", "diamond", "square", "x", "star", "triangle"] = "circle"
    opacity: float = 1.0
    legend: bool = True


@dataclass(frozen=True)
class Line:
    """A polyline."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    name: str
    color: str = PALETTE[0]
    dash: Literal["solid", "dash", "dot"] = "solid"
    width: float = 2.0
    markers: bool = False
    legend: bool = True
    hover: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Band:
    """A shaded stripe across the plot: ``lo``..``hi`` on the ``axis``."""

    axis: Literal["x", "y"]
    lo: float
    hi: float
    name: str
    color: str = RED
    opacity: float = 0.15
    legend: bool = True


@dataclass(frozen=True)
class Rule:
    """A straight line across the plot at ``value`` on the ``axis``."""

    axis: Literal["x", "y"]
    value: float
    name: str
    color: str = "#444444"
    dash: Literal["solid", "dash", "dot"] = "dash"
    legend: bool = True


@dataclass(frozen=True)
class Bars:
    """Bars at categorical or numeric positions; ``base`` lets a bar start off zero."""

    x: tuple[float | str, ...]
    y: tuple[float, ...]
    name: str
    color: str = PALETTE[0]
    horizontal: bool = False  # then ``x`` are the categories on the vertical axis
    base: tuple[float, ...] | None = None
    width: float | None = None
    error: tuple[float, ...] | None = None
    legend: bool = True


@dataclass(frozen=True)
class Interval:
    """Horizontal intervals ``lo``..``hi`` with a marker at ``mid``, one per ``y``."""

    y: tuple[float, ...]
    mid: tuple[float, ...]
    lo: tuple[float, ...]
    hi: tuple[float, ...]
    name: str
    color: str = PALETTE[0]
    symbol: Literal["circle", "diamond", "square", "x", "star", "triangle"] = "diamond"
    legend: bool = True


@dataclass(frozen=True)
class Segments:
    """Straight segments (the edges of a network), each with its width and hover text."""

    x0: tuple[float, ...]
    y0: tuple[float, ...]
    x1: tuple[float, ...]
    y1: tuple[float, ...]
    width: tuple[float, ...]
    name: str
    color: str = GREY
    hover: tuple[str, ...] | None = None


Layer = Points | Line | Band | Rule | Bars | Interval | Segments


@dataclass(frozen=True)
class Chart:
    """One figure: its id (a file name), title, axes and layers, drawn in order."""

    id: str
    title: str
    layers: tuple[Layer, ...]
    x_title: str = ""
    y_title: str = ""
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    x_ticks: tuple[tuple[float, ...], tuple[str, ...]] | None = None
    y_ticks: tuple[tuple[float, ...], tuple[str, ...]] | None = None
    height: int = 420
    caption: str = ""
    barmode: Literal["group", "overlay", "stack"] = "group"
    equal_axes: bool = False
    hide_y: bool = False
    notes: tuple[str, ...] = field(default=())
