"""The annual report on a phone (375 px): 新城区's centre opens this year's report, writes its foreword,
makes a proposal, records the organ's answer and finds it in the report; every page fits the screen and the
Word and PDF buttons download files. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.annual.models import Proposal
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-annual-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_the_annual_report_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    Flow(tree, personas, start=clock.now()).routed()
    year = clock.today().year
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.county_staff)
    page.goto(f"{server}/annual/")
    assert f"新城区代办中心{year}年度信访工作报告" in page.locator("h1").inner_text()
    _fits(page, "report")
    with page.expect_download() as docx:
        page.get_by_test_id("download-docx").tap()
    assert docx.value.suggested_filename.endswith(".docx")
    with page.expect_download() as pdf:
        page.get_by_test_id("download-pdf").tap()
    assert pdf.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="撰写 / 修改前言").tap()
    page.wait_for_url("**/foreword/**")
    _fits(page, "foreword")
    page.get_by_label("报告前言").fill("本年度代办网络覆盖全区。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").tap()
    assert "本年度代办网络覆盖全区。" in page.get_by_test_id("foreword").inner_text()

    page.get_by_role("link", name="管理建议、登记答复").tap()
    page.wait_for_url("**/annual/proposals/**")
    _fits(page, "proposals")
    page.get_by_test_id("proposal-new").tap()
    page.wait_for_url("**/proposals/new/**")
    _fits(page, "proposal-new")
    page.get_by_label("改进工作建议").check()
    page.get_by_label("建议对象（事权单位）").select_option(label=tree.unit_housing_a.name)
    page.get_by_label("建议内容").fill("建立维修资金快速使用机制。")
    with page.expect_navigation():
        page.get_by_role("button", name="提出建议").tap()
    _fits(page, "proposals-one")
    page.get_by_role("link", name="登记答复").tap()
    page.wait_for_url("**/answer/")
    _fits(page, "answer")
    page.get_by_label("部分采纳").check()
    page.get_by_label("答复内容").fill("部分采纳，已制定办法。")
    with page.expect_navigation():
        page.get_by_role("button", name="登记答复").tap()
    assert Proposal.objects.get().outcome == "partly", page.locator("main").inner_text()
    page.goto(f"{server}/annual/")
    assert "部分采纳 1 条" in page.get_by_test_id("proposals").inner_text()
    _fits(page, "report-after")
