"""Art. 19 at intake is asked, not assumed (issue 8, item 2): the agent sees the person's open matters and
chooses a repeat visit on one of them or a new matter; nothing typed or uploaded is lost on either path."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.matters.models import Attachment, Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, frozen, intake

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _form(tree: Tree, **extra: Any) -> dict[str, Any]:
    return {
        "p-TOTAL_FORMS": "1", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "1", "p-MAX_NUM_FORMS": "5",
        "p-0-name": "王建国", "p-0-phone": WANG_PHONE, "p-0-id_number": WANG_ID, "p-0-group": "resident",
        "channel": "window", "region": tree.village_a1x.pk, "title": "工地夜间施工噪音扰民",
        "content": "隔壁工地每晚施工到凌晨两点", "request": "请限制夜间施工", "category": "other",
        "purpose": "appeal", "consent": "on", **extra,
    }  # fmt: skip


def _first(tree: Tree, personas: Personas) -> Matter:
    with frozen(2026, 11, 2):
        return intake(personas.village_agent, tree.village_a1x)


def test_the_agent_is_asked_and_the_photo_is_kept(tree: Tree, personas: Personas) -> None:
    first = _first(tree, personas)
    client = _client(personas.village_agent)
    with frozen(2026, 11, 3):
        response = client.post("/matters/new/", _form(tree, photos=SimpleUploadedFile("现场.png", PNG)))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="visit-decision"' in page and first.number in page and first.title in page
    assert f'value="repeat:{first.pk}"' in page and 'value="new"' in page
    assert "隔壁工地每晚施工到凌晨两点" in page  # what was typed is still in the form
    assert 'data-testid="kept-files"' in page and "现场.png" in page
    assert Matter.objects.count() == 1 and not Attachment.objects.exists()


def _kept_tokens(page: str) -> list[str]:
    import re

    return re.findall(r'name="kept" value="([^"]+)"', page)


def test_choosing_a_new_matter_keeps_text_and_photo(tree: Tree, personas: Personas) -> None:
    first = _first(tree, personas)
    client = _client(personas.village_agent)
    with frozen(2026, 11, 3):
        asked = client.post("/matters/new/", _form(tree, photos=SimpleUploadedFile("现场.png", PNG)))
        response = client.post(
            "/matters/new/", _form(tree, decision="new", kept=_kept_tokens(asked.content.decode()))
        )
    assert response.status_code == 302
    new = Matter.objects.exclude(pk=first.pk).get()
    assert new.content == "隔壁工地每晚施工到凌晨两点"
    assert [a.name for a in new.attachments.all()] == ["现场.png"]
    assert Matter.objects.get(pk=first.pk).repeat_visits == 0


def test_choosing_a_repeat_visit_records_its_words_and_files_on_that_matter(
    tree: Tree, personas: Personas
) -> None:
    first = _first(tree, personas)
    client = _client(personas.village_agent)
    with frozen(2026, 11, 3):
        asked = client.post("/matters/new/", _form(tree, photos=SimpleUploadedFile("现场.png", PNG)))
        response = client.post(
            "/matters/new/",
            _form(tree, decision=f"repeat:{first.pk}", kept=_kept_tokens(asked.content.decode())),
        )
    assert response.status_code == 302 and response["Location"] == f"/matters/{first.pk}/"
    m = Matter.objects.get(pk=first.pk)
    assert Matter.objects.count() == 1 and m.repeat_visits == 1
    visit = m.events.get(kind="repeat_visit")
    assert (
        visit.details["content"] == "隔壁工地每晚施工到凌晨两点"
        and visit.details["title"] == "工地夜间施工噪音扰民"
    )
    assert [a.name for a in m.attachments.all()] == ["现场.png"]
    page = client.get(f"/matters/{first.pk}/").content.decode()
    assert "隔壁工地每晚施工到凌晨两点" in page and "现场.png" in page


def test_a_kept_upload_cannot_be_redeemed_by_someone_else(tree: Tree, personas: Personas) -> None:
    _first(tree, personas)
    with frozen(2026, 11, 3):
        asked = _client(personas.village_agent).post(
            "/matters/new/", _form(tree, photos=SimpleUploadedFile("现场.png", PNG))
        )
        other = _client(personas.county_staff).post(
            "/matters/new/", _form(tree, decision="new", kept=_kept_tokens(asked.content.decode()))
        )
    assert other.status_code == 302
    assert not Attachment.objects.exists()


def test_a_photo_survives_a_field_error(tree: Tree, personas: Personas) -> None:
    client = _client(personas.village_agent)
    response = client.post("/matters/new/", _form(tree, title="", photos=SimpleUploadedFile("现场.png", PNG)))
    assert response.status_code == 400
    tokens = _kept_tokens(response.content.decode())
    assert len(tokens) == 1
    response = client.post("/matters/new/", _form(tree, kept=tokens))
    assert response.status_code == 302
    assert [a.name for a in Attachment.objects.all()] == ["现场.png"]


def test_the_lookup_offers_the_choice_as_soon_as_the_number_is_typed(tree: Tree, personas: Personas) -> None:
    first = _first(tree, personas)
    with frozen(2026, 11, 3):
        page = (
            _client(personas.village_agent)
            .post("/matters/lookup/", {"p-0-phone": WANG_PHONE})
            .content.decode()
        )
    assert f'value="repeat:{first.pk}"' in page and 'value="new"' in page
