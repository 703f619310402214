"""What the lookup tests share: a client that looked a matter up, a replied matter with its written reply
served, and the personal data that must never reach a public page."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from conftest import PASSWORD
from daiban.accounts.models import User
from daiban.core import clock
from daiban.documents import actions as documents
from daiban.documents.models import Document
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, Flow
from daiban.pii.fields import masked_id_number, masked_phone

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def without_csrf(body: bytes) -> bytes:
    """A page's bytes with its CSRF token blanked (Django masks the token differently on every page)."""
    return CSRF.sub(b'name="csrfmiddlewaretoken" value=""', body)


def client_for(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def look_up(client: Client, matter: Matter, code: str | None = None, **extra: Any) -> Any:
    m = Matter.objects.get(pk=matter.pk)
    return client.post("/lookup/", {"number": m.number, "code": code or m.lookup_code}, **extra)


def looked_up(matter: Matter, user: User | None = None) -> Client:
    client = client_for(user)
    response = look_up(client, matter)
    assert response.status_code == 303 and response["Location"] == "/lookup/matter/", response.status_code
    return client


def served_reply(flow: Flow) -> tuple[Matter, Document]:
    """A matter replied by 新城区住建局 whose 处理意见书 was issued and served on the petitioner."""
    m = flow.replied()
    opinion = m.opinions.get()
    with clock.frozen(flow.now):
        doc = documents.issue(
            actor=flow.p.unit_handler,
            matter_id=m.pk,
            kind="handling_opinion",
            source_key=f"opinion:{opinion.pk}",
        )
        documents.serve(
            actor=flow.p.county_staff,
            document_id=doc.pk,
            expected_revision=doc.revision,
            served_on=flow.today,
            manner="direct",
            recipient="王建国",
        )
    return Flow.fresh(m), Document.objects.get(pk=doc.pk)


# Staff's own words on the flow's matters: instructions, findings, notes (never on a public page).
INTERNAL = ("请依法办理", "反映情况属实", "符合政策规定", "电话告知处理结果", "就地化解")


def personal_data(matter: Matter) -> list[str]:
    """What no public page may contain of ``matter``: its petitioners' names, ID and phone numbers (in full
    and masked), what they wrote (content, request)."""
    m = Matter.objects.get(pk=matter.pk)
    found = [WANG_ID, WANG_PHONE, m.content, m.request]
    for link in m.petitioner_links.select_related("petitioner"):
        p = link.petitioner
        found += [p.name, masked_id_number(p), masked_phone(p)]
    return [s for s in found if s]


def assert_no_personal_data(body: bytes | str, *matters: Matter) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    for matter in matters:
        for secret in personal_data(matter):
            assert secret not in text, f"{secret!r} on a public page"
        assert Matter.objects.get(pk=matter.pk).lookup_code not in text, "the lookup code on a page"
    for note in INTERNAL:
        assert note not in text, f"{note!r} (a staff note) on a public page"
