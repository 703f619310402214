"""The register's pages: the list with its filters and keyset pages, a screening's page with its
buttons, the record page (from a visit too) and the action page (bad input, a stale form, a step no
longer offered, success)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.network.models import ResponsibleUnit, UnitDomain
from daiban.prevention.models import Screening, Visit
from daiban.prevention.tests.screenings.factories import TODAY, fresh, on_day, screening, step

D = datetime.timedelta


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _numbers(page: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', page)


def _get(client: Client, url: str, data: dict[str, Any] | None = None, day: datetime.date = TODAY) -> Any:
    with on_day(day):
        return client.get(url, data or {})


def _post(client: Client, url: str, data: dict[str, Any], day: datetime.date = TODAY) -> Any:
    with on_day(day):
        return client.post(url, data)


# ---------------------------------------------------------------------------------------------- list


def test_each_level_sees_its_subtree(tree: Tree, personas: Personas) -> None:
    mine = screening(personas.village_agent, tree.village_a1x)
    next_door = screening(personas.township_staff, tree.village_a1y)
    other_town = screening(personas.county_staff, tree.village_a2x)
    elsewhere = screening(personas.outsider, tree.village_b1x)
    seen = {
        name: set(_numbers(_get(_client(getattr(personas, name)), "/screenings/").content.decode()))
        for name in ("village_agent", "township_staff", "county_staff", "leader", "city_admin", "outsider")
    }
    assert seen["village_agent"] == {mine.number}
    assert seen["township_staff"] == {mine.number, next_door.number}
    assert seen["county_staff"] == seen["leader"] == {mine.number, next_door.number, other_town.number}
    assert seen["city_admin"] == {s.number for s in (mine, next_door, other_town, elsewhere)}
    assert seen["outsider"] == {elsewhere.number}


def test_filters(tree: Tree, personas: Personas) -> None:
    agent = personas.county_staff
    a = screening(agent, tree.village_a1x, TODAY - D(days=40), title="欠薪纠纷", kind="labour", risk="grave")
    b = screening(agent, tree.village_a1y, TODAY - D(days=2), title="邻里噪音纠纷")
    c = screening(agent, tree.village_a2x, TODAY - D(days=1), title="宅基地纠纷")
    step("resolve", agent, c, outcome="已调解")
    client = _client(agent)

    def shown(**params: str) -> set[str]:
        response = _get(client, "/screenings/", params)
        assert response.status_code == 200
        return set(_numbers(response.content.decode()))

    assert shown() == {a.number, b.number, c.number}
    assert shown(risk="grave") == {a.number}
    assert shown(kind="labour") == {a.number}
    assert shown(status="resolved") == {c.number}
    assert shown(status="open") == {a.number, b.number}
    assert shown(status="due") == {a.number}  # 重大 found 40 days ago: review long past; b is due in 13 days
    assert shown(region=tree.town_a1.code) == {a.number, b.number}
    assert shown(region=tree.village_a1y.code) == {b.number}
    assert shown(date_from=(TODAY - D(days=5)).isoformat()) == {b.number, c.number}
    assert shown(date_to=(TODAY - D(days=2)).isoformat()) == {a.number, b.number}
    assert shown(q="噪音") == {b.number}
    assert shown(q=a.number) == {a.number}
    # A filter that does not validate is dropped and named; the others still apply.
    response = _get(client, "/screenings/", {"risk": "grave", "region": tree.county_b.code})
    assert set(_numbers(response.content.decode())) == {a.number}
    assert "此条件未生效" in response.content.decode()


def test_keyset_pages_in_found_order(
    tree: Tree, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    made = [
        screening(personas.township_staff, tree.village_a1x, TODAY - D(days=i % 5), title=f"纠纷{i}")
        for i in range(27)
    ]
    expected = [s.number for s in sorted(made, key=lambda s: (s.found_on, s.pk), reverse=True)]
    client = _client(personas.township_staff)
    with django_assert_max_num_queries(8):
        first = _get(client, "/screenings/")
    page = first.content.decode()
    assert _numbers(page) == expected[:25]
    next_url = first.context["next_url"]
    assert next_url and "after=" in next_url
    second = _get(client, "/screenings/" + next_url.replace("&amp;", "&"))
    assert _numbers(second.content.decode()) == expected[25:]
    assert second.context["next_url"] is None and second.context["first_url"]
    # A forged cursor is the first page, not an error.
    assert _numbers(_get(client, "/screenings/", {"after": "!!garbage"}).content.decode()) == expected[:25]


def test_list_ordering_uses_the_level_column(tree: Tree, personas: Personas) -> None:
    """The register's query is an equality on the level's scope column, ordered by the indexed columns."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    screening(personas.township_staff, tree.village_a1x)
    for user, column in (
        (personas.township_staff, "scope_township"),
        (personas.county_staff, "scope_county"),
        (personas.city_admin, "scope_city"),
        (personas.village_agent, "region_id"),
    ):
        with CaptureQueriesContext(connection) as captured:
            _get(_client(user), "/screenings/")
        sql = next(
            q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"] and "found_on" in q["sql"]
        )
        assert f'"prevention_screening"."{column}" =' in sql, sql
        assert "region_path" not in sql.split("WHERE")[1], sql


# -------------------------------------------------------------------------------------------- detail


def test_detail_shows_facts_timeline_and_the_writers_buttons(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    s = step(
        "follow_up", personas.village_agent, s, note="入户了解，双方愿意协商。", review_on=TODAY + D(days=5)
    )
    page = _get(_client(personas.village_agent), f"/screenings/{s.pk}/").content.decode()
    assert s.title in page and "张某、李某户" in page and "入户了解，双方愿意协商。" in page
    assert "三组" in page and "苏雅拉社区" in page
    buttons = re.findall(r'data-step="([a-z_]+)"', page)
    assert buttons == ["follow_up", "start", "resolve", "stabilise", "transfer", "reassess", "to_matter"]
    assert f'href="/matters/new/?origin=screening%3A{s.pk}"' in page
    leader_page = _get(_client(personas.leader), f"/screenings/{s.pk}/").content.decode()
    assert s.title in leader_page and "data-step=" not in leader_page
    step("resolve", personas.village_agent, s, outcome="双方和解。")
    closed = _get(_client(personas.village_agent), f"/screenings/{s.pk}/").content.decode()
    assert "data-step=" not in closed and "双方和解。" in closed


def test_detail_outside_scope_is_404(tree: Tree, personas: Personas) -> None:
    s = screening(personas.township_staff, tree.village_a1y)
    assert _get(_client(personas.village_agent), f"/screenings/{s.pk}/").status_code == 404
    assert _get(_client(personas.outsider), f"/screenings/{s.pk}/").status_code == 404
    assert _get(_client(personas.unit_handler), f"/screenings/{s.pk}/").status_code == 403


# -------------------------------------------------------------------------------------------- record


def _record_data(tree: Tree, **extra: Any) -> dict[str, Any]:
    return {
        "region": tree.village_a1x.pk,
        "place": "二组",
        "kind": "labour",
        "title": "工地拖欠农民工工资",
        "description": "某工地拖欠 12 名村民工资约 20 万元。",
        "parties": "包工头刘某；村民代表赵某",
        "headcount": "12",
        "risk": "serious",
        "risk_reason": "临近春节，人数较多。",
        "source": "grid",
        "found_on": TODAY.isoformat(),
        **extra,
    }


def test_record_page_success_redirects_to_the_new_screening(tree: Tree, personas: Personas) -> None:
    client = _client(personas.village_agent)
    assert _get(client, "/screenings/new/").status_code == 200
    response = _post(client, "/screenings/new/", _record_data(tree))
    s = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/screenings/{s.pk}/"
    assert (s.kind, s.headcount, s.is_group, s.risk, s.source) == ("labour", 12, True, "serious", "grid")
    assert s.review_on == TODAY + D(days=7)
    page = _get(client, response["Location"]).content.decode()
    assert f"已登记排查，编号 {s.number}" in page


def test_record_page_bad_input_keeps_what_was_typed_and_names_the_field(
    tree: Tree, personas: Personas
) -> None:
    client = _client(personas.village_agent)
    for change, field, message in (
        ({"risk_reason": ""}, "risk_reason", "这个字段是必填项"),
        ({"found_on": (TODAY + D(days=3)).isoformat()}, "found_on", "发现日期不能晚于今天"),
        ({"parties": "刘某 150102196803151234"}, "parties", "请不要填写身份证号码"),
        ({"region": tree.village_a1y.pk}, "region", ""),
    ):
        response = _post(client, "/screenings/new/", _record_data(tree, **change))
        assert response.status_code == 400, change
        form = response.context["form"]
        assert field in form.errors, (change, form.errors)
        page = response.content.decode()
        assert message in page
        assert "某工地拖欠 12 名村民工资约 20 万元。" in page  # kept
    assert not Screening.objects.exists()


def test_record_page_from_a_visit(tree: Tree, personas: Personas) -> None:
    visit = Visit.objects.create(
        region=tree.village_a1x,
        kind="door",
        visited_on=TODAY - D(days=1),
        place="五组",
        recorded_by=personas.village_agent,
    )
    client = _client(personas.village_agent)
    response = _get(client, "/screenings/new/", {"visit": visit.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["visit"] == visit.pk and form.initial["place"] == "五组"
    assert form.initial["source"] == "visit" and form.initial["found_on"] == TODAY - D(days=1)
    assert f'name="visit" value="{visit.pk}"' in response.content.decode()
    data = _record_data(tree, visit=str(visit.pk), source="visit", place="五组")
    response = _post(client, "/screenings/new/", data)
    assert response.status_code == 302
    assert Screening.objects.get().visit == visit
    detail = _get(client, response["Location"]).content.decode()
    assert f'href="/visits/{visit.pk}/"' in detail  # the screening page links the visit it was found on
    # A visit that is not there, not in scope, or not a number: 404.
    other = Visit.objects.create(
        region=tree.village_b1x, kind="door", visited_on=TODAY, recorded_by=personas.outsider_village_agent
    )
    for bad in (str(other.pk), "999999", "²", "abc"):
        assert _get(client, "/screenings/new/", {"visit": bad}).status_code == 404, bad


def test_only_agents_record(tree: Tree, personas: Personas) -> None:
    for name in ("leader", "supervisor", "city_admin", "unit_handler"):
        client = _client(getattr(personas, name))
        assert _get(client, "/screenings/new/").status_code == 403
        assert _post(client, "/screenings/new/", _record_data(tree)).status_code == 403
    assert not Screening.objects.exists()


# -------------------------------------------------------------------------------------------- action


def test_action_page_runs_the_step(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    client = _client(personas.village_agent)
    url = f"/screenings/{s.pk}/act/start/"
    response = _get(client, url)
    assert response.status_code == 200 and 'name="note"' in response.content.decode()
    response = _post(client, url, {"version": s.version, "note": "约双方周五到村委会。"})
    assert response.status_code == 302 and response["Location"] == f"/screenings/{s.pk}/"
    assert fresh(s).status == "resolving"
    assert "已办理：开始化解。" in _get(client, response["Location"]).content.decode()


def test_action_page_bad_input_is_400_with_the_field_and_the_text_kept(
    tree: Tree, personas: Personas
) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    client = _client(personas.village_agent)
    response = _post(
        client,
        f"/screenings/{s.pk}/act/follow_up/",
        {"version": s.version, "note": "电话回访。", "review_on": (TODAY - D(days=2)).isoformat()},
    )
    assert response.status_code == 400
    assert "review_on" in response.context["form"].errors
    page = response.content.decode()
    assert "下次跟进日期不能早于今天" in page and "电话回访。" in page
    assert fresh(s).version == 1


def test_transfer_page_offers_the_townships_units(tree: Tree, personas: Personas) -> None:
    office = ResponsibleUnit.objects.create(
        region=tree.town_a1, name="呼伦路派出所", domain=UnitDomain.PUBLIC_SECURITY
    )
    s = screening(personas.village_agent, tree.village_a1x)
    client = _client(personas.village_agent)
    page = _get(client, f"/screenings/{s.pk}/act/transfer/").content.decode()
    assert "呼伦路派出所" in page and tree.unit_housing_b.name not in page
    response = _post(
        client,
        f"/screenings/{s.pk}/act/transfer/",
        {"version": 1, "target": "police", "unit": office.pk, "note": "涉嫌违法，移交派出所。"},
    )
    assert response.status_code == 302
    s = fresh(s)
    assert (s.status, s.transfer_unit) == ("transferred", office)
    assert "呼伦路派出所" in _get(client, f"/screenings/{s.pk}/").content.decode()


def test_a_stale_form_is_a_409_with_the_input_kept(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    step("follow_up", personas.township_staff, s, note="街道先跟进了", review_on=TODAY + D(days=3))
    client = _client(personas.village_agent)
    response = _post(client, f"/screenings/{s.pk}/act/resolve/", {"version": 1, "outcome": "村里调解成功。"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "刚刚被他人修改" in page and "村里调解成功。" in page
    assert fresh(s).status == "watching"
    # The other person's change also took the step away: still the conflict page, saying so.
    step("resolve", personas.township_staff, s, outcome="街道化解")
    response = _post(client, f"/screenings/{s.pk}/act/start/", {"version": 1, "note": "开始"})
    assert response.status_code == 409 and "不能再办理此操作" in response.content.decode()


def test_a_step_not_offered_is_403_and_an_unknown_one_404(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    s = step("start", personas.village_agent, s, note="开始")
    client = _client(personas.village_agent)
    assert _get(client, f"/screenings/{s.pk}/act/start/").status_code == 403
    assert (
        _post(client, f"/screenings/{s.pk}/act/start/", {"version": s.version, "note": "x"}).status_code
        == 403
    )
    assert _get(client, f"/screenings/{s.pk}/act/explode/").status_code == 404
    assert _get(_client(personas.leader), f"/screenings/{s.pk}/act/resolve/").status_code == 403
    assert _get(_client(personas.outsider), f"/screenings/{s.pk}/act/resolve/").status_code == 404
    assert fresh(s).version == s.version


def test_to_matter_step_goes_to_the_intake_page(tree: Tree, personas: Personas) -> None:
    s = screening(personas.village_agent, tree.village_a1x)
    response = _get(_client(personas.village_agent), f"/screenings/{s.pk}/act/to_matter/")
    assert response.status_code == 302 and response["Location"] == f"/matters/new/?origin=screening%3A{s.pk}"
