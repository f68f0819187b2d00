"""Presenters: the report's charts (plotly for HTML, matplotlib for PNG/SVG) and the
self-contained HTML report (layer 7 of ARCHITECTURE.md).

    from negotia.report import collect, write_html, write_images
    data = collect(negotia.load_scenario("ukraine-2025"), montecarlo=1000)
    write_html(data, "report.html")
    write_images(data, "figures/")

:func:`collect` gathers the library's typed results; everything else only presents them.
"""

from negotia.report.data import ForecastTimeline, ReportData, collect, forecast_timeline
from negotia.report.html import all_charts, render_html, write_html, write_images

__all__ = [
    "ForecastTimeline",
    "ReportData",
    "all_charts",
    "collect",
    "forecast_timeline",
    "render_html",
    "write_html",
    "write_images",
]
