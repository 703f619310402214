"""Accountability on a phone (375 px): the county centre opens 失职情形, follows a count to its matters,
orders the unit to correct the late handling from the matter page; the bureau's handler reports the
correction. Every page fits the screen. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.accountability.models import CorrectionOrder, OrderStatus
from daiban.accountability.tests import helpers
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-accountability-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def _phone(new_context: Any) -> Any:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()


def test_order_and_report_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    m = helpers.handling_late(Flow(tree, personas))  # its 60 days ran out in August 2026
    page = _phone(new_context)
    login(page, server, personas.county_staff)
    page.goto(f"{server}/accountability/")
    page.get_by_test_id("accountability-table").wait_for()
    _fits(page, "overview")
    with page.expect_navigation():
        page.locator('a[data-kind="handling_late"]').first.tap()
    assert m.number in page.get_by_test_id("failure-rows").inner_text()
    _fits(page, "list")
    with page.expect_navigation():
        page.get_by_role("link", name=m.title).tap()
    _fits(page, "matter")
    page.goto(f"{server}/matters/{m.pk}/act/correction_order/")
    page.get_by_label("整改要求").fill("即日办结并书面答复信访人")
    _fits(page, "order-form")
    with page.expect_navigation():
        page.get_by_role("button", name="确认").tap()
    order = CorrectionOrder.objects.get(matter_id=m.pk)

    unit = _phone(new_context)
    login(unit, server, personas.unit_handler)
    unit.goto(f"{server}/accountability/orders/")
    _fits(unit, "orders")
    with unit.expect_navigation():
        unit.get_by_role("link", name="未在法定期限内办结").tap()
    _fits(unit, "order")
    with unit.expect_navigation():
        unit.get_by_role("link", name="报告整改情况").tap()
    unit.get_by_label("整改情况").fill("已办结并送达处理意见书")
    _fits(unit, "report")
    with unit.expect_navigation():
        unit.get_by_role("button", name="提交").tap()
    assert "已办结并送达处理意见书" in unit.get_by_test_id("correction-report").inner_text()
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE
