"""Importing rosters: organisations, agents, units — header variants, scope, idempotence, updates."""

from __future__ import annotations

import pytest

from conftest import Personas, Tree
from daiban.exchange.imports.columns import AGENT_COLUMNS, MATTER_COLUMNS, map_headers, normalize_header
from daiban.exchange.imports.service import import_file, kinds_for, may_import
from daiban.exchange.imports.template import build_template
from daiban.exchange.models.imports import ImportKind, ImportRun, ImportStatus
from daiban.exchange.tests.imports.helpers import xlsx
from daiban.network.models import Agent, OrgKind, ResponsibleUnit, ServiceOrganization

pytestmark = pytest.mark.django_db


def _org_rows(tree: Tree) -> list[list[object]]:
    return [
        ["苏雅拉社区第二代办点", tree.village_a1x.code, "居委会二楼", "0471-6912345", "工作日 9:00—17:00"],
        ["呼伦路街道便民代办站", "呼伦路街道", "", "", ""],
    ]


def test_organizations_import_once_then_nothing_changes_then_an_edit_updates(
    tree: Tree, personas: Personas
) -> None:
    headers = ["名称", "所属区划", "办公地址", "电话", "服务时间"]
    run = import_file(
        actor=personas.county_staff,
        kind="organizations",
        filename="机构.xlsx",
        content=xlsx(headers, _org_rows(tree)),
    )
    assert run.status == ImportStatus.APPLIED, run.report
    assert (run.created, run.updated, run.unchanged) == (2, 0, 0)
    point = ServiceOrganization.objects.get(name="苏雅拉社区第二代办点")
    assert point.kind == OrgKind.POINT and point.region == tree.village_a1x and point.phone == "0471-6912345"
    assert ServiceOrganization.objects.get(name="呼伦路街道便民代办站").kind == OrgKind.STATION
    count = ServiceOrganization.objects.count()

    again = import_file(
        actor=personas.county_staff,
        kind="organizations",
        filename="机构.xlsx",
        content=xlsx(headers, _org_rows(tree)),
    )
    assert (again.status, again.created, again.updated, again.unchanged) == ("applied", 0, 0, 2)
    assert ServiceOrganization.objects.count() == count

    rows = _org_rows(tree)
    rows[0][2] = "居委会三楼"
    edited = import_file(
        actor=personas.county_staff, kind="organizations", filename="机构.xlsx", content=xlsx(headers, rows)
    )
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, 1)
    assert ServiceOrganization.objects.get(name="苏雅拉社区第二代办点").address == "居委会三楼"


def test_roster_rows_outside_scope_are_errors_and_nothing_is_written(tree: Tree, personas: Personas) -> None:
    rows = [*_org_rows(tree), ["中滩社区代办点二", tree.village_b1x.code, "", "", ""]]
    before = ServiceOrganization.objects.count()
    run = import_file(
        actor=personas.county_staff,
        kind="organizations",
        filename="机构.xlsx",
        content=xlsx(["机构名称", "区划代码", "地址", "联系电话", "开放时间"], rows),
    )
    assert run.status == ImportStatus.REJECTED
    assert [(p["row"], p["column"]) for p in run.report] == [(4, "区划代码")]
    assert "管辖范围" in run.report[0]["reason"]
    assert ServiceOrganization.objects.count() == before


def test_agents_by_organization_and_name(tree: Tree, personas: Personas) -> None:
    org = ServiceOrganization.objects.get(region=tree.village_a1x)
    headers = [
        "代办员姓名",
        "所属机构",
        "区划代码",
        "专职/兼职",
        "职务",
        "手机号",
        "政治面貌",
        "网格员",
        "村干部",
    ]
    rows = [
        ["赵敏", org.name, tree.village_a1x.code, "专职", "网格长", "13904710099", "老党员", "是", "√"],
        ["钱进", org.name, tree.village_a1x.name, "", "", "", "群众", "否", ""],
    ]
    run = import_file(
        actor=personas.county_staff, kind="agents", filename="代办员.xlsx", content=xlsx(headers, rows)
    )
    assert run.status == ImportStatus.APPLIED, run.report
    zhao = Agent.objects.get(name="赵敏")
    assert zhao.organization == org and zhao.employment == "full" and zhao.work_phone == "13904710099"
    assert (
        zhao.is_party_member
        and zhao.is_veteran_party_member
        and zhao.is_grid_worker
        and zhao.is_village_cadre
    )
    assert Agent.objects.get(name="钱进").employment == "part"
    again = import_file(
        actor=personas.county_staff, kind="agents", filename="代办员.xlsx", content=xlsx(headers, rows)
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_agent_rows_report_each_bad_cell(tree: Tree, personas: Personas) -> None:
    org = ServiceOrganization.objects.get(region=tree.village_a1x)
    headers = ["姓名", "所属机构", "区划代码", "工作电话", "党员"]
    rows = [
        ["", org.name, tree.village_a1x.code, "", ""],
        ["孙立", "不存在的代办点", tree.village_a1x.code, "", ""],
        ["周全", org.name, tree.village_a1x.code, "12345678", "也许"],
        ["吴用", org.name, tree.village_a1x.code, "", ""],
        ["吴用", org.name, tree.village_a1x.code, "", ""],
    ]
    run = import_file(
        actor=personas.county_staff, kind="agents", filename="a.xlsx", content=xlsx(headers, rows)
    )
    assert run.status == ImportStatus.REJECTED
    assert [(p["row"], p["column"]) for p in run.report] == [
        (2, "姓名"),
        (3, "所属机构"),
        (4, "工作电话"),
        (4, "党员"),
        (6, "姓名"),
    ]
    assert not Agent.objects.filter(name__in=["孙立", "周全", "吴用"]).exists()


def test_units_with_superiors_from_the_file_or_the_register(tree: Tree, personas: Personas) -> None:
    headers = ["单位名称", "区划代码", "职能领域", "联系电话", "上级机关"]
    rows = [
        ["呼伦路街道司法所", tree.town_a1.code, "司法所", "", "新城区司法局"],
        ["新城区司法局", tree.county_a.code, "司法", "0471-6900001", ""],
        ["新城区教育局", "新城区", "教育", "", ""],
    ]
    run = import_file(
        actor=personas.county_staff, kind="units", filename="单位.xlsx", content=xlsx(headers, rows)
    )
    assert run.status == ImportStatus.APPLIED, run.report
    office = ResponsibleUnit.objects.get(name="呼伦路街道司法所")
    assert office.domain == "justice" and office.superior == ResponsibleUnit.objects.get(name="新城区司法局")
    again = import_file(
        actor=personas.county_staff, kind="units", filename="单位.xlsx", content=xlsx(headers, rows)
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    bad = [["新城区卫健委", tree.county_a.code, "卫健", "", "不存在的上级"]]
    refused = import_file(
        actor=personas.county_staff, kind="units", filename="单位.xlsx", content=xlsx(headers, bad)
    )
    assert refused.status == ImportStatus.REJECTED and refused.report[0]["column"] == "上级机关"


def test_header_normalisation() -> None:
    assert normalize_header("＊身份证号码（18位）") == normalize_header("身份证号码")
    assert normalize_header(" 联 系 电 话 ") == "联系电话"
    found = map_headers(MATTER_COLUMNS, ["公民身份号码", "手机号", "所属区划", "备注"])
    assert found.positions == {"id_number": 0, "phone": 1, "region": 2}
    assert found.ignored == ["备注"]
    # the ledger's own column wins over a variant of it
    both = map_headers(MATTER_COLUMNS, ["区划代码", "问题发生地"])
    assert both.positions["region"] == 1 and both.ignored == ["区划代码"]
    agents = map_headers(AGENT_COLUMNS, ["联系电话", "姓名"])
    assert agents.positions["work_phone"] == 0


def test_who_may_import(tree: Tree, personas: Personas) -> None:
    assert kinds_for(personas.county_staff) == list(ImportKind)
    assert kinds_for(personas.city_admin) == [ImportKind.ORGANIZATIONS, ImportKind.AGENTS, ImportKind.UNITS]
    for name in ("village_agent", "township_staff", "unit_handler", "leader", "supervisor"):
        assert kinds_for(getattr(personas, name)) == [], name
    assert not may_import(personas.county_staff, "nothing")
    with pytest.raises(PermissionError):
        import_file(actor=personas.village_agent, kind="agents", filename="a.xlsx", content=b"")
    assert not ImportRun.objects.exists()


def test_template_has_the_headers_and_an_explanation_sheet() -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    for kind in ImportKind:
        book = load_workbook(BytesIO(build_template(kind)))
        first, notes = book.worksheets
        headers = [c.value for c in first[1]]
        assert headers[0] and str(headers[0]).endswith("*")
        assert first.max_row == 1  # nothing but the header is imported
        assert notes.title == "填写说明" and notes.max_row > len(headers)


def test_too_many_rows_is_one_reason(tree: Tree, personas: Personas) -> None:
    from daiban.exchange.imports.reader import MAX_ROWS

    rows = [[f"代办点{i}", tree.village_a1x.code] for i in range(MAX_ROWS + 1)]
    run = import_file(
        actor=personas.county_staff,
        kind="organizations",
        filename="大.xlsx",
        content=xlsx(["机构名称", "区划代码"], rows),
    )
    assert run.status == ImportStatus.REJECTED
    assert run.report == [
        {"row": 0, "column": "", "reason": f"一次最多导入 {MAX_ROWS} 行，请分成几个文件导入。"}
    ]
