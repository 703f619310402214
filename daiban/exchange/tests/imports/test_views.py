"""The 导入 pages: choose a kind, download its template, upload, see the report or the result."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from conftest import PASSWORD, Personas, Tree
from daiban.exchange.models.imports import ImportRun, ImportStatus
from daiban.exchange.tests.imports.helpers import LEDGER_HEADERS, ZHANG_ID, ledger_rows, xlsx
from daiban.matters.models import Matter

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_home_lists_the_kinds_the_user_may_import(tree: Tree, personas: Personas) -> None:
    page = _client(personas.city_admin).get("/imports/").content.decode()
    assert "代办员名册" in page and "代办事项台账" not in page  # the city imports rosters, not ledgers
    page = _client(personas.county_staff).get("/imports/").content.decode()
    assert "代办事项台账" in page and "/imports/matters/template.xlsx" in page
    # the main navigation offers 导入 to those who may, and not to others
    assert 'href="/imports/"' in _client(personas.county_staff).get("/").content.decode()
    assert 'href="/imports/"' not in _client(personas.village_agent).get("/").content.decode()


def test_template_download_is_a_workbook_with_the_headers(tree: Tree, personas: Personas) -> None:
    response = _client(personas.county_staff).get("/imports/matters/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert [c.value for c in book.worksheets[0][1]][:2] == ["台账编号*", "登记日期*"]


def test_upload_of_a_broken_ledger_shows_its_report(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_a1x.code)
    rows[1][1] = "去年"
    client = _client(personas.county_staff)
    upload = SimpleUploadedFile("台账.xlsx", xlsx(LEDGER_HEADERS, rows))
    response = client.post("/imports/matters/", {"file": upload})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REJECTED and run.filename == "台账.xlsx"
    page = client.get(response["Location"]).content.decode()
    assert "整个文件都没有写入" in page and "第 3 行" in page and "登记日期" in page
    assert not Matter.objects.exists()
    assert ZHANG_ID not in page


def test_upload_of_a_good_ledger_shows_the_counts(
    tree: Tree,
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: object,
) -> None:
    from daiban.stats import facts

    told: list[list[int]] = []
    monkeypatch.setattr(facts, "refresh_matters", lambda ids, today=None: told.append(list(ids)))
    client = _client(personas.county_staff)
    upload = SimpleUploadedFile("台账.xlsx", xlsx(LEDGER_HEADERS, ledger_rows(tree.village_a1x.code)))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post("/imports/matters/", {"file": upload})
    page = client.get(response["Location"]).content.decode()
    assert "新增 2 条" in page
    assert sorted(Matter.objects.values_list("pk", flat=True)) in [sorted(ids) for ids in told]
    # the matter's timeline names the import, its file and row
    matter = Matter.objects.get(number="XC-2023-0001")
    detail = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "台账导入" in detail and "台账.xlsx" in detail


def test_a_run_is_its_importers_alone(tree: Tree, personas: Personas) -> None:
    upload = SimpleUploadedFile("台账.xlsx", b"junk")
    response = _client(personas.county_staff).post("/imports/matters/", {"file": upload})
    assert response.status_code == 302
    assert _client(personas.outsider).get(response["Location"]).status_code == 404


def test_wrong_file_type_is_a_form_error(tree: Tree, personas: Personas) -> None:
    response = _client(personas.county_staff).post(
        "/imports/matters/", {"file": SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0")}
    )
    assert response.status_code == 400
    assert ".xlsx" in response.content.decode()
    assert not ImportRun.objects.exists()
