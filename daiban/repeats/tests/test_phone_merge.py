"""并入原事项 on a phone (375 px): the village agent confirms the repeat, opens 并入原事项, sees both matters
one above the other, types the reason and merges; the earlier matter's page lists the merged one. Every
page fits the screen. Browser-marked (Debian's chromium; skipped without it)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.choices import ClosureKind
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.repeats.tests.helpers import LEAK, LEAK_AGAIN, ZHAO, matter
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-repeats-merge-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_a_repeat_merged_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=clock.now() - datetime.timedelta(hours=3))
    earlier = matter(flow, LEAK, person=ZHAO)
    later = matter(flow, LEAK_AGAIN)
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.village_agent)
    page.goto(f"{server}/matters/{later.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="是重复信访").tap()
    with page.expect_navigation():
        page.get_by_test_id("repeat-merge").tap()
    assert page.url.endswith(f"/matters/{later.pk}/act/merge/")
    compare = page.get_by_test_id("merge-compare").inner_text()
    assert earlier.number in compare and later.number in compare
    assert "赵**" in compare and "李**" in compare
    _fits(page, "confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="确认并入原事项").tap()
    assert "请填写并案理由" in page.content()  # the reason is required, named at its field
    page.get_by_label("并案理由").fill("同一楼道漏水，赵红梅的事项正在办理。")
    with page.expect_navigation():
        page.get_by_role("button", name="确认并入原事项").tap()
    assert page.url.endswith(f"/matters/{later.pk}/")
    assert "已并入原事项" in page.get_by_test_id("matter-merged").inner_text()
    assert Matter.objects.get(pk=later.pk).closure_kind == ClosureKind.MERGED
    _fits(page, "merged")
    page.goto(f"{server}/matters/{earlier.pk}/")
    assert later.number in page.get_by_test_id("merged-matter").inner_text()
    _fits(page, "earlier")
