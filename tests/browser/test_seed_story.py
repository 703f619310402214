"""王先生's old-residential-renovation complaint, end to end through the real pages, as the real roles.

The same story as daiban/matters/tests/test_seed_story.py, but every step is a person clicking a button on
the matter page and filling the action's form; each role signs in separately in its own browser context.
"""

from __future__ import annotations

import re
from typing import Any

from conftest import Personas, Tree
from daiban.matters.models import Event, Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE
from tests.browser.conftest import login, rendered_fonts


class Desk:
    """One person at their own browser."""

    def __init__(self, new_context: Any, server: str, user: Any) -> None:
        self.page = new_context().new_page()
        self.server = server
        login(self.page, server, user)

    def open_matter(self, pk: int) -> Any:
        self.page.goto(f"{self.server}/matters/{pk}/")
        return self.page

    def act(self, pk: int, button: str, fill: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Click the action's button on the matter page, fill its form, confirm; back on the matter page."""
        page = self.open_matter(pk)
        page.locator(".action-buttons").get_by_role("link", name=button, exact=True).click()
        page.wait_for_url(re.compile(r"/act/"))
        for label, value in (fill or {}).items():
            field(page, label).fill(value)
        for label, value in kwargs.get("select", {}).items():
            field(page, label).select_option(label=value)
        for selector in kwargs.get("check", ()):
            page.locator(selector).check()
        page.locator("main form").get_by_role("button", name=re.compile("^确认")).click()
        page.wait_for_url(f"{self.server}/matters/{pk}/")
        return page


def field(page: Any, label: str) -> Any:
    """The form control labelled exactly ``label`` (a required field's label ends with a red asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


def status(page: Any) -> str:
    return page.get_by_test_id("status").inner_text()


def holder(page: Any) -> str:
    return page.get_by_test_id("holder").inner_text()


def clocks(page: Any) -> list[str]:
    """The steps whose clocks run, as the 办理时限 card lists them."""
    return page.locator(".deadlines > li > div > strong").all_inner_texts()


def timeline(page: Any) -> list[str]:
    classes = page.locator("ol.timeline > li").evaluate_all("els => els.map(e => e.className)")
    return [c.removeprefix("tl-") for c in classes]


def test_wang_renovation_story(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    # 1. The village agent takes the complaint in at 苏雅拉社区.
    agent = Desk(new_context, server, personas.village_agent)
    page = agent.page
    assert "Noto Sans CJK SC" in rendered_fonts(page, "h1"), "Chinese must render with Noto CJK"
    page.get_by_role("link", name="＋ 受理登记").first.click()
    page.wait_for_url(f"{server}/matters/new/")
    page.get_by_label("姓名").fill("王建国")
    page.get_by_label("联系电话").fill(WANG_PHONE)
    page.get_by_label("身份证号码").fill(WANG_ID)
    page.get_by_label("事项摘要").fill("老旧小区改造遗留问题")
    page.get_by_label("反映内容").fill("小区改造后楼道管线未恢复，雨天漏水。")
    page.get_by_label("诉求").fill("请尽快修复并明确责任单位。")
    page.get_by_label("内容分类").select_option(label="城乡建设")
    page.get_by_label("信访人同意由代办员代办").check()
    page.get_by_role("button", name="提交登记").click()
    page.wait_for_url(re.compile(r"/matters/\d+/$"))

    matter = Matter.objects.get()
    pk = matter.pk
    assert matter.number.startswith("150102-")
    assert matter.number in page.locator(".page-head").inner_text()
    assert f"事项编号 {matter.number}" in page.locator(".messages").inner_text()
    assert status(page) == "已登记待分流"
    assert "苏雅拉社区" in holder(page)
    assert "王建国" in page.locator(".people").inner_text()
    assert WANG_ID not in page.content(), "the full ID number is masked on the page"
    assert timeline(page) == ["intake"]
    # htmx (with its CSRF header) shows the full phone number in place, once asked and given a reason.
    reveal = page.locator(".pii .reveal").last
    reveal.locator("summary", has_text="查看完整").click()
    reveal.get_by_label("查看事由").select_option(label="联系信访人告知办理情况")
    reveal.get_by_role("button", name="查看并记录").click()
    assert page.get_by_test_id("revealed").inner_text() == WANG_PHONE
    assert clocks(page) == ["转送交办"], "the route clock runs"
    due = matter.due_date
    assert (
        due is not None and f"{due.year}年{due.month}月{due.day}日" in page.locator(".deadlines").inner_text()
    )

    # 2. Up to the township, then to the county.
    page = agent.act(pk, "上报上一级", {"说明": "需协调住建部门"})
    assert status(page) == "已登记待分流"
    assert "呼伦路街道" in holder(page)
    assert timeline(page) == ["intake", "escalate"]
    assert (
        page.locator(".action-buttons").count() == 0
        or "上报上一级" not in page.locator(".action-buttons").inner_text()
    ), "the village no longer holds the matter"

    township = Desk(new_context, server, personas.township_staff)
    page = township.act(pk, "上报上一级", {"说明": "涉及区住建局"})
    assert "新城区" in holder(page)
    assert timeline(page) == ["intake", "escalate", "escalate"]

    # 3. The county centre routes it to 新城区住建局 as lead unit.
    county = Desk(new_context, server, personas.county_staff)
    page = county.act(
        pk,
        "交办事权单位",
        {"交办要求": "核实改造遗留问题，组织调解"},
        select={"主办单位": "新城区住房和城乡建设局"},
    )
    assert status(page) == "已交办待受理"
    assert "新城区住房和城乡建设局" in holder(page)
    assert timeline(page)[-1] == "route"

    # 4. The unit accepts, mediates, replies.
    unit = Desk(new_context, server, personas.unit_handler)
    page = unit.act(pk, "受理交办（主办）", select={"受理告知方式": "书面"})
    assert status(page) == "单位办理中"
    assert timeline(page)[-1] == "accept"
    assert "办理" in clocks(page)

    page = unit.act(
        pk,
        "记录调解",
        {
            "参加调解人员": "王先生、物业公司、区住建局、呼伦路街道",
            "协议内容": "物业公司负责修复楼道管线，住建局监督验收",
            "履行方式": "施工修复并经业主验收",
            "履行期限": "2026-12-31",
        },
        check=["#id_signed"],
    )
    assert status(page) == "单位办理中"
    assert timeline(page)[-1] == "mediate"
    assert "已签订调解协议书" in page.locator("article.doc").inner_text()

    page = unit.act(
        pk,
        "出具处理意见书",
        {
            "查明的事实": "改造后管线未恢复属实",
            "理由": "属改造遗留问题，应予修复",
            "依据": "《呼和浩特市老旧小区改造管理办法》",
        },
        check=["input[name=outcome][value=support]"],
    )
    assert status(page) == "已答复待回访"
    assert "苏雅拉社区" in holder(page)
    assert timeline(page)[-1] == "reply"
    assert "处理意见书：支持" in page.locator(".card").filter(has_text="意见书与调解").inner_text()

    # 5. Back at the village: feedback, follow-up visit, closure as resolved.
    page = agent.act(pk, "反馈办理结果", {"反馈情况": "当面解释处理意见"}, select={"反馈方式": "当面"})
    assert status(page) == "已答复待回访"
    assert timeline(page)[-1] == "feedback"

    page = agent.act(
        pk,
        "回访",
        {"回访情况": "管线已修复"},
        select={"回访方式": "上门"},
        check=[
            "input[name=service_satisfaction][value=satisfied]",
            "input[name=unit_satisfaction][value=satisfied]",
        ],
    )
    assert timeline(page)[-1] == "follow_up"
    assert "代办服务：满意；办理单位：满意" in page.locator("dl.kv").inner_text()

    page = agent.act(pk, "办结", check=["input[name=resolved][value='1']"])
    assert status(page) == "已办结"
    assert "已化解" in page.locator(".page-head").inner_text()
    assert timeline(page) == [
        "intake",
        "escalate",
        "escalate",
        "route",
        "accept",
        "mediate",
        "reply",
        "feedback",
        "follow_up",
        "close",
    ]
    assert "没有正在计时的期限" in page.inner_text("body")

    matter.refresh_from_db()
    assert matter.status == "closed" and matter.resolved is True
    assert list(Event.objects.filter(matter=matter).order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 11)
    )

    # 6. 托克托县's county staff cannot even learn that the matter exists.
    outsider = Desk(new_context, server, personas.outsider)
    response = outsider.page.goto(f"{server}/matters/{pk}/")
    assert response is not None and response.status == 404
    assert "未找到" in outsider.page.locator("h1").inner_text()
    assert "老旧小区" not in outsider.page.content()
