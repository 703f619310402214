"""专家研判 and 督查件 on a phone (375 px): the county centre convenes experts from a group matter's page,
records an opinion and concludes; the matter page then shows the consultation, and a 督查件's page and
close form fit the screen. Browser-marked (Debian's chromium; skipped without it); the fixtures come from tests/browser (conftest)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.supervision.models import Consultation, Inspection
from daiban.supervision.tests.consultations.helpers import OTHER_PERSON, experts, group_matter
from daiban.supervision.tests.inspections.helpers import dissatisfied
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_convene_record_conclude_on_a_phone(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    flow = Flow(tree, personas, start=clock.now())
    ex = experts(tree)
    m = group_matter(flow)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.county_staff)

    page.goto(f"{server}/matters/{m.pk}/")
    page.get_by_test_id("convene").tap()
    page.wait_for_url(f"{server}/matters/{m.pk}/consultations/new/")
    _fits(page, "convene")
    page.get_by_label("研判问题").fill("诉求是否有政策依据")
    page.get_by_label(ex.lawyer.name, exact=False).check()
    page.get_by_label("外聘专家").fill("王教授（内蒙古大学）")
    page.get_by_role("button", name="召集研判").tap()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    c = Consultation.objects.get()
    assert page.url == f"{server}/consultations/{c.pk}/"
    _fits(page, "consultation")

    page.get_by_role("link", name="记录专家意见").tap()
    page.locator("select[name=member]").select_option(f"agent-{ex.lawyer.pk}")
    page.get_by_label("专家意见").fill("有政策依据，建议按规定落实。")
    _fits(page, "opinion")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").tap()
    assert page.url == f"{server}/consultations/{c.pk}/"
    page.get_by_role("link", name="形成研判结论").tap()
    page.get_by_label("研判结论").fill("建议单位依政策落实，并开展司法救助。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").tap()
    assert page.get_by_test_id("consultation-status").inner_text() == "已形成研判结论"

    page.goto(f"{server}/matters/{m.pk}/")
    panel = page.get_by_test_id("matter-consultations")
    assert "建议单位依政策落实" in panel.inner_text() and "张律师" in panel.inner_text()
    _fits(page, "matter-panel")

    # Committed here (a live server), so the follow-up's hook opens the 督查件 at once.
    _, event = dissatisfied(flow, **OTHER_PERSON)
    inspection = Inspection.objects.get(source_event=event)
    page.goto(f"{server}/inspections/")
    _fits(page, "inspections")
    page.get_by_role("link", name=inspection.number, exact=False).tap()
    page.wait_for_url(f"{server}/inspections/{inspection.pk}/")
    _fits(page, "inspection")
    page.get_by_label("督查结论").fill("单位已整改到位。")
    with page.expect_navigation():
        page.get_by_role("button", name="确认办结").tap()
    assert page.get_by_test_id("inspection-status").inner_text() == "已办结"
