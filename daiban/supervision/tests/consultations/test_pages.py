"""The 专家研判 pages: the matter page's section and its button (county centre staff, difficult matters), the
convene form (experts as check boxes, 400 with the input kept), the consultation page, the opinion and
conclusion forms (409 when stale, 403 once concluded), and the list (研判中 first, scoped)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.core import clock
from daiban.matters.tests.factories import Flow
from daiban.supervision.models import Consultation
from daiban.supervision.tests.consultations.helpers import (
    OTHER_PERSON,
    Experts,
    convene,
    experts,
    group_matter,
)
from daiban.supervision.tests.inspections.helpers import client_for


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


@pytest.fixture
def ex(tree: Tree) -> Experts:
    return experts(tree)


def test_the_convene_button_shows_to_county_staff_on_difficult_matters(
    flow: Flow, personas: Personas, ex: Experts
) -> None:
    group = group_matter(flow)
    ordinary = flow.routed(**OTHER_PERSON)
    with clock.frozen(flow.now):
        staff = client_for(personas.county_staff).get(f"/matters/{group.pk}/").content.decode()
        assert 'data-testid="convene"' in staff and "集体访（6 人）" in staff
        plain = client_for(personas.county_staff).get(f"/matters/{ordinary.pk}/").content.decode()
        assert 'data-testid="matter-consultations"' not in plain
        for who in ("township_staff", "leader", "supervisor", "city_admin", "village_agent"):
            body = client_for(getattr(personas, who)).get(f"/matters/{group.pk}/").content.decode()
            assert 'data-testid="convene"' not in body, who
        assert (
            client_for(personas.county_staff).get(f"/matters/{ordinary.pk}/consultations/new/").status_code
            == 403
        )
        assert client_for(personas.leader).get(f"/matters/{group.pk}/consultations/new/").status_code == 403
        assert client_for(personas.outsider).get(f"/matters/{group.pk}/consultations/new/").status_code == 404


def test_convene_from_the_form(flow: Flow, personas: Personas, ex: Experts) -> None:
    m = group_matter(flow)
    client = client_for(personas.county_staff)
    url = f"/matters/{m.pk}/consultations/new/"
    with clock.frozen(flow.now):
        page = client.get(url).content.decode()
        assert "张律师" in page and "赵专家" in page and "孙专家" not in page and "钱干事" not in page
        refused = client.post(url, {"question": "我的问题", "outside_members": ""})
        body = refused.content.decode()
        assert refused.status_code == 400 and "请至少选择一位专家" in body and "我的问题" in body
        bad = client.post(url, {"question": "我的问题", "experts": [str(ex.elsewhere.pk)]})
        assert bad.status_code == 400 and "不在本县（区）专家、法律顾问名单中" in bad.content.decode()
        made = client.post(
            url, {"question": "诉求是否有依据", "experts": [str(ex.lawyer.pk)], "outside_members": "王教授"}
        )
    c = Consultation.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/consultations/{c.pk}/"
    assert list(c.experts.all()) == [ex.lawyer] and c.outside_members == "王教授"


def test_opinions_and_conclusion_through_the_pages(flow: Flow, personas: Personas, ex: Experts) -> None:
    c = convene(flow, personas, group_matter(flow), ex)
    staff = client_for(personas.county_staff)
    page = staff.get(f"/consultations/{c.pk}/").content.decode()
    assert "诉求是否有政策依据" in page and "张律师" in page and "王教授（内蒙古大学）" in page
    assert "记录专家意见" in page
    assert "记录专家意见" not in client_for(personas.leader).get(f"/consultations/{c.pk}/").content.decode()

    url = f"/consultations/{c.pk}/opinion/"
    form = staff.get(url).content.decode()
    assert f'value="agent-{ex.lawyer.pk}"' in form and 'value="outside-0"' in form
    empty = staff.post(url, {"member": "", "text": "我的意见", "version": "1"})
    assert empty.status_code == 400 and "请选择参加研判的专家" in empty.content.decode()
    ok = staff.post(url, {"member": f"agent-{ex.lawyer.pk}", "text": "有依据", "version": "1"})
    assert ok.status_code == 302
    again = staff.post(url, {"member": f"agent-{ex.lawyer.pk}", "text": "再写", "version": "2"})
    assert again.status_code == 400 and "张律师的意见已经记录" in again.content.decode()
    assert "张律师（已记录）" in staff.get(url).content.decode()
    stale = staff.post(url, {"member": "outside-0", "text": "保留我", "version": "1"})
    assert stale.status_code == 409 and "保留我" in stale.content.decode()

    conclude = f"/consultations/{c.pk}/conclude/"
    assert staff.post(conclude, {"conclusion": "", "version": "2"}).status_code == 400
    assert staff.post(conclude, {"conclusion": "建议司法救助", "version": "2"}).status_code == 302
    assert staff.get(url).status_code == 403
    assert staff.post(conclude, {"conclusion": "再来", "version": "3"}).status_code == 403
    assert staff.post(conclude, {"conclusion": "旧表单", "version": "2"}).status_code == 409

    matter_page = client_for(personas.village_agent).get(f"/matters/{c.matter_id}/").content.decode()
    assert 'data-testid="matter-consultations"' in matter_page
    assert "建议司法救助" in matter_page and "有依据" in matter_page and c.number in matter_page
    unit = client_for(personas.unit_handler).get(f"/matters/{c.matter_id}/").content.decode()
    assert c.number not in unit


def test_the_list(flow: Flow, personas: Personas, ex: Experts) -> None:
    first = convene(flow, personas, group_matter(flow), ex)
    flow.later(days=1)
    second = convene(flow, personas, group_matter(flow, **OTHER_PERSON), ex)
    staff = client_for(personas.county_staff)
    staff.post(
        f"/consultations/{second.pk}/opinion/", {"member": "outside-0", "text": "意见", "version": "1"}
    )
    staff.post(f"/consultations/{second.pk}/conclude/", {"conclusion": "结论", "version": "2"})
    body = staff.get("/consultations/").content.decode()
    assert body.index(first.number) < body.index(second.number)  # 研判中 first, though older
    assert 'data-testid="open-count">1<' in body
    concluded = staff.get("/consultations/?status=concluded").content.decode()
    assert second.number in concluded and first.number not in concluded
    assert first.number in client_for(personas.village_agent).get("/consultations/").content.decode()
    assert "YP150102" not in client_for(personas.outsider).get("/consultations/").content.decode()
    assert client_for(personas.unit_handler).get("/consultations/").status_code == 403


def test_the_list_costs_the_same_queries_for_more_rows(flow: Flow, personas: Personas, ex: Experts) -> None:
    client = client_for(personas.village_agent)  # through the matters the agent may open
    convene(flow, personas, group_matter(flow), ex)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/consultations/").status_code == 200
    for _ in range(3):
        convene(flow, personas, group_matter(flow, new_matter=True), ex)
    with CaptureQueriesContext(connection) as four:
        body = client.get("/consultations/").content.decode()
    assert body.count("YP150102-2026-0000") == 4
    assert len(four) == len(one)
