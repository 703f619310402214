"""The mediation dossier on a phone (375 px): a village agent records a session from the matter page, drafts
the agreement (a row added on the way), previews and issues the 调解协议书; once the parties have signed, records
a performance and 司法确认. Every page fits the screen. Browser-marked (Debian's chromium; skipped without
it); the fixtures come from tests/browser (conftest)."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.documents import actions as doc_actions
from daiban.documents.models import Document
from daiban.matters.tests.factories import Flow
from daiban.mediation.models import Agreement, AgreementStatus, MediationSession, ObligationStatus
from daiban.mediation.tests.helpers import signature_data_url
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-mediation-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def test_a_dossier_on_a_phone(new_context: Any, server: str, tree: Tree, personas: Personas) -> None:
    flow = Flow(tree, personas, start=clock.now())
    m = flow.local()
    agent = personas.village_agent
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    login(page, server, agent)

    page.goto(f"{server}/matters/{m.pk}/")
    page.get_by_test_id("open-dossier").tap()
    page.wait_for_url(f"{server}/mediation/matter/{m.pk}/")
    _fits(page, "empty")
    page.get_by_test_id("new-session").tap()
    page.wait_for_url(re.compile(r"/sessions/new/$"))
    page.get_by_label("调解地点").fill("苏雅拉社区调解室")
    page.get_by_label("参加人员").fill("王建国；物业公司李经理")
    page.get_by_label("调解情况").fill("双方陈述，物业公司同意维修并赔偿。")
    page.get_by_label("达成调解协议").check()
    _fits(page, "session")
    with page.expect_navigation():
        page.get_by_role("button", name="保存调解记录").tap()
    assert MediationSession.objects.get().place == "苏雅拉社区调解室"

    page.get_by_test_id("new-agreement").tap()
    page.wait_for_url(re.compile(r"/agreements/new/$"))
    page.locator("input[name=party-1-name]").fill("某物业服务有限公司")
    page.locator("textarea[name=ob-0-what]").fill("修复楼道管线")
    page.locator("input[name=ob-0-manner]").fill("施工修复并经业主验收")
    deadline = (clock.today() + datetime.timedelta(days=10)).isoformat()
    page.locator("input[name=ob-0-deadline]").fill(deadline)
    with page.expect_navigation():
        page.get_by_role("button", name="＋ 增加一项义务").tap()
    assert page.locator("textarea[name=ob-0-what]").input_value() == "修复楼道管线"
    page.locator("select[name=ob-1-party_role]").select_option("jia")
    page.locator("textarea[name=ob-1-what]").fill("配合入户施工")
    page.locator("input[name=ob-1-manner]").fill("提前约定时间开门")
    page.locator("input[name=ob-1-deadline]").fill(deadline)
    _fits(page, "agreement-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存协议").tap()
    a = Agreement.objects.get()
    assert a.obligations.count() == 2
    _fits(page, "drafted")

    page.get_by_test_id("issue-agreement").tap()
    page.wait_for_url(re.compile(r"/documents/matter/\d+/new/"))
    _fits(page, "preview")
    with page.expect_navigation():
        page.get_by_role("button", name="出具调解协议书").tap()
    doc = Document.objects.get(kind="mediation_agreement")
    # The parties sign on the documents app's page (its own browser test); here at once.
    doc_actions.sign(
        actor=agent,
        document_id=doc.pk,
        expected_revision=doc.revision,
        images=[signature_data_url(0), signature_data_url(9)],
    )
    assert Agreement.objects.get(pk=a.pk).status == AgreementStatus.SIGNED

    page.goto(f"{server}/mediation/matter/{m.pk}/")
    _fits(page, "signed")
    page.get_by_role("link", name="登记履行").first.tap()
    page.wait_for_url(re.compile(r"/perform/$"))
    page.get_by_label("已履行完毕").check()
    page.get_by_label("说明").fill("当面查看，已修复")
    _fits(page, "perform")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").tap()
    assert a.obligations.get(position=0).status == ObligationStatus.DONE
    page.get_by_role("link", name="登记", exact=True).tap()
    page.wait_for_url(re.compile(r"/judicial/$"))
    page.get_by_label("当事人未申请司法确认").check()
    _fits(page, "judicial")
    with page.expect_navigation():
        page.get_by_role("button", name="登记").tap()
    assert "当事人未申请司法确认" in page.get_by_test_id("judicial").inner_text()

    page.goto(f"{server}/matters/{m.pk}/")
    assert "履行中" in page.get_by_test_id("matter-mediation").inner_text()
    _fits(page, "matter-panel")
