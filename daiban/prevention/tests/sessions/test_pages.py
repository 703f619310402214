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
    # The village agent's own page: the county's and the township's sessions above the village, listed
    # but not linked (their pages lie outside the village's subtree: a 404).
    assert "新城区领导接待日" in village and "街道接待日" in village and "市长直播间" in village
    assert "/sessions/" not in village
    with frozen():
        assert client(personas.village_agent).get(f"/sessions/{town.pk}/").status_code == 404
        township = client(personas.township_staff).get("/network/").content.decode()
        county_page = client(personas.county_staff).get("/network/").content.decode()
    assert f'href="/sessions/{town.pk}/"' in township and f'href="/sessions/{county.pk}/"' not in township
    assert "新城区领导接待日" in township
    assert f'href="/sessions/{county.pk}/"' in county_page and "市长直播间" in county_page
    assert county_page.count('href="/sessions/') == 1  # the city's livestream is listed, not linked
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


def _intake(tree: Tree, **extra: Any) -> dict[str, Any]:
    from daiban.matters.tests.factories import WANG_ID, WANG_PHONE

    return {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王建国", "p-0-phone": WANG_PHONE, "p-0-id_number": WANG_ID, "p-0-group": "resident",
        "channel": "leader_day", "region": tree.village_a1x.pk, "title": "检举村会计挪用补助款",
        "content": "村会计挪用低保补助", "request": "请依纪依法查处", "category": "discipline",
        "purpose": "accusation", "consent": "on", **extra,
    }  # fmt: skip


def test_a_matter_taken_in_is_named_only_to_readers_who_may_see_it(tree: Tree, personas: Personas) -> None:
    """An accusation taken in at a county session: the county's centre sees it; a leader at the session
    who is not its 包案 leader sees only that someone's matter was registered — no title, number, status,
    link, nor the number in the record."""
    other = make_user("deputy", Role.LEADER, tree.county_a)
    s = schedule(personas.county_staff, tree.county_a, [personas.leader, other])
    with frozen():
        response = client(personas.county_staff).post(
            "/matters/new/", _intake(tree, origin=f"session:{s.pk}", leader=other.pk)
        )
    assert response.status_code == 302, response.context and response.context["form"].errors
    reception = Reception.objects.get()
    matter = reception.matter
    assert matter is not None and matter.is_accusation
    with frozen():
        staff = client(personas.county_staff).get(f"/sessions/{s.pk}/").content.decode()
        deputy = client(other).get(f"/sessions/{s.pk}/").content.decode()  # its 包案 leader
        leader = client(personas.leader).get(f"/sessions/{s.pk}/").content.decode()
    for page in (staff, deputy):
        assert matter.title in page and matter.number in page and f'href="/matters/{matter.pk}/"' in page
    assert "已登记为信访事项" in leader and "登记为信访事项 1" in leader
    assert matter.title not in leader and matter.number not in leader
    assert f"/matters/{matter.pk}/" not in leader and matter.get_status_display() not in leader
    assert 'data-testid="reception-matter"' not in leader


def test_a_matter_filed_outside_the_readers_subtree_is_not_named(tree: Tree, personas: Personas) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    with frozen():
        response = client(personas.county_staff).post(
            "/matters/new/",
            _intake(
                tree, origin=f"session:{s.pk}", leader=personas.leader.pk, region=tree.village_a2x.pk,
                purpose="appeal", category="urban_construction", title="迎新社区供暖不达标",
            ),
        )  # fmt: skip
    assert response.status_code == 302, response.context and response.context["form"].errors
    matter = Reception.objects.get().matter
    assert matter is not None and matter.region == tree.village_a2x
    with frozen():
        village = client(personas.village_agent).get(f"/sessions/{s.pk}/").content.decode()
        county = client(personas.county_staff).get(f"/sessions/{s.pk}/").content.decode()
    assert "迎新社区供暖不达标" in county and matter.number in county
    assert "已登记为信访事项" in village
    assert "迎新社区供暖不达标" not in village and matter.number not in village
    assert f"/matters/{matter.pk}/" not in village


def test_late_entries_for_three_days_after_the_end_then_refused_on_the_form(
    tree: Tree, personas: Personas
) -> None:
    s = schedule(personas.county_staff, tree.village_a1x, [personas.leader])
    staff = client(personas.county_staff)
    answer = {"leader": personas.leader.pk, "visitor": "钱女士", "summary": "补录：学区", "answer": "已解释"}
    with frozen(s.ends_at + DAY):
        page = staff.get(f"/sessions/{s.pk}/").content.decode()
        assert 'data-testid="late-until"' in page and "结束后 3 天内补录" in page
        assert f"/sessions/{s.pk}/answer/" in page and f"origin=session:{s.pk}" in page
        assert staff.post(f"/sessions/{s.pk}/answer/", answer).status_code == 302
    late = s.ends_at + 3 * DAY + H
    with frozen(late):
        page = staff.get(f"/sessions/{s.pk}/").content.decode()
        assert 'data-testid="late-closed"' in page and "补录期限" in page
        assert f"/sessions/{s.pk}/answer/" not in page and "origin=session" not in page
        response = staff.post(f"/sessions/{s.pk}/answer/", {**answer, "visitor": "孙师傅"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "补录期限已过" in text and "孙师傅" in text  # the reason, and what was typed
    assert Reception.objects.count() == 1
