"""送达 (service) of a written reply: its date and manner are recorded, and the time to ask for review (复查)
or re-examination (复核) counts from the day the petitioner received the reply (arts. 35–36), not from the
day it was issued. Until service is recorded the matter is 待送达 and no review can be asked."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import PASSWORD, Personas
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import actions, workflow
from daiban.matters.choices import ServiceManner, Status
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.tests.conftest import More
from daiban.matters.tests.factories import Flow
from daiban.matters.tests.snapshot import assert_refused

OUTSIDERS = ["outsider", "outsider_village_agent", "outsider_unit_handler"]
DECISION: dict[str, Any] = {
    "outcome": "explain",
    "facts": "事实清楚",
    "reasons": "处理适当",
    "basis": "第三十五条",
}


def serve(flow: Flow, actor: User, m: Matter, **kw: Any) -> Any:
    kw.setdefault("served_on", flow.today)
    kw.setdefault("manner", ServiceManner.MAIL)
    return flow.bound(actions.matter_serve, actor, m, **kw)


def request(flow: Flow, m: Matter, kind: str = "review", **kw: Any) -> Any:
    kw.setdefault("requested_on", flow.today)
    return flow.bound(
        actions.matter_request_review, flow.p.county_staff, m, kind=kind, reason="对处理意见不服", **kw
    )


def offered(flow: Flow, user: User, m: Matter) -> set[str]:
    with clock.frozen(flow.now):
        return {o.key for o in workflow.available(user, Matter.objects.get(pk=m.pk))}


# ------------------------------------------------------------------------------------- the window


def test_a_request_21_days_after_receipt_is_accepted(flow: Flow, personas: Personas, more: More) -> None:
    """Issued Friday 06-05 (D), received Wednesday 06-17 (D+12), asked Wednesday 07-08 (D+33): 21 days
    after receipt, inside the 30 days of art. 35. Counted from issue the window ended Monday 07-06 and
    this lawful request was refused."""
    m = flow.replied()
    issued = m.opinions.get()
    assert issued.issued_at.date() == datetime.date(2026, 6, 5) and issued.awaiting_service
    assert m.review_window_until is None
    flow.on(2026, 6, 17)
    m = flow.fresh(serve(flow, personas.county_staff, m)())
    assert m.review_window_until == datetime.date(2026, 7, 17)  # 06-17 + 30 days, a Friday
    flow.on(2026, 7, 8)
    m = flow.fresh(request(flow, m)())
    assert m.status == Status.REVIEW
    assert m.reviews.get().requested_on == datetime.date(2026, 7, 8)


def test_a_request_before_service_is_refused_and_not_offered(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    flow.later(days=3)
    error = assert_refused(WrongState, request(flow, m))
    assert "送达" in error.message
    shown = offered(flow, personas.county_staff, m)
    assert "request_review" not in shown and "serve" in shown
    m = flow.fresh(serve(flow, personas.county_staff, m)())
    shown = offered(flow, personas.county_staff, m)
    assert "request_review" in shown and "serve" not in shown


def test_a_request_after_the_window_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    flow.on(2026, 6, 17)
    m = flow.fresh(serve(flow, personas.county_staff, m)())
    flow.on(2026, 7, 20)
    assert "request_review" not in offered(flow, personas.county_staff, m)
    error = assert_refused(WrongState, request(flow, m))
    assert "期限" in error.message
    # asked on the last day, recorded after it: still in time
    m = flow.fresh(request(flow, m, requested_on=datetime.date(2026, 7, 17))())
    assert m.status == Status.REVIEW


def test_the_reexam_window_counts_from_the_service_of_the_review_opinion(
    flow: Flow, personas: Personas, more: More
) -> None:
    m = flow.in_review()
    flow.on(2026, 6, 20)
    m = flow.decide(m, more.city_housing_handler)
    assert m.review_window_until is None and m.opinions.get(stage="review").awaiting_service
    flow.on(2026, 6, 29)
    m = flow.fresh(serve(flow, personas.county_staff, m)())
    assert m.review_window_until == datetime.date(2026, 7, 29)
    flow.on(2026, 7, 25)  # counted from the decision the window closed on 07-20
    m = flow.fresh(request(flow, m, "reexam")())
    assert m.status == Status.REEXAM


def test_serving_a_closed_matter_opens_its_window(flow: Flow, personas: Personas) -> None:
    m = flow.closed()
    assert_refused(WrongState, request(flow, m))
    m = flow.fresh(serve(flow, personas.county_staff, m)())
    assert m.status == Status.CLOSED and m.review_window_until is not None
    m = flow.fresh(request(flow, m)())
    assert m.status == Status.REVIEW


# --------------------------------------------------------------------------------------- the action


def test_service_is_recorded_on_the_opinion(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    flow.on(2026, 6, 10)
    m = flow.fresh(
        serve(flow, personas.county_staff, m, served_on=datetime.date(2026, 6, 8), note="EMS 1234")()
    )
    opinion = m.opinions.get()
    assert (opinion.served_on, opinion.service_manner) == (datetime.date(2026, 6, 8), ServiceManner.MAIL)
    assert not opinion.awaiting_service
    event = m.events.get(seq=m.version)
    assert event.kind == "serve" and event.actor == personas.county_staff
    assert event.details["served_on"] == "2026-06-08" and event.details["manner"] == "mail"
    assert event.details["window_until"] == "2026-07-08"
    assert "邮寄送达" in event.summary and "复查" in event.summary
    assert workflow.event_texts("serve", event.details) == [("送达说明", "EMS 1234")]
    # the follow-up clock is untouched
    assert m.status == Status.REPLIED and m.due_step == "follow_up"


def test_the_issuing_unit_may_record_service(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    m = flow.fresh(serve(flow, personas.unit_handler, m)())
    assert m.review_window_until is not None


def test_an_agent_above_the_holder_may_record_service(flow: Flow, personas: Personas) -> None:
    m = flow.intake()  # taken in by the village: the reply goes back there
    for actor in (personas.village_agent, personas.township_staff):
        flow.act(actions.matter_escalate, actor, m, note="上报")
    m = flow.fresh(m)
    flow.act(actions.matter_route, personas.county_staff, m, lead_unit=flow.t.unit_housing_a)
    flow.later(days=1)
    flow.act_task(actions.task_accept, personas.unit_handler, flow.lead_task(m), notice_method="written")
    m = flow.reply(m)
    m = flow.fresh(serve(flow, personas.township_staff, m, manner=ServiceManner.DIRECT)())
    assert m.opinions.get().service_manner == ServiceManner.DIRECT


@pytest.mark.parametrize("who", ["supervisor", "leader", "village_agent"])
def test_serve_refused_by_role(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.replied()  # the county took it in; the village agent is below the holder
    assert_refused(NotAllowed, serve(flow, getattr(personas, who), m))


def test_serve_refused_to_a_unit_that_did_not_issue_the_reply(
    flow: Flow, personas: Personas, more: More
) -> None:
    """After the review opinion, the first handling unit still sees the matter, but the reply to serve is
    the review organ's."""
    m = flow.in_review()
    flow.later(days=5)
    m = flow.decide(m, more.city_housing_handler)
    assert_refused(NotAllowed, serve(flow, personas.unit_handler, m))
    m = flow.fresh(serve(flow, more.city_housing_handler, m)())
    assert m.review_window_until is not None


@pytest.mark.parametrize("who", OUTSIDERS)
def test_serve_out_of_scope(flow: Flow, personas: Personas, who: str) -> None:
    m = flow.replied()
    assert_refused(OutOfScope, serve(flow, getattr(personas, who), m))


def test_serve_twice_is_refused(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    flow.act(actions.matter_serve, personas.county_staff, m, served_on=flow.today, manner="direct")
    assert_refused(WrongState, serve(flow, personas.county_staff, m))


def test_serve_refused_while_handling(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    assert_refused(WrongState, serve(flow, personas.county_staff, m))


def test_a_local_answer_has_no_window_and_nothing_to_serve(flow: Flow, personas: Personas) -> None:
    m = flow.local()
    m = flow.fresh(flow.act(actions.matter_reply_local, personas.village_agent, m, **DECISION))
    assert not m.opinions.get().awaiting_service
    assert_refused(WrongState, serve(flow, personas.village_agent, m))
    error = assert_refused(WrongState, request(flow, m))
    assert "送达" not in error.message


def test_a_reexam_opinion_has_no_window_and_nothing_to_serve(
    flow: Flow, personas: Personas, more: More
) -> None:
    m = flow.in_reexam(more.city_housing_handler)
    flow.later(days=10)
    m = flow.decide(m, more.city_gov_handler)
    assert m.is_final and not m.opinions.get(stage="reexam").awaiting_service
    assert_refused(WrongState, serve(flow, personas.county_staff, m))


def test_serve_stale(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    assert_refused(Conflict, serve(flow, personas.county_staff, m, version=m.version - 1))


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("served_on", {"served_on": datetime.date(2026, 6, 4)}),  # before the reply was issued
        ("served_on", {"served_on": datetime.date(2026, 6, 9)}),  # after today
        ("served_on", {"served_on": None}),
        ("manner", {"manner": "pigeon"}),
        ("note", {"note": "长" * 501}),
    ],
)
def test_serve_invalid(flow: Flow, personas: Personas, field: str, kw: dict[str, Any]) -> None:
    m = flow.replied()  # 06-05
    flow.on(2026, 6, 8)
    assert_refused(ValidationError, serve(flow, personas.county_staff, m, **kw), field)


def test_the_issue_date_is_the_local_date(flow: Flow, personas: Personas) -> None:
    """A reply at 07:00 in Hohhot is 23:00 UTC of the day before: service that day is accepted, the day
    before is not."""
    m = flow.handling()
    flow.on(2026, 6, 5, hour=7)
    m = flow.reply(m)
    assert_refused(
        ValidationError,
        serve(flow, personas.county_staff, m, served_on=datetime.date(2026, 6, 4)),
        "served_on",
    )
    m = flow.fresh(serve(flow, personas.county_staff, m, served_on=datetime.date(2026, 6, 5))())
    assert m.review_window_until == datetime.date(2026, 7, 6)


# -------------------------------------------------------------------------------------- the page


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_matter_page_shows_awaiting_service_until_it_is_recorded(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    client = _client(personas.county_staff)
    with clock.frozen(flow.now):
        page = client.get(f"/matters/{m.pk}/").content.decode()
    assert 'data-testid="awaiting-service"' in page and "待送达" in page
    assert f"/matters/{m.pk}/act/serve/" in page and f"/matters/{m.pk}/act/request_review/" not in page
    flow.later(days=2)
    with clock.frozen(flow.now):
        response = client.post(
            f"/matters/{m.pk}/act/serve/",
            {"version": m.version, "served_on": "2026-06-06", "manner": "direct", "note": "本人签收"},
        )
        assert response.status_code == 302
        page = client.get(f"/matters/{m.pk}/").content.decode()
    assert "待送达" not in page
    assert "2026年6月6日直接送达" in page and "可申请复查（复核）至" in page and "2026年7月6日" in page
    assert f"/matters/{m.pk}/act/request_review/" in page and "本人签收" in page


def test_the_serve_form_refuses_a_future_date_in_chinese(flow: Flow, personas: Personas) -> None:
    m = flow.replied()
    client = _client(personas.county_staff)
    with clock.frozen(flow.now):
        response = client.post(
            f"/matters/{m.pk}/act/serve/", {"version": m.version, "served_on": "2026-06-30", "manner": "mail"}
        )
    assert response.status_code == 400
    assert "送达日期" in str(response.context["form"].errors["served_on"])
    assert Matter.objects.get(pk=m.pk).version == m.version
