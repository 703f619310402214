"""Repeats at intake on a phone (375 px): a village agent types the complaint and the person's phone; the
panel lists the earlier matter (htmx, POST); after 提交登记 the matter page asks, and 是重复信访 is recorded.
Every page fits the screen. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.repeats.models import DecisionKind, RepeatDecision
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, ZHAO, matter
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-repeats-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_a_repeat_caught_while_typing(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=clock.now())
    earlier = matter(flow, LEAK, person=ZHAO)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.village_agent)
    page.goto(f"{server}/matters/new/")
    page.locator("input[name=p-0-name]").fill("李秀英")
    page.locator("input[name=p-0-phone]").fill("13704710001")
    page.get_by_label("事项摘要").fill("漏水")
    with page.expect_request(lambda r: r.url.endswith("/repeats/candidates/") and r.method == "POST") as sent:
        page.get_by_label("反映内容").type(LEAK_AGAIN)
    assert "13704710001" not in sent.value.url
    page.get_by_test_id("repeat-candidate").first.wait_for()
    assert earlier.number in page.get_by_test_id("repeat-list").inner_text()
    assert "同一村（社区）、内容相似" in page.get_by_test_id("repeat-list").inner_text()
    _fits(page, "intake")
    page.get_by_label("诉求").fill("请尽快修复。")
    page.locator("select[name=category]").select_option(index=1)
    page.get_by_label("信访人同意由代办员代办").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交登记").tap()
    later = Matter.objects.exclude(pk=earlier.pk).get()
    assert page.url.endswith(f"/matters/{later.pk}/")
    _fits(page, "matter")
    with page.expect_navigation():
        page.get_by_role("button", name="是重复信访").tap()
    assert "确认为重复信访" in page.get_by_test_id("matter-repeats").inner_text()
    assert RepeatDecision.objects.get().kind == DecisionKind.LINK
    assert Matter.objects.get(pk=earlier.pk).repeat_visits == 1
    _fits(page, "answered")
