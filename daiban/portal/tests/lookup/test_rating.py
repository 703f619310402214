"""网上评价 through the result page: within 30 days of the reply, the agent's service and the unit's handling
rated apart, once per reply; 不满意 with the unit explains the review right and opens a 督查件; staff see
the ratings on the matter page. The follow-up visit's own satisfaction is left alone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from conftest import Personas
from daiban.core import clock
from daiban.matters import actions as matter_actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message
from daiban.portal.lookup import actions
from daiban.portal.models import OnlineRating
from daiban.portal.tests.lookup.helpers import client_for, looked_up, served_reply
from daiban.supervision.actions.inspections import inspection_open_for_rating
from daiban.supervision.models import Inspection


def _rate(client: Client, flow: Flow, **data: str) -> Any:
    with clock.frozen(flow.now):
        page = client.get("/lookup/matter/")
        form = page.context["form"]
        token = form.initial.get("reply", "") if form is not None else ""
        body = {"service": "satisfied", "unit": "satisfied", "comment": "", "reply": token, **data}
        return client.post("/lookup/rate/", body)


def test_a_rating_is_taken_once_per_reply(flow: Flow) -> None:
    m = flow.replied()
    flow.later(days=2)
    client = looked_up(m)
    response = _rate(client, flow, service="basically", unit="satisfied", comment="代办员很耐心")
    assert response.status_code == 303 and response["Location"] == "/lookup/matter/"
    rating = OnlineRating.objects.get(matter=m)
    assert (rating.service, rating.unit, rating.comment) == ("basically", "satisfied", "代办员很耐心")
    assert rating.reply_at == Matter.objects.get(pk=m.pk).replied_at
    with clock.frozen(flow.now):
        page = client.get("/lookup/matter/")
    body = page.content.decode()
    assert "谢谢您的评价" in body and "代办员服务<strong>基本满意</strong>" in body
    assert page.context["form"] is None
    # A second try (an old form, another tab) is told, and changes nothing.
    with clock.frozen(flow.now):
        again = client.post(
            "/lookup/rate/",
            {
                "service": "dissatisfied",
                "unit": "dissatisfied",
                "reply": str(int(rating.reply_at.timestamp())),
            },
            follow=True,
        )
    assert "已对这次答复作过评价" in again.content.decode()
    assert OnlineRating.objects.count() == 1 and not Inspection.objects.exists()


def test_the_rating_is_apart_from_the_follow_up(flow: Flow, personas: Personas) -> None:
    m = flow.followed_up()
    before = Matter.objects.values_list("service_satisfaction", "unit_satisfaction", "version").get(pk=m.pk)
    assert _rate(looked_up(m), flow, service="dissatisfied", unit="basically").status_code == 303
    after = Matter.objects.values_list("service_satisfaction", "unit_satisfaction", "version").get(pk=m.pk)
    assert before == after == ("satisfied", "basically", before[2])


def test_before_a_reply_there_is_nothing_to_rate(flow: Flow) -> None:
    m = flow.handling()
    client = looked_up(m)
    with clock.frozen(flow.now):
        page = client.get("/lookup/matter/")
        assert page.context["form"] is None and "答复后，可以在 30 日内" in page.content.decode()
        refused = client.post("/lookup/rate/", {"service": "satisfied", "unit": "satisfied", "reply": ""})
    assert refused.status_code == 409 and "还没有书面答复" in refused.content.decode()
    assert not OnlineRating.objects.exists()


def test_the_window_closes_30_days_after_the_reply(flow: Flow) -> None:
    m = flow.replied()
    replied = Matter.objects.get(pk=m.pk).replied_at
    assert replied is not None
    client = looked_up(m)
    token = str(int(replied.timestamp()))
    with clock.frozen(replied + datetime.timedelta(days=30, minutes=1)):
        page = client.get("/lookup/matter/")
        assert page.context["form"] is None and "已超过期限" in page.content.decode()
        refused = client.post("/lookup/rate/", {"service": "satisfied", "unit": "satisfied", "reply": token})
    assert refused.status_code == 409 and "已超过答复后 30 日的评价期限" in refused.content.decode()
    with clock.frozen(replied + datetime.timedelta(days=29, hours=23)):
        ok = client.post("/lookup/rate/", {"service": "satisfied", "unit": "satisfied", "reply": token})
    assert ok.status_code == 303 and OnlineRating.objects.filter(matter=m).exists()


def test_a_newer_reply_makes_an_open_form_stale(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    client = looked_up(m)
    with clock.frozen(flow.now):
        stale = client.get("/lookup/matter/").context["form"].initial["reply"]
    # A new written reply since (a review decided): replied_at moves on, as matters' to_reply sets it.
    flow.later(days=2)
    Matter.objects.filter(pk=m.pk).update(replied_at=flow.now)
    with clock.frozen(flow.now):
        response = client.post("/lookup/rate/", {"service": "satisfied", "unit": "satisfied", "reply": stale})
    assert response.status_code == 409 and "有了新的答复" in response.content.decode()
    assert not OnlineRating.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"service": ""}, "service", "请选择对代办员服务的评价。"),
        ({"unit": "很好"}, "unit", "请从满意、基本满意、不满意中选择对办理单位的评价。"),
        ({"comment": "长" * 301}, "comment", "意见和建议最多 300 字。"),
    ],
)
def test_bad_input_names_the_field(flow: Flow, data: dict[str, str], field: str, message: str) -> None:
    m = flow.replied()
    response = _rate(looked_up(m), flow, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert not OnlineRating.objects.exists()


# ------------------------------------------------------------------------------------ 不满意 → 督查件


def test_a_unit_rated_dissatisfied_explains_the_review_right_and_opens_an_inspection(
    flow: Flow, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    m, _doc = served_reply(flow)  # served today: the 复查 window runs from today
    flow.later(days=1)
    client = looked_up(m)
    with django_capture_on_commit_callbacks(execute=True):
        response = _rate(client, flow, service="satisfied", unit="dissatisfied", comment="没有解决")
    assert response.status_code == 303
    rating = OnlineRating.objects.get(matter=m)
    inspection = Inspection.objects.get(matter=m)
    assert inspection.source_key == f"rating:{rating.pk}" and inspection.source_event_id is None
    assert inspection.unit == flow.t.unit_housing_a
    assert "网上评价，信访人对新城区住房和城乡建设局的办理不满意" in inspection.reason
    assert Message.objects.filter(kind="inspection").exists()
    with clock.frozen(flow.now):
        body = client.get("/lookup/matter/").content.decode()
    until = Matter.objects.get(pk=m.pk).review_window_until
    assert until is not None
    assert "请求复查" in body and f"{until.year}年{until.month}月{until.day}日" in body
    assert "呼和浩特市住房和城乡建设局" in body  # the superior of the unit that replied
    assert "转给督查部门" in body
    # Idempotent: the same rating never opens a second one.
    assert (
        inspection_open_for_rating(matter_id=m.pk, source_key=f"rating:{rating.pk}", rated_at=rating.rated_at)
        is None
    )
    assert Inspection.objects.count() == 1


def test_only_the_service_rated_dissatisfied_opens_nothing(
    flow: Flow, django_capture_on_commit_callbacks: Any
) -> None:
    m = flow.replied()
    with django_capture_on_commit_callbacks(execute=True):
        assert _rate(looked_up(m), flow, service="dissatisfied", unit="satisfied").status_code == 303
    assert not Inspection.objects.exists()


def test_the_inspection_opens_only_after_commit(flow: Flow, django_capture_on_commit_callbacks: Any) -> None:
    m = flow.replied()
    reply = Matter.objects.get(pk=m.pk).replied_at
    assert reply is not None
    with django_capture_on_commit_callbacks(execute=False) as callbacks, clock.frozen(flow.now):
        actions.rating_submit(
            matter_id=m.pk, reply_token=str(int(reply.timestamp())), service="satisfied", unit="dissatisfied"
        )
    assert not Inspection.objects.exists() and len(callbacks) == 1
    with clock.frozen(flow.now):
        callbacks[0]()
        callbacks[0]()
    assert Inspection.objects.count() == 1


def test_the_follow_up_inspection_still_opens_from_its_event(flow: Flow, personas: Personas) -> None:
    """The existing path (回访 不满意) is unchanged: source_event set, no source key."""
    m = flow.fed_back()
    with_callbacks = flow.act(
        matter_actions.matter_follow_up,
        personas.county_staff,
        m,
        service_satisfaction="satisfied",
        unit_satisfaction="dissatisfied",
        method="phone",
    )
    from daiban.supervision.actions.inspections import inspection_open

    event = with_callbacks.events.get(kind="follow_up")
    with clock.frozen(flow.now):
        opened = inspection_open(event_id=event.pk)
    assert opened is not None and opened.source_event_id == event.pk and opened.source_key == ""


# ------------------------------------------------------------------------------------ the staff side


def test_staff_who_can_open_the_matter_see_its_ratings(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    assert (
        _rate(looked_up(m), flow, service="basically", unit="dissatisfied", comment="答复太笼统").status_code
        == 303
    )
    for who in ("county_staff", "village_agent", "unit_handler", "supervisor"):
        page = client_for(getattr(personas, who)).get(f"/matters/{m.pk}/")
        assert page.status_code == 200, who
        body = page.content.decode()
        assert 'data-testid="matter-online-ratings"' in body and "答复太笼统" in body, who
    assert client_for(personas.outsider).get(f"/matters/{m.pk}/").status_code == 404


def test_a_matter_without_ratings_has_no_ratings_section(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    body = client_for(personas.county_staff).get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="matter-online-ratings"' not in body
