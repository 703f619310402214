"""消息 pages: the list, opening one, marking read, the settings, the bell and the home panel."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.accounts.models import User
from daiban.matters.tests.factories import Flow
from daiban.notify.models import Message, Preference, PreferenceEvent
from daiban.notify.tests.helpers import inbox, prefer, tell
from daiban.notify.views import PAGE_SIZE


def client_for(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def badge(html: str) -> str:
    found = re.search(r'data-testid="nav-badge-消息">([^<]*)<', html)
    return found.group(1) if found else ""


def test_the_list_shows_titles_and_links_only_for_visible_matters(tree: Tree, personas: Personas) -> None:
    m = Flow(tree, personas).routed()
    tell(
        [personas.unit_handler],
        key="a",
        matter_id=m.pk,
        url=f"/matters/{m.pk}/",
        text=f"事项 {m.number} 已交办。",
    )
    # A message about a matter the reader could see then but not now (the task was withdrawn).
    tell([personas.unit_handler], key="b", matter_id=m.pk, text=f"事项 {m.number} 的异议已处理。")
    m.tasks.update(status="withdrawn")
    html = client_for(personas.unit_handler).get("/messages/").content.decode()
    assert html.count('data-testid="message-row"') == 2
    assert m.title not in html and 'data-testid="message-link"' not in html
    assert "该事项已不在您的查看范围内" in html
    m.tasks.update(status="assigned")
    html = client_for(personas.unit_handler).get("/messages/").content.decode()
    assert m.title in html and html.count('data-testid="message-link"') == 2


def test_opening_a_message_marks_it_read_and_goes_to_the_matter(tree: Tree, personas: Personas) -> None:
    m = Flow(tree, personas).routed()
    tell([personas.unit_handler], matter_id=m.pk, url=f"/matters/{m.pk}/")
    (msg,) = inbox(personas.unit_handler)
    c = client_for(personas.unit_handler)
    assert badge(c.get("/").content.decode()) == "1"
    response = c.get(f"/messages/{msg.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/matters/{m.pk}/"
    msg.refresh_from_db()
    assert msg.read_at is not None
    assert badge(c.get("/").content.decode()) == ""
    # Someone else's message does not exist for this user, and nothing changes.
    other = client_for(personas.county_staff)
    tell([personas.county_staff], key="mine")
    theirs = inbox(personas.county_staff)[0]
    assert c.get(f"/messages/{theirs.pk}/").status_code == 404
    assert c.post(f"/messages/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert other.get(f"/messages/{theirs.pk}/").status_code == 302


def test_opening_a_message_about_a_matter_no_longer_visible_stays_on_the_list(
    tree: Tree, personas: Personas
) -> None:
    m = Flow(tree, personas).routed()
    tell([personas.unit_handler], matter_id=m.pk, url=f"/matters/{m.pk}/")
    m.tasks.update(status="withdrawn")
    msg = inbox(personas.unit_handler)[0]
    response = client_for(personas.unit_handler).get(f"/messages/{msg.pk}/")
    assert response.status_code == 302 and response["Location"] == "/messages/"


def test_mark_one_and_mark_all_read(personas: Personas) -> None:
    for i in range(3):
        tell([personas.county_staff], key=f"k{i}")
    c = client_for(personas.county_staff)
    first = inbox(personas.county_staff)[0]
    response = c.post(f"/messages/{first.pk}/read/", {"next": "/messages/?show=unread"})
    assert response.status_code == 302 and response["Location"] == "/messages/?show=unread"
    for bad in ("https://evil.example/", "/messages/../admin/", "//evil.example/messages/"):
        assert c.post(f"/messages/{first.pk}/read/", {"next": bad})["Location"] == "/messages/"
    html = c.get("/messages/?show=unread").content.decode()
    assert html.count('data-testid="message-row"') == 2 and "（未读 2 条）" in html
    assert c.get(f"/messages/{first.pk}/read/").status_code == 405
    assert c.post("/messages/read-all/").status_code == 302
    assert not Message.objects.filter(recipient=personas.county_staff, read_at__isnull=True).exists()


def test_the_bell_is_bounded(personas: Personas) -> None:
    for i in range(101):
        tell([personas.village_agent], key=f"k{i}")
    c = client_for(personas.village_agent)
    assert badge(c.get("/").content.decode()) == "99+"


def test_the_list_pages_by_keyset(personas: Personas) -> None:
    from daiban.core import clock
    from daiban.matters.tests.factories import at

    for i in range(PAGE_SIZE + 3):
        with clock.frozen(at(2026, 6, 1 + i // 24, i % 24)):
            tell([personas.county_staff], key=f"k{i}", text=f"第{i}条")
    c = client_for(personas.county_staff)
    html = c.get("/messages/").content.decode()
    assert html.count('data-testid="message-row"') == PAGE_SIZE and f"第{PAGE_SIZE + 2}条" in html
    next_url = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    html = c.get(next_url).content.decode()
    assert html.count('data-testid="message-row"') == 3 and "第0条" in html
    assert c.get("/messages/?after=garbage").status_code == 200


def test_home_panel_shows_the_latest_five_unread(personas: Personas) -> None:
    for i in range(7):
        tell([personas.leader], key=f"k{i}", text=f"第{i}条消息")
    html = client_for(personas.leader).get("/").content.decode()
    assert html.count('data-testid="home-message"') == 5
    assert "第6条消息" in html and "第1条消息" not in html
    assert 'data-testid="home-messages-count">（7 条）' in html


def test_settings_save_and_show_the_phone_masked(personas: Personas) -> None:
    c = client_for(personas.unit_handler)
    page = c.get("/messages/settings/")
    assert page.status_code == 200 and 'name="version" value="0"' in page.content.decode()
    response = c.post(
        "/messages/settings/",
        {
            "version": "0",
            "phone": "139 0471 9999",
            "email": "h@example.cn",
            "sms_kinds": ["overdue", "assigned"],
            "email_kinds": ["overdue"],
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=personas.unit_handler)
    assert pref.sms_kinds == ["assigned", "overdue"] and pref.email_kinds == ["overdue"] and pref.version == 1
    event = PreferenceEvent.objects.get()
    assert "手机号码" in event.summary and "13904719999" not in str(event.details) + event.summary
    html = c.get("/messages/settings/").content.decode()
    assert "139****9999" in html and "13904719999" not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"phone": "0471-1234567"}, "phone", "短信只能发送到手机号码"),
        ({"phone": "12345"}, "phone", "手机号码应为以1开头的11位数字"),
        ({"email": "not-an-address"}, "email", "有效的电子邮箱"),
        ({"quiet_start": "22:00", "quiet_end": ""}, "quiet_end", "同时填写或同时留空"),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end", "不能与开始时间相同"),
        ({"quiet_start": "25:61", "quiet_end": "07:00"}, "quiet_start", "请按“时:分”填写时间"),
        ({"sms_kinds": ["no_such_kind"]}, "sms_kinds", "请选择有效的消息类型"),
    ],
)
def test_settings_errors_are_named_per_field_and_keep_the_input(
    data: dict[str, object], field: str, message: str, personas: Personas
) -> None:
    c = client_for(personas.unit_handler)
    posted = {"version": "0", "quiet_start": "", "quiet_end": "", "email": "kept@example.cn", **data}
    if field == "email":
        posted["email"] = data["email"]
    response = c.post("/messages/settings/", posted)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    html = response.content.decode()
    assert f'value="{posted["email"]}"' in html
    assert not Preference.objects.filter(user=personas.unit_handler).exists()


def test_settings_saved_elsewhere_meanwhile_is_a_conflict(personas: Personas) -> None:
    prefer(personas.unit_handler, email="first@example.cn")
    c = client_for(personas.unit_handler)
    response = c.post("/messages/settings/", {"version": "0", "email": "second@example.cn"})
    assert response.status_code == 409
    assert (
        "刚刚在别处被修改" in response.content.decode()
        and 'value="second@example.cn"' in response.content.decode()
    )
    assert Preference.objects.get(user=personas.unit_handler).email == "first@example.cn"


def test_clearing_the_phone(personas: Personas) -> None:
    prefer(personas.unit_handler, phone="13904719999")
    c = client_for(personas.unit_handler)
    assert 'name="clear_phone"' in c.get("/messages/settings/").content.decode()
    assert c.post("/messages/settings/", {"version": "1", "clear_phone": "on"}).status_code == 302
    assert Preference.objects.get(user=personas.unit_handler).phone_enc == ""


def test_a_user_without_a_role_has_no_messages(tree: Tree) -> None:
    admin = User.objects.create_superuser("root", password=PASSWORD)
    c = client_for(admin)
    assert c.get("/messages/").status_code == 403
    assert badge(c.get("/").content.decode()) == ""


def test_the_list_shows_each_messages_delivery_status(personas: Personas, outbox: object) -> None:
    import datetime

    from daiban.core import clock
    from daiban.matters.tests.factories import at
    from daiban.notify import outbox as box
    from daiban.notify.models import Outbound

    prefer(
        personas.unit_handler,
        phone="13904719999",
        email="h@example.cn",
        email_kinds=["assigned"],
        quiet_start=datetime.time(22, 0),
        quiet_end=datetime.time(7, 0),
    )
    with clock.frozen(at(2026, 6, 1, 23)):
        tell([personas.unit_handler])
        for key in Outbound.objects.values_list("key", flat=True):
            box.deliver(key)
        html = client_for(personas.unit_handler).get("/messages/").content.decode()
    assert "电子邮件已发送 · 短信待发送（6月2日 07:00 后）" in html
    assert "13904719999" not in html


def test_the_list_reads_a_fixed_number_of_queries(
    tree: Tree, personas: Personas, django_assert_max_num_queries: object
) -> None:
    m = Flow(tree, personas).routed()
    for i in range(PAGE_SIZE):
        tell([personas.unit_handler], key=f"k{i}", matter_id=m.pk if i % 2 else None)
    c = client_for(personas.unit_handler)
    c.get("/messages/")  # warm the session
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert c.get("/messages/").status_code == 200
