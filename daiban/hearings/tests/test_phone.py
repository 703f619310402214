"""听证记录 on a phone (375 px): the lead unit's handler opens the matter, taps 听证记录, fills the form and
submits; the matter page lists the hearing and its timeline the conclusion; the record page prints it. Every
page fits the screen. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.hearings.models import HearingRecord
from daiban.hearings.tests.helpers import SAID
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-hearings-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_a_hearing_recorded_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=clock.now() - datetime.timedelta(days=3))
    m = flow.handling()
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.unit_handler)
    page.goto(f"{server}/matters/{m.pk}/")
    _fits(page, "matter")
    with page.expect_navigation():
        page.get_by_test_id("record-hearing").tap()
    today = clock.today()
    page.get_by_label("听证开始日期").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("听证结束日期").fill(today.isoformat())
    for key in (
        "place",
        "presiding",
        "participants",
        "petitioner_statement",
        "unit_statement",
        "other_statement",
        "conclusion",
    ):
        page.locator(f"[name={key}]").fill(SAID[key])
    _fits(page, "form")
    with page.expect_navigation():
        page.get_by_role("button", name="确认听证记录").tap()
    row = HearingRecord.objects.get()
    assert page.url.endswith(f"/matters/{m.pk}/")
    assert SAID["conclusion"] in page.get_by_test_id("matter-hearings").inner_text()
    _fits(page, "recorded")
    with page.expect_navigation():
        page.get_by_test_id("hearing-row").get_by_role("link").first.tap()
    assert page.url.endswith(f"/hearings/{row.pk}/")
    assert SAID["petitioner_statement"] in page.get_by_test_id("hearing-record").inner_text()
    _fits(page, "record")
