"""On a phone (375 px): from the filtered matter list to the ledger's file, and the 月报 as a download; no
horizontal scroll on the export pages (skipped where chromium is not installed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.exchange.tests.exports.helpers import rows
from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import id_with_check, intake
from tests.browser.conftest import (  # noqa: F401  (the fixtures)
    PHONE,
    browser,
    login,
    new_context,
    no_horizontal_scroll,
    server,
    static_watch,
    time_limits,
)

pytestmark = pytest.mark.browser


def _fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375 and scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px"


def test_filtered_ledger_and_monthly_report_on_a_phone(
    new_context: Any,  # noqa: F811
    server: str,  # noqa: F811
    tree: Tree,
    personas: Personas,
) -> None:
    intake(personas.village_agent, tree.village_a1x)
    labour = intake(
        personas.county_staff,
        tree.village_a2x,
        category="labour",
        title="拖欠工资",
        petitioners=[PetitionerInput(name="孙劳动", id_number=id_with_check("15010219800101003"))],
    )
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True).new_page()
    login(page, server, personas.county_staff)
    page.goto(f"{server}/matters/?category=labour")
    page.get_by_role("link", name="导出台账").tap()
    page.wait_for_url(re.compile(r"/exports/ledger/matters/\?category=labour$"))
    _fits(page)
    assert "内容分类：劳动和社会保障" in page.get_by_test_id("export-filters").inner_text()
    page.get_by_role("button", name="生成 Excel").tap()
    page.wait_for_url(re.compile(r"/exports/jobs/[0-9a-f-]+/$"))
    _fits(page)
    with page.expect_download() as info:
        page.get_by_test_id("export-download").tap()
    download = info.value
    assert download.suggested_filename.startswith("代办事项台账_")
    data = Path(download.path()).read_bytes()
    assert [r[0] for r in rows(data)[1:]] == [labour.number]

    page.goto(f"{server}/exports/")
    _fits(page)
    assert page.get_by_test_id("export-jobs").get_by_role("link", name="下载").count() == 1
    page.goto(f"{server}/exports/monthly/")
    _fits(page)
    page.get_by_label("月份").fill("2026-06")
    page.get_by_label("格式").select_option("docx")
    with page.expect_download() as info:
        page.get_by_role("button", name="生成月报").tap()
    assert info.value.suggested_filename.endswith(".docx") and "月报" in info.value.suggested_filename
