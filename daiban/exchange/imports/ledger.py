"""Legacy ledgers (台账): matters with their history as far as the ledger goes.

Each row is checked here (every cell, the petitioner through the intake's own validation, the region and
unit within the importer's county), then written by ``daiban.matters.actions.matter_import`` — the one
action that turns a ledger row into a matter. The ledger number is the natural key: a row whose number was
imported before with the same content is unchanged; with different content it is an error (an imported
matter lives on in the workflow, not in the spreadsheet); a number used by a matter taken in at the desk
is an error.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError

from daiban.accounts.models import User
from daiban.core import clock
from daiban.exchange.imports.base import Outcome, Problem, RegionFinder, Row, RowFailed, messages_of
from daiban.exchange.imports.cells import choice, date, digits_text, maybe, positive_int, text
from daiban.matters.actions import LegacyMatter, known_units, matter_import
from daiban.matters.choices import (
    Category,
    Channel,
    ClosureKind,
    EventKind,
    PetitionerGroup,
    Purpose,
    Satisfaction,
)
from daiban.matters.errors import ActionError, PersonInputError
from daiban.matters.models import Event, Matter
from daiban.matters.petitioners import PetitionerInput, validate_petitioner_inputs
from daiban.pii.fields import lookup_hash_for_id, lookup_hash_for_phone
from daiban.regions.models import Region

CHANNEL_SYNONYMS = {
    "来访": "window",
    "走访": "door",
    "上门": "door",
    "来电": "phone",
    "电话来访": "phone",
    "信件": "letter",
    "书信": "letter",
    "网信": "online",
    "网络": "online",
    "网上信访": "online",
    "领导接访": "leader_day",
    "直播": "livestream",
    "排查": "screening",
}
PURPOSE_SYNONYMS = {
    "建议": "suggestion",
    "意见建议": "suggestion",
    "检举": "accusation",
    "控告": "accusation",
}
PURPOSE_SYNONYMS |= {"申诉": "appeal", "求决": "appeal", "诉求": "appeal"}
CATEGORY_SYNONYMS = {
    "城建": "urban_construction",
    "劳动社保": "labour",
    "社保": "labour",
    "农村": "agriculture",
}
CATEGORY_SYNONYMS |= {"土地": "land", "纪检": "discipline", "教育": "education", "卫生": "health"}
CATEGORY_SYNONYMS |= {"环保": "environment", "交通": "transport", "邻里": "neighbour"}
SATISFACTION_SYNONYMS = {"比较满意": "basically", "一般": "basically", "非常满意": "satisfied"}
CLOSURE_SYNONYMS = {"即时答复": "answered", "办理答复": "handled", "答复办结": "handled", "引导": "guided"}
CLOSURE_SYNONYMS |= {"依法导入": "guided", "不受理": "not_accepted"}

# Columns holding personal numbers: their content never enters the report or the event, and the row's
# digest takes their keyed blind index (daiban.pii) instead — a plain hash of a row would let anyone who
# reads the event details try ID numbers against it.
PERSONAL = {"id_number": lookup_hash_for_id, "phone": lookup_hash_for_phone}
# The history columns kept, as written, in the import event (the ledger's own words).
HISTORY = ("unit", "replied_on", "closed_on", "closure_kind", "resolved")


def fingerprint(row: Row) -> str:
    """A digest of the row's values by column key: independent of header variants and column order."""
    values: dict[str, str] = {}
    for key in sorted(row.headers.positions):
        raw = text(row.raw(key))
        if key in PERSONAL and raw:
            try:
                raw = PERSONAL[key](raw)
            except ValidationError:
                raw = "invalid"  # such a row is refused anyway
        values[key] = raw
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _earlier_import(number: str) -> tuple[Matter | None, str]:
    matter = Matter.objects.filter(number=number).first()
    if matter is None:
        return None, ""
    event = Event.objects.filter(matter=matter, kind=EventKind.IMPORT).first()
    return matter, (str(event.details.get("fingerprint", "")) if event else "")


class Matters:
    def __init__(self, actor: User, filename: str, written: dict[str, str]) -> None:
        self.actor = actor
        self.filename = filename
        self.headers = dict(written)
        self.unchanged: set[int] = set()  # rows imported before with the same content
        self.regions = RegionFinder(actor)
        self.units = known_units(actor)
        self.today = clock.today()

    def _unit(self, row: Row) -> Any:
        name = row.text("unit", 80)
        if not name:
            return None
        found = list(self.units.filter(name=name)[:2])
        if len(found) != 1:
            row.problem(
                "unit",
                "找不到该责任单位：须是已登记的本县（区）或上级事权单位，名称与“责任单位”名册一致。"
                if not found
                else "有多个同名的责任单位，请先在名册中区分。",
            )
            return None
        return found[0]

    def _person(self, row: Row) -> PetitionerInput | None:
        before = len(row.problems)
        name = row.text("name", 32, required="信访人姓名")
        id_number = row.read("id_number", digits_text, "")
        phone = row.read("phone", digits_text, "")
        address = row.text("address", 120)
        if len(row.problems) > before:
            return None
        person = PetitionerInput(
            name=name,
            id_number=id_number,
            phone=phone,
            address=address,
            group=PetitionerGroup.OTHER,
            is_representative=True,
        )
        try:
            (cleaned,) = validate_petitioner_inputs([person])
        except PersonInputError as exc:
            column = {"name": "name", "id_number": "id_number", "phone": "phone"}.get(exc.field, "name")
            if column == "phone" and not row.has("phone") and row.has("id_number"):
                column = "id_number"
            reason = messages_of(exc).removeprefix("信访人：").removeprefix("信访人")
            row.problem(column, reason or messages_of(exc))
            return None
        return cleaned

    @staticmethod
    def _pick(row: Row, key: str, choices: Any, synonyms: dict[str, str], label: str, *, need: bool) -> str:
        before = len(row.problems)
        value = row.read(key, lambda v: choice(v, choices, synonyms=synonyms), "")
        if need and not value and len(row.problems) == before:
            row.problem(key, f"请填写{label}。")
        return value

    def check(self, rows: list[Row]) -> list[LegacyMatter]:
        prepared: list[LegacyMatter] = []
        seen: dict[str, int] = {}
        for row in rows:
            number = row.text("number", 24, required="台账编号")
            received_on = row.read("received_on", date, None)
            if received_on is None and row.ok:
                row.problem("received_on", "请填写登记日期。")
            region = self.regions.find(row.raw("region"))
            if isinstance(region, str):
                row.problem("region", region)

            channel = self._pick(row, "channel", Channel, CHANNEL_SYNONYMS, "来源渠道", need=True)
            category = self._pick(row, "category", Category, CATEGORY_SYNONYMS, "内容分类", need=True)
            purpose = self._pick(row, "purpose", Purpose, PURPOSE_SYNONYMS, "信访目的", need=True)
            title = row.text("title", 80, required="事项摘要")
            content = row.text("content", 4000, required="反映内容")
            request = row.text("request", 4000, required="诉求")
            headcount = row.read("headcount", lambda v: positive_int(v, default=1), 1)
            person = self._person(row)
            unit = self._unit(row)
            replied_on = row.read("replied_on", date, None)
            closed_on = row.read("closed_on", date, None)
            closure_kind = self._pick(
                row, "closure_kind", ClosureKind, CLOSURE_SYNONYMS, "办结方式", need=False
            )
            resolved = row.read("resolved", maybe, None)
            service = self._pick(
                row, "service_satisfaction", Satisfaction, SATISFACTION_SYNONYMS, "", need=False
            )
            unit_rating = self._pick(
                row, "unit_satisfaction", Satisfaction, SATISFACTION_SYNONYMS, "", need=False
            )
            if received_on is not None:
                if received_on > self.today:
                    row.problem("received_on", "登记日期不能晚于今天。")
                for key, day, label in (
                    ("replied_on", replied_on, "答复日期"),
                    ("closed_on", closed_on, "办结日期"),
                ):
                    if day is not None and day < received_on:
                        row.problem(key, f"{label}不能早于登记日期。")
                    elif day is not None and day > self.today:
                        row.problem(key, f"{label}不能晚于今天。")
            if closure_kind == ClosureKind.MERGED:
                # A merge needs the earlier matter it went into, which a ledger row does not name.
                row.problem("closure_kind", "办结方式不能为“并案”：并案须在系统中确认重复信访后并入原事项。")
            if closed_on is None and (closure_kind or resolved is not None):
                row.problem("closed_on", "填写了办结方式或是否化解，须同时填写办结日期。")
            if closed_on is not None and not closure_kind:
                closure_kind = ClosureKind.HANDLED
            if closed_on is not None and resolved is None and row.ok:
                row.problem(
                    "resolved" if row.has("resolved") else "closed_on",
                    "已办结的事项须填写是否化解（是/否）。",
                )
            if number:
                if number in seen:
                    row.problem("number", f"与第 {seen[number]} 行的台账编号重复。")
                else:
                    seen[number] = row.number
                existing, earlier = _earlier_import(number)
                if existing is not None:
                    if (
                        not earlier
                        or not Matter.objects.filter(pk=existing.pk, scope_county=self._county()).exists()
                    ):
                        row.problem("number", "该编号已被系统中的其他事项使用。")
                    elif earlier != fingerprint(row):
                        row.problem(
                            "number",
                            "该编号的事项已导入过，本次内容与上次不同；已导入的事项请在系统中继续办理，不能用台账覆盖。",
                        )
                    else:
                        self.unchanged.add(row.number)
            if not row.ok or row.number in self.unchanged:
                continue
            assert received_on is not None and isinstance(region, Region) and person is not None
            ledger = {
                row.header(key): text(row.raw(key)) for key in HISTORY if row.has(key) and text(row.raw(key))
            }
            for key in ("service_satisfaction", "unit_satisfaction"):
                if row.has(key) and text(row.raw(key)):
                    ledger[row.header(key)] = text(row.raw(key))
            prepared.append(
                LegacyMatter(
                    number=number,
                    region=region,
                    received_on=received_on,
                    channel=channel,
                    title=title,
                    content=content,
                    request=request,
                    category=category,
                    purpose=purpose,
                    petitioner=person,
                    headcount=headcount,
                    unit=unit,
                    replied_on=replied_on,
                    closed_on=closed_on,
                    closure_kind=closure_kind,
                    resolved=resolved,
                    service_satisfaction=service,
                    unit_satisfaction=unit_rating,
                    source=self.filename,
                    row=row.number,
                    ledger=ledger,
                    fingerprint=fingerprint(row),
                )
            )
        return prepared

    def _county(self) -> str:
        codes = self.actor.region.ancestor_codes if self.actor.region else []
        return codes[1] if len(codes) > 1 else ""

    def write(self, prepared: list[LegacyMatter]) -> Outcome:
        outcome = Outcome(unchanged=len(self.unchanged))
        for item in prepared:
            try:
                matter = matter_import(actor=self.actor, data=item)
            except ValidationError as exc:
                field = next(iter(exc.message_dict), "") if hasattr(exc, "error_dict") else ""
                raise RowFailed(
                    Problem(item.row, _header_for(field, self.headers), messages_of(exc))
                ) from exc
            except ActionError as exc:
                raise RowFailed(Problem(item.row, "", str(exc))) from exc
            outcome.created += 1
            outcome.matter_ids.append(matter.pk)
        return outcome


def _header_for(field: str, headers: dict[str, str]) -> str:
    key = {"petitioners": "name"}.get(field, field)
    return headers.get(key, "")
