"""Cadre notices on a phone (375 px): the 纪检 supervisor opens an accusation, is refused when naming the
accused unit as the recipient (what was typed kept), sends the notice to the 区委组织部, and reads the
masked list. Every page fits the screen. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.cadres.models import CadreNotice
from daiban.cadres.tests.helpers import CADRE, POST, accusation
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-cadres-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_notify_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=clock.now())
    m = accusation(flow, tree)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.supervisor)
    page.goto(f"{server}/matters/{m.pk}/act/cadre_notice/")
    page.get_by_label("被反映干部姓名").fill(CADRE)
    page.get_by_label("被反映干部职务").fill(POST)
    page.locator("select[name=accused_unit]").select_option(str(tree.unit_housing_a.pk))
    page.locator("select[name=level]").select_option(str(tree.county_a.pk))
    page.get_by_label("组织（人事）部门").fill(tree.unit_housing_a.name)
    with page.expect_navigation():
        page.get_by_role("button", name="通报组织（人事）部门").tap()
    assert "不能通报被检举单位" in page.content()
    assert page.get_by_label("被反映干部姓名").input_value() == CADRE
    _fits(page, "refused")
    page.get_by_label("组织（人事）部门").fill("新城区委组织部")
    with page.expect_navigation():
        page.get_by_role("button", name="通报组织（人事）部门").tap()
    assert page.url.endswith(f"/matters/{m.pk}/")
    assert CADRE in page.get_by_test_id("matter-cadre-notices").inner_text()
    assert CadreNotice.objects.filter(matter=m).count() == 1
    _fits(page, "matter")
    page.goto(f"{server}/cadres/")
    rows = page.get_by_test_id("cadre-rows").inner_text()
    assert m.number in rows and CADRE not in rows and "钱**" in rows
    _fits(page, "list")
