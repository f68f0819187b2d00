"""The report as one self-contained HTML file, and its figures as PNG and SVG.

The page inlines plotly.js from the installed plotly package (no network when it is
opened) and is rendered from the Jinja2 template shipped in this package; print
styles drop the navigation and keep each chart on one page.  Sections appear only for
what was computed; the parts left out are listed with their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from negotia.report import figures, figures_deal, figures_moves
from negotia.report.chart import Chart
from negotia.report.data import ReportData
from negotia.report.summary import headline, issue_summaries


@dataclass
class Table:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    numeric: tuple[int, ...] = ()


@dataclass
class Section:
    id: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    intro: str = ""
    lead: list[str] = field(default_factory=list)
    issues: list[Any] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _link(url: str | None, text: str) -> Any:
    # Only web addresses become links (never javascript: or file: URLs from a scenario file).
    if url and url.startswith(("https://", "http://")):
        return {"url": url, "text": text}
    return text


def _value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} {_value(x)}" for k, x in v.items())
    return str(v)


def source_tables(data: ReportData) -> list[Table]:
    """Every stance with its source and date; every dated revision with its source."""
    sc = data.scenario
    sources = data.history.sources

    def cite(key: str | None) -> tuple[Any, str]:
        if not key:
            return "—", ""
        src = sources.get(key)
        if src is None:
            return key, ""
        title = src.title + (f" ({src.publisher})" if src.publisher else "")
        return _link(src.url, title), src.date.isoformat() if src.date else ""

    rows = []
    for s in sc.stances:
        title, day = cite(s.source)
        rows.append((s.actor, s.issue, f"{s.position:g}", f"{s.salience:.2f}", title, day, s.note or ""))
    tables = [
        Table(
            f"Stances as of {sc.date}" if sc.date else "Stances",
            ("actor", "issue", "position", "salience", "source", "source date", "note"),
            rows,
            (2, 3),
        )
    ]
    hist = data.revisions
    if hist is not None and hist.rows:
        rev_rows = []
        for r in hist.rows:
            title, day = cite(r.source)
            who = " · ".join(x for x in (r.actor, r.issue) if x)
            rev_rows.append(
                (
                    r.valid_from.isoformat(),
                    who or r.item,
                    r.field,
                    f"{_value(r.old)} → {_value(r.new)}",
                    title,
                    day,
                )
            )
        tables.append(
            Table(
                "Dated revisions, field by field (negotia history)",
                ("valid from", "who · issue", "field", "old → new", "source", "source date"),
                rev_rows,
            )
        )
    return tables


def sections(data: ReportData) -> list[Section]:
    """The report's sections, in reading order, only those with content."""
    out = [
        Section("summary", "Summary", lead=headline(data), issues=issue_summaries(data)),
        Section(
            "agreement",
            "Deal or no deal",
            figures_deal.p_agreement(data) + figures_deal.blockers(data),
        ),
        Section(
            "positions",
            "Positions",
            figures.positions(data),
            intro="Each actor on each issue's scale (marker size: capability × salience), the status quo, "
            "red lines shaded, and every model's forecast with its Monte Carlo interval where one was run.",
        ),
        Section(
            "dynamics",
            "Dynamics",
            figures_moves.eum_rounds(data)
            + figures_moves.exchange_network(data)
            + figures_moves.concessions(data),
        ),
        Section("bargaining", "Bargaining", figures_moves.bargaining_plane(data)),
        Section(
            "uncertainty",
            "Uncertainty",
            figures.montecarlo(data) + figures.tornado(data),
            intro="Stances perturbed by their stated uncertainty; red lines shaded; dotted lines mark each "
            "model's 90% interval.",
        ),
        Section("guarantees", "Guarantees", figures_moves.guarantees(data)),
        Section("over-time", "Over time", figures_deal.agreement_over_time(data) + figures.over_time(data)),
        Section("sources", "Sources", tables=source_tables(data)),
    ]
    return [s for s in out if s.charts or s.lead or s.issues or s.tables]


def all_charts(data: ReportData) -> list[Chart]:
    """Every chart of the report, in order."""
    return [c for s in sections(data) for c in s.charts]


def _template() -> Any:
    import jinja2

    text = (resources.files("negotia.report") / "templates" / "report.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True)
    return env.from_string(text)


def render_html(data: ReportData) -> str:
    """The report as one HTML document (plotly.js inlined)."""
    from plotly.offline import get_plotlyjs

    from negotia import __version__
    from negotia.report.plotly_backend import chart_div

    sc = data.scenario
    secs = sections(data)
    view = [
        {
            **s.__dict__,
            "charts": [{"div": chart_div(c), "caption": c.caption, "notes": c.notes} for c in s.charts],
            "tables": [t.__dict__ for t in s.tables],
            "issues": [i.__dict__ for i in s.issues],
        }
        for s in secs
    ]
    models = ", ".join(data.forecasts)
    subtitle = [
        f"As of {data.as_of}" if data.as_of else "Undated scenario",
        f"{len(sc.actors)} actors, {len(sc.issues)} issues; models: {models}",
    ]
    if data.montecarlo:
        n = next(iter(data.montecarlo.values())).n
        subtitle.append(f"Monte Carlo: {n:,} variants each for {', '.join(data.montecarlo)}")
    return _template().render(
        title=sc.name,
        subtitle=subtitle,
        sections=view,
        skipped=data.skipped,
        plotlyjs=get_plotlyjs(),
        version=__version__,
        seed=data.seed,
        footer="Figures are forecasts from stated positions, not predictions of fact.",
    )


def write_html(data: ReportData, path: Path) -> Path:
    """Write the report to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path


def write_images(data: ReportData, folder: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Every chart as ``folder/<chart id>.png`` and ``.svg`` (matplotlib, no browser)."""
    from negotia.report.mpl_backend import write_static

    out: list[Path] = []
    for chart in all_charts(data):
        out += write_static(chart, Path(folder), formats)
    return out
