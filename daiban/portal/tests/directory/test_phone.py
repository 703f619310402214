"""找代办员 on a phone (375 px): a person searches their village from /agents/, finds its agents (photo,
work phone to tap, hours and place) and the station above, goes up to the township and back down by
browsing, then opens the village poster: its QR code and address are shown, the 打印 button prints (the
script file, no inline script), and printed on A4 the poster is one page. Every page fits the screen and
axe-core finds no WCAG 2.1 A/AA violation. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.network.models import Agent
from daiban.portal.tests.directory.helpers import STATION_PHONE, WORK_PHONE, build
from daiban.portal.tests.test_public_pages import VIEWS, check_page
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-directory-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name
    assert_accessible(page)


def test_finding_a_village_agent_and_its_poster_on_a_phone(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    d = build(tree, personas)
    point = d.published.organization
    for i, title in enumerate(["村委会委员、妇联主席", "专职网格员", "党员志愿者", "人民调解员"]):
        Agent.objects.create(
            name=f"代办员{'甲乙丙丁'[i]}",
            organization=point,
            title=title,
            work_phone=f"0471-66000{i + 10}",
            duty_hours="工作日 8:30-12:00 14:30-17:30，其他时间电话预约上门",
            duty_place="苏雅拉社区党群服务中心一楼代办室",
        )
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()

    page.goto(f"{server}/agents/")
    _fits(page, "index")
    page.get_by_label("村（社区）或乡镇（街道）名称").fill("苏雅拉")
    page.get_by_role("button", name="查找").click()
    results = page.get_by_test_id("search-results")
    results.get_by_role("link", name="苏雅拉社区").click()
    page.wait_for_url(f"{server}/agents/{tree.village_a1x.code}/")
    assert page.get_by_role("heading", level=1).inner_text() == "苏雅拉社区的信访代办员"
    agent = page.locator(f'[data-agent="{d.published.pk}"]')
    assert agent.get_by_role("link", name=WORK_PHONE).get_attribute("href") == f"tel:{WORK_PHONE}"
    photo = agent.get_by_role("img", name="乌云娜的照片")
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert "苏雅拉社区党群服务中心一楼代办室" in agent.inner_text()
    assert page.get_by_test_id("organisations").get_by_role("link", name=STATION_PHONE).is_visible()
    assert "钱退休" not in page.content()
    _fits(page, "village")

    # Up to the township by the breadcrumbs, and back down to the village by browsing.
    page.get_by_role("navigation", name="区划层级").get_by_role("link", name="呼伦路街道").click()
    page.wait_for_url(f"{server}/agents/{tree.town_a1.code}/")
    _fits(page, "township")
    page.get_by_role("link", name="苏雅拉社区").click()
    page.wait_for_url(f"{server}/agents/{tree.village_a1x.code}/")

    page.get_by_role("link", name="打印代办员公示牌").click()
    page.wait_for_url(f"{server}/agents/{tree.village_a1x.code}/poster/")
    assert page.get_by_role("heading", level=1).inner_text() == "信访代办员公示"
    qr = page.get_by_role("img", name=re.compile("二维码"))
    assert qr.is_visible() and qr.bounding_box()["width"] >= 120  # type: ignore[index]
    assert page.get_by_test_id("poster-url").inner_text().endswith(f"/agents/{tree.village_a1x.code}/")
    _fits(page, "poster")
    # The 打印 button calls window.print() from the script file (no inline script).
    # (A statement, not an expression: Playwright would call a function the script evaluates to.)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1

    # Printed on A4: the screen-only parts drop out and the poster with six agents is one page.
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if os.environ.get("DAIBAN_VAR_DIR"):
        (Path(os.environ["DAIBAN_VAR_DIR"]) / "directory-poster.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1, f"the poster prints on {pages} pages"


@pytest.mark.parametrize("view", VIEWS)
def test_every_directory_page_is_light_local_narrow_and_accessible(
    new_context: Any, server: str, tree: Tree, personas: Personas, view: str
) -> None:
    """The shell's check (tests/test_public_pages.py) on each directory page, at 320 px, in each view."""
    build(tree, personas)
    for path in (
        "/agents/",
        "/agents/?q=社区",
        f"/agents/{tree.county_a.code}/",
        f"/agents/{tree.town_a1.code}/",
        f"/agents/{tree.village_a1x.code}/",
        f"/agents/{tree.village_a1x.code}/poster/",
    ):
        check_page(new_context, server, path, view)


@pytest.mark.parametrize("count", [1, 9, 12])
def test_the_poster_prints_on_one_a4_page(
    new_context: Any, server: str, tree: Tree, personas: Personas, count: int
) -> None:
    d = build(tree, personas)
    Agent.objects.filter(pk=d.no_phone.pk).update(is_active=False)
    for i in range(count - 1):
        Agent.objects.create(
            name=f"额尔敦巴雅尔{i}",
            organization=d.published.organization,
            title="村委会委员、妇联主席、人民调解委员会委员",
            work_phone=f"0471-66000{i + 10}",
            # As at most points, the hours and place of the point's first agent (printed once).
            duty_hours=d.published.duty_hours,
            duty_place=d.published.duty_place,
        )
    page = new_context().new_page()
    page.goto(f"{server}/agents/{tree.village_a1x.code}/poster/")
    assert page.locator(".poster-agent").count() == count
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if os.environ.get("DAIBAN_VAR_DIR"):
        (Path(os.environ["DAIBAN_VAR_DIR"]) / f"directory-poster-{count}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1, f"a poster of {count} agents prints on {pages} pages"
