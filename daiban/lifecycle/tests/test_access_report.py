"""个人信息查阅: found by ID number inside the agent's jurisdiction only, numbers masked, audited, the number
never in a URL (nor on the page)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from conftest import PASSWORD, Personas, Tree
from daiban.audit.models import AuditRecord
from daiban.documents.actions import issue
from daiban.matters.actions import attachments_add
from daiban.matters.models import Matter
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, intake
from daiban.pii.masking import mask_id_number, mask_phone
from daiban.pii.models import RevealLog
from daiban.pii.services import reveal

URL = "/privacy/held/"


@pytest.fixture
def wang(tree: Tree, personas: Personas) -> Matter:
    m = intake(personas.village_agent, tree.village_a1x)
    attachments_add(
        actor=personas.village_agent,
        matter_id=m.pk,
        files=[SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")],
    )
    reveal(actor=personas.village_agent, obj=m.petitioners.get(), field="phone", reason="电话联系告知受理")
    issue(actor=personas.village_agent, matter_id=m.pk, kind="receipt")
    return m


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_agent_in_scope_sees_everything_masked(wang: Matter, personas: Personas) -> None:
    client = _client(personas.village_agent)
    response = client.post(URL, {"id_number": WANG_ID})
    assert response.status_code == 200
    html = response.content.decode()
    assert "王建国" in html and wang.number in html and "现场照片.png" in html
    assert mask_id_number(WANG_ID) in html and mask_phone(WANG_PHONE) in html
    assert WANG_ID not in html and WANG_PHONE not in html
    assert "电话联系告知受理" in html  # the reveal log: who, when, why
    assert wang.documents.get().number in html  # the documents issued on the matter
    assert response["Cache-Control"].count("no-store")
    row = AuditRecord.objects.filter(action="pii.access_report").get()
    assert row.detail["found"] is True and row.detail["matters"] == [wang.number]
    assert WANG_ID not in str(row.detail) + row.target and "王建国" not in str(row.detail) + row.target


def test_outside_the_jurisdiction_nothing_and_no_hint(wang: Matter, personas: Personas) -> None:
    for user in (personas.outsider, personas.outsider_village_agent):
        response = _client(user).post(URL, {"id_number": WANG_ID})
        assert response.status_code == 200
        html = response.content.decode()
        assert "本辖区内没有该信访人的信息" in html
        assert wang.number not in html and "王建国" not in html and "王**" not in html
    assert AuditRecord.objects.filter(action="pii.access_report", detail__found=False).count() == 2


def test_unknown_number_answers_like_outside(wang: Matter, personas: Personas) -> None:
    from daiban.matters.tests.factories import id_with_check

    other = id_with_check("15010219900101001")
    html = _client(personas.county_staff).post(URL, {"id_number": other}).content.decode()
    assert "本辖区内没有该信访人的信息" in html


def test_not_an_agent_is_refused(wang: Matter, personas: Personas) -> None:
    for user in (personas.unit_handler, personas.leader, personas.city_admin):
        assert _client(user).post(URL, {"id_number": WANG_ID}).status_code == 403
    assert not AuditRecord.objects.filter(action="pii.access_report").exists()


def test_invalid_number_is_a_clear_error(wang: Matter, personas: Personas) -> None:
    client = _client(personas.village_agent)
    for raw in ("", "123", WANG_ID[:-1] + ("0" if WANG_ID[-1] != "0" else "1")):
        html = client.post(URL, {"id_number": raw}).content.decode()
        assert "信访人身份证号码" in html and 'class="error"' in html
    assert not AuditRecord.objects.filter(action="pii.access_report").exists()


def test_the_number_never_appears_in_a_url(wang: Matter, personas: Personas) -> None:
    client = _client(personas.village_agent)
    page = client.get(URL).content.decode()
    assert 'method="post"' in page
    response = client.post(URL, {"id_number": WANG_ID}, follow=True)
    urls = [response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", "")]
    urls += [u for u, _ in response.redirect_chain]
    html = response.content.decode()
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    hrefs += [part.split('"')[0] for part in html.split('action="')[1:]]
    for url in urls + hrefs:
        assert WANG_ID not in url and WANG_ID.lower() not in url and WANG_ID[:-1] not in url
    assert WANG_ID not in html  # not even echoed back in the form
    # A GET with the number in the query string shows nothing about the person.
    html = client.get(URL, {"id_number": WANG_ID}).content.decode()
    assert "王建国" not in html


def test_xlsx_download(wang: Matter, personas: Personas) -> None:
    response = _client(personas.township_staff).post(URL, {"id_number": WANG_ID, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    cells = " ".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value
    )
    assert wang.number in cells and mask_id_number(WANG_ID) in cells and "现场照片.png" in cells
    assert WANG_ID not in cells and WANG_PHONE not in cells
    assert RevealLog.objects.count() == 1  # the report itself reveals nothing
    assert AuditRecord.objects.filter(action="pii.access_report", detail__format="xlsx").exists()
