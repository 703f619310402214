"""Ledgers as .xlsx: the file's shape (frozen header, widths, real dates), the list's filters and scope,
accusations as on the list, no ID or phone numbers anywhere, and the job's download for its owner only."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, Personas, Tree
from daiban.exchange.exports import jobs
from daiban.exchange.exports.ledgers import LEDGERS, write_xlsx
from daiban.exchange.models.exports import ExportJob, ExportStatus
from daiban.exchange.tests.exports.helpers import all_text, body, rows, workbook
from daiban.matters.actions import PetitionerInput
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.matters.tests.factories import WANG_ID, WANG_PHONE, id_with_check, intake
from daiban.prevention.tests.screenings.factories import screening

pytestmark = pytest.mark.django_db

OTHER_ID = id_with_check("15012219800101001")
OTHER_PHONE = "13800471999"


def client_for(user: object) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return c


def export(client: Client, kind: str, **filters: str) -> tuple[ExportJob, bytes]:
    response = client.post(f"/exports/ledger/{kind}/", filters)
    assert response.status_code == 303, getattr(response, "context", None) and response.context.get("errors")
    token = response["Location"].rstrip("/").split("/")[-1]
    job = ExportJob.objects.get(token=token)
    download = client.get(f"/exports/jobs/{job.token}/download/")
    assert download.status_code == 200
    return job, body(download)


@pytest.fixture
def matters(tree: Tree, personas: Personas) -> dict[str, Matter]:
    return {
        "housing": intake(personas.village_agent, tree.village_a1x),
        "labour": intake(
            personas.county_staff,
            tree.village_a2x,
            category="labour",
            title="拖欠工资 联系13912345678",
            petitioners=[PetitionerInput(name="孙劳动", id_number=id_with_check("15010219800101003"))],
        ),
        # 托克托县: never in 新城区's ledgers.
        "outside": intake(
            personas.outsider_village_agent,
            tree.village_b1x,
            title="托县事项",
            petitioners=[PetitionerInput(name="赵外县", id_number=OTHER_ID, phone=OTHER_PHONE)],
        ),
        "formula": intake(
            personas.village_agent,
            tree.village_a1x,
            title='=HYPERLINK("http://x")',
            petitioners=[PetitionerInput(name="周公式", phone="13700471888")],
        ),
    }


def test_matter_ledger_shape_dates_and_no_numbers(personas: Personas, matters: dict[str, Matter]) -> None:
    job, data = export(client_for(personas.county_staff), "matters")
    assert job.status == ExportStatus.DONE and job.total_rows == 3 and job.done_rows == 3
    ws = workbook(data).worksheets[0]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[0] == "事项编号" and "受理时间" in header and "信访人" in header
    assert ws.column_dimensions["E"].width and ws.column_dimensions["E"].width > 20
    received = header.index("受理时间")
    due = header.index("当前期限")
    for row in ws.iter_rows(min_row=2):
        assert isinstance(row[received].value, datetime.datetime)
        assert row[received].is_date
        assert isinstance(row[due].value, datetime.datetime) and row[due].is_date  # a date cell
    text = all_text(data)
    for number in (WANG_ID, WANG_PHONE, "13912345678", OTHER_ID, OTHER_PHONE, WANG_ID[6:14]):
        assert number not in text
    assert not re.search(r"1[3-9]\d{9}", text.replace("****", ""))
    # Names as the list shows them; the formula is kept as text.
    values = [r for r in rows(data)[1:]]
    assert any("王建国" in str(v) for r in values for v in r)
    formula_cells = [c for r in ws.iter_rows(min_row=2) for c in r if str(c.value).startswith("=")]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)


def test_scope_a_county_never_sees_another(personas: Personas, matters: dict[str, Matter]) -> None:
    for user in (personas.county_staff, personas.township_staff, personas.village_agent, personas.leader):
        _, data = export(client_for(user), "matters")
        numbers = {r[0] for r in rows(data)[1:]}
        assert matters["outside"].number not in numbers
        assert numbers == set(matters_for(user).values_list("number", flat=True))
        assert "赵外县" not in all_text(data)
    _, data = export(client_for(personas.outsider), "matters")
    assert {r[0] for r in rows(data)[1:]} == {matters["outside"].number}


def test_filters_are_the_lists(personas: Personas, tree: Tree, matters: dict[str, Matter]) -> None:
    client = client_for(personas.county_staff)
    _, data = export(client, "matters", category="labour")
    assert [r[0] for r in rows(data)[1:]] == [matters["labour"].number]
    _, data = export(client, "matters", region=tree.town_a2.code)
    assert [r[0] for r in rows(data)[1:]] == [matters["labour"].number]
    _, data = export(client, "matters", q="拖欠")
    assert [r[0] for r in rows(data)[1:]] == [matters["labour"].number]


def test_bad_filter_is_refused_not_widened(
    personas: Personas, tree: Tree, matters: dict[str, Matter]
) -> None:
    client = client_for(personas.county_staff)
    before = ExportJob.objects.count()
    # A region outside the scope, a bad date, a phone number as the search term: each refused, naming it.
    for filters, field in (
        ({"region": tree.village_b1x.code}, "区域"),
        ({"date_from": "2026-02-30"}, "受理日期自"),
        ({"q": WANG_PHONE}, "搜索"),
    ):
        response = client.post("/exports/ledger/matters/", filters)
        assert response.status_code == 400
        assert field in response.content.decode()
    assert ExportJob.objects.count() == before


def test_accusations_as_on_the_list(personas: Personas, tree: Tree, matters: dict[str, Matter]) -> None:
    accusation = intake(
        personas.county_staff,
        tree.village_a1x,
        purpose="accusation",
        title="检举某干部",
        petitioners=[PetitionerInput(name="钱检举", id_number=id_with_check("15010219700101002"))],
    )
    assert accusation.is_accusation
    _, data = export(client_for(personas.county_staff), "matters")
    assert accusation.number in {r[0] for r in rows(data)[1:]}
    for user in (personas.township_staff, personas.leader):
        assert not matters_for(user).filter(pk=accusation.pk).exists()
        _, data = export(client_for(user), "matters")
        text = all_text(data)
        assert accusation.number not in text and "钱检举" not in text and "检举某干部" not in text


def test_screening_ledger(personas: Personas, tree: Tree) -> None:
    mine = screening(personas.village_agent, tree.village_a1x, parties=f"张某 {WANG_PHONE}")
    other = screening(personas.outsider_village_agent, tree.village_b1x, title="托县纠纷")
    risky = screening(personas.township_staff, tree.village_a1y, risk="serious", risk_reason="可能激化")
    _, data = export(client_for(personas.county_staff), "screenings")
    ws = workbook(data).worksheets[0]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    found = header.index("发现日期")
    numbers = set()
    for row in ws.iter_rows(min_row=2):
        numbers.add(row[0].value)
        assert isinstance(row[found].value, datetime.datetime) and row[found].is_date
    assert numbers == {mine.number, risky.number}
    assert other.number not in all_text(data) and WANG_PHONE not in all_text(data)
    _, data = export(client_for(personas.county_staff), "screenings", risk="serious")
    assert [r[0] for r in rows(data)[1:]] == [risky.number]


def test_units_cannot_export_screenings(personas: Personas) -> None:
    assert client_for(personas.unit_handler).get("/exports/ledger/screenings/").status_code == 403
    assert client_for(personas.unit_handler).post("/exports/ledger/screenings/").status_code == 403


def test_job_is_its_owners_alone(personas: Personas, matters: dict[str, Matter]) -> None:
    job, _ = export(client_for(personas.county_staff), "matters")
    for other in (personas.leader, personas.city_admin, personas.outsider, personas.township_staff):
        c = client_for(other)
        assert c.get(f"/exports/jobs/{job.token}/").status_code == 404
        assert c.get(f"/exports/jobs/{job.token}/download/").status_code == 404
    assert Client().get(f"/exports/jobs/{job.token}/download/").status_code == 302  # to the login page


def test_download_has_chinese_attachment_name(personas: Personas, matters: dict[str, Matter]) -> None:
    client = client_for(personas.county_staff)
    job, _ = export(client, "matters")
    response = client.get(f"/exports/jobs/{job.token}/download/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E4%BB%A3%E5%8A%9E" in disposition  # 代办事项台账_YYYYMMDD.xlsx
    assert job.filename.startswith("代办事项台账_") and job.filename.endswith(".xlsx")


def test_large_export_runs_on_the_queue_with_progress(
    personas: Personas,
    matters: dict[str, Matter],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    monkeypatch.setattr(jobs, "INLINE_LIMIT", 1)
    monkeypatch.setattr("daiban.exchange.exports.ledgers.PROGRESS_EVERY", 1)
    seen: list[int] = []
    original = jobs._progress

    def spy(job_id: int):  # type: ignore[no-untyped-def]
        report = original(job_id)

        def wrapped(done: int) -> None:
            report(done)
            seen.append(ExportJob.objects.get(pk=job_id).done_rows)

        return wrapped

    monkeypatch.setattr(jobs, "_progress", spy)
    client = client_for(personas.county_staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/exports/ledger/matters/")
    job = ExportJob.objects.get(token=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == ExportStatus.QUEUED and job.total_rows == 3
    page = client.get(f"/exports/jobs/{job.token}/")
    assert b'http-equiv="refresh"' in page.content and b"<progress" in page.content
    assert client.get(f"/exports/jobs/{job.token}/download/").status_code == 404
    for callback in callbacks:
        callback()  # the queue (immediate in tests) builds the file
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and seen == [1, 2, 3]
    page = client.get(f"/exports/jobs/{job.token}/")
    assert b'http-equiv="refresh"' not in page.content and b"export-download" in page.content
    assert jobs.build(job.pk) == ExportStatus.DONE  # a second delivery writes nothing new
    listing = client.get("/exports/")
    assert f"/exports/jobs/{job.token}/download/" in listing.content.decode()


def test_old_files_are_purged_rows_stay(personas: Personas, matters: dict[str, Matter]) -> None:
    client = client_for(personas.county_staff)
    job, _ = export(client, "matters")
    name = job.file.name
    assert job.file.storage.exists(name)
    assert jobs.purge_expired() == 0
    later = job.created_at + datetime.timedelta(days=jobs.KEEP_DAYS, minutes=1)
    assert jobs.purge_expired(later) == 1
    assert jobs.purge_expired(later) == 0
    job.refresh_from_db()
    assert not job.file and not job.file.storage.exists(name)
    assert client.get(f"/exports/jobs/{job.token}/download/").status_code == 404
    assert "文件已过保留期" in client.get(f"/exports/jobs/{job.token}/").content.decode()


def test_queued_job_checks_the_user_again_when_built(
    personas: Personas,
    matters: dict[str, Matter],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(jobs, "INLINE_LIMIT", -1)
    client = client_for(personas.village_agent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/exports/ledger/screenings/")
    job = ExportJob.objects.get(token=response["Location"].rstrip("/").split("/")[-1])
    # Before the queue reaches it, the agent's post changes to a unit's: units do not read the register.
    personas.village_agent.role = "unit_handler"
    personas.village_agent.unit = personas.unit_handler.unit
    personas.village_agent.save()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "无权" in job.error and not job.file


def test_phone_in_search_is_not_put_back_into_the_page(personas: Personas) -> None:
    response = client_for(personas.county_staff).get("/exports/ledger/matters/", {"q": WANG_PHONE})
    assert response.status_code == 400
    assert WANG_PHONE not in response.content.decode()


def test_place_names_the_county_and_queries_stay_flat(
    personas: Personas, tree: Tree, matters: dict[str, Matter]
) -> None:
    _, data = export(client_for(personas.city_admin), "matters")
    places = {r[0]: r[3] for r in rows(data)[1:]}
    assert places[matters["outside"].number] == "托克托县 双河镇 中滩社区"
    assert places[matters["housing"].number] == "新城区 呼伦路街道 苏雅拉社区"
    ledger = LEDGERS["matters"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            write_xlsx(ledger, ledger.queryset(personas.city_admin, {}), io.BytesIO())
        return len(ctx.captured_queries)

    few = queries()
    for i in range(3):
        intake(
            personas.village_agent,
            tree.village_a1x,
            title=f"更多{i}",
            petitioners=[PetitionerInput(name=f"吴{i}", id_number=id_with_check(f"1501021990010100{i}"))],
        )
    assert queries() == few
