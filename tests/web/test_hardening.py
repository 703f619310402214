"""Web-layer regression tests from the internal review: disguised uploads, reveals after recusal,
hostile list parameters, and the reception-day leader choice."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD, Personas, Tree, make_user
from daiban.accounts.models import Role, User
from daiban.matters import actions
from daiban.matters.actions import attachments_add
from daiban.matters.models import Attachment
from daiban.matters.tests.factories import frozen, intake

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_disguised_html_upload_is_refused(tree: Tree, personas: Personas) -> None:
    client = _client(personas.village_agent)
    evil = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(
        "/matters/new/",
        {
            "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
            "p-0-name": "王建国", "p-0-phone": "13904711234", "p-0-group": "resident",
            "channel": "window", "region": tree.village_a1x.pk, "title": "t", "content": "c", "request": "r",
            "category": "other", "purpose": "appeal", "consent": "on", "photos": evil,
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "格式不支持" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachments_are_served_by_sniffed_type_and_sandboxed(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        m = intake(personas.village_agent, tree.village_a1x)
    photo = SimpleUploadedFile("现场.html", PNG, content_type="text/html")
    (saved,) = attachments_add(actor=personas.village_agent, matter_id=m.pk, files=[photo])
    assert saved.name == "现场.png" and saved.content_type == "image/png"
    response = _client(personas.county_staff).get(f"/matters/{m.pk}/attachments/{saved.pk}/")
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_recused_agent_cannot_reveal(tree: Tree, personas: Personas) -> None:
    colleague = make_user("village_agent_b", Role.VILLAGE_AGENT, tree.village_a1x)
    with frozen(2026, 11, 2):
        m = intake(personas.village_agent, tree.village_a1x)
        actions.matter_recuse(
            actor=personas.village_agent,
            matter_id=m.pk,
            expected_version=m.version,
            reason="亲属",
            replacement=colleague,
        )
    link = m.petitioner_links.get()
    client = _client(personas.village_agent)
    reveal_url = f"/matters/{m.pk}/petitioners/{link.pk}/reveal/phone/"
    assert client.post(reveal_url, {"reason": "notify"}).status_code == 403
    assert "查看完整" not in client.get(f"/matters/{m.pk}/").content.decode()
    assert _client(colleague).post(reveal_url, {"reason": "notify"}).status_code == 200


def test_hostile_list_parameters_never_break_the_page(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        m = intake(personas.village_agent, tree.village_a1x, title="唯一标题")
    client = _client(personas.county_staff)
    far = base64.urlsafe_b64encode(b"9999-12-31T23:59:59-23:59|1").decode().rstrip("=")
    for query in (
        "?after=%25%25garbage",
        f"?after={far}",
        "?date_from=xx&date_to=2026-13-45",
        "?queue=bogus",
        f"?unit={tree.unit_housing_b.pk}",
        "?region=999999",
        "?leader=abc",
    ):
        response = client.get("/matters/" + query)
        assert response.status_code == 200, query
    # One bad filter is dropped on its own; the others still apply.
    response = client.get("/matters/", {"q": "唯一标题", "date_from": "xx"})
    assert [r.matter.pk for r in response.context["rows"]] == [m.pk]
    assert "此条件未生效" in response.content.decode()
    # The export never widens to "everything" because a filter was invalid.
    assert client.get("/matters/export.csv", {"status": "closed", "date_from": "xx"}).status_code == 400
    garbage = client.post("/matters/new/", {"add_person": "1", "p-TOTAL_FORMS": "abc"})
    assert garbage.status_code == 200


def test_a_village_agent_can_name_the_county_leader_receiving_that_day(
    tree: Tree, personas: Personas
) -> None:
    response = _client(personas.village_agent).get("/matters/new/")
    options = list(response.context["form"].fields["leader"].queryset)
    assert personas.leader in options  # the 新城区 leader, above the village
    with frozen(2026, 11, 2):
        m = intake(personas.village_agent, tree.village_a1x, channel="leader_day", leader=personas.leader)
    assert personas.leader in m.leaders.all()


def test_a_number_typed_into_the_list_search_is_not_carried_in_links(tree: Tree, personas: Personas) -> None:
    with frozen(2026, 11, 2):
        intake(personas.village_agent, tree.village_a1x)
    response = _client(personas.county_staff).get("/matters/", {"q": "13904711234", "status": "registered"})
    page = response.content.decode()
    assert response.status_code == 200 and "信访人”页面查找" in page
    assert "13904711234" not in response.context["export_url"]
    assert "13904711234" not in page.replace('value="13904711234"', "")
