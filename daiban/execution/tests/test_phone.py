"""Carrying out a 支持 opinion on a phone (375 px): the unit's handler lists an item on the action page,
records it 已落实 with a photo, and the matter page and /execution/ fit the screen at every step.
Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.execution.models import ItemStatus, SupportItem
from daiban.execution.tests.helpers import PNG
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-execution-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_list_and_record_on_a_phone(
    new_context: Any, server: str, tree: Tree, personas: Personas, tmp_path: Path
) -> None:
    flow = Flow(tree, personas, start=clock.now() - datetime.timedelta(days=6))
    m = flow.replied()
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.unit_handler)
    page.goto(f"{server}/matters/{m.pk}/")
    page.get_by_test_id("execution-awaiting").wait_for()
    _fits(page, "awaiting")
    page.goto(f"{server}/matters/{m.pk}/act/support_items/")
    _fits(page, "items-form")
    page.locator("textarea[name=what_1]").fill("补发维修资金 2.3 万元")
    page.locator("select[name=unit_1]").select_option(str(tree.unit_housing_a.pk))
    page.locator("input[name=due_1]").fill((clock.today() + datetime.timedelta(days=10)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="确认列明支持事项").tap()
    assert page.url.endswith(f"/matters/{m.pk}/")
    page.get_by_test_id("execution-warning").wait_for()
    _fits(page, "warning")
    item = SupportItem.objects.get(matter=m)
    photo = tmp_path / "回执.png"
    photo.write_bytes(PNG)
    page.goto(f"{server}/matters/{m.pk}/act/execution/")
    _fits(page, "record-form")
    page.locator("input[name=status][value=done]").check()
    page.locator("textarea[name=note]").fill("已全部发放，信访人签收。")
    page.locator("input[name=evidence]").set_input_files(str(photo))
    with page.expect_navigation():
        page.get_by_role("button", name="确认登记落实情况").tap()
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE
    assert page.get_by_test_id("execution-warning").count() == 0
    _fits(page, "done")
    page.goto(f"{server}/execution/")
    assert "补发维修资金" in page.get_by_test_id("execution-row").inner_text()
    _fits(page, "list")
