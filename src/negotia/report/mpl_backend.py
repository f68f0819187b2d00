"""Draw a :class:`~negotia.report.chart.Chart` with matplotlib (PNG and SVG, no browser).

Figures are built on :class:`matplotlib.figure.Figure` with the Agg canvas directly,
so nothing touches pyplot's global state or needs a display.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from negotia.report.chart import Band, Bars, Chart, Interval, Line, Points, Rule, Segments

_MARKER = {"circle": "o", "diamond": "D", "square": "s", "x": "x", "star": "*", "triangle": "^"}
_DASH = {"solid": "-", "dash": "--", "dot": ":"}


def _label(name: str, legend: bool) -> str:
    # Matplotlib leaves names starting with an underscore out of the legend.
    return name if legend else "_" + name


def _draw_points(ax: Any, p: Points) -> None:
    # Plotly sizes are diameters in px; matplotlib's ``s`` is an area in pt^2.
    sizes = [d * d * 0.6 for d in p.size] if p.size else 40
    ax.scatter(
        p.x,
        p.y,
        s=sizes,
        c=p.color,
        marker=_MARKER[p.symbol],
        alpha=p.opacity,
        edgecolors="#333333" if p.symbol not in ("x",) else None,
        linewidths=0.5,
        label=_label(p.name, p.legend),
        zorder=3,
    )
    for x, y, t in zip(p.x, p.y, p.text or (), strict=False):
        ax.annotate(t, (x, y), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=7)


def _draw_bars(ax: Any, b: Bars) -> None:
    kw: dict[str, Any] = {"color": b.color, "label": _label(b.name, b.legend)}
    if b.base is not None:
        kw["left" if b.horizontal else "bottom"] = b.base
    if b.error is not None:
        kw["xerr" if b.horizontal else "yerr"] = b.error
    if b.horizontal:
        ax.barh(list(b.x), b.y, height=b.width or 0.8, **kw)
    else:
        numeric = all(isinstance(v, int | float) for v in b.x)
        ax.bar(list(b.x), b.y, width=b.width if b.width is not None else (0.8 if not numeric else 1.0), **kw)


def _draw(ax: Any, layer: Any) -> None:
    from matplotlib.collections import LineCollection

    if isinstance(layer, Points):
        _draw_points(ax, layer)
    elif isinstance(layer, Line):
        ax.plot(
            layer.x,
            layer.y,
            _DASH[layer.dash],
            color=layer.color,
            lw=layer.width * 0.8,
            marker="o" if layer.markers else None,
            ms=3,
            label=_label(layer.name, layer.legend),
        )
    elif isinstance(layer, Band):
        span = ax.axvspan if layer.axis == "x" else ax.axhspan
        span(
            layer.lo,
            layer.hi,
            color=layer.color,
            alpha=layer.opacity,
            lw=0,
            label=_label(layer.name, layer.legend),
        )
    elif isinstance(layer, Rule):
        rule = ax.axvline if layer.axis == "x" else ax.axhline
        rule(
            layer.value,
            color=layer.color,
            ls=_DASH[layer.dash],
            lw=1.2,
            label=_label(layer.name, layer.legend),
        )
    elif isinstance(layer, Bars):
        _draw_bars(ax, layer)
    elif isinstance(layer, Interval):
        lo = [m - v for m, v in zip(layer.mid, layer.lo, strict=True)]
        hi = [v - m for m, v in zip(layer.mid, layer.hi, strict=True)]
        ax.errorbar(
            layer.mid,
            layer.y,
            xerr=[lo, hi],
            fmt=_MARKER[layer.symbol],
            color=layer.color,
            capsize=3,
            label=_label(layer.name, layer.legend),
            zorder=4,
        )
    elif isinstance(layer, Segments):
        segs = [((a, b), (c, d)) for a, b, c, d in zip(layer.x0, layer.y0, layer.x1, layer.y1, strict=True)]
        ax.add_collection(LineCollection(segs, linewidths=layer.width, colors=layer.color, label=layer.name))


def to_matplotlib(chart: Chart) -> Any:
    """The chart as a ``matplotlib.figure.Figure`` (Agg canvas attached)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, max(3.0, chart.height / 100)), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for layer in chart.layers:
        _draw(ax, layer)
    ax.set_title(chart.title, loc="left", fontsize=11)
    ax.set_xlabel(chart.x_title)
    ax.set_ylabel(chart.y_title)
    if chart.x_range:
        ax.set_xlim(*chart.x_range)
    if chart.y_range:
        ax.set_ylim(*chart.y_range)
    if chart.x_ticks:
        ax.set_xticks(list(chart.x_ticks[0]), list(chart.x_ticks[1]))
    if chart.y_ticks:
        ax.set_yticks(list(chart.y_ticks[0]), list(chart.y_ticks[1]))
    if chart.hide_y:
        ax.set_yticks([])
    if chart.equal_axes:
        ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.grid(alpha=0.3)
    handles, _labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, frameon=False)
    fig.tight_layout()
    return fig


def write_static(chart: Chart, folder: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write the chart as ``folder/<id>.png`` and ``.svg``; returns the files written."""
    import matplotlib

    folder.mkdir(parents=True, exist_ok=True)
    fig = to_matplotlib(chart)
    out = []
    # No date and a fixed salt for SVG element ids keep the files byte-identical between runs.
    with matplotlib.rc_context({"svg.hashsalt": "negotia"}):
        for fmt in formats:
            path = folder / f"{chart.id}.{fmt}"
            metadata = {"Date": None} if fmt == "svg" else None
            fig.savefig(path, format=fmt, dpi=110, metadata=metadata)
            out.append(path)
    return out
