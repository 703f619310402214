"""The two matter actions of execution (arts. 32, 42(4)), each keyword-only, atomic, on the locked matter,
with its one ``Event`` and its own rows in the same transaction:

* ``execution_list_items`` — 列明支持事项: what must be done, by whom, by when, for the 支持 opinion in force;
* ``execution_record`` — 登记落实情况: per item 已落实 / 部分落实 / 未落实, a note and evidence files.

Scope (→ 404), version (→ 409), the rule (→ NotAllowed / WrongState) and bad input (→ a Chinese error on
the field) are checked before anything is written; a refusal changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import File

from daiban.accounts.models import User
from daiban.core import clock
from daiban.core.uploads import check_upload
from daiban.execution import rules
from daiban.execution.models import Evidence, ExecutionRecord, ItemStatus, SupportItem
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.attachments import SAFE_TYPES, head_of, safe_name, sniff_type
from daiban.matters.choices import EventKind
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter

__all__ = ["MAX_ITEMS", "execution_list_items", "execution_record"]

MAX_ITEMS = 3  # rows of one submission (the action can be taken again for more)
MAX_ITEMS_PER_MATTER = 30
MAX_DUE_YEARS = 5


def _clean_items(
    items: Sequence[dict[str, Any]], unit_ids: set[int], today: datetime.date
) -> list[dict[str, Any]]:
    """Validate each row (``what``, ``unit_id`` or ``who``, ``due_date``); errors name the row's fields
    (``what_1`` …). Rows left wholly empty are skipped; at least one is required."""
    cleaned = []
    errors: dict[str, list[str]] = {}
    for n, row in enumerate(items[:MAX_ITEMS], start=1):
        what = str(row.get("what") or "").strip()
        who = str(row.get("who") or "").strip()
        unit_id = row.get("unit_id")
        due = row.get("due_date")
        if not (what or who or unit_id or due):
            continue
        if not what:
            errors.setdefault(f"what_{n}", []).append(f"第 {n} 项：请填写应当落实的事项。")
        elif len(what) > 500:
            errors.setdefault(f"what_{n}", []).append(f"第 {n} 项：应当落实的事项不能超过 500 个字。")
        if unit_id is not None and unit_id not in unit_ids:
            errors.setdefault(f"unit_{n}", []).append(
                f"第 {n} 项：请选择本事项的事权单位，或在“其他责任方”中填写。"
            )
        if unit_id is None and not who:
            errors.setdefault(f"who_{n}", []).append(f"第 {n} 项：请选择落实单位或填写其他责任方。")
        if len(who) > 80:
            errors.setdefault(f"who_{n}", []).append(f"第 {n} 项：其他责任方不能超过 80 个字。")
        if not isinstance(due, datetime.date):
            errors.setdefault(f"due_{n}", []).append(f"第 {n} 项：请填写落实期限。")
        elif due < today:
            errors.setdefault(f"due_{n}", []).append(f"第 {n} 项：落实期限不能早于今天。")
        elif (due - today).days > 366 * MAX_DUE_YEARS:
            errors.setdefault(f"due_{n}", []).append(f"第 {n} 项：落实期限不能晚于 {MAX_DUE_YEARS} 年后。")
        cleaned.append({"what": what, "unit_id": unit_id, "who": "" if unit_id else who, "due_date": due})
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise fail("what_1", "请至少列明一项支持事项。")
    return cleaned


def execution_list_items(
    *, actor: User, matter_id: int, expected_version: int | None, items: Sequence[dict[str, Any]]
) -> Matter:
    """列明支持事项 (art. 32): one or more items of the 支持 opinion in force — what must be done, by which
    unit (one the matter was assigned to, or the issuing unit) or named party, by when — by the organ that
    issued the opinion. Until each is 已落实 the matter does not count as resolved."""
    with locked(actor, matter_id, expected_version) as matter:
        opinion = rules.support_items(actor, matter)
        units = {u.pk: u for u in rules.responsible_units(matter, opinion)}
        today = clock.today()
        cleaned = _clean_items(items, set(units), today)
        if SupportItem.objects.filter(matter_id=matter.pk).count() + len(cleaned) > MAX_ITEMS_PER_MATTER:
            raise NotAllowed(f"一件事项最多列明 {MAX_ITEMS_PER_MATTER} 项支持事项。")
        now = clock.now()
        made = [
            SupportItem.objects.create(
                matter=matter,
                opinion=opinion,
                what=row["what"],
                unit_id=row["unit_id"],
                who_text=row["who"],
                due_date=row["due_date"],
                created_by=actor,
                created_at=now,
            )
            for row in cleaned
        ]
        lines = [f"{i.what}（{i.responsible}，{i.due_date:%Y年%m月%d日}前）" for i in made]
        record(
            matter,
            actor,
            EventKind.SUPPORT_ITEMS,
            f"列明支持事项 {len(made)} 项（《信访工作条例》第三十二条）",
            {"items": lines, "item_ids": [i.pk for i in made], "opinion": opinion.pk},
            refresh_due=False,
        )
    return matter


def _save_evidence(entry: ExecutionRecord, actor: User, files: Sequence[File]) -> list[Evidence]:
    now = clock.now()
    saved = []
    for f in files:
        content_type = sniff_type(head_of(f))
        if content_type is None:
            raise fail("evidence", f"“{f.name}”不是照片（JPG、PNG）或 PDF 文件，未上传。")
        name = safe_name(f.name or "", content_type)
        f.name = "evidence" + SAFE_TYPES[content_type]  # the stored file's name is ours
        saved.append(
            Evidence.objects.create(
                record=entry,
                file=f,
                name=name,
                content_type=content_type,
                size=f.size or 0,
                uploaded_by=actor,
                uploaded_at=now,
            )
        )
    return saved


def execution_record(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    item_id: int | None,
    status: str,
    note: str,
    evidence: Sequence[File] = (),
) -> Matter:
    """登记落实情况 (arts. 32, 42(4)): how far one item is carried out — 已落实 (with evidence), 部分落实 or
    未落实 — by the responsible unit's handler or the issuing organ. 已落实 is final."""
    choice("status", status, ItemStatus, "落实情况")
    note = require_text("note", note, "落实说明", max_length=1000)
    if status == ItemStatus.DONE and not evidence:
        raise fail("evidence", "登记“已落实”须上传佐证材料（照片或 PDF）。")
    check_upload(cast("list[Any]", list(evidence)), label="佐证材料", user_id=actor.pk)
    with locked(actor, matter_id, expected_version) as matter:
        rules.execution(actor, matter)
        item = SupportItem.objects.select_for_update().filter(pk=item_id or 0, matter_id=matter.pk).first()
        if item is None:
            raise fail("item", "请选择本事项的支持事项。")
        opinion = item.opinion
        if item.status == ItemStatus.DONE:
            raise WrongState("该支持事项已登记为已落实。")
        if not rules.may_record(actor, item, opinion):
            raise NotAllowed("只有落实单位的经办人或出具支持意见的单位可以登记该事项的落实情况。")
        now = clock.now()
        entry = ExecutionRecord.objects.create(
            item=item, status=status, note=note, recorded_by=actor, recorded_at=now
        )
        saved = _save_evidence(entry, actor, evidence)
        before = item.get_status_display()
        item.status = status
        item.last_recorded_at = now
        if status == ItemStatus.DONE:
            item.done_at = now
        item.version += 1
        item.save()
        label = ItemStatus(status).label
        record(
            matter,
            actor,
            EventKind.EXECUTION,
            f"登记支持事项落实情况：{label}（原为{before}）",
            {
                "item": item.what[:200],
                "item_id": item.pk,
                "status": status,
                "status_label": label,
                "note": note,
                "names": [e.name for e in saved],
            },
            refresh_due=False,
        )
    return matter
