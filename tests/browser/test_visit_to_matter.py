"""未诉先办 on a phone (375×740, touch): a village agent goes door to door, finds a conflict, registers it
in the screening register from the visit, and — when talking does not settle it — turns it into a matter
through the intake page. Every page fits the screen; the links hold both ways (visit → screening → matter
and back)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings

from conftest import Personas
from daiban.matters.choices import Channel
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID
from daiban.prevention.models import Screening, ScreeningStatus, Visit
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

SHOTS = Path(settings.VAR_DIR) / "screenshots"  # for a look after a run; never into the repository


def fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375 and scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px wide"


def test_a_door_to_door_visit_finds_a_conflict_that_becomes_a_matter(
    new_context: Any, server: str, personas: Personas
) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, personas.village_agent)

    # The entry page, then the visit: three inputs and a tap.
    page.get_by_role("link", name="排查预防").tap()
    page.wait_for_url(f"{server}/prevention/")
    fits(page)
    page.get_by_role("link", name="记录走访").tap()
    page.wait_for_url(f"{server}/visits/new/")
    page.get_by_label("推门访（入户走访）").tap()
    page.get_by_label("走访户数（人次）").fill("9")
    page.get_by_label("发现情况").fill("三组王家与李家因排水沟改道发生争执")
    page.get_by_role("button", name="保存").tap()
    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.get()
    fits(page)

    # Found a conflict: the register entry starts from the visit (place and source prefilled).
    page.get_by_test_id("visit-to-screening").tap()
    page.wait_for_url(re.compile(r"/screenings/new/\?visit=\d+$"))
    assert page.get_by_test_id("screening-from-visit").is_visible()
    fits(page)
    page.get_by_label("纠纷类型").select_option(label="邻里")
    page.get_by_label("纠纷摘要").fill("王李两户排水沟纠纷")
    page.get_by_label("纠纷情况").fill("李家改了院内排水沟，雨水流进王家院子，两家多次争吵。")
    page.get_by_label("当事人").fill("王建国、李某")
    page.get_by_label("涉及人数").fill("2")
    page.get_by_label("风险等级").select_option(label="较大")
    page.get_by_label("风险研判理由", exact=False).fill("双方已发生推搡，有激化苗头。")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").tap()
    errors = (
        page.locator(".has-error label").all_inner_texts() + page.locator(".field-error").all_inner_texts()
    )
    assert not errors, errors
    page.wait_for_url(re.compile(r"/screenings/\d+/$"))
    screening = Screening.objects.get()
    assert screening.visit_id == visit.pk and screening.status == ScreeningStatus.WATCHING
    assert page.get_by_test_id("status").inner_text() == "在控"
    fits(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "screening-phone.png"), full_page=True)

    # Talking did not settle it: 转为信访事项 opens the intake page, prefilled, saying where it comes from.
    page.locator("[data-step=to_matter]").tap()
    page.wait_for_url(re.compile(r"/matters/new/\?origin=screening"))
    assert screening.number in page.get_by_test_id("intake-origin").inner_text()
    assert page.locator("#id_title").input_value() == "王李两户排水沟纠纷"
    assert page.locator("#id_channel").input_value() == Channel.SCREENING
    fits(page)
    page.get_by_label("姓名").fill("王建国")
    page.get_by_label("联系电话").fill("13904711234")
    page.get_by_label("身份证号码").fill(WANG_ID)
    page.get_by_label("诉求").fill("请协调李家把排水沟改回原位。")
    page.get_by_label("信访人同意由代办员代办").check()
    page.get_by_role("button", name="提交登记").tap()
    page.wait_for_url(re.compile(r"/matters/\d+/$"))
    matter = Matter.objects.get()
    assert matter.channel == Channel.SCREENING and matter.title == "王李两户排水沟纠纷"
    fits(page)

    # Both ways: the matter names its screening; the screening and the visit name the matter.
    link = page.get_by_test_id("matter-origin").first
    assert screening.number in link.inner_text()
    link.tap()
    page.wait_for_url(f"{server}/screenings/{screening.pk}/")
    assert page.get_by_test_id("status").inner_text() == "已转为信访事项"
    assert matter.number in page.get_by_test_id("screening-matter").inner_text()
    screening.refresh_from_db()
    assert screening.matter_id == matter.pk and screening.review_on is None
    page.goto(f"{server}/visits/{visit.pk}/")
    assert "王李两户排水沟纠纷" in page.content()
    fits(page)
