"""查询办理进度 through the real pages: the number and code from the receipt open the matter's progress in
plain words, its deadline, the written replies served on the petitioner and whom to ask — remembered in
the session, never in a URL; a reissued code or 退出查询 ends it."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from conftest import Personas, Tree
from daiban.core import clock
from daiban.documents import actions as documents
from daiban.documents.tests.helpers import other_person
from daiban.matters import actions
from daiban.matters.models import Matter
from daiban.matters.tests.factories import Flow
from daiban.network.models import Agent
from daiban.portal.lookup import session
from daiban.portal.tests.lookup.helpers import (
    assert_no_personal_data,
    client_for,
    look_up,
    looked_up,
    served_reply,
    without_csrf,
)


def test_the_form_is_prefilled_from_the_receipt_qr_code(flow: Flow) -> None:
    m = flow.at_village()
    response = Client().get(f"/lookup/?number={m.number}")
    assert response.status_code == 200
    assert f'value="{m.number}"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    # A value no number looks like is not put back into the page.
    assert 'value="' + "x" * 50 not in Client().get("/lookup/?number=" + "x" * 50).content.decode()


def test_a_right_pair_opens_the_progress_and_the_code_never_enters_a_url(flow: Flow) -> None:
    m = flow.handling()
    client = Client()
    response = look_up(client, m, code=f" {m.lookup_code.lower()[:4]} {m.lookup_code.lower()[4:]} ")
    assert response.status_code == 303 and response["Location"] == "/lookup/matter/"
    stored = client.session[session.SESSION_KEY]
    assert stored["matter"] == m.pk and m.lookup_code not in str(stored)
    with clock.frozen(flow.now):
        page = client.get("/lookup/matter/")
    assert page.status_code == 200
    body = page.content.decode()
    assert m.number in body and m.title in body and "单位办理中" in body
    steps = [s for s in page.context["view"].steps]
    assert [(s.label, s.state) for s in steps] == [
        ("已登记", "done"),
        ("已交办", "done"),
        ("已受理", "done"),
        ("已答复", "now"),
        ("回访", "todo"),
        ("办结", "todo"),
    ]
    assert steps[1].detail == "新城区住房和城乡建设局"
    assert "新城区住房和城乡建设局应在这一天前办结，并给您书面答复。" in body
    due = Matter.objects.get(pk=m.pk).due_date
    assert f"{due.year}年{due.month}月{due.day}日" in body
    assert "期限是怎么算的" in body
    assert_no_personal_data(page.content, m)


def test_the_agent_is_shown_with_the_public_profile(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    Agent.objects.filter(user=personas.county_staff).update(
        name="赵代办", work_phone="0471-6661234", duty_hours="工作日 9:00—17:00", duty_place="区代办中心一楼"
    )
    body = looked_up(m).get("/lookup/matter/").content.decode()
    for shown in ("赵代办", "0471-6661234", "工作日 9:00—17:00", "区代办中心一楼"):
        assert shown in body


def test_without_a_work_phone_the_office_phone_is_shown(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = flow.at_village()
    org = Agent.objects.get(user=personas.village_agent).organization
    org.phone = "0471-5550000"
    org.save()
    body = looked_up(m).get("/lookup/matter/").content.decode()
    assert "0471-5550000" in body


@pytest.mark.parametrize(("field", "message"), [("number", "请填写事项编号。"), ("code", "请填写查询码。")])
def test_a_missing_field_is_named(flow: Flow, field: str, message: str) -> None:
    m = flow.at_village()
    data = {"number": m.number, "code": m.lookup_code, field: "  "}
    response = Client().post("/lookup/", data)
    assert response.status_code == 400 and message in response.content.decode()


def test_a_reissued_code_ends_the_lookup_opened_with_the_old_one(flow: Flow, personas: Personas) -> None:
    m = flow.at_village()
    client = looked_up(m)
    assert client.get("/lookup/matter/").status_code == 200
    flow.act(actions.matter_reissue_code, personas.village_agent, m)
    response = client.get("/lookup/matter/", follow=True)
    assert response.redirect_chain == [("/lookup/", 302)]
    assert "查询已结束" in response.content.decode()
    assert session.SESSION_KEY not in client.session
    # The old code no longer opens it; the new one does.
    assert look_up(Client(), m, code=m.lookup_code).status_code == 400
    assert look_up(Client(), m).status_code == 303


def test_the_lookup_times_out(flow: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    m = flow.at_village()
    client = looked_up(m)
    later = time.time() + session.LOOKUP_SECONDS + 1
    monkeypatch.setattr(session.time, "time", lambda: later)
    assert client.get("/lookup/matter/")["Location"] == "/lookup/"


def test_leaving_forgets_the_matter(flow: Flow) -> None:
    m = flow.at_village()
    client = looked_up(m)
    response = client.post("/lookup/leave/")
    assert response.status_code == 303 and response["Location"] == "/lookup/"
    assert client.get("/lookup/matter/")["Location"] == "/lookup/"
    assert client.get("/lookup/leave/").status_code == 405


def test_a_tampered_session_shows_nothing(flow: Flow) -> None:
    m = flow.at_village()
    client = looked_up(m)
    s = client.session
    s[session.SESSION_KEY] = {"matter": m.pk + 1000, "code": "x", "until": int(time.time()) + 60}
    s.save()
    assert client.get("/lookup/matter/").status_code == 302
    s = client.session
    s[session.SESSION_KEY] = "not a dict"
    s.save()
    assert client.get("/lookup/matter/").status_code == 302


def test_no_lookup_sends_to_the_form(db: None) -> None:
    assert Client().get("/lookup/matter/")["Location"] == "/lookup/"
    assert Client().get("/lookup/documents/1/").status_code == 404
    response = Client().post("/lookup/rate/", {"service": "satisfied", "unit": "satisfied"})
    assert response.status_code == 303 and response["Location"] == "/lookup/"


def test_a_staff_session_in_the_same_browser_changes_nothing(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    anonymous = looked_up(m)
    staff = looked_up(m, personas.county_staff)
    with clock.frozen(flow.now):
        a = anonymous.get("/lookup/matter/")
        b = staff.get("/lookup/matter/")
    assert a.status_code == b.status_code == 200
    assert without_csrf(a.content) == without_csrf(b.content)


# ------------------------------------------------------------------------------------------ progress


def test_local_handling_reads_as_handled_by_the_network(flow: Flow) -> None:
    m = flow.local()
    client = looked_up(m)
    with clock.frozen(flow.now):
        view = client.get("/lookup/matter/").context["view"]
    assert [(s.label, s.detail, s.state) for s in view.steps[:4]] == [
        ("已登记", "", "done"),
        ("就地办理", "苏雅拉社区代办点", "done"),
        ("已受理", "", "done"),
        ("已答复", "", "now"),
    ]


def test_a_matter_answered_at_once_goes_straight_to_closed(flow: Flow, personas: Personas) -> None:
    m = flow.at_village(purpose="consultation")
    flow.act(actions.matter_answer, personas.village_agent, m, answer="已当场解答政策")
    view = looked_up(m).get("/lookup/matter/").context["view"]
    assert [(s.label, s.detail, s.state) for s in view.steps] == [
        ("已登记", "", "done"),
        ("办结", "即时答复办结", "done"),
    ]
    assert view.deadline is None and view.closed
    assert "已当场解答政策" not in looked_up(m).get("/lookup/matter/").content.decode()


def test_a_closed_matter_shows_every_step_with_its_date(flow: Flow) -> None:
    m = flow.closed()
    view = looked_up(m).get("/lookup/matter/").context["view"]
    assert [s.state for s in view.steps] == ["done"] * 6
    assert all(s.when is not None for s in view.steps)


def test_feedback_given_waits_for_the_follow_up(flow: Flow) -> None:
    m = flow.fed_back()
    with clock.frozen(flow.now):
        view = looked_up(m).get("/lookup/matter/").context["view"]
    follow = view.steps[4]
    assert (follow.label, follow.state, follow.detail) == ("回访", "now", "已向您反馈办理结果，待回访")
    assert "代办员应在这一天前把办理结果告诉您" in view.deadline.means
    assert view.status == "已答复待回访"


def test_after_the_follow_up_the_status_says_it_waits_to_be_closed(flow: Flow, personas: Personas) -> None:
    m = flow.act(
        actions.matter_follow_up,
        personas.county_staff,
        flow.fed_back(),
        service_satisfaction="satisfied",
        unit_satisfaction="satisfied",
        method="phone",
    )
    with clock.frozen(flow.now):
        view = looked_up(m).get("/lookup/matter/").context["view"]
    assert view.steps[4].state == "done"
    assert view.status == "已回访，待办结"


# ------------------------------------------------------------------------------------------ replies


def test_the_served_reply_downloads_as_pdf(flow: Flow) -> None:
    m, doc = served_reply(flow)
    client = looked_up(m)
    body = client.get("/lookup/matter/").content.decode()
    assert f"/lookup/documents/{doc.pk}/" in body and "处理意见书" in body
    response = client.get(f"/lookup/documents/{doc.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"


def test_only_served_replies_of_the_looked_up_matter_download(flow: Flow, personas: Personas) -> None:
    m, doc = served_reply(flow)
    unserved_matter = flow.replied(**other_person(1))
    with clock.frozen(flow.now):
        unserved = documents.issue(
            actor=personas.unit_handler,
            matter_id=unserved_matter.pk,
            kind="handling_opinion",
            source_key=f"opinion:{unserved_matter.opinions.get().pk}",
        )
    client = looked_up(m)
    assert client.get(f"/lookup/documents/{unserved.pk}/").status_code == 404
    assert client.get("/lookup/documents/999999/").status_code == 404
    # The unserved reply's own matter: looked up, its reply is not listed nor downloadable until served.
    client2 = looked_up(unserved_matter)
    assert f"/lookup/documents/{unserved.pk}/" not in client2.get("/lookup/matter/").content.decode()
    assert client2.get(f"/lookup/documents/{unserved.pk}/").status_code == 404
    assert client2.get(f"/lookup/documents/{doc.pk}/").status_code == 404


# ------------------------------------------------------------------------------------------ accusation


def test_an_accusation_shows_only_its_own_progress(flow: Flow, personas: Personas, tree: Tree) -> None:
    m = flow.routed(purpose="accusation", lead_unit=tree.unit_discipline_a, title="举报某村干部侵占补偿款")
    with clock.frozen(flow.now):
        body = looked_up(m).get("/lookup/matter/").content.decode()
    assert "举报某村干部侵占补偿款" not in body and "检举控告类事项" in body
    assert "纪委" not in body and "新城区纪委监委" not in body
    assert "有关单位" in body
    assert "county_staff" not in body and "您的代办员" not in body
    assert_no_personal_data(body, m)


def test_an_anonymous_and_a_staff_lookup_of_the_same_code_differ_in_nothing(
    flow: Flow, personas: Personas
) -> None:
    m = flow.at_village()
    client = client_for(personas.village_agent)
    assert look_up(client, m).status_code == 303
    assert client.get("/matters/").status_code == 200  # still signed in as staff
