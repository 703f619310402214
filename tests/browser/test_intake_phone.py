"""Intake on a phone (375×740, touch): fits the screen, keeps what was typed on errors, and is quick."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import Personas
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID
from tests.browser.conftest import PHONE, login, no_horizontal_scroll


@pytest.fixture
def phone(new_context: Any) -> Any:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()


class Counted:
    """Counts the person's interactions (typing into a field, ticking a box, choosing, tapping)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def fill(self, label: str, value: str) -> None:
        self.count += 1
        self.page.get_by_label(label).fill(value)

    def check(self, label: str) -> None:
        self.count += 1
        self.page.get_by_label(label).check()

    def choose(self, label: str, option: str) -> None:
        self.count += 1
        self.page.get_by_label(label).select_option(label=option)

    def tap(self, button: str) -> None:
        self.count += 1
        self.page.get_by_role("button", name=button).tap()


def fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375
    assert scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px wide"


def error_of(page: Any, field_id: str) -> str:
    """The error text shown inside the field's own block."""
    block = page.locator(".field").filter(has=page.locator(f"#{field_id}"))
    assert "has-error" in (block.get_attribute("class") or "")
    return block.locator(".field-error").inner_text()


def test_intake_on_a_phone(phone: Any, server: str, personas: Personas) -> None:
    page = phone
    login(page, server, personas.village_agent)
    fits(page)
    page.get_by_role("link", name="＋ 受理登记").first.tap()
    page.wait_for_url(f"{server}/matters/new/")
    fits(page)
    # CSS and htmx are really there (a missing /static/ file would also fail the test through static_watch).
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.locator(".topbar").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(166, 27, 27)"
    assert page.locator("#id_title").evaluate("e => e.getBoundingClientRect().height") >= 44, (
        "touch-size inputs"
    )

    # A simple matter: name, phone, summary, content, request, category, consent, submit. Purpose, channel
    # and place default sensibly (place: the agent's own village); the category is a deliberate choice.
    me = Counted(page)
    me.fill("姓名", "王建国")
    me.fill("联系电话", "1390471")  # too short
    me.fill("身份证号码", WANG_ID)
    me.fill("事项摘要", "楼道漏水")
    me.fill("反映内容", "小区改造后楼道管线未恢复，雨天漏水。")
    me.fill("诉求", "请尽快修复。")
    me.choose("内容分类", "城乡建设")
    with page.expect_navigation():
        me.tap("提交登记")

    assert page.locator("#error-summary").is_visible()
    assert re.search(r"[\u4e00-\u9fff]", error_of(page, "id_p-0-phone")), "phone error in Chinese"
    assert "代办委托" in error_of(page, "id_consent")
    for field_id, typed in (
        ("id_p-0-name", "王建国"),
        ("id_p-0-phone", "1390471"),
        ("id_p-0-id_number", WANG_ID),
        ("id_title", "楼道漏水"),
        ("id_content", "小区改造后楼道管线未恢复，雨天漏水。"),
        ("id_request", "请尽快修复。"),
    ):
        assert page.locator(f"#{field_id}").input_value() == typed, f"{field_id} lost what was typed"
    assert page.locator("#id_category").input_value() == "urban_construction"
    fits(page)
    assert Matter.objects.count() == 0

    me.fill("联系电话", "13904711234")
    me.check("信访人同意由代办员代办")
    me.tap("提交登记")
    page.wait_for_url(re.compile(r"/matters/\d+/$"))
    matter = Matter.objects.get()
    assert matter.title == "楼道漏水" and matter.region == personas.village_agent.region
    assert page.get_by_test_id("status").inner_text() == "已登记待分流"
    assert matter.number in page.locator(".messages").inner_text()
    fits(page)
    # Eight interactions for the first try, three to put it right: about ten.
    assert me.count <= 11, me.count
