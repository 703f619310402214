"""Importing legacy ledgers (台账): the report of a broken file, all-or-nothing, idempotence, personal data,
the import event, scope."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from conftest import Personas, Tree
from daiban.exchange.imports import ledger as ledger_module
from daiban.exchange.imports.service import import_file
from daiban.exchange.models.imports import ImportRun, ImportStatus
from daiban.exchange.tests.imports.helpers import LEDGER_HEADERS, LI_ID, ZHANG_ID, ledger_rows, xlsx
from daiban.matters.choices import EventKind, Status
from daiban.matters.errors import NotAllowed
from daiban.matters.models import Deadline, Event, Matter, Petitioner, UnitTask
from daiban.pii.fields import lookup_hash_for_id

pytestmark = pytest.mark.django_db


def _import(personas: Personas, content: bytes, name: str = "新城区台账2023.xlsx") -> ImportRun:
    return import_file(actor=personas.county_staff, kind="matters", filename=name, content=content)


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Matter.objects.count(),
        Petitioner.objects.count(),
        Event.objects.count(),
        Deadline.objects.count(),
        UnitTask.objects.count(),
    )


def test_broken_ledger_reports_row_column_reason_and_writes_nothing(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_a1x.code)
    bad_id = list(rows[0])
    bad_id[0], bad_id[5] = "XC-2023-0003", ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    outside = list(rows[1])
    outside[0], outside[2] = "XC-2023-0004", tree.village_b1x.code  # 中滩社区, 托克托县
    bad_date = list(rows[1])
    bad_date[0], bad_date[1], bad_date[5] = "XC-2023-0005", "2023-02-30", ""
    before = _counts()

    run = _import(personas, xlsx(LEDGER_HEADERS, [*rows, bad_id, outside, bad_date]))

    assert run.status == ImportStatus.REJECTED
    assert _counts() == before  # the two good rows were not written either
    found = {(p["row"], p["column"]) for p in run.report}
    assert (4, "身份证号码") in found
    assert (5, "问题发生地") in found
    assert (6, "登记日期") in found
    # row 6 has neither ID nor phone as well: reported on its own column
    reasons = {(p["row"], p["column"]): p["reason"] for p in run.report}
    assert "管辖范围" in reasons[(5, "问题发生地")]
    assert "日期" in reasons[(6, "登记日期")]
    assert "校验码" in reasons[(4, "身份证号码")] or "身份证" in reasons[(4, "身份证号码")]
    # the report never echoes a full ID number
    assert all(bad_id[5] not in p["reason"] and ZHANG_ID not in p["reason"] for p in run.report)


def test_a_row_refused_while_writing_rolls_back_the_whole_file(
    tree: Tree, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ledger_module.matter_import
    calls = []

    def second_fails(**kwargs: object) -> Matter:
        calls.append(1)
        if len(calls) == 2:
            raise NotAllowed("模拟：写入时被拒绝。")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger_module, "matter_import", second_fails)
    before = _counts()
    run = _import(personas, xlsx(LEDGER_HEADERS, ledger_rows(tree.village_a1x.code)))
    assert run.status == ImportStatus.REJECTED
    assert run.report == [{"row": 3, "column": "", "reason": "模拟：写入时被拒绝。"}]
    assert _counts() == before


def test_ledger_imports_history_and_a_second_import_changes_nothing(tree: Tree, personas: Personas) -> None:
    content = xlsx(LEDGER_HEADERS, ledger_rows(tree.village_a1x.code))
    run = _import(personas, content)
    assert run.status == ImportStatus.APPLIED, run.report
    assert (run.created, run.updated, run.unchanged) == (2, 0, 0)

    closed = Matter.objects.get(number="XC-2023-0001")
    assert closed.status == Status.CLOSED and closed.resolved is True and closed.due_date is None
    assert closed.closed_at is not None and closed.closed_at.date().isoformat() == "2023-07-01"
    assert closed.service_satisfaction == "satisfied" and closed.unit_satisfaction == "basically"
    assert closed.scope_county == "150102" and closed.scope_township == tree.town_a1.code
    assert closed.tasks.get().unit == tree.unit_housing_a
    assert closed.lookup_code and closed.received_by == personas.county_staff
    event = closed.events.get()
    assert event.kind == EventKind.IMPORT
    assert event.details["source"] == "新城区台账2023.xlsx" and event.details["row"] == 2

    open_one = Matter.objects.get(number="XC-2023-0002")
    assert open_one.status == Status.REGISTERED and open_one.holder_region == tree.county_a
    assert open_one.due_date is not None and open_one.due_step == "route"  # the route clock, from 2023-06-01
    assert open_one.events.get().details["row"] == 3
    assert "责任单位：新城区住房和城乡建设局" in event.details["history"]

    state = _counts()
    again = _import(personas, content, name="台账（再次）.xlsx")
    assert again.status == ImportStatus.APPLIED
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert _counts() == state


def test_a_changed_row_of_an_imported_matter_is_refused(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_a1x.code)
    assert _import(personas, xlsx(LEDGER_HEADERS, rows)).status == ImportStatus.APPLIED
    rows[1][7] = "邻居占用楼道"
    run = _import(personas, xlsx(LEDGER_HEADERS, rows))
    assert run.status == ImportStatus.REJECTED
    assert [(p["row"], p["column"]) for p in run.report] == [(3, "台账编号")]


def test_a_number_taken_by_a_desk_matter_is_refused(tree: Tree, personas: Personas) -> None:
    from daiban.matters.tests.factories import intake

    desk = intake(personas.village_agent, tree.village_a1x)
    rows = ledger_rows(tree.village_a1x.code)[:1]
    rows[0][0] = desk.number
    run = _import(personas, xlsx(LEDGER_HEADERS, rows))
    assert run.status == ImportStatus.REJECTED
    assert run.report[0]["column"] == "台账编号"


def test_personal_data_is_encrypted_and_found_by_blind_index(tree: Tree, personas: Personas) -> None:
    assert _import(personas, xlsx(LEDGER_HEADERS, ledger_rows(tree.village_a1x.code))).status == "applied"
    table = Petitioner._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert ZHANG_ID not in raw and LI_ID not in raw and "13904710001" not in raw
    person = Petitioner.objects.get(id_number_hash=lookup_hash_for_id(ZHANG_ID), county_code="150102")
    assert person.name == "张伟"
    assert person.matters.get().number == "XC-2023-0001"
    # nor do the import events: the row's digest takes the keyed blind index of personal numbers
    for event in Event.objects.filter(kind=EventKind.IMPORT):
        details = json.dumps(event.details, ensure_ascii=False)
        assert ZHANG_ID not in details and LI_ID not in details and "13904710001" not in details
        assert "张伟" not in details and "李娜" not in details


def test_every_problem_of_a_row_is_reported(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_a1x.code)[:1]
    rows[0][1] = "明天"  # 登记日期
    rows[0][5] = "123"  # 身份证号码
    rows[0][10] = "天气"  # 内容分类
    run = _import(personas, xlsx(LEDGER_HEADERS, rows))
    assert [(p["row"], p["column"]) for p in run.report] == [
        (2, "登记日期"),
        (2, "内容分类"),
        (2, "身份证号码"),
    ]


def test_header_variants_map(tree: Tree, personas: Personas) -> None:
    variants = [
        "编号",
        "受理日期",
        "所属区划",
        "信访形式",
        "信 访 人",
        "公民身份号码",
        "手机号",
        "摘要",
        "主要内容",
        "主要诉求",
        "问题类别",
        "信访目的（必填）",
        "承办单位",
        "回复日期",
        "办结时间",
        "化解情况",
        "服务评价",
        "满意度",
    ]
    run = _import(personas, xlsx(variants, ledger_rows(tree.village_a1x.code)))
    assert run.status == ImportStatus.APPLIED, run.report
    assert Matter.objects.get(number="XC-2023-0001").unit_satisfaction == "basically"


def test_rows_outside_the_county_are_errors(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_b1x.code)
    run = _import(personas, xlsx(LEDGER_HEADERS, rows))
    assert run.status == ImportStatus.REJECTED
    assert {(p["row"], p["column"]) for p in run.report} >= {(2, "问题发生地"), (3, "问题发生地")}
    assert not Matter.objects.exists()


def test_missing_required_column_is_reported_on_the_header_row(tree: Tree, personas: Personas) -> None:
    headers = [h for h in LEDGER_HEADERS if h != "诉求"]
    rows = [
        [c for i, c in enumerate(r) if LEDGER_HEADERS[i] != "诉求"]
        for r in ledger_rows(tree.village_a1x.code)
    ]
    run = _import(personas, xlsx(headers, rows))
    assert run.status == ImportStatus.REJECTED
    assert run.report == [{"row": 1, "column": "诉求", "reason": "缺少“诉求”列（必填）。"}]


def test_unreadable_file_is_one_reason(personas: Personas, tree: Tree) -> None:
    run = _import(personas, b"not a spreadsheet", name="x.xlsx")
    assert run.status == ImportStatus.REJECTED and run.report[0]["row"] == 0


def test_an_open_matters_reply_and_rating_stay_in_its_event(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_a1x.code)[1:]
    rows[0][13], rows[0][16] = "2023-06-20", "满意"  # replied and rated, but not closed
    run = _import(personas, xlsx(LEDGER_HEADERS, rows))
    assert run.status == ImportStatus.APPLIED, run.report
    matter = Matter.objects.get()
    assert matter.status == Status.REGISTERED
    assert matter.replied_at is None and matter.service_satisfaction == ""
    assert matter.events.get().details["ledger"] == {"答复日期": "2023-06-20", "对代办服务评价": "满意"}


def test_a_closed_row_must_say_whether_it_was_resolved(tree: Tree, personas: Personas) -> None:
    rows = ledger_rows(tree.village_a1x.code)[:1]
    rows[0][15] = ""
    run = _import(personas, xlsx(LEDGER_HEADERS, rows))
    assert run.status == ImportStatus.REJECTED
    assert [(p["row"], p["column"]) for p in run.report] == [(2, "是否化解")]


def test_a_ledger_row_cannot_be_closed_as_merged(tree: Tree, personas: Personas) -> None:
    """并案 names the earlier matter a repeat went into (daiban.repeats); a ledger row cannot say which."""
    headers = [*LEDGER_HEADERS, "办结方式"]
    rows = [[*row, ""] for row in ledger_rows(tree.village_a1x.code)[:1]]
    rows[0][-1] = "并案（并入原事项）"
    run = _import(personas, xlsx(headers, rows))
    assert run.status == ImportStatus.REJECTED
    assert [(p["row"], p["column"]) for p in run.report] == [(2, "办结方式")]
    assert "并案" in run.report[0]["reason"]
