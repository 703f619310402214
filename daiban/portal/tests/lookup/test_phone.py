"""On a phone (375 px): the petitioner scans the receipt's QR code (the number is filled in), types the
lookup code, sees the progress, the deadline, the written reply and their agent, rates the reply — the
unit 不满意, so the page explains the review right and a 督查件 is opened — and leaves the lookup."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas, Tree
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.network.models import Agent
from daiban.portal.models import OnlineRating
from daiban.portal.public import VIEW_COOKIE
from daiban.portal.tests.lookup.helpers import INTERNAL, personal_data, served_reply
from daiban.portal.tests.test_public_pages import BUDGET, NARROW, VIEWS, Weighed, check_page
from daiban.supervision.models import Inspection
from tests.browser.axe import AXE, assert_accessible
from tests.browser.conftest import PHONE, no_horizontal_scroll


@pytest.fixture
def phone(new_context: Any) -> Any:
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()


def fits(page: Any) -> None:
    scroll_width, width = no_horizontal_scroll(page)
    assert width == 375 and scroll_width <= 375, f"horizontal scroll on {page.url}: {scroll_width}px"


def accessible(page: Any) -> None:
    assert AXE.exists(), "axe-core is missing: run `make test` (npm ci)"
    assert_accessible(page)


def clean(page: Any, matter: Matter) -> None:
    text = page.content()
    for secret in [*personal_data(matter), *INTERNAL, Matter.objects.get(pk=matter.pk).lookup_code]:
        assert secret not in text, secret


def test_look_up_and_rate_on_a_phone(phone: Any, server: str, tree: Tree, personas: Personas) -> None:
    # Replied ten days ago (the live server runs on the real clock: the rating window is open).
    start = timezone.localtime() - datetime.timedelta(days=10)
    flow = Flow(tree, personas, start=start.replace(hour=10, minute=0, second=0, microsecond=0))
    m, doc = served_reply(flow)
    Agent.objects.filter(user=personas.county_staff).update(name="赵代办", work_phone="0471-6661234")
    page = phone

    page.goto(f"{server}/lookup/?number={m.number}")
    assert page.get_by_label("事项编号").input_value() == m.number
    fits(page)
    accessible(page)
    # A wrong code first: told plainly, nothing shown.
    page.get_by_label("查询码").fill("ABCDEFGH")
    page.get_by_role("button", name="查询").tap()
    page.get_by_test_id("lookup-wrong").wait_for()
    assert "事项编号或查询码不正确" in page.get_by_role("alert").first.inner_text()
    accessible(page)
    page.get_by_label("事项编号").fill(m.number)
    page.get_by_label("查询码").fill(m.lookup_code.lower())
    page.get_by_role("button", name="查询").tap()
    page.wait_for_url(f"{server}/lookup/matter/")
    assert m.lookup_code not in page.url

    steps = page.get_by_test_id("lookup-steps")
    assert "已交办（新城区住房和城乡建设局）" in steps.inner_text()
    assert steps.locator("li.done").count() == 4
    assert "回访" in steps.locator("li.now").inner_text()
    assert "代办员应在这一天前" in page.get_by_test_id("lookup-deadline").inner_text()
    replies = page.get_by_test_id("lookup-replies")
    assert "处理意见书" in replies.inner_text()
    agent = page.get_by_test_id("lookup-agent").inner_text()
    assert "赵代办" in agent and "0471-6661234" in agent
    fits(page)
    accessible(page)
    clean(page, m)
    with page.expect_download() as download:
        replies.get_by_role("link", name="处理意见书（PDF）").tap()
    assert download.value.suggested_filename.endswith(".pdf")

    # Rate: the agent's service 满意, the unit's handling 不满意, with a comment.
    page.get_by_role("group", name="您对代办员服务的评价").get_by_label("满意", exact=True).check()
    page.get_by_role("group", name="您对办理单位办理情况的评价").get_by_label("不满意", exact=True).check()
    page.get_by_label("意见和建议（可不填）").fill("答复没有说明什么时候修")
    page.get_by_role("button", name="提交评价").tap()
    page.wait_for_url(f"{server}/lookup/matter/")
    assert "谢谢您的评价" in page.get_by_role("status").inner_text()
    rated = page.get_by_test_id("rated").inner_text()
    assert "满意" in rated and "不满意" in rated
    review = page.get_by_test_id("review-right").inner_text()
    assert "请求复查" in review and "呼和浩特市住房和城乡建设局" in review
    rating = OnlineRating.objects.get(matter=m)
    assert (rating.service, rating.unit, rating.comment) == (
        "satisfied",
        "dissatisfied",
        "答复没有说明什么时候修",
    )
    assert Inspection.objects.filter(matter=m, source_key=f"rating:{rating.pk}").exists()
    assert page.get_by_role("button", name="提交评价").count() == 0
    fits(page)
    # (Checked once the one-off message is gone: base.html's message list is the shell's, not this page's.)
    page.reload()
    accessible(page)

    # 大字 (适老化) still fits the phone.
    page.get_by_role("button", name="大字").tap()
    page.wait_for_selector("body.view-large")
    fits(page)

    page.get_by_role("button", name="退出查询").tap()
    page.wait_for_url(f"{server}/lookup/")
    assert "已退出查询" in page.content()
    page.goto(f"{server}/lookup/matter/")
    page.wait_for_url(f"{server}/lookup/")
    assert doc.pk  # the reply stays with the matter; the browser simply no longer has the lookup


# ------------------------------------------------------------------------- for everyone (issue 12, item 5)


@pytest.mark.parametrize("view", VIEWS)
def test_the_lookup_form_is_light_local_narrow_and_accessible(
    new_context: Any, server: str, view: str
) -> None:
    check_page(new_context, server, "/lookup/", view)


@pytest.mark.parametrize("view", VIEWS)
def test_the_result_page_is_light_local_narrow_and_accessible(
    new_context: Any, server: str, tree: Tree, personas: Personas, view: str
) -> None:
    """The result page with everything on it (steps, deadline, a written reply, the agent, the rating
    form), at 320 px in each view: under 100 KB before images, nothing from outside, no sideways
    scrolling, axe-core clean."""
    start = timezone.localtime() - datetime.timedelta(days=3)
    m, _doc = served_reply(
        Flow(tree, personas, start=start.replace(hour=10, minute=0, second=0, microsecond=0))
    )
    context = new_context(viewport=NARROW)
    if view:
        context.add_cookies([{"name": VIEW_COOKIE, "value": view, "url": server}])
    page = context.new_page()
    page.goto(f"{server}/lookup/?number={m.number}")
    page.get_by_label("查询码").fill(m.lookup_code)
    weighed = Weighed(server)
    weighed.attach(page)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(f"{server}/lookup/matter/")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("button", name="提交评价").count() == 1
    assert not weighed.foreign, weighed.foreign
    assert weighed.bytes < BUDGET, f"the result page weighs {weighed.bytes} bytes before images"
    width, viewport = no_horizontal_scroll(page)
    assert width <= viewport, f"sideways scrolling at 320 px ({width} > {viewport}) in view {view!r}"
    accessible(page)
