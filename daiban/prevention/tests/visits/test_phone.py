"""A village agent records a door-to-door visit on a phone (375 px, touch): three inputs and a tap, no
horizontal scroll, and the visit page offers the next steps (skipped where chromium is not installed)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import Personas
from daiban.prevention.models import Visit
from tests.browser.conftest import (  # noqa: F401  (the fixtures)
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


def _fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375 and scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px"


def test_a_door_to_door_visit_on_a_phone(new_context: Any, server: str, personas: Personas) -> None:  # noqa: F811
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.village_agent)
    page.goto(f"{server}/visits/new/")
    _fits(page)
    assert page.locator(".big-choice").first.evaluate("e => e.getBoundingClientRect().height") >= 44
    assert not page.locator("#id_region").is_visible()  # folded under 更多
    page.get_by_label("推门访（入户走访）").tap()
    page.get_by_label("走访户数（人次）").fill("12")
    page.get_by_label("发现情况").fill("三组两户因宅基地边界争吵")
    page.get_by_role("button", name="保存").tap()
    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.get()
    assert (visit.kind, visit.households, visit.region) == ("door", 12, personas.village_agent.region)
    _fits(page)
    assert page.get_by_test_id("visit-to-screening").is_visible()
    assert (
        page.get_by_test_id("visit-to-matter").get_attribute("href")
        == f"/matters/new/?origin=visit%3A{visit.pk}"
    )
