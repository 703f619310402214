"""Issue 8 items 21 and 6: a reveal needs a reason, is rate-limited per person, an unusual burst is shown to
the supervisors (纪检) of the jurisdiction; the lead unit's handler may reveal the phone (never the ID)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters import actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow
from daiban.matters.views.detail import REVEAL_REASONS
from daiban.pii.models import RevealAlert, RevealLog


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _url(m: Matter, field: str) -> str:
    return f"/matters/{m.pk}/petitioners/{m.petitioner_links.get().pk}/reveal/{field}/"


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


# --- a reason for every reveal ------------------------------------------------------------------------


def test_the_page_asks_for_a_reason_before_any_number(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    page = _client(personas.village_agent).get(f"/matters/{m.pk}/").content.decode()
    assert page.count('class="reveal-ask"') == 2  # ID number and phone
    assert 'name="reason"' in page and f'hx-post="{_url(m, "phone")}"' in page
    for _key, label in REVEAL_REASONS:
        assert label in page
    assert WANG_PHONE not in page and WANG_ID not in page


def test_without_a_reason_nothing_is_revealed(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = _client(personas.village_agent)
    response = client.post(_url(m, "phone"), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请选择查看事由" in body and WANG_PHONE not in body
    response = client.post(_url(m, "phone"), {"reason": "other", "note": "  "})
    assert response.status_code == 400 and "请说明查看事由" in response.content.decode()
    response = client.post(_url(m, "phone"), {"reason": "anything"})
    assert response.status_code == 400
    assert client.get(_url(m, "phone")).status_code == 405
    assert not RevealLog.objects.exists()


def test_the_reason_is_logged_with_the_matter(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = _client(personas.village_agent)
    response = client.post(_url(m, "phone"), {"reason": "notify"}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert f'data-testid="revealed">{WANG_PHONE}<' in response.content.decode()
    response = client.post(_url(m, "id_number"), {"reason": "other", "note": "办理低保需核对"})
    assert response.status_code == 200 and WANG_ID in response.content.decode()
    phone, id_number = RevealLog.objects.order_by("id")
    assert (phone.field, phone.reason, phone.ip_address) == (
        "phone",
        f"联系信访人告知办理情况（事项 {m.number}）",
        "198.51.100.4",
    )
    assert id_number.reason == f"其他：办理低保需核对（事项 {m.number}）"


# --- the limit and the burst -------------------------------------------------------------------------


@override_settings(DAIBAN_REVEAL_LIMIT=2, DAIBAN_REVEAL_BURST=100)
def test_over_the_limit_the_reveal_is_refused_with_a_clear_message(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = _client(personas.village_agent)
    assert client.post(_url(m, "phone"), {"reason": "notify"}).status_code == 200
    assert client.post(_url(m, "id_number"), {"reason": "verify"}).status_code == 200
    response = client.post(_url(m, "phone"), {"reason": "notify"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "已查看完整个人信息 2 次，达到上限" in body and 'data-testid="reveal-refused"' in body
    assert WANG_PHONE not in body
    assert RevealLog.objects.count() == 2
    assert RevealAlert.objects.get().refused_count == 1
    # Another person is not limited by this one's reveals.
    assert _client(personas.township_staff).post(_url(m, "phone"), {"reason": "notify"}).status_code == 200


@override_settings(DAIBAN_REVEAL_LIMIT=1000, DAIBAN_REVEAL_BURST=3, DAIBAN_REVEAL_BURST_MINUTES=10)
def test_a_burst_is_shown_to_the_supervisors_of_the_jurisdiction_only(
    tree: Tree, flow: Flow, personas: Personas
) -> None:
    m = flow.at_village()
    client = _client(personas.county_staff)  # 新城区
    for _ in range(4):
        assert client.post(_url(m, "phone"), {"reason": "visit"}).status_code == 200
    alert = RevealAlert.objects.get()
    assert (alert.actor, alert.reveal_count, alert.region_path) == (
        personas.county_staff,
        4,
        tree.county_a.path,
    )

    county_supervisor = _client(personas.supervisor).get("/").content.decode()
    assert 'data-testid="reveal-alerts"' in county_supervisor
    assert county_supervisor.count('data-testid="reveal-alert"') == 1
    assert "county_staff" in county_supervisor and "查看完整号码 4 次" in county_supervisor

    city_supervisor = make_user("city_jijian", Role.SUPERVISOR, tree.city)
    assert 'data-testid="reveal-alert"' in _client(city_supervisor).get("/").content.decode()

    other_county = make_user("tuoxian_jijian", Role.SUPERVISOR, tree.county_b)
    page = _client(other_county).get("/").content.decode()
    assert 'data-testid="reveal-alerts"' in page and 'data-testid="reveal-alert"' not in page
    assert "本辖区近 30 日没有异常查看" in page

    for name in ("village_agent", "county_staff", "unit_handler", "leader", "city_admin"):
        assert 'data-testid="reveal-alerts"' not in _client(getattr(personas, name)).get("/").content.decode()


# --- item 6: the lead unit's handler and the phone -----------------------------------------------------


def test_the_lead_handler_may_reveal_the_phone_but_not_the_id_number(
    tree: Tree, flow: Flow, personas: Personas
) -> None:
    co_handler = make_user("hr_handler", Role.UNIT_HANDLER, tree.county_a, unit=tree.unit_hr_a)
    m = flow.routed(co_units=[tree.unit_hr_a])  # lead: 新城区住建局 (待受理); co: 新城区人社局
    lead = _client(personas.unit_handler)

    page = lead.get(f"/matters/{m.pk}/").content.decode()
    assert page.count('class="reveal-ask"') == 1  # the phone only
    assert f'hx-post="{_url(m, "phone")}"' in page and _url(m, "id_number") not in page
    response = lead.post(_url(m, "phone"), {"reason": "acceptance"})
    assert response.status_code == 200 and WANG_PHONE in response.content.decode()
    assert lead.post(_url(m, "id_number"), {"reason": "verify"}).status_code == 403
    entry = RevealLog.objects.get()
    assert (entry.actor, entry.field) == (personas.unit_handler, "phone")
    assert entry.reason == f"送达受理告知（事项 {m.number}）"

    # The co-unit's handler sees masked numbers only.
    co = _client(co_handler)
    assert "reveal-ask" not in co.get(f"/matters/{m.pk}/").content.decode()
    assert co.post(_url(m, "phone"), {"reason": "notify"}).status_code == 403
    assert co.post(_url(m, "id_number"), {"reason": "verify"}).status_code == 403
    assert RevealLog.objects.count() == 1


def test_the_lead_handler_keeps_the_phone_while_handling(flow: Flow, personas: Personas) -> None:
    m = flow.handling()  # accepted: 办理中
    assert _client(personas.unit_handler).post(_url(m, "phone"), {"reason": "notify"}).status_code == 200


def test_a_unit_that_objected_no_longer_reaches_the_phone(flow: Flow, personas: Personas) -> None:
    m = flow.routed()
    flow.act_task(actions.task_object, personas.unit_handler, flow.lead_task(m), reasons="不属于本单位职责")
    # Its task is no longer open: the number is refused (or the matter is out of its reach altogether).
    assert _client(personas.unit_handler).post(_url(m, "phone"), {"reason": "notify"}).status_code in (
        403,
        404,
    )
    assert not RevealLog.objects.exists()
