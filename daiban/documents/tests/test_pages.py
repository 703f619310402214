"""The documents pages through the test client, as an agent and a unit handler use them: the matter page's
文书 section, preview then 出具, the document page, PDF and Word downloads, and the forms that serve, sign,
correct and cancel — with a Chinese error naming the field, and the conflict page keeping what was typed."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from conftest import PASSWORD, Personas, Tree
from daiban.core import clock
from daiban.documents.models import Document, DocumentStatus, Service
from daiban.documents.tests.helpers import issue, signature_data_url
from daiban.matters.tests.factories import Flow

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return c


@pytest.fixture
def flow(tree: Tree, personas: Personas) -> Flow:
    return Flow(tree, personas)


def test_preview_then_issue_from_the_matter_page(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    c = client_for(personas.county_staff)
    with clock.frozen(flow.now):
        page = c.get(f"/matters/{m.pk}/").content.decode()
        assert 'data-testid="documents-panel"' in page and "受理回执" in page
        url = f"/documents/matter/{m.pk}/new/?kind=receipt&source="
        assert url.replace("&", "&amp;") in page
        preview = c.get(url)
        assert preview.status_code == 200
        text = preview.content.decode()
        assert "〔出具时自动编号〕" in text and m.lookup_code in text and "doc-sheet" in text
        assert not Document.objects.exists()  # a preview issues nothing
        done = c.post(f"/documents/matter/{m.pk}/new/", {"kind": "receipt", "source": ""})
    doc = Document.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/documents/{doc.pk}/"
    detail = c.get(done["Location"]).content.decode()
    assert "新信代回〔2026〕1号" in detail and "下载 PDF" in detail
    again = c.post(f"/documents/matter/{m.pk}/new/", {"kind": "receipt", "source": ""})
    assert again.status_code == 400 and "已经出具" in again.content.decode()


def test_downloads(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    doc = issue(flow, personas.unit_handler, m, "acceptance_notice")
    c = client_for(personas.unit_handler)
    pdf = c.get(f"/documents/{doc.pk}/pdf/")
    body = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert pdf["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"] and "filename*=utf-8''" in pdf["Content-Disposition"]
    word = c.get(f"/documents/{doc.pk}/docx/")
    data = b"".join(word.streaming_content)  # type: ignore[attr-defined]
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_serve_form_errors_name_the_field_and_keep_the_input(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    doc = issue(flow, personas.unit_handler, m, "acceptance_notice")
    c = client_for(personas.county_staff)
    with clock.frozen(flow.now):
        bad = c.post(
            f"/documents/{doc.pk}/serve/",
            {
                "version": doc.revision,
                "served_on": "",
                "manner": "mail",
                "recipient": "王建国",
                "note": "挂号信 XA123",
            },
        )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "请填写送达日期" in text and "挂号信 XA123" in text
    with clock.frozen(flow.now):
        ok = c.post(
            f"/documents/{doc.pk}/serve/",
            {
                "version": doc.revision,
                "served_on": flow.today.isoformat(),
                "manner": "mail",
                "recipient": "王建国",
            },
        )
    assert ok.status_code == 302
    assert Service.objects.get(document=doc).recipient == "王建国"


def test_a_stale_form_gets_the_conflict_page_with_the_reason_kept(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "receipt", "")
    c = client_for(personas.county_staff)
    first = c.post(f"/documents/{doc.pk}/correct/", {"version": doc.revision, "reason": "电话号码有误"})
    assert first.status_code == 302
    stale = c.post(f"/documents/{doc.pk}/cancel/", {"version": doc.revision, "reason": "登记错了，重新出具"})
    assert stale.status_code in (400, 409)
    assert "登记错了，重新出具" in stale.content.decode()
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.SUPERSEDED


def test_signing_on_the_page(flow: Flow, personas: Personas) -> None:
    m = flow.at_county()
    doc = issue(flow, personas.county_staff, m, "entrustment", "")
    c = client_for(personas.county_staff)
    page = c.get(f"/documents/{doc.pk}/sign/").content.decode()
    assert "signature-pad" in page and "委托人 王建国" in page and "<h1>当面签名</h1>" in page
    empty = c.post(f"/documents/{doc.pk}/sign/", {"version": doc.revision, "signature_0": ""})
    assert empty.status_code == 400 and "签名" in empty.content.decode()
    with clock.frozen(flow.now):
        ok = c.post(
            f"/documents/{doc.pk}/sign/", {"version": doc.revision, "signature_0": signature_data_url()}
        )
    assert ok.status_code == 302
    doc.refresh_from_db()
    assert doc.is_signed and "data:image/png;base64," in doc.body_html
    # Signed: the sign page sends back to the document.
    assert c.get(f"/documents/{doc.pk}/sign/").status_code == 302


def test_the_lookup_code_is_for_the_network_staff_only(flow: Flow, personas: Personas) -> None:
    m = flow.handling()
    issue(flow, personas.county_staff, m, "receipt", "")
    assert m.lookup_code in client_for(personas.county_staff).get(f"/matters/{m.pk}/").content.decode()
    for who in (personas.unit_handler, personas.supervisor):
        page = client_for(who).get(f"/matters/{m.pk}/")
        assert page.status_code == 200 and m.lookup_code not in page.content.decode()
        assert "受理回执" not in page.content.decode()
