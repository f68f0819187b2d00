"""The HTML report of ukraine-2025 in real headless Chromium: no console error, every
chart drawn, a screenshot saved."""

from __future__ import annotations

import os
import re
from pathlib import Path

from negotia.report import all_charts, write_html
from tests.report.conftest import browser_or_skip

ROOT = Path(__file__).resolve().parents[2]


def test_report_opens_in_chromium_and_draws_every_chart(ukraine_report, tmp_path):
    exe = browser_or_skip()
    from playwright.sync_api import sync_playwright

    page_file = write_html(ukraine_report, tmp_path / "report.html")
    expected = len(all_charts(ukraine_report))
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1500})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_function(
                "n => document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= n",
                arg=expected,
                timeout=120_000,
            )
            plots = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
            drawn = page.evaluate(
                "Array.from(document.querySelectorAll('.js-plotly-plot'))"
                ".filter(d => d.querySelector('svg.main-svg .trace')).length"
            )
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot))
            # Printable: Chromium's own print-to-PDF with the page's print styles.
            page.emulate_media(media="print")
            nav_shown = page.evaluate("getComputedStyle(document.querySelector('nav')).display")
            pdf = page.pdf(format="A4", print_background=True)
            if os.environ.get("NEGOTIA_UPDATE_SCREENSHOT"):
                # The README's picture: the positions section, as a reader scrolls to it.
                page.set_viewport_size({"width": 1100, "height": 1000})
                page.evaluate("document.getElementById('positions').scrollIntoView()")
                page.screenshot(path=str(ROOT / "docs" / "img" / "report.png"))
        finally:
            browser.close()
    assert errors == []
    assert requests == [], "the report must not reach the network"
    assert plots == expected
    assert drawn == expected
    assert shot.stat().st_size > 10_000
    assert nav_shown == "none"
    # Many pages: the report is long and each chart keeps to one page.
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 5
