"""The errand pages: record (bad input kept), the list with its workload summary and filters, the errand
page with the finish form, finish and correction (conflict), and the agents' home panel."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree
from daiban.matters.tests.factories import frozen
from daiban.prevention.actions.errands import errand_finish
from daiban.prevention.models import Errand
from daiban.prevention.tests.errands.helpers import TODAY, client_for, record


def _new_data(tree: Tree, **extra: str) -> dict[str, str]:
    return {
        "person": "李奶奶",
        "service": "subsidy",
        "description": "申领高龄津贴",
        "office": "街道便民服务中心",
        "promised_on": "2026-11-20",
        "requested_on": "2026-11-02",
        "region": str(tree.village_a1x.pk),
        **extra,
    }


def test_new_renders_and_saves(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 2):
        page = client.get("/errands/new/").content.decode()
        assert 'value="2026-11-02"' in page and 'name="person"' in page
        response = client.post("/errands/new/", _new_data(tree))
    errand = Errand.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/errands/{errand.pk}/"
    assert errand.person == "李奶奶" and errand.agent == personas.village_agent


def test_new_with_a_phone_number_as_the_person_keeps_the_input(tree: Tree, personas: Personas) -> None:
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 2):
        response = client.post("/errands/new/", _new_data(tree, person="李奶奶 13904711234"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["person"]
    page = response.content.decode()
    assert "不要填写身份证号或电话号码" in page and "申领高龄津贴" in page and "街道便民服务中心" in page
    assert not Errand.objects.exists()


def test_new_with_a_promise_before_the_request_names_the_field(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        response = client_for(personas.village_agent).post(
            "/errands/new/", _new_data(tree, promised_on="2026-10-01")
        )
    assert response.status_code == 400 and list(response.context["form"].errors) == ["promised_on"]


def test_list_summary_filters_and_scope(tree: Tree, personas: Personas) -> None:
    late = record(personas.village_agent, person="逾期户", promised_on=TODAY)
    record(personas.village_agent, person="在办户")
    done = record(personas.village_agent, person="办成户")
    with frozen(2026, 11, 5):
        errand_finish(
            actor=personas.village_agent,
            errand_id=done.pk,
            expected_version=1,
            done=True,
            result="已办成",
            notice_method="in_person",
        )
    colleague = record(personas.township_staff, person="街道的户", region=tree.village_a1x)
    far = record(personas.outsider_village_agent, person="托县的户")
    village = client_for(personas.village_agent)
    with frozen(2026, 11, 6):
        response = village.get("/errands/")
        summary = response.context["summary"]
        # A village agent's own workload (the township colleague's errand is not theirs).
        assert (summary["open"], summary["overdue"], summary["done_month"]) == ("2", "1", "1")
        page = response.content.decode()
        assert "街道的户" in page and "托县的户" not in page  # the list is the scope
        page = village.get("/errands/", {"overdue": "on"}).content.decode()
        assert "逾期户" in page and "在办户" not in page
        page = village.get("/errands/", {"status": "done"}).content.decode()
        assert "办成户" in page and "逾期户" not in page
        page = village.get("/errands/", {"mine": "on"}).content.decode()
        assert "街道的户" not in page and "逾期户" in page
        page = village.get("/errands/", {"service": "subsidy"}).content.decode()
        assert "没有符合条件的代办" in page
        township = client_for(personas.township_staff).get("/errands/").context["summary"]
        assert (township["open"], township["overdue"]) == ("3", "1")  # the subtree
    assert far.pk and late.pk and colleague.pk


def test_list_pages_with_bounded_queries(tree: Tree, personas: Personas) -> None:
    for day in range(27):
        record(personas.village_agent, requested_on=TODAY - datetime.timedelta(days=day))
    client = client_for(personas.county_staff)
    with frozen(2026, 11, 2), CaptureQueriesContext(connection) as queries:
        first = client.get("/errands/")
    assert len(first.context["page"].rows) == 25 and len(queries) <= 12
    with frozen(2026, 11, 2):
        second = client.get("/errands/" + first.context["next_url"])
    assert len(second.context["page"].rows) == 2


def test_detail_shows_events_and_the_finish_form_to_agents_only(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    with frozen(2026, 11, 10):
        page = client_for(personas.village_agent).get(f"/errands/{errand.pk}/").content.decode()
        assert 'data-testid="errand-finish"' in page and 'data-testid="errand-overdue"' in page
        assert "受托代办" in page
        page = client_for(personas.leader).get(f"/errands/{errand.pk}/").content.decode()
    assert 'data-testid="errand-finish"' not in page and "受托代办" in page


def test_finish_from_the_detail_form_and_a_stale_second_finish(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    data = {
        "done": "yes",
        "result": "已认证",
        "notice_method": "phone",
        "finished_on": "2026-11-04",
        "version": "1",
    }
    with frozen(2026, 11, 4):
        response = client_for(personas.village_agent).post(f"/errands/{errand.pk}/finish/", data)
        assert response.status_code == 302
        response = client_for(personas.township_staff).post(
            f"/errands/{errand.pk}/finish/", {**data, "done": "no", "result": "街道的说明"}
        )
    assert response.status_code == 409
    assert "街道的说明" in response.content.decode()
    errand.refresh_from_db()
    assert errand.status == "done" and errand.result == "已认证"


def test_finish_bad_input_keeps_it(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    with frozen(2026, 11, 4):
        response = client_for(personas.village_agent).post(
            f"/errands/{errand.pk}/finish/",
            {
                "done": "no",
                "result": "材料不全，已告知补齐户口本",
                "finished_on": "2026-11-04",
                "version": "1",
            },
        )
    assert response.status_code == 400 and list(response.context["form"].errors) == ["notice_method"]
    assert "材料不全，已告知补齐户口本" in response.content.decode()
    errand.refresh_from_db()
    assert errand.status == "open"


def test_finish_page_of_a_closed_errand_is_refused(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    with frozen(2026, 11, 4):
        errand_finish(
            actor=personas.village_agent,
            errand_id=errand.pk,
            expected_version=1,
            done=True,
            result="ok",
            notice_method="phone",
        )
        client = client_for(personas.village_agent)
        assert client.get(f"/errands/{errand.pk}/finish/").status_code == 403
        assert client.get(f"/errands/{errand.pk}/edit/").status_code == 403


def test_edit_saves_and_refuses_without_change(tree: Tree, personas: Personas) -> None:
    errand = record(personas.village_agent)
    client = client_for(personas.village_agent)
    with frozen(2026, 11, 3):
        initial = client.get(f"/errands/{errand.pk}/edit/").context["form"].initial
        data = {k: str(v) for k, v in initial.items()}
        response = client.post(f"/errands/{errand.pk}/edit/", data)
        assert response.status_code == 400 and "没有需要保存的修改" in response.content.decode()
        response = client.post(f"/errands/{errand.pk}/edit/", {**data, "office": "市政务服务中心"})
    assert response.status_code == 302
    errand.refresh_from_db()
    assert errand.office == "市政务服务中心" and errand.version == 2


def test_home_panel_for_agents(tree: Tree, personas: Personas) -> None:
    for day in range(7):
        record(personas.village_agent, person=f"第{day}户", promised_on=TODAY + datetime.timedelta(days=day))
    with frozen(2026, 11, 4):
        page = client_for(personas.village_agent).get("/").content.decode()
        assert 'data-testid="home-errands"' in page
        assert "已超过承诺日期 2 件" in page  # promised on 11-02 and 11-03
        assert "第0户" in page and "第4户" in page and "第5户" not in page  # the 5 due soonest
        assert 'data-testid="home-errands"' in client_for(personas.township_staff).get("/").content.decode()
        assert 'data-testid="home-errands"' not in client_for(personas.leader).get("/").content.decode()
