"""The preview on screen: an A4 sheet at full size on a desktop, shrunk to a phone's width without scrolling
sideways. Debian's chromium through Playwright; skipped without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from daiban.documents.render import page_html
from daiban.documents.tests.render import sample

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


def _measure(viewport: dict[str, int], html: str) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (scripts/install_system_deps.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport=viewport)
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.set_content(html)
            measured: dict[str, Any] = page.evaluate(
                """() => {
                    const sheet = document.querySelector('.doc-sheet').getBoundingClientRect();
                    const table = document.querySelector('.doc-sheet table').getBoundingClientRect();
                    return {
                        scrollWidth: document.documentElement.scrollWidth,
                        clientWidth: document.documentElement.clientWidth,
                        sheetWidth: sheet.width, sheetRight: sheet.right, tableRight: table.right,
                        bodySize: parseFloat(getComputedStyle(document.querySelector('.doc-sheet p.to')).fontSize),
                    };
                }"""
            )
            measured["requests"] = [url for url in requests if not url.startswith(("data:", "about:"))]
            return measured
        finally:
            browser.close()


def test_a_phone_shows_the_whole_sheet_without_scrolling_sideways() -> None:
    measured = _measure({"width": 375, "height": 740}, page_html(sample.body(), title="x", for_screen=True))
    assert measured["scrollWidth"] <= measured["clientWidth"] == 375
    assert measured["tableRight"] <= measured["sheetRight"] <= 375
    # 3号 shrinks with the sheet: 16pt (21.3px) × sheet width / 210mm.
    assert measured["bodySize"] == pytest.approx(16 * 4 / 3 * measured["sheetWidth"] / 793.7, rel=0.02)
    assert measured["requests"] == []


def test_a_desktop_shows_the_sheet_at_a4_size() -> None:
    measured = _measure({"width": 1280, "height": 900}, page_html(sample.body(), title="x", for_screen=True))
    assert measured["sheetWidth"] == pytest.approx(793.7, abs=1)  # 210mm at 96 px to the inch
    assert measured["bodySize"] == pytest.approx(16 * 4 / 3, abs=0.1)
