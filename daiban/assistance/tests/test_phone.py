"""Assistance on a phone (375 px): a village agent refers a petitioner from the matter page, records the
outcome, and reads the ledger; the county centre reads the statistics. Every page fits the screen.
Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.assistance.models import Outcome, Referral
from daiban.assistance.tests.helpers import HARDSHIP, organ
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-assistance-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_refer_and_record_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=clock.now())
    m = flow.at_village()
    organ(m)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.village_agent)
    page.goto(f"{server}/matters/{m.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="转介救助").first.tap()
    _fits(page, "refer")
    page.locator("select[name=kind]").select_option("social")
    page.locator("select[name=organ]").select_option(index=1)
    page.get_by_label("困难情况").fill(HARDSHIP)
    with page.expect_navigation():
        page.get_by_role("button", name="转介救助").tap()
    assert page.url.endswith(f"/matters/{m.pk}/")
    assert "待反馈" in page.get_by_test_id("matter-assistance").inner_text()
    _fits(page, "matter")
    with page.expect_navigation():
        page.get_by_role("link", name="登记救助结果").first.tap()
    page.locator("select[name=outcome]").select_option("granted")
    page.get_by_label("救助金额（元）").fill("1500")
    _fits(page, "outcome")
    with page.expect_navigation():
        page.get_by_role("button", name="登记救助结果").tap()
    assert Referral.objects.get(matter=m).outcome == Outcome.GRANTED
    page.goto(f"{server}/assistance/")
    assert m.number in page.get_by_test_id("assistance-rows").inner_text()
    _fits(page, "ledger")
