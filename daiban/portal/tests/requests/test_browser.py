"""An online request on a phone (375 px), end to end through the real pages: a person fills in the form
(the village picked county → township → village, the SMS code read from the outbox), submits, and sees
the request number; the village's agent finds it in their queue (another village's agent does not) and
turns it into a matter. The public pages are light, local, narrow and axe-core clean."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID
from daiban.portal.models import OnlineRequest, RequestStatus
from daiban.portal.tests.requests.helpers import PHONE, last_code, sms_texts
from daiban.portal.tests.test_public_pages import check_page
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE as PHONE_SIZE
from tests.browser.conftest import login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _phone(new_context: Any) -> Any:
    return new_context(viewport=PHONE_SIZE, is_mobile=True, has_touch=True).new_page()


def fits(page: Any) -> None:
    width, viewport = no_horizontal_scroll(page)
    assert width <= viewport, f"horizontal scroll on {page.url}: {width}px"


def pick(page: Any, label: str, option: str, then: str) -> None:
    page.get_by_label(label).select_option(label=option)
    page.wait_for_function(
        """(sel) => { const el = document.querySelector(sel);
            return !!el && (!el.hasAttribute('hx-get') || !!el['htmx-internal-data'])
                && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling'); }""",
        arg=then,
        timeout=30_000,
    )


def test_the_form_is_light_local_narrow_and_accessible(new_context: Any, server: str, tree: Tree) -> None:
    check_page(new_context, server, "/apply/")
    check_page(new_context, server, "/apply/done/")


def test_an_online_request_reaches_the_right_agent_and_becomes_a_matter(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    page = _phone(new_context)
    page.goto(f"{server}/apply/")
    started = time.monotonic()
    assert page.evaluate("typeof window.htmx") == "object"
    page.get_by_label("姓名").fill("王秀兰")
    page.get_by_label("手机号码").fill(PHONE)
    # Each pick swaps the next list in by htmx. A person cannot pick before htmx has wired the new list;
    # a test can, so it waits until htmx has processed it and finished settling.
    pick(page, "县（区、旗）", tree.county_a.name, then="#id_township")
    pick(page, "乡镇（街道）", tree.town_a1.name, then="#id_village")
    page.get_by_label("村（社区）").select_option(label=tree.village_a1x.name)
    page.get_by_label("发生了什么").fill("小区楼道的路灯坏了三个月，晚上老人上下楼很危险。")
    page.get_by_label("希望解决什么").fill("希望尽快修好路灯。")
    fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="获取验证码").tap()
    assert "验证码已发送" in page.locator("main").inner_text()
    # Nothing typed was lost by asking for the code.
    assert page.get_by_label("姓名").input_value() == "王秀兰"
    assert page.get_by_label("村（社区）").input_value() == str(tree.village_a1x.pk)
    assert "路灯坏了三个月" in page.get_by_label("发生了什么").input_value()
    assert_accessible(page)
    page.get_by_label("短信验证码").fill(last_code())
    time.sleep(max(0.0, 3.5 - (time.monotonic() - started)))  # a person takes longer than 3 s
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").tap()
    assert page.url == f"{server}/apply/done/"
    req = OnlineRequest.objects.get()
    assert page.get_by_test_id("request-number").inner_text() == req.number
    assert PHONE not in page.content()
    assert any(req.number in t for t in sms_texts("citizen_request"))
    fits(page)

    # Another village's agent does not see it.
    other = _phone(new_context)
    login(other, server, personas.outsider_village_agent)
    other.goto(f"{server}/online-requests/")
    assert req.number not in other.locator("main").inner_text()
    assert other.goto(f"{server}/online-requests/{req.pk}/").status == 404

    # The village's agent: the home panel, the queue, the request, 转为信访事项.
    agent = _phone(new_context)
    login(agent, server, personas.village_agent)
    assert "网上代办申请 1 件待处理" in agent.get_by_test_id("home-online-requests").inner_text()
    agent.goto(f"{server}/online-requests/")
    fits(agent)
    agent.get_by_role("link", name=re.compile(req.number)).tap()
    agent.wait_for_url(f"{server}/online-requests/{req.pk}/")
    assert agent.get_by_test_id("request-phone").inner_text() == req.phone_masked
    fits(agent)
    agent.get_by_test_id("request-convert").tap()
    agent.wait_for_url(re.compile(r"/matters/new/\?origin="))
    assert agent.locator("#id_p-0-name").input_value() == "王秀兰"
    assert agent.locator("#id_p-0-phone").input_value() == PHONE
    agent.locator("#id_p-0-id_number").fill(WANG_ID)
    agent.get_by_label("内容分类").select_option(label="城乡建设")
    agent.get_by_label("信访人同意由代办员代办").check()
    with agent.expect_navigation():
        agent.get_by_role("button", name="提交登记").tap()
    agent.wait_for_url(re.compile(r"/matters/\d+/$"))
    matter = Matter.objects.get()
    req.refresh_from_db()
    assert req.status == RequestStatus.CONVERTED and req.matter == matter
    assert req.number in agent.get_by_test_id("matter-origin").inner_text()
    assert any(matter.number in t and matter.lookup_code in t for t in sms_texts("citizen_request"))
