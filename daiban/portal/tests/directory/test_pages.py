"""找代办员: browsing and searching the division tree, a village's and a township's page (only the active
agents of that region, the organisations above, the coming reception sessions of the region and the levels
above it), a county's page, and what is never on them."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from conftest import Personas
from daiban.matters.tests.factories import intake
from daiban.network.models import Agent
from daiban.portal import throttle
from daiban.portal.tests.directory.helpers import (
    CENTRE_PHONE,
    POINT_PHONE,
    STATION_PHONE,
    WORK_PHONE,
    Directory,
)
from daiban.prevention.actions.sessions import session_cancel
from daiban.prevention.tests.sessions.helpers import NOW, frozen, schedule

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def _get(path: str, client: Client | None = None) -> str:
    response = (client or Client()).get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_the_index_lists_the_counties_and_finds_a_village_by_name(directory: Directory) -> None:
    t = directory.tree
    html = _get("/agents/")
    assert f'href="/agents/{t.county_a.code}/"' in html and f'href="/agents/{t.county_b.code}/"' in html
    found = _get("/agents/?q=苏雅拉")
    assert f'href="/agents/{t.village_a1x.code}/"' in found
    assert "新城区 呼伦路街道" in found  # where it lies
    assert f"/agents/{t.village_a1y.code}/" not in found
    townships = _get("/agents/?q=街道")  # townships too, not the counties
    assert f"/agents/{t.town_a1.code}/" in townships and f"/agents/{t.town_a2.code}/" in townships
    assert "没有找到名称含“不存在村”" in _get("/agents/?q=不存在村")
    assert "请填写村（社区）或乡镇（街道）名称" in _get("/agents/?q=%20%E2%80%AE%09")


@override_settings(PORTAL_THROTTLE={"directory": (3, 600, None)})
def test_searching_is_throttled_per_address_and_browsing_is_not(directory: Directory) -> None:
    client = Client()
    for _ in range(3):
        assert client.get("/agents/?q=社区").status_code == 200
    refused = client.get("/agents/?q=社区")
    assert refused.status_code == 429
    assert "请 10 分钟后再试" in refused.content.decode()
    assert client.get("/agents/").status_code == 200  # browsing stays open
    assert client.get(f"/agents/{directory.tree.village_a1x.code}/").status_code == 200
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/agents/?q=社区").status_code == 200
    assert throttle.count(refused.wsgi_request, "directory") == 4


def test_a_village_page_shows_its_active_agents_and_the_organisations_above(directory: Directory) -> None:
    d = directory
    html = _get(f"/agents/{d.tree.village_a1x.code}/")
    # Its own active agents: photo, name, title, 专兼职, work phone as a tel: link, hours and place.
    assert "乌云娜" in html and "社区党委书记、居委会主任" in html and "兼职代办员" in html
    assert f'href="tel:{WORK_PHONE}"' in html
    assert "周一至周五 9:00-17:00" in html and "苏雅拉社区党群服务中心一楼代办室" in html
    assert f'src="/agents/photo/{d.published.pk}/"' in html and 'alt="乌云娜的照片"' in html
    # An agent without a work phone is reached through the point's phone, said so.
    assert "赵志刚" in html
    no_phone = html.split(f'data-agent="{d.no_phone.pk}"')[1].split("</li>")[0]
    assert f'href="tel:{POINT_PHONE}"' in no_phone and "代办点电话" in no_phone
    # Not the agent no longer in post, not the neighbouring village's.
    assert "钱退休" not in html and "0471-6699999" not in html
    assert "孙邻居" not in html and "0471-6688888" not in html
    # The point, the township's station and the county's centre, with phones, addresses, hours.
    for phone in (POINT_PHONE, STATION_PHONE, CENTRE_PHONE):
        assert f'href="tel:{phone}"' in html
    assert "呼伦路街道信访代办代办站" in html and "新城区信访代办代办服务中心" in html
    assert "呼伦路街道便民服务大厅" in html and "工作日 8:30-17:30" in html
    assert "代办员能为您做什么" in html and "不收任何费用" in html
    assert "迎新路街道" not in html  # not the other township's station
    assert f'href="/agents/{d.tree.village_a1x.code}/poster/"' in html


def test_a_township_page_shows_its_station_agents_and_its_villages(directory: Directory) -> None:
    t = directory.tree
    html = _get(f"/agents/{t.town_a1.code}/")
    assert "township_staff" in html  # the station's agent (conftest names agents after their accounts)
    assert "乌云娜" not in html  # a village's agents are on the village's page
    assert f'href="/agents/{t.village_a1x.code}/"' in html and f'href="/agents/{t.village_a1y.code}/"' in html
    assert f'href="tel:{STATION_PHONE}"' in html and f'href="tel:{CENTRE_PHONE}"' in html
    assert POINT_PHONE not in html


def test_a_county_page_lists_its_townships(directory: Directory) -> None:
    t = directory.tree
    html = _get(f"/agents/{t.county_a.code}/")
    assert f'href="/agents/{t.town_a1.code}/"' in html and f'href="/agents/{t.town_a2.code}/"' in html
    assert f"/agents/{t.town_b1.code}/" not in html
    assert "乌云娜" not in html and "poster" not in html
    assert f'href="tel:{CENTRE_PHONE}"' in html
    city = _get(f"/agents/{t.city.code}/")
    assert f'href="/agents/{t.county_a.code}/"' in city


@pytest.mark.parametrize("code", ["999999999999", "15010240100", "abc", "1" * 40, "%E2%91%A0", "photo"])
def test_an_unknown_or_malformed_code_is_404(directory: Directory, code: str) -> None:
    client = Client()
    assert client.get(f"/agents/{code}/").status_code == 404
    assert client.get(f"/agents/{code}/poster/").status_code == 404


def test_coming_sessions_of_the_region_and_above_only(directory: Directory, personas: Personas) -> None:
    t, staff, leader = directory.tree, personas.county_staff, personas.leader
    hour = datetime.timedelta(hours=1)
    day = datetime.timedelta(days=1)
    county = schedule(
        staff,
        t.county_a,
        [leader],
        kind="joint",
        bodies=["npc", "lawyer"],
        other_bodies="区妇联",
        starts_at=NOW + 2 * day,
        ends_at=NOW + 2 * day + 3 * hour,
        place="新城区信访接待大厅",
        notes="内部：重点人员预案",
    )
    schedule(
        staff,
        t.town_a1,
        [leader],
        starts_at=NOW + 3 * day,
        ends_at=NOW + 3 * day + hour,
        place="呼伦路街道办事处三楼",
    )
    ongoing = schedule(staff, t.village_a1x, [leader], place="苏雅拉社区会议室")  # began an hour ago
    schedule(
        staff, t.town_a2, [leader], starts_at=NOW + day, ends_at=NOW + day + hour, place="迎新路街道会议室"
    )
    schedule(
        staff, t.village_a1y, [leader], starts_at=NOW + day, ends_at=NOW + day + hour, place="呼伦社区会议室"
    )
    cancelled = schedule(
        staff, t.county_a, [leader], starts_at=NOW + day, ends_at=NOW + day + hour, place="已取消的地点"
    )
    past = schedule(
        staff, t.county_a, [leader], starts_at=NOW - 3 * hour, ends_at=NOW - 2 * hour, place="已结束的地点"
    )
    with frozen():
        session_cancel(
            actor=staff, session_id=cancelled.pk, expected_version=cancelled.version, reason="天气"
        )
        html = _get(f"/agents/{t.village_a1x.code}/")
    section = html.split('data-testid="sessions"')[1].split("</section>")[0]
    places = re.findall(r"地点：([^<（]+)", section)
    assert places == ["苏雅拉社区会议室", "新城区信访接待大厅", "呼伦路街道办事处三楼"], (
        places
    )  # soonest first
    assert "联合接访" in section and "人大、律师、区妇联" in section
    assert f"{leader.display_name or leader.username}（新城区领导）" in section
    assert "内部：重点人员预案" not in html and county.title not in html  # public fields only
    assert past.place not in html and ongoing.place in html
    with frozen(NOW + 4 * day):
        later = _get(f"/agents/{t.village_a1x.code}/")
    assert "近期没有安排接访活动" in later


def test_no_personal_data_and_the_same_page_for_a_staff_session(
    directory: Directory, personas: Personas
) -> None:
    t = directory.tree
    with frozen():
        matter = intake(personas.village_agent, t.village_a1x)
    petitioner = matter.petitioners.get()
    anonymous = _get(f"/agents/{t.village_a1x.code}/")
    staff = Client()
    staff.force_login(personas.village_agent)
    signed_in = _get(f"/agents/{t.village_a1x.code}/", staff)
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", anonymous) == strip.sub("", signed_in)
    for html in (anonymous, _get(f"/agents/{t.village_a1x.code}/poster/"), _get("/agents/?q=社区")):
        assert not MOBILE.search(html) and not ID_NUMBER.search(html)
        assert petitioner.name not in html and matter.number not in html
        assert "village_agent" not in html  # no account names


def test_a_village_page_reads_a_bounded_number_of_queries(
    directory: Directory, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    """The same few queries for two agents or twenty, and for any number of sessions and leaders."""
    t = directory.tree
    point = directory.published.organization
    url = f"/agents/{t.village_a1x.code}/"
    client = Client()
    client.get(url)  # warm caches (content types, the view settings)
    # region, trail, children, agents, organisations, session regions, sessions, their leaders
    with django_assert_max_num_queries(8):
        client.get(url)
    for i in range(20):
        Agent.objects.create(name=f"代办员{i}", organization=point, work_phone=f"0471-66{i:05d}")
    day = datetime.timedelta(days=1)
    for i in range(5):
        schedule(
            personas.county_staff,
            t.county_a,
            [personas.leader],
            starts_at=NOW + (i + 1) * day,
            ends_at=NOW + (i + 1) * day + datetime.timedelta(hours=1),
        )
    with frozen(), django_assert_max_num_queries(8):
        assert "代办员19" in client.get(url).content.decode()
