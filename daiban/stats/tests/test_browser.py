"""The dashboards on a phone (375 px), in a real browser: the city administrator drills down city → county →
township by the ranking's links, each page draws its charts with the site's own ECharts (a canvas with
something painted on it), keeps its tables scrolling inside their frames (the page itself never scrolls
sideways), passes axe-core, and a rate's numerator opens exactly that many matters."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow, at
from daiban.stats import facts
from tests.browser.axe import assert_accessible
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures)
    PHONE,
    browser,
    login,
    new_context,
    no_horizontal_scroll,
    server,
    static_watch,
    time_limits,
)

pytestmark = pytest.mark.browser

YEAR = "period=year&year=2026"


def _story(tree: Tree, personas: Personas) -> None:
    """Matters in both townships of 新城区 and in 托克托县 over June 2026, some resolved, some left open
    (overdue by now), then the rollups as the night's refresh leaves them."""
    flow = Flow(tree, personas, start=at(2026, 6, 1))
    for i in range(3):
        flow.closed(resolved=i != 1, new_matter=True, category=["land", "labour", "neighbour"][i])
        flow.later(days=2)
    flow.routed(new_matter=True, category="labour")
    flow.local(new_matter=True)
    flow.at_county(region=tree.village_a2x, new_matter=True, category="urban_construction")
    flow.intake(personas.outsider_village_agent, tree.village_b1x, new_matter=True)
    facts.refresh_matters(Matter.objects.values_list("pk", flat=True), today=clock.today())


def _charts_painted(page: Any, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('.st-chart[data-drawn] canvas').length >= {count}")
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('.st-chart[data-drawn] canvas')).map((c) => {
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let inked = 0;
            for (let i = 0; i < data.length; i += 4) { if (data[i + 3] > 0 && data[i] < 200) inked++; }
            return inked;
        })"""
    )
    assert all(n > 200 for n in painted), painted
    # Drawn: the numbers' tables fold away beside the charts (still one click away, and in the page).
    assert page.locator("details[data-chart-table]").evaluate_all("ds => ds.every((d) => !d.open)")
    assert page.locator("details[data-chart-table] table").count() >= 1


def _fits(page: Any) -> None:
    # Against the phone's width, not the window's: a mobile browser widens its layout viewport to the
    # widest thing on the page (and zooms out), so innerWidth alone would hide the overflow.
    width, viewport = no_horizontal_scroll(page)
    assert width <= PHONE["width"] and viewport == PHONE["width"], f"sideways on {page.url}: {width}px"


def test_drill_down_city_county_township_on_a_phone(
    new_context: Any,  # noqa: F811
    server: str,  # noqa: F811
    tree: Tree,
    personas: Personas,
) -> None:
    _story(tree, personas)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, server, personas.city_admin)

    page.goto(f"{server}/stats/?{YEAR}")
    assert page.locator("h1").inner_text() == "统计分析：呼和浩特市"
    _charts_painted(page, 3)
    _fits(page)
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_test_id(f"drill-{tree.county_a.code}").tap()
    assert page.locator("h1").inner_text() == "统计分析：新城区"
    assert page.locator("nav.breadcrumbs a").all_inner_texts() == ["呼和浩特市"]
    _charts_painted(page, 3)
    _fits(page)
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_test_id(f"drill-{tree.town_a1.code}").tap()
    assert page.locator("h1").inner_text() == "统计分析：呼伦路街道"
    assert page.locator("nav.breadcrumbs a").all_inner_texts() == ["呼和浩特市", "新城区"]
    _charts_painted(page, 3)
    _fits(page)
    assert_accessible(page)
    # The ranking is wider than the phone: it scrolls inside its frame.
    frame = page.locator("[data-testid=ranking] .table-wrap")
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")

    # A rate's numerator opens the matters it counts.
    numerator = page.get_by_test_id("num-resolution")
    number = int(numerator.inner_text())
    assert number >= 1
    with page.expect_navigation():
        numerator.tap()
    assert "化解率 · 分子" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=figure-rows] li.matter-row").count() == number
    _fits(page)
    assert_accessible(page)

    # Back up by the breadcrumbs to the county.
    with page.expect_navigation():
        page.locator("nav.breadcrumbs a", has_text="新城区").tap()
    assert page.locator("h1").inner_text() == "统计分析：新城区"
    assert re.search(r"period=year", page.url)
    assert not errors, errors


def test_without_javascript_the_tables_are_the_page(
    new_context: Any,  # noqa: F811
    server: str,  # noqa: F811
    tree: Tree,
    personas: Personas,
) -> None:
    _story(tree, personas)
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    login(page, server, personas.county_staff)
    page.goto(f"{server}/stats/?{YEAR}")
    assert page.locator(".st-chart").first.is_hidden()
    assert page.locator("details[data-chart-table]").evaluate_all("ds => ds.every((d) => d.open)")
    assert page.get_by_role("table", name=re.compile("近 12 个月")).is_visible()
    _fits(page)
