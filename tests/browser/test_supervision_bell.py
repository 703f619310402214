"""Clocks with teeth, as the unit handler sees them on a phone (375 px): the unit never accepted a routed
matter; when the periodic scan finds its clock passed, the bell's count rises, and the message opens the
supervision order (督办单) — which then takes the unit's written feedback."""

from __future__ import annotations

import datetime
import re
from typing import Any

from conftest import Personas, Tree
from daiban.supervision.models import Rung, SupervisionOrder
from daiban.supervision.tests.ladder.helpers import routed_with_leaders, scan_on
from tests.browser.conftest import PHONE, login, no_horizontal_scroll


def _bell(page: Any) -> int:
    badge = page.get_by_test_id("nav-badge-消息")
    return int(badge.inner_text().rstrip("+")) if badge.count() else 0


def test_the_bell_rises_and_opens_the_supervision_order(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    ladder = routed_with_leaders(tree, personas)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.unit_handler)
    before = _bell(page)

    # The acceptance-notice clock passes on 2026-06-16; the scan of the 17th finds it.
    counts = scan_on(datetime.date(2026, 6, 17))
    assert counts["overdue"] == 1 and counts["orders"] == 1
    order = SupervisionOrder.objects.get(matter=ladder.matter, rung=Rung.ORDER)

    page.reload()
    assert _bell(page) == before + 2  # 超期提醒 and the 督办单
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375

    page.get_by_role("link", name=re.compile("^消息")).tap()
    page.wait_for_url(f"{server}/messages/")
    row = page.locator("[data-testid=message-row][data-kind=supervision_order]")
    assert order.number in row.inner_text() or ladder.matter.number in row.inner_text()
    row.get_by_test_id("message-link").tap()
    page.wait_for_url(f"{server}/supervision/orders/{order.pk}/")
    assert order.number in page.get_by_test_id("order").inner_text()
    assert page.get_by_test_id("order-status").inner_text() == "待书面反馈"
    assert _bell(page) == before + 1  # opening it read it
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375
