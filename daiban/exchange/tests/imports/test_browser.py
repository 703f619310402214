"""The 导入 pages on a phone (375 px): choose the ledger, upload a broken file, read the report (row, column,
reason) without sideways scrolling, upload the fixed file and see the counts. axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.exchange.tests.imports.helpers import LEDGER_HEADERS, ledger_rows, xlsx
from daiban.matters.models import Matter
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def fits(page: Any) -> None:
    width, viewport = no_horizontal_scroll(page)
    assert width <= viewport, f"horizontal scroll on {page.url}: {width}px"


def test_import_a_ledger_on_a_phone(
    new_context: Any, server: str, tree: Tree, personas: Personas, tmp_path: Path
) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    login(page, server, personas.county_staff)
    page.goto(f"{server}/imports/")
    fits(page)
    assert_accessible(page)
    page.get_by_role("link", name="上传导入").last.click()
    page.wait_for_url("**/imports/matters/")
    fits(page)
    assert_accessible(page)

    rows = ledger_rows(tree.village_a1x.code)
    broken = [list(r) for r in rows]
    broken[1][1] = "2023-02-30"
    bad_file = tmp_path / "新城区台账.xlsx"
    bad_file.write_bytes(xlsx(LEDGER_HEADERS, broken))
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(bad_file))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_url("**/imports/runs/*/")
    report = page.get_by_test_id("import-report")
    assert "第 3 行" in report.inner_text() and "登记日期" in report.inner_text()
    fits(page)
    assert_accessible(page)
    assert not Matter.objects.exists()

    good_file = tmp_path / "新城区台账（改）.xlsx"
    good_file.write_bytes(xlsx(LEDGER_HEADERS, rows))
    page.get_by_role("link", name="再导入一个文件").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(good_file))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_url("**/imports/runs/*/")
    assert "新增 2 条" in page.get_by_test_id("import-applied").inner_text()
    fits(page)
    assert Matter.objects.count() == 2
