"""Draw a :class:`~negotia.report.chart.Chart` with plotly (for the HTML report)."""

from __future__ import annotations

from typing import Any

from negotia.report.chart import Band, Bars, Chart, Interval, Layer, Line, Points, Rule, Segments

_SYMBOL = {
    "circle": "circle",
    "diamond": "diamond",
    "square": "square",
    "x": "x",
    "star": "star",
    "triangle": "triangle-up",
}


def _hover(h: tuple[str, ...] | None) -> dict[str, Any]:
    return {"hovertext": list(h), "hoverinfo": "text"} if h else {}


def _points(go: Any, p: Points) -> list[Any]:
    return [
        go.Scatter(
            x=list(p.x),
            y=list(p.y),
            name=p.name,
            mode="markers+text" if p.text else "markers",
            text=list(p.text) if p.text else None,
            textposition="top center",
            textfont={"size": 11},
            marker={
                "color": p.color,
                "size": list(p.size) if p.size else 9,
                "symbol": _SYMBOL[p.symbol],
                "opacity": p.opacity,
                "line": {"width": 0.5, "color": "#333333"},
            },
            showlegend=p.legend,
            **_hover(p.hover),
        )
    ]


def _line(go: Any, ln: Line) -> list[Any]:
    return [
        go.Scatter(
            x=list(ln.x),
            y=list(ln.y),
            name=ln.name,
            mode="lines+markers" if ln.markers else "lines",
            line={"color": ln.color, "dash": ln.dash, "width": ln.width},
            showlegend=ln.legend,
            **_hover(ln.hover),
        )
    ]


def _bars(go: Any, b: Bars) -> list[Any]:
    kw: dict[str, Any] = {"name": b.name, "marker": {"color": b.color}, "showlegend": b.legend}
    if b.base is not None:
        kw["base"] = list(b.base)
    if b.width is not None:
        kw["width"] = b.width
    if b.error is not None:
        kw["error_x" if b.horizontal else "error_y"] = {"type": "data", "array": list(b.error)}
    if b.horizontal:
        return [go.Bar(y=list(b.x), x=list(b.y), orientation="h", **kw)]
    return [go.Bar(x=list(b.x), y=list(b.y), **kw)]


def _interval(go: Any, iv: Interval) -> list[Any]:
    mid = list(iv.mid)
    return [
        go.Scatter(
            x=mid,
            y=list(iv.y),
            name=iv.name,
            mode="markers",
            marker={"color": iv.color, "size": 11, "symbol": _SYMBOL[iv.symbol]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [h - m for h, m in zip(iv.hi, mid, strict=True)],
                "arrayminus": [m - lo for lo, m in zip(iv.lo, mid, strict=True)],
                "color": iv.color,
                "thickness": 2,
            },
            hovertext=[
                f"{iv.name}: {m:.4g} ({lo:.4g}–{h:.4g})" for m, lo, h in zip(mid, iv.lo, iv.hi, strict=True)
            ],
            hoverinfo="text",
            showlegend=iv.legend,
        )
    ]


def _segments(go: Any, s: Segments) -> list[Any]:
    out = []
    for k in range(len(s.x0)):
        out.append(
            go.Scatter(
                x=[s.x0[k], s.x1[k]],
                y=[s.y0[k], s.y1[k]],
                mode="lines",
                line={"color": s.color, "width": s.width[k]},
                name=s.name,
                legendgroup=s.name,
                showlegend=k == 0,
                **_hover((s.hover[k], s.hover[k]) if s.hover else None),
            )
        )
    return out


def _shape(layer: Band | Rule) -> tuple[dict[str, Any], Any]:
    if isinstance(layer, Band):
        ref = {"xref": "x", "yref": "paper", "x0": layer.lo, "x1": layer.hi, "y0": 0, "y1": 1}
        if layer.axis == "y":
            ref = {"xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": layer.lo, "y1": layer.hi}
        return {
            "type": "rect",
            "fillcolor": layer.color,
            "opacity": layer.opacity,
            "line": {"width": 0},
            "layer": "below",
            **ref,
        }, None
    ref = {"xref": "x", "yref": "paper", "x0": layer.value, "x1": layer.value, "y0": 0, "y1": 1}
    if layer.axis == "y":
        ref = {"xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": layer.value, "y1": layer.value}
    return {"type": "line", "line": {"color": layer.color, "dash": layer.dash, "width": 1.5}, **ref}, None


def _legend_proxy(go: Any, layer: Band | Rule) -> Any:
    # Shapes have no legend entry of their own; an empty trace of the same look gives one.
    if isinstance(layer, Band):
        marker = {
            "color": layer.color,
            "opacity": min(1.0, layer.opacity * 3),
            "symbol": "square",
            "size": 12,
        }
        return go.Scatter(x=[None], y=[None], mode="markers", marker=marker, name=layer.name)
    line = {"color": layer.color, "dash": layer.dash}
    return go.Scatter(x=[None], y=[None], mode="lines", line=line, name=layer.name)


def _traces(go: Any, layer: Layer) -> list[Any]:
    if isinstance(layer, Points):
        return _points(go, layer)
    if isinstance(layer, Line):
        return _line(go, layer)
    if isinstance(layer, Bars):
        return _bars(go, layer)
    if isinstance(layer, Interval):
        return _interval(go, layer)
    if isinstance(layer, Segments):
        return _segments(go, layer)
    raise TypeError(type(layer).__name__)  # pragma: no cover - the Layer union is closed


def to_plotly(chart: Chart) -> Any:
    """The chart as a ``plotly.graph_objects.Figure``."""
    import plotly.graph_objects as go

    fig = go.Figure()
    shapes = []
    for layer in chart.layers:
        if isinstance(layer, Band | Rule):
            shape, _ = _shape(layer)
            shapes.append(shape)
            if layer.legend:
                fig.add_trace(_legend_proxy(go, layer))
            continue
        for t in _traces(go, layer):
            fig.add_trace(t)
    xaxis: dict[str, Any] = {"title": chart.x_title, "zeroline": False}
    yaxis: dict[str, Any] = {"title": chart.y_title, "zeroline": False}
    if chart.x_range:
        xaxis["range"] = list(chart.x_range)
    if chart.y_range:
        yaxis["range"] = list(chart.y_range)
    if chart.x_ticks:
        xaxis.update(tickmode="array", tickvals=list(chart.x_ticks[0]), ticktext=list(chart.x_ticks[1]))
    if chart.y_ticks:
        yaxis.update(tickmode="array", tickvals=list(chart.y_ticks[0]), ticktext=list(chart.y_ticks[1]))
    if chart.hide_y:
        yaxis.update(showticklabels=False, showgrid=False)
    if chart.equal_axes:
        yaxis.update(scaleanchor="x", scaleratio=1)
    fig.update_layout(
        title={"text": chart.title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        xaxis=xaxis,
        yaxis=yaxis,
        shapes=shapes,
        height=chart.height,
        barmode=chart.barmode,
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.18, "x": 0, "font": {"size": 11}},
        font={"family": "Helvetica, Arial, sans-serif"},
    )
    return fig


def chart_div(chart: Chart) -> str:
    """The chart as an HTML ``div`` that draws itself with the page's inlined plotly.js."""
    return to_plotly(chart).to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart.id}",
        config={"displaylogo": False, "responsive": True},
    )
