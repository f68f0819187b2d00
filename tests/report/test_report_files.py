"""The report's files: a self-contained HTML page, PNG/SVG figures that are not blank,
sections only for what was computed, sentences from the results."""

from __future__ import annotations

import re

import numpy as np
import pytest
from markupsafe import escape

from negotia.report import all_charts, render_html, write_images
from negotia.report.summary import headline, issue_summaries


@pytest.fixture(scope="module")
def html(ukraine_report):
    return render_html(ukraine_report)


def test_page_is_self_contained(html):
    import plotly

    # plotly.js is inside the page: no script is fetched from anywhere.
    assert not re.search(r"<script[^>]+src=", html)
    assert f"plotly.js v{plotly.__version__}" in html or "Plotly" in html
    assert "cdn.plot.ly" not in html.split("</script>", 1)[1]
    assert "@media print" in html


def test_every_section_of_the_bundled_case(html, ukraine_report):
    for section in ("summary", "positions", "dynamics", "uncertainty", "guarantees", "over-time", "sources"):
        assert f'<section id="{section}">' in html
    # A part that could not run (e.g. agents over an outcome space too large to hold) is
    # named with its reason, never silently missing.
    for part, why in ukraine_report.skipped.items():
        assert part in html and str(escape(why)) in html
    assert ('<section id="not-computed">' in html) == bool(ukraine_report.skipped)
    # Every chart's div is in the page once.
    ids = [c.id for c in all_charts(ukraine_report)]
    assert len(ids) == len(set(ids))
    for cid in ids:
        assert html.count(f'id="chart-{cid}"') == 1


def test_every_stance_is_listed_with_its_source(html, ukraine_report):
    sc = ukraine_report.scenario
    sources = ukraine_report.history.sources
    for s in sc.stances:
        if s.source in sources and sources[s.source].date:
            assert sources[s.source].date.isoformat() in html
    assert html.count("<tr>") >= len(sc.stances) + len(ukraine_report.history.revisions)


def test_sentences_carry_the_results(ukraine_report):
    data = ukraine_report
    by_issue = {s.issue: " ".join(s.sentences) for s in issue_summaries(data)}
    fc = data.forecasts["compromise"]
    for k, issue in enumerate(fc.issue_ids):
        value = fc.on_scale()[0, k]
        assert f"The compromise model forecasts {value:.1f}" in by_issue[issue]
        mc = data.montecarlo["compromise"].issue(issue)
        assert f"between {mc.q05:.1f} and {mc.q95:.1f}" in by_issue[issue]
        crossed = [r.actor for r in data.scenario.red_lines if r.issue == issue and not r.accepts(value)]
        assert ("outside the red line of" in by_issue[issue]) == bool(crossed)
    lead = " ".join(headline(data))
    # The zone of agreement's diagnosis is the bargaining library's own sentence.
    if data.bargaining is not None:
        assert data.bargaining.zopa.sentences()[0] in lead
    else:
        assert "zone of agreement" in data.skipped


def test_pngs_exist_and_are_not_blank(ukraine_report, tmp_path):
    from matplotlib.image import imread

    files = write_images(ukraine_report, tmp_path, formats=("png",))
    charts = all_charts(ukraine_report)
    assert sorted(f.name for f in files) == sorted(f"{c.id}.png" for c in charts)
    for f in files:
        pixels = imread(f)
        assert pixels.shape[0] > 200 and pixels.shape[1] > 400, f.name
        # A blank (single-colour) image has no variance; a drawn chart has plenty.
        assert float(np.var(pixels[..., :3])) > 1e-3, f"{f.name} is blank"


def test_svg_is_written_beside_png(ukraine_report, tmp_path):
    chart = all_charts(ukraine_report)[0]
    from negotia.report.mpl_backend import write_static

    files = write_static(chart, tmp_path)
    assert [f.suffix for f in files] == [".png", ".svg"]
    svg = files[1].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_same_seed_same_file(tmp_path):
    import negotia
    from negotia.report import collect

    sc = negotia.load_scenario("ukraine-2025")
    runs = [collect(sc, models=["compromise"], montecarlo=100, sensitivity=False, seed=5) for _ in range(2)]
    assert render_html(runs[0]) == render_html(runs[1])
    chart = all_charts(runs[0])[0]
    from negotia.report.mpl_backend import write_static

    a = write_static(chart, tmp_path / "a", ("svg",))[0].read_bytes()
    b = write_static(chart, tmp_path / "b", ("svg",))[0].read_bytes()
    assert a == b
