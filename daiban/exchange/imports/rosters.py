"""Rosters: service organisations, agents and responsible units.

Natural keys (what makes a second import of the same row change nothing):
* organisation: its region and name (an organisation's kind, level and role follow from its region's level);
* agent: its organisation and name (the roster carries no personal ID: an agent's published work phone is
  not personal data, and is validated like the agent form's);
* unit: its region and name (the database's own unique constraint).
A row whose key exists updates the columns the file has; equal values count as unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from daiban.accounts.models import User
from daiban.exchange.imports.base import Outcome, RegionFinder, Row
from daiban.exchange.imports.cells import (
    CellError,
    choice,
    digits_text,
    flag,
    flag_default_yes,
    normalize_label,
    text,
    yes_no,
)
from daiban.network import jurisdiction
from daiban.network.models import (
    KIND_FOR_LEVEL,
    WORK_PHONE,
    Agent,
    DeputyLevel,
    Employment,
    ResponsibleUnit,
    ServiceOrganization,
    UnitDomain,
)
from daiban.pii.validators import normalize_phone
from daiban.regions import geometry
from daiban.regions.models import Level, Region


def work_phone(value: object) -> str:
    raw = digits_text(value)
    if not raw:
        return ""
    number = normalize_phone(raw)
    try:
        WORK_PHONE(number)
    except ValidationError as exc:
        raise CellError(str(exc.messages[0])) from exc
    if len(number) > 20:
        raise CellError("电话号码过长。")
    return number


def _apply(obj: Model, values: dict[str, Any]) -> bool:
    """Set the values on ``obj``; whether any differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _first_seen(row: Row, seen: dict[Any, int], key: Any, column: str, what: str) -> None:
    if key in seen:
        row.problem(column, f"与第 {seen[key]} 行是同一{what}，请合并为一行。")
    else:
        seen[key] = row.number


# ------------------------------------------------------------------------------------- organisations


@dataclass
class OrgRow:
    number: int
    region: Region
    name: str
    values: dict[str, Any]


class Organizations:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.regions = RegionFinder(actor)

    def check(self, rows: list[Row]) -> list[OrgRow]:
        prepared: list[OrgRow] = []
        seen: dict[Any, int] = {}
        for row in rows:
            name = row.text("name", 80, required="机构名称")
            region = self.regions.find(row.raw("region"))
            if isinstance(region, str):
                row.problem("region", region)
            values: dict[str, Any] = {}
            for key, length in (("address", 120), ("opening_hours", 60)):
                if row.has(key):
                    values[key] = row.text(key, length)
            if row.has("phone"):
                values["phone"] = row.read("phone", work_phone, "")
            if isinstance(region, Region) and name:
                _first_seen(row, seen, (region.pk, name), "name", "机构")
            if row.ok and isinstance(region, Region):
                prepared.append(OrgRow(row.number, region, name, values))
        return prepared

    def write(self, prepared: list[OrgRow]) -> Outcome:
        outcome = Outcome()
        for item in prepared:
            org = ServiceOrganization.objects.filter(region=item.region, name=item.name).first()
            if org is None:
                kind, role = KIND_FOR_LEVEL[Level(item.region.level)]
                ServiceOrganization.objects.create(
                    region=item.region,
                    name=item.name,
                    kind=kind,
                    level=item.region.level,
                    handling_role=role,
                    **item.values,
                )
                outcome.created += 1
            elif _apply(org, item.values):
                org.save()
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome


# ------------------------------------------------------------------------------------------- agents

DEPUTY_SYNONYMS = {
    "否": "",
    "无": "",
    "不是": "",
    "国家级": "national",
    "全国人大代表": "national",
    "省级": "province",
    "自治区级": "province",
    "区级": "county",
    "县级": "county",
    "旗级": "county",
    "县区旗级": "county",
    "乡级": "township",
    "镇级": "township",
    "乡镇": "township",
    "市": "city",
}


def party(value: object) -> tuple[bool, bool]:
    """(党员, 老党员) from 是/否/党员/中共党员/老党员/群众."""
    raw = normalize_label(text(value))
    if raw in ("老党员",):
        return True, True
    if raw in ("党员", "中共党员", "中共预备党员", "预备党员"):
        return True, False
    if raw in ("群众", "团员", "共青团员", "无党派", "民主党派"):
        return False, False
    answer = yes_no(value)
    return bool(answer), False


def deputy(value: object) -> str:
    raw = normalize_label(text(value))
    if not raw:
        return ""
    raw = raw.removesuffix("人大代表") or raw
    return choice(raw, DeputyLevel, synonyms=DEPUTY_SYNONYMS)


@dataclass
class AgentRow:
    number: int
    organization: ServiceOrganization
    name: str
    values: dict[str, Any]


class Agents:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.regions = RegionFinder(actor)
        self.orgs = jurisdiction.organizations_for(actor)

    def check(self, rows: list[Row]) -> list[AgentRow]:
        prepared: list[AgentRow] = []
        seen: dict[Any, int] = {}
        for row in rows:
            name = row.text("name", 32, required="姓名")
            org_name = row.text("organization", 80, required="所属机构")
            region = self.regions.find(row.raw("region"))
            org = None
            if isinstance(region, str):
                row.problem("region", region)
            elif org_name:
                org = self.orgs.filter(region=region, name=org_name).first()
                if org is None:
                    row.problem(
                        "organization", f"“{region.name}”没有名为该名称的代办机构，请先导入或登记机构。"
                    )
            values: dict[str, Any] = {}
            if row.has("employment"):
                values["employment"] = (
                    row.read("employment", lambda v: choice(v, Employment), "") or Employment.PART_TIME
                )
            for key, field_name, length in (
                ("title", "title", 40),
                ("duty_hours", "duty_hours", 60),
                ("duty_place", "duty_place", 80),
            ):
                if row.has(key):
                    values[field_name] = row.text(key, length)
            if row.has("work_phone"):
                values["work_phone"] = row.read("work_phone", work_phone, "")
            if row.has("party"):
                values["is_party_member"], values["is_veteran_party_member"] = row.read(
                    "party", party, (False, False)
                )
            if row.has("deputy_level"):
                values["deputy_level"] = row.read("deputy_level", deputy, "")
            for key, field_name in (
                ("cppcc", "is_cppcc_member"),
                ("legal", "is_legal_adviser"),
                ("grid", "is_grid_worker"),
                ("expert", "is_expert"),
                ("cadre", "is_village_cadre"),
            ):
                if row.has(key):
                    values[field_name] = row.read(key, flag, False)
            if row.has("active"):
                values["is_active"] = row.read("active", flag_default_yes, True)
            if org is not None and name:
                _first_seen(row, seen, (org.pk, name), "name", "代办员")
            if row.ok and org is not None:
                prepared.append(AgentRow(row.number, org, name, values))
        return prepared

    def write(self, prepared: list[AgentRow]) -> Outcome:
        outcome = Outcome()
        for item in prepared:
            agent = Agent.objects.filter(organization=item.organization, name=item.name).first()
            if agent is None:
                Agent.objects.create(
                    organization=item.organization,
                    region=item.organization.region,
                    name=item.name,
                    **item.values,
                )
                outcome.created += 1
            elif _apply(agent, item.values):
                agent.save()
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome


# -------------------------------------------------------------------------------------------- units

DOMAIN_SYNONYMS = {
    "住房和城乡建设": "housing",
    "住建局": "housing",
    "人力资源和社会保障": "hr_social",
    "人社局": "hr_social",
    "自然资源局": "natural_resources",
    "农业农村": "agriculture",
    "农牧局": "agriculture",
    "公安局": "public_security",
    "派出所": "public_security",
    "司法局": "justice",
    "司法所": "justice",
    "纪委": "discipline",
    "纪检监察": "discipline",
    "教育局": "education",
    "卫生健康": "health",
    "卫健委": "health",
    "民政局": "civil_affairs",
    "市场监督管理": "market",
    "生态环境局": "environment",
    "交通运输局": "transport",
    "水务局": "water",
    "信访": "petition",
    "综治中心": "governance",
    "乡镇政府": "township_gov",
    "街道办事处": "township_gov",
    "乡镇": "township_gov",
}


@dataclass
class UnitRow:
    number: int
    region: Region
    name: str
    values: dict[str, Any]
    superior: str  # a name; "" for none
    superior_column: str


class Units:
    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.regions = RegionFinder(actor)

    def check(self, rows: list[Row]) -> list[UnitRow]:
        prepared: list[UnitRow] = []
        seen: dict[Any, int] = {}
        for row in rows:
            name = row.text("name", 80, required="单位名称")
            region = self.regions.find(row.raw("region"))
            if isinstance(region, str):
                row.problem("region", region)
            values: dict[str, Any] = {}
            domain = row.read("domain", lambda v: choice(v, UnitDomain, synonyms=DOMAIN_SYNONYMS), "")
            if not domain and row.ok:
                row.problem("domain", "请填写职能领域。")
            values["domain"] = domain
            if row.has("phone"):
                values["phone"] = row.read("phone", work_phone, "")
            if row.has("active"):
                values["is_active"] = row.read("active", flag_default_yes, True)
            superior = row.text("superior", 80) if row.has("superior") else ""
            if superior and superior == name:
                row.problem("superior", "上级机关不能是单位自己。")
            if isinstance(region, Region) and name:
                _first_seen(row, seen, (region.pk, name), "name", "单位")
            if row.ok and isinstance(region, Region):
                prepared.append(UnitRow(row.number, region, name, values, superior, row.header("superior")))
        # A superior is a unit of this file or an existing one, at the row's region or above it.
        in_file = {(item.region.path, item.name) for item in prepared}
        by_number = {row.number: row for row in rows}
        for item in prepared:
            if not item.superior:
                continue
            above = geometry.ancestor_paths(item.region.path)
            if any((path, item.superior) in in_file for path in above):
                continue
            if not ResponsibleUnit.objects.filter(region_path__in=above, name=item.superior).exists():
                by_number[item.number].problem(
                    "superior", "找不到该上级机关：须是本表中或已登记的本级及以上单位。"
                )
        return [item for item in prepared if by_number[item.number].ok]

    def write(self, prepared: list[UnitRow]) -> Outcome:
        outcome = Outcome()
        units: dict[int, ResponsibleUnit] = {}
        changed: dict[int, str] = {}
        for item in prepared:
            unit = ResponsibleUnit.objects.filter(region=item.region, name=item.name).first()
            if unit is None:
                unit = ResponsibleUnit.objects.create(region=item.region, name=item.name, **item.values)
                changed[item.number] = "created"
            elif _apply(unit, item.values):
                unit.save()
                changed[item.number] = "updated"
            units[item.number] = unit
        for item in prepared:
            if not item.superior and item.superior_column == "":
                continue
            unit = units[item.number]
            superior = None
            if item.superior:
                # The nearest one: the row's own region first, then upwards.
                for path in reversed(geometry.ancestor_paths(item.region.path)):
                    superior = ResponsibleUnit.objects.filter(region_path=path, name=item.superior).first()
                    if superior is not None:
                        break
            if unit.superior_id != (superior.pk if superior else None):
                unit.superior = superior
                unit.save(update_fields=["superior", "region_path"])
                changed.setdefault(item.number, "updated")
        for item in prepared:
            state = changed.get(item.number)
            if state == "created":
                outcome.created += 1
            elif state == "updated":
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        return outcome
