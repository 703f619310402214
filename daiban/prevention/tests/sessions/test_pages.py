"""The session pages: the scoped list (upcoming first, then past), scheduling with field errors and the
input kept, a session's page, the action pages with the conflict page, and the network page's panel."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Personas, Tree, make_user
from daiban.accounts.models import Role
from daiban.prevention.actions.sessions import session_cancel, session_receive_answered
from daiban.prevention.models.sessions import Reception, ReceptionSession
from daiban.prevention.tests.sessions.helpers import NOW, client, frozen, local, schedule

H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _new(tree: Tree, personas: Personas, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "joint", "title": "武川式联合接访", "starts_at": local(NOW + DAY), "ends_at": local(NOW + DAY + 3 * H),
        "place": "新城区信访代办中心", "region": tree.county_a.pk, "leaders": [personas.leader.pk],
        "bodies": ["npc", "cppcc", "court"], "other_bodies": "法律援助中心", "notes": "", **extra,
    }  # fmt: skip


def test_schedule_from_the_page(tree: Tree, personas: Personas) -> None:
    staff = client(personas.county_staff)
    with frozen():
        assert staff.get("/sessions/new/").status_code == 200
        response = staff.post("/sessions/new/", _new(tree, personas))
    s = ReceptionSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sessions/{s.pk}/"
    assert (
        s.kind == "joint"
        and s.bodies == ["npc", "cppcc", "court"]
        and s.organised_by == personas.county_staff
    )
    with frozen():
        page = staff.get(f"/sessions/{s.pk}/").content.decode()
    assert "人大、政协、法院、法律援助中心" in page and "leader（新城区）" in page
    assert f'href="/sessions/{s.pk}/edit/"' in page and f'href="/sessions/{s.pk}/cancel/"' in page
    # Not started yet: no reception buttons, no 记录接访情况.
    assert "origin=session" not in page and f"/sessions/{s.pk}/close/" not in page


def test_bad_input_names_the_field_and_keeps_what_was_typed(tree: Tree, personas: Personas) -> None:
    staff = client(personas.county_staff)
    with frozen():
        response = staff.post("/sessions/new/", _new(tree, personas, bodies=[], ends_at=local(NOW)))
    assert response.status_code == 400
    assert (
        "ends_at" in response.context["form"].errors
    )  # the form's own check would pass; the action's name it
    assert "武川式联合接访" in response.content.decode() and "法律援助中心" in response.content.decode()
    with frozen():
        response = staff.post("/sessions/new/", _new(tree, personas, bodies=[]))
    assert response.status_code == 400 and "bodies" in response.context["form"].errors
    with frozen():
        response = staff.post("/sessions/new/", _new(tree, personas, starts_at="2026-02-30T10:00"))
    assert response.status_code == 400 and "starts_at" in response.context["form"].errors
    town_leader = make_user("town_leader", Role.LEADER, tree.town_a1)
    with frozen():
        response = staff.post("/sessions/new/", _new(tree, personas, leaders=[town_leader.pk]))
    assert response.status_code == 400 and "leaders" in response.context["form"].errors
    assert not ReceptionSession.objects.exists()


def test_edit_conflict_is_409_with_the_input_kept(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.county_a, [personas.leader])
    staff = client(personas.county_staff)
    with frozen():
        form = staff.get(f"/sessions/{s.pk}/edit/")
    assert form.status_code == 200 and form.context["form"].initial["version"] == 1
    posted = _new(tree, personas, kind="leader_day", bodies=[], title="改过的主题", version="1")
    with frozen():
        assert staff.post(f"/sessions/{s.pk}/edit/", posted).status_code == 302
        response = staff.post(f"/sessions/{s.pk}/edit/", {**posted, "title": "第二次修改"})
    assert response.status_code == 409
    assert "刚刚被他人修改" in response.content.decode() and "第二次修改" in response.content.decode()
    s.refresh_from_db()
    assert s.title == "改过的主题" and s.version == 2


def test_cancel_close_and_answer_pages(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    staff = client(personas.county_staff)
    with frozen():
        response = staff.post(
            f"/sessions/{s.pk}/answer/",
            {
                "leader": personas.leader.pk,
                "visitor": "张女士",
                "summary": "电话 13904711234",
                "answer": "已答复",
            },
        )
        assert response.status_code == 400 and "summary" in response.context["form"].errors
        assert "张女士" in response.content.decode()
        response = staff.post(
            f"/sessions/{s.pk}/answer/",
            {"leader": personas.leader.pk, "visitor": "张女士", "summary": "学区划分", "answer": "当场解释"},
        )
        assert response.status_code == 302
        page = staff.get(f"/sessions/{s.pk}/").content.decode()
    assert "张女士" in page and "当场解释" in page and "当场答复 1" in page
    with frozen():
        response = staff.post(f"/sessions/{s.pk}/close/", {"version": "2", "summary": ""})
        assert response.status_code == 400 and "summary" in response.context["form"].errors
        response = staff.post(f"/sessions/{s.pk}/close/", {"version": "1", "summary": "晚到的表单"})
        assert response.status_code == 409  # an answer was recorded meanwhile
        assert (
            staff.post(f"/sessions/{s.pk}/close/", {"version": "2", "summary": "接待 1 人"}).status_code
            == 302
        )
        # Held: no more edits or cancelling (403), a stale form is still the conflict page.
        assert staff.get(f"/sessions/{s.pk}/cancel/").status_code == 403
        assert staff.post(f"/sessions/{s.pk}/cancel/", {"version": "2", "reason": "x"}).status_code == 409
    other = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen():
        response = staff.post(f"/sessions/{other.pk}/cancel/", {"version": "1", "reason": ""})
        assert response.status_code == 400 and "reason" in response.context["form"].errors
        assert (
            staff.post(f"/sessions/{other.pk}/cancel/", {"version": "1", "reason": "领导公务"}).status_code
            == 302
        )
        page = staff.get(f"/sessions/{other.pk}/").content.decode()
    assert "领导公务" in page and "已取消" in page and "origin=session" not in page


def test_the_list_shows_upcoming_first_then_past_in_scope(tree: Tree, personas: Personas) -> None:
    past = schedule(
        personas.county_staff,
        tree.county_a,
        [personas.leader],
        title="上周接待日",
        starts_at=NOW - 7 * DAY,
        ends_at=NOW - 7 * DAY + H,
    )
    soon = schedule(
        personas.county_staff,
        tree.county_a,
        [personas.leader],
        title="明天直播",
        kind="livestream",
        starts_at=NOW + DAY,
        ends_at=NOW + DAY + H,
    )
    later = schedule(
        personas.county_staff,
        tree.county_a,
        [personas.leader],
        title="下周接待日",
        starts_at=NOW + 7 * DAY,
        ends_at=NOW + 7 * DAY + H,
    )
    schedule(
        personas.outsider,
        tree.county_b,
        [make_user("b_leader", Role.LEADER, tree.county_b)],
        title="托县接待日",
    )
    staff = client(personas.county_staff)
    with frozen():
        response = staff.get("/sessions/")
    assert [s.pk for s in response.context["upcoming"]] == [soon.pk, later.pk]
    assert [s.pk for s in response.context["past"].rows] == [past.pk]
    assert "托县接待日" not in response.content.decode()
    with frozen():
        filtered = staff.get("/sessions/", {"kind": "livestream"})
    assert [s.pk for s in filtered.context["upcoming"]] == [soon.pk] and not filtered.context["past"].rows
    with frozen():
        assert not client(personas.village_agent).get("/sessions/").context["upcoming"]


def test_the_list_is_a_fixed_number_of_queries(tree: Tree, personas: Personas) -> None:
    for i in range(6):
        schedule(
            personas.county_staff,
            tree.county_a,
            [personas.leader],
            title=f"第{i}次",
            starts_at=NOW + i * DAY - 3 * DAY,
            ends_at=NOW + i * DAY - 3 * DAY + H,
        )
    staff = client(personas.county_staff)
    with frozen():
        staff.get("/sessions/")
        with CaptureQueriesContext(connection) as few:
            staff.get("/sessions/")
    for i in range(6, 12):
        schedule(
            personas.county_staff,
            tree.county_a,
            [personas.leader],
            title=f"第{i}次",
            starts_at=NOW + i * DAY,
            ends_at=NOW + i * DAY + H,
        )
    with frozen(), CaptureQueriesContext(connection) as many:
        staff.get("/sessions/")
    assert len(many) == len(few)


def test_the_network_page_publishes_upcoming_sessions_of_the_region_and_above(
    tree: Tree, personas: Personas
) -> None:
    city_leader = make_user("city_leader", Role.LEADER, tree.city)
    city_leader.display_name = "张市长"
    city_leader.save()
    county = schedule(
        personas.county_staff,
        tree.county_a,
        [personas.leader],
        title="新城区领导接待日",
        starts_at=NOW + DAY,
        ends_at=NOW + DAY + 3 * H,
        kind="joint",
        bodies=["npc", "lawyer"],
    )
    town = schedule(
        personas.township_staff,
        tree.town_a1,
        [personas.leader],
        title="街道接待日",
        starts_at=NOW + DAY,
        ends_at=NOW + DAY + H,
    )
    cancelled = schedule(
        personas.county_staff,
        tree.county_a,
        [personas.leader],
        title="取消的接待日",
        starts_at=NOW + DAY,
        ends_at=NOW + DAY + H,
    )
    schedule(
        personas.county_staff,
        tree.county_a,
        [personas.leader],
        title="上周接待日",
        starts_at=NOW - 7 * DAY,
        ends_at=NOW - 7 * DAY + H,
    )
    with frozen():
        session_cancel(
            actor=personas.county_staff, session_id=cancelled.pk, expected_version=1, reason="改期"
        )
    schedule(
        personas.city_admin,
        tree.city,
        [city_leader],
        kind="livestream",
        title="市长直播间",
        starts_at=NOW + 2 * DAY,
        ends_at=NOW + 2 * DAY + H,
        place="青城直播间",
    )
    with frozen():
        page = client(personas.unit_handler).get(f"/network/region/{tree.county_a.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="region-sessions"' in text
    assert "新城区领导接待日" in text and "人大、律师" in text and "leader（新城区领导）" in text
    assert "市长直播间" in text and "张市长（呼和浩特市领导）" in text and "青城直播间" in text
    assert "· 呼和浩特市" in text  # a level above is named
    assert "街道接待日" not in text  # below the region: on the township's page
    assert "取消的接待日" not in text and "上周接待日" not in text
    assert f'href="/sessions/{county.pk}/"' not in text  # a unit handler has no session pages
    with frozen():
        village = client(personas.village_agent).get("/network/").content.decode()
    # The village agent's own page: the county's and the township's sessions above the village.
    assert "新城区领导接待日" in village and "街道接待日" in village and "市长直播间" in village
    assert f'href="/sessions/{town.pk}/"' in village
    with frozen(NOW + 3 * DAY):
        later = client(personas.village_agent).get("/network/").content.decode()
    assert "近期没有安排接访活动" in later


def test_reception_list_shows_each_outcome(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen():
        session_receive_answered(
            actor=personas.leader,
            session_id=s.pk,
            leader=personas.leader,
            visitor="刘师傅",
            summary="低保政策",
            answer="讲解了申请条件",
        )
    assert Reception.objects.count() == 1
    with frozen():
        page = client(personas.supervisor).get(f"/sessions/{s.pk}/").content.decode()
    assert "刘师傅" in page and "讲解了申请条件" in page
    assert "origin=session" not in page  # a supervisor reads, does not register


def test_the_city_administrator_records_answers_but_takes_no_intake(tree: Tree, personas: Personas) -> None:
    mayor = make_user("mayor", Role.LEADER, tree.city)
    s = schedule(personas.city_admin, tree.city, [mayor], place="市信访局接待大厅")
    with frozen():
        admin_page = client(personas.city_admin).get(f"/sessions/{s.pk}/").content.decode()
        mayor_page = client(mayor).get(f"/sessions/{s.pk}/").content.decode()
    assert f"/sessions/{s.pk}/answer/" in admin_page and "origin=session" not in admin_page
    assert f"origin=session:{s.pk}" in mayor_page and f"/sessions/{s.pk}/edit/" not in mayor_page
