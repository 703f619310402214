"""The ladder's pages: the unit's written feedback, the 纪检's records and closing, the conflict page with
the input kept, field errors in Chinese, the lists (挂牌督办 first, keyset pages), the matter-page section
and the home panel, each showing a matter's title only to those who may open it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters.models import Matter
from daiban.supervision.models import DisciplineRecord, OrderStatus, Rung, SupervisionOrder
from daiban.supervision.tests.ladder.helpers import Ladder, routed_with_leaders, scan_on

D = datetime.date


@dataclass
class World:
    ladder: Ladder
    order: SupervisionOrder
    listed: SupervisionOrder

    @property
    def matter(self) -> Matter:
        return self.ladder.matter


@pytest.fixture
def w(tree: Tree, personas: Personas) -> World:
    ladder = routed_with_leaders(tree, personas)
    scan_on(D(2026, 6, 17))
    scan_on(D(2026, 6, 26))
    return World(
        ladder,
        SupervisionOrder.objects.get(rung=Rung.ORDER),
        SupervisionOrder.objects.get(rung=Rung.LISTED),
    )


def _as(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_unit_answers_in_writing(w: World, personas: Personas) -> None:
    client = _as(personas.unit_handler)
    url = f"/supervision/orders/{w.listed.pk}/feedback/"
    assert "书面反馈" in client.get(url).content.decode()
    response = client.post(url, {"version": str(w.listed.version), "feedback": "已受理，正在核查。"})
    assert response.status_code == 302
    w.listed.refresh_from_db()
    assert (w.listed.status, w.listed.feedback, w.listed.feedback_by) == (
        OrderStatus.ANSWERED,
        "已受理，正在核查。",
        personas.unit_handler,
    )
    assert [e.kind for e in w.listed.events.all()] == ["list", "feedback"]
    page = client.get(f"/supervision/orders/{w.listed.pk}/").content.decode()
    assert "已受理，正在核查。" in page
    # Answered: a second feedback is refused with a message, nothing changes.
    again = client.post(url, {"version": str(w.listed.version), "feedback": "再次反馈"})
    assert again.status_code == 400 and "不能再反馈" in again.content.decode()


def test_an_empty_feedback_is_a_field_error_in_chinese(w: World, personas: Personas) -> None:
    response = _as(personas.unit_handler).post(
        f"/supervision/orders/{w.listed.pk}/feedback/", {"version": str(w.listed.version), "feedback": "  "}
    )
    assert response.status_code == 400
    assert "请填写书面反馈。" in response.content.decode()
    assert SupervisionOrder.objects.get(pk=w.listed.pk).status == OrderStatus.OPEN


def test_a_stale_version_is_the_conflict_page_with_the_input_kept(w: World, personas: Personas) -> None:
    client = _as(personas.supervisor)
    first = {
        "version": str(w.listed.version),
        "kind": "talk",
        "person": "李四，副局长",
        "finding": "逾期未受理",
        "outcome": "约谈提醒",
    }
    assert client.post(f"/supervision/orders/{w.listed.pk}/discipline/", first).status_code == 302
    stale = {**first, "kind": "accountability", "person": "王五，科长", "outcome": "诫勉谈话"}
    response = client.post(f"/supervision/orders/{w.listed.pk}/discipline/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "刚刚被他人修改" in body and "王五，科长" in body and "诫勉谈话" in body
    assert DisciplineRecord.objects.count() == 1


def test_the_discipline_side_records_and_closes(w: World, personas: Personas) -> None:
    client = _as(personas.supervisor)
    base = f"/supervision/orders/{w.listed.pk}/"
    for kind, person in (
        ("talk", "李四，副局长"),
        ("circular", "新城区住建局"),
        ("accountability", "李四，副局长"),
    ):
        w.listed.refresh_from_db()
        data = {
            "version": str(w.listed.version),
            "kind": kind,
            "person": person,
            "finding": "逾期未办",
            "outcome": "已处理",
        }
        assert client.post(base + "discipline/", data).status_code == 302
    page = client.get(base).content.decode()
    assert page.count('data-testid="discipline-record"') == 3
    assert "约谈" in page and "通报" in page and "问责" in page
    bad = client.post(
        base + "discipline/",
        {"version": str(w.listed.version + 3), "kind": "nope", "person": "", "finding": "", "outcome": ""},
    )
    assert bad.status_code == 400
    assert (
        "请选择有效的处理方式。" in bad.content.decode()
        and "请填写对象（姓名、职务）。" in bad.content.decode()
    )
    w.listed.refresh_from_db()
    assert (
        client.post(base + "close/", {"version": str(w.listed.version), "note": "已整改到位"}).status_code
        == 302
    )
    w.listed.refresh_from_db()
    assert w.listed.status == OrderStatus.CLOSED
    assert w.listed.events.last().kind == "close"  # type: ignore[union-attr]


def test_the_county_supervisor_may_not_discipline_a_plain_order(w: World, personas: Personas) -> None:
    client = _as(personas.supervisor)
    assert client.get(f"/supervision/orders/{w.order.pk}/discipline/").status_code == 403
    assert client.get(f"/supervision/orders/{w.order.pk}/").status_code == 200


def test_lists_put_listed_first_and_page_by_keyset(
    w: World, personas: Personas, django_assert_max_num_queries: object
) -> None:
    client = _as(personas.supervisor)
    page = client.get("/supervision/?status=all").content.decode()
    assert page.index(w.listed.number) < page.index(w.order.number)
    assert w.matter.title in page
    open_only = client.get("/supervision/").content.decode()
    assert w.listed.number in open_only and w.order.number not in open_only  # escalated is not open
    assert w.order.number in client.get("/supervision/?status=escalated").content.decode()
    assert w.listed.number not in client.get("/supervision/?status=all&rung=order").content.decode()
    # A hostile cursor is the first page.
    assert client.get("/supervision/?after=%%%&status=all").status_code == 200
    unit = _as(personas.unit_handler).get("/supervision/unit/?status=all").content.decode()
    assert w.listed.number in unit and w.order.number in unit


def test_keyset_pages_walk_every_order_once(w: World, personas: Personas) -> None:
    from daiban.supervision.views import ladder as views

    client = _as(personas.city_admin)
    old = views.PAGE_SIZE
    views.PAGE_SIZE = 1
    try:
        first = client.get("/supervision/?status=all")
        assert w.listed.number in first.content.decode()
        next_url = first.context["next_url"]
        second = client.get("/supervision/" + next_url)
        assert w.order.number in second.content.decode() and second.context["next_url"] is None
    finally:
        views.PAGE_SIZE = old


def test_the_matter_page_shows_the_ladder(w: World, personas: Personas) -> None:
    page = _as(personas.county_staff).get(f"/matters/{w.matter.pk}/").content.decode()
    assert 'data-testid="matter-ladder"' in page
    assert w.listed.number in page and w.order.number in page
    unit_page = _as(personas.unit_handler).get(f"/matters/{w.matter.pk}/").content.decode()
    assert unit_page.count('data-testid="ladder-order"') == 2


def test_home_panel_for_supervisors_and_units(w: World, personas: Personas) -> None:
    for who in (personas.supervisor, personas.unit_handler):
        home = _as(who).get("/").content.decode()
        assert 'data-testid="home-orders"' in home and w.listed.number in home
    assert 'data-testid="home-orders"' not in _as(personas.village_agent).get("/").content.decode()
    outsider = _as(personas.outsider_unit_handler).get("/").content.decode()
    assert w.listed.number not in outsider


def test_an_accusation_order_is_not_shown_to_a_township_station(tree: Tree, personas: Personas) -> None:
    """Titles and orders only for readers who may open the matter (here: a township station cannot see an
    accusation it does not hold, so it does not see its order either)."""
    ladder = routed_with_leaders(tree, personas)
    scan_on(D(2026, 6, 17))
    order = SupervisionOrder.objects.get()
    Matter.objects.filter(pk=ladder.matter.pk).update(is_accusation=True)
    assert _as(personas.township_staff).get(f"/supervision/orders/{order.pk}/").status_code == 404
    assert order.number not in _as(personas.township_staff).get("/supervision/?status=all").content.decode()
    assert _as(personas.supervisor).get(f"/supervision/orders/{order.pk}/").status_code == 200
