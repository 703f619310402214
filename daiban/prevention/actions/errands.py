"""政务服务代办: an errand an agent runs for a villager (社保认证, 证照, 补贴 …) — recorded, its promise
corrected while it is open, and finished as done or not done with how the person was told.

Errands never enter the petition workflow: no matter, no unit task, no time limit of the regulations; the
promised date is the agent's own word. Each change writes an ``ErrandEvent`` and bumps the version.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import WrongState
from daiban.prevention.actions.base import (
    choice,
    fail,
    locked,
    record,
    require_date,
    require_region,
    require_text,
    require_writer,
)
from daiban.prevention.models import Errand, ErrandEvent, ErrandService, ErrandStatus, NoticeMethod
from daiban.regions.models import Region

__all__ = ["PROMISE_DAYS", "errand_finish", "errand_record", "errand_update", "looks_like_number"]

# The agent promises a date within a year of taking the errand on.
PROMISE_DAYS = 366
MAX_RESULT = 1_000

# Seven or more digits in a row (separators between them ignored): a phone number (fixed-line numbers have
# seven or eight digits, mobiles eleven) or an ID number (15 or 18, the last maybe X). A name or 称呼 such as
# "三组王大爷" or "5号楼李姐" has none of those.
_DIGITS = re.compile(r"\d(?:[\s\-－—.·]*\d){6,}", re.ASCII)


def looks_like_number(text: str) -> bool:
    """Whether ``text`` holds what looks like an ID or phone number (full-width and other Unicode digits
    are read as the digits they are)."""
    folded = "".join(
        str(unicodedata.digit(c)) if c.isdigit() and unicodedata.digit(c, None) is not None else c
        for c in unicodedata.normalize("NFKC", text)
    )
    return bool(_DIGITS.search(folded))


def _person(value: str) -> str:
    person = require_text("person", value, "服务对象", 40)
    if looks_like_number(person):
        raise fail("person", "服务对象只填姓名或称呼（如“王大爷”），不要填写身份证号或电话号码。")
    return person


def _promise(requested_on: datetime.date, promised_on: datetime.date | None) -> datetime.date:
    if promised_on is None:
        raise fail("promised_on", "请填写承诺办结日期。")
    if promised_on < requested_on:
        raise fail("promised_on", "承诺办结日期不能早于受托日期。")
    if promised_on > requested_on + datetime.timedelta(days=PROMISE_DAYS):
        raise fail("promised_on", "承诺办结日期应在受托之日起一年内。")
    return promised_on


def errand_record(
    *,
    actor: User,
    person: str,
    service: str,
    description: str,
    office: str,
    promised_on: datetime.date | None,
    requested_on: datetime.date | None = None,
    region: Region | None = None,
) -> Errand:
    """登记代办: the actor is the agent who runs it; the place defaults to the actor's own region."""
    require_writer(actor)
    errand = Errand(
        person=_person(person),
        service=choice("service", service, ErrandService, "服务事项"),
        description=require_text("description", description, "具体事项", 200),
        office=require_text("office", office, "办理部门", 80),
        agent=actor,
    )
    errand.requested_on = require_date("requested_on", requested_on or clock.today(), "受托日期")
    errand.promised_on = _promise(errand.requested_on, promised_on)
    errand.region = require_region(actor, region or actor.region)
    with transaction.atomic():
        record(
            errand,
            ErrandEvent,
            actor,
            "record",
            f"受托代办：{errand.get_service_display()}（{errand.office}），承诺 {errand.promised_on} 前办结",
            {"promised_on": errand.promised_on.isoformat()},
            status_before="",
        )
    return errand


def errand_update(
    *,
    actor: User,
    errand_id: int,
    expected_version: int | None,
    promised_on: datetime.date | None,
    office: str,
    description: str,
) -> Errand:
    """修改代办 while it is open: the promised date, the office, the description (each change, before and
    after, in the event)."""
    require_writer(actor)
    with locked(actor, Errand, errand_id, expected_version) as errand:
        if errand.status != ErrandStatus.OPEN:
            raise WrongState("该代办已办结，不能再修改。")
        new = {
            "promised_on": _promise(errand.requested_on, promised_on),
            "office": require_text("office", office, "办理部门", 80),
            "description": require_text("description", description, "具体事项", 200),
        }
        changes = {
            name: [_show(getattr(errand, name)), _show(value)]
            for name, value in new.items()
            if getattr(errand, name) != value
        }
        if not changes:
            raise ValidationError("没有需要保存的修改。")
        for name, value in new.items():
            setattr(errand, name, value)
        labels = {"promised_on": "承诺办结日期", "office": "办理部门", "description": "具体事项"}
        record(
            errand, ErrandEvent, actor, "update", "修改：" + "、".join(labels[n] for n in changes), changes
        )
    return errand


def errand_finish(
    *,
    actor: User,
    errand_id: int,
    expected_version: int | None,
    done: bool | None,
    result: str,
    notice_method: str,
    finished_on: datetime.date | None = None,
) -> Errand:
    """办结: done or not done, what came of it, and how the person was told."""
    require_writer(actor)
    with locked(actor, Errand, errand_id, expected_version) as errand:
        if errand.status != ErrandStatus.OPEN:
            raise WrongState("该代办已办结。")
        if done is None:
            raise fail("done", "请选择是否办成。")
        text = require_text("result", result, "办理结果", MAX_RESULT)
        method = choice("notice_method", notice_method, NoticeMethod, "告知方式")
        finished = require_date("finished_on", finished_on or clock.today(), "办结日期")
        if finished < errand.requested_on:
            raise fail("finished_on", "办结日期不能早于受托日期。")
        errand.status = ErrandStatus.DONE if done else ErrandStatus.NOT_DONE
        errand.result = text
        errand.notice_method = method
        errand.finished_on = finished
        record(
            errand,
            ErrandEvent,
            actor,
            "finish",
            f"{errand.get_status_display()}，{errand.get_notice_method_display()}",
            {"result": text, "finished_on": finished.isoformat()},
            status_before=ErrandStatus.OPEN,
        )
    return errand


def _show(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)
