"""One chart, two backends: whatever layers a chart holds, plotly and matplotlib draw all
of them (the same number of series), and neither fails on an edge case."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from negotia.report.chart import Band, Bars, Chart, Interval, Line, Points, Rule, Segments
from negotia.report.mpl_backend import to_matplotlib
from negotia.report.plotly_backend import to_plotly

finite = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def layers(draw):
    n = draw(st.integers(1, 6))
    xs = tuple(draw(st.lists(finite, min_size=n, max_size=n)))
    ys = tuple(draw(st.lists(finite, min_size=n, max_size=n)))
    lo, hi = sorted(draw(st.lists(finite, min_size=2, max_size=2)))
    kind = draw(st.sampled_from(["points", "line", "band", "rule", "bars", "interval", "segments"]))
    if kind == "points":
        return Points(
            xs,
            ys,
            "p",
            size=tuple(draw(st.floats(1, 40)) for _ in xs),
            text=tuple("ab"[k % 2] for k in range(n)),
        )
    if kind == "line":
        return Line(xs, ys, "l", dash=draw(st.sampled_from(["solid", "dash", "dot"])))
    if kind == "band":
        return Band(draw(st.sampled_from(["x", "y"])), lo, hi, "b")
    if kind == "rule":
        return Rule(draw(st.sampled_from(["x", "y"])), lo, "r")
    if kind == "bars":
        return Bars(tuple(f"c{k}" for k in range(n)), ys, "bars", horizontal=draw(st.booleans()))
    if kind == "interval":
        return Interval(
            ys,
            tuple((a + b) / 2 for a, b in zip(xs, ys, strict=True)),
            tuple(min(a, b) for a, b in zip(xs, ys, strict=True)),
            tuple(max(a, b) for a, b in zip(xs, ys, strict=True)),
            "i",
        )
    return Segments(xs, ys, ys, xs, tuple(1.0 for _ in xs), "s")


def _series(chart: Chart) -> int:
    """Traces plotly should draw: one per layer (one per segment), one legend proxy per shape."""
    count = 0
    for layer in chart.layers:
        if isinstance(layer, Segments):
            count += len(layer.x0)
        elif isinstance(layer, Band | Rule):
            count += 1 if layer.legend else 0
        else:
            count += 1
    return count


@settings(max_examples=15)
@given(st.lists(layers(), min_size=1, max_size=4))
def test_both_backends_draw_every_layer(chart_layers):
    chart = Chart(id="c", title="t", layers=tuple(chart_layers))
    fig = to_plotly(chart)
    assert len(fig.data) == _series(chart)
    shapes = sum(isinstance(x, Band | Rule) for x in chart.layers)
    assert len(fig.layout.shapes) == shapes
    mfig = to_matplotlib(chart)
    ax = mfig.axes[0]
    drawn = len(ax.lines) + len(ax.collections) + len(ax.patches) + len(ax.containers)
    assert drawn >= len(chart.layers)
    mfig.canvas.draw()  # lays out and rasterises without error
