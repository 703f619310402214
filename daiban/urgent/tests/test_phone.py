"""重大紧急 on a phone (375 px): the village agent marks a matter through its action page; the county
centre finds it pinned on its home page, opens the matter (badge, who was told) and the marking, and the
list. Every page fits the screen. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.urgent.models import UrgentMarking
from daiban.urgent.tests.helpers import REASON
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-urgent-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_mark_on_a_phone_and_find_it_pinned(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    flow = Flow(tree, personas, start=clock.now())
    m = flow.at_village()
    agent = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(agent, server, personas.village_agent)
    agent.goto(f"{server}/matters/{m.pk}/act/urgent_mark/")
    _fits(agent, "form")
    agent.get_by_label("可能发生极端行为").check()
    agent.get_by_label("标记理由").fill(REASON)
    with agent.expect_navigation():
        agent.locator("form button[type=submit]").last.tap()
    assert agent.url.endswith(f"/matters/{m.pk}/")
    assert "重大紧急" in agent.get_by_test_id("matter-urgent").inner_text()
    _fits(agent, "matter")

    marking = UrgentMarking.objects.get(matter=m)
    county = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(county, server, personas.county_staff)
    county.goto(f"{server}/")
    assert m.number in county.get_by_test_id("home-urgent").inner_text()
    _fits(county, "home")
    county.goto(f"{server}/urgent/")
    _fits(county, "list")
    county.goto(f"{server}/urgent/{marking.pk}/")
    assert county.get_by_test_id("urgent-notice").count() >= 3
    _fits(county, "detail")
