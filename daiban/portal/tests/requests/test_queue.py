"""The staff side: the queue scoped to the region subtree, a request's page (phone masked), 不予代办 with
the version check, 转为信访事项 through the intake page, the home panel and the nav badge."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import Personas, Tree
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID
from daiban.notify.models import Outbound
from daiban.pii.models import RevealLog
from daiban.portal.models import OnlineRequest, OnlineRequestEvent, RequestStatus
from daiban.portal.requests import actions
from daiban.portal.tests.requests.helpers import PHONE, client_for, sms_texts, submit


@pytest.fixture
def req(tree: Tree) -> OnlineRequest:
    return submit(Client(), tree)


def test_the_queue_is_scoped_to_the_subtree(tree: Tree, personas: Personas) -> None:
    mine = submit(Client(), tree)
    other = submit(
        Client(), tree, phone="13904710000", village=str(tree.village_a2x.pk), township=str(tree.town_a2.pk)
    )
    seen = {
        who: {r.pk for r in client_for(getattr(personas, who)).get("/online-requests/").context["rows"]}
        for who in ("village_agent", "township_staff", "county_staff")
    }
    assert seen == {
        "village_agent": {mine.pk},
        "township_staff": {mine.pk},
        "county_staff": {mine.pk, other.pk},
    }
    assert client_for(personas.outsider_village_agent).get("/online-requests/").context["rows"] == []
    assert client_for(personas.outsider).get(f"/online-requests/{mine.pk}/").status_code == 404
    assert client_for(personas.village_agent).get(f"/online-requests/{other.pk}/").status_code == 404
    for who in ("unit_handler", "leader", "supervisor", "city_admin"):
        assert client_for(getattr(personas, who)).get("/online-requests/").status_code == 403, who


def test_pending_requests_come_first(tree: Tree, personas: Personas) -> None:
    first = submit(Client(), tree)
    second = submit(Client(), tree, phone="13904710001")
    actions.request_decline(
        actor=personas.village_agent, request_id=second.pk, expected_version=1, reason="不属于代办范围"
    )
    rows = client_for(personas.village_agent).get("/online-requests/").context["rows"]
    assert [r.pk for r in rows] == [first.pk, second.pk]


def test_the_page_shows_the_phone_masked_only(req: OnlineRequest, personas: Personas) -> None:
    page = client_for(personas.village_agent).get(f"/online-requests/{req.pk}/").content.decode()
    assert req.phone_masked in page and PHONE not in page
    assert req.name in page and "路灯坏了三个月" in page
    assert f"/matters/new/?origin=online%3A{req.pk}" in page


def test_the_full_phone_is_revealed_on_request_and_logged(req: OnlineRequest, personas: Personas) -> None:
    client = client_for(personas.township_staff)
    response = client.post(f"/online-requests/{req.pk}/phone/")
    assert response.status_code == 200 and f'href="tel:{PHONE}"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    log = RevealLog.objects.get()
    assert log.actor == personas.township_staff and req.number in log.reason
    assert (
        client_for(personas.outsider_village_agent).post(f"/online-requests/{req.pk}/phone/").status_code
        == 404
    )
    assert client.get(f"/online-requests/{req.pk}/phone/").status_code == 405
    assert RevealLog.objects.count() == 1


def test_decline_tells_the_person_the_reason(req: OnlineRequest, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    url = f"/online-requests/{req.pk}/decline/"
    response = client.post(url, {"version": "1", "reason": ""})
    assert response.status_code == 400 and "请填写不予代办的理由" in response.content.decode()
    response = client.post(url, {"version": "1", "reason": "属于民事纠纷，建议向人民法院起诉。"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.DECLINED and req.version == 2
    assert req.handled_by == personas.village_agent
    event = OnlineRequestEvent.objects.get(request=req, kind="decline")
    assert event.details == {"reason": "属于民事纠纷，建议向人民法院起诉。"} and event.seq == 2
    assert any(
        "不予代办" in t and "建议向人民法院起诉" in t and req.number in t
        for t in sms_texts("citizen_request")
    )
    # Already handled: a second decline is refused and changes nothing.
    again = client.post(url, {"version": "2", "reason": "再次"})
    assert again.status_code == 400
    req.refresh_from_db()
    assert req.version == 2


def test_a_stale_decline_is_a_conflict_with_the_reason_kept(req: OnlineRequest, personas: Personas) -> None:
    OnlineRequest.objects.filter(pk=req.pk).update(version=2)  # someone else changed it meanwhile
    response = client_for(personas.village_agent).post(
        f"/online-requests/{req.pk}/decline/", {"version": "1", "reason": "理由保留"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "刚刚被他人处理" in page and "理由保留" in page
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING


def test_outsiders_cannot_decline(req: OnlineRequest, personas: Personas) -> None:
    for who in ("outsider_village_agent", "outsider", "unit_handler"):
        response = client_for(getattr(personas, who)).post(
            f"/online-requests/{req.pk}/decline/", {"version": "1", "reason": "x"}
        )
        assert response.status_code == 404, who
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and req.version == 1


def _intake(tree: Tree, origin: str, **extra: Any) -> dict[str, Any]:
    return {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王秀兰", "p-0-phone": PHONE, "p-0-id_number": WANG_ID, "p-0-group": "resident",
        "channel": "online", "region": tree.village_a1x.pk, "title": "楼道路灯不亮",
        "content": "小区楼道的路灯坏了三个月", "request": "希望尽快修好路灯", "category": "other",
        "purpose": "appeal", "consent": "on", "origin": origin, **extra,
    }  # fmt: skip


def test_convert_to_a_matter(tree: Tree, req: OnlineRequest, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    shown = client.get("/matters/new/", {"origin": f"online:{req.pk}"})
    assert shown.status_code == 200
    page = shown.content.decode()
    assert f"由网上代办申请 {req.number} 转为信访事项" in page
    initial = shown.context["form"].initial
    assert initial["channel"] == "online" and initial["region"] == tree.village_a1x.pk
    assert initial["request"] == req.wanted and initial["content"] == req.happened
    row = shown.context["formset"].forms[0]
    assert row.initial == {"name": "王秀兰", "phone": PHONE}
    assert RevealLog.objects.filter(actor=personas.village_agent).exists()  # the phone's reveal is logged

    response = client.post("/matters/new/", _intake(tree, f"online:{req.pk}"))
    assert response.status_code == 302, response.content.decode()[:3000]
    matter = Matter.objects.get()
    req.refresh_from_db()
    assert req.status == RequestStatus.CONVERTED and req.matter == matter and req.version == 2
    assert OnlineRequestEvent.objects.filter(request=req, kind="convert").exists()
    texts = sms_texts("citizen_request")
    assert any(matter.number in t and matter.lookup_code in t and "/lookup/" in t for t in texts)
    matter_page = client.get(response["Location"]).content.decode()
    assert f'href="/online-requests/{req.pk}/"' in matter_page and req.number in matter_page
    # Handled: not offered again.
    assert client.get("/matters/new/", {"origin": f"online:{req.pk}"}).status_code == 404


def test_converting_a_handled_request_undoes_the_intake(
    tree: Tree, req: OnlineRequest, personas: Personas
) -> None:
    actions.request_decline(
        actor=personas.village_agent, request_id=req.pk, expected_version=1, reason="已解决"
    )
    response = client_for(personas.township_staff).post("/matters/new/", _intake(tree, f"online:{req.pk}"))
    assert response.status_code == 400
    assert "该网上代办申请已被处理" in response.content.decode()
    assert not Matter.objects.exists()


def test_an_outsider_cannot_convert(tree: Tree, req: OnlineRequest, personas: Personas) -> None:
    client = client_for(personas.outsider_village_agent)
    assert client.get("/matters/new/", {"origin": f"online:{req.pk}"}).status_code == 404
    before = Outbound.objects.count()
    client.post("/matters/new/", _intake(tree, f"online:{req.pk}", region=tree.village_b1x.pk))
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and Outbound.objects.count() == before


def test_the_home_panel_and_the_nav_badge(req: OnlineRequest, personas: Personas) -> None:
    page = client_for(personas.village_agent).get("/").content.decode()
    assert "网上代办申请 1 件待处理" in page and req.number in page
    assert 'href="/online-requests/"' in page
    other = client_for(personas.outsider_village_agent).get("/").content.decode()
    assert "件待处理" not in other and req.number not in other
    unit = client_for(personas.unit_handler).get("/").content.decode()
    assert 'href="/online-requests/"' not in unit
