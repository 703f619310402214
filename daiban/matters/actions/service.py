"""送达 (service): when and how a written reply reached the petitioner. The time to ask for review (复查)
or re-examination (复核) counts from the day the petitioner received the written reply (arts. 35–36),
not from the day it was issued, so the window opens only when its service is recorded."""

from __future__ import annotations

import datetime

from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import choice, fail, locked, record
from daiban.matters.choices import EventKind, ServiceManner
from daiban.matters.models import Matter

__all__ = ["matter_serve"]

# What each written reply is called, and which instance its window lets the petitioner ask for.
_DOCUMENTS = {"handling": "处理意见书", "review": "复查意见书", "reexam": "复核意见书", "local": "答复意见"}
_NEXT = {"review_request": "复查", "reexam_request": "复核"}


def matter_serve(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    served_on: datetime.date | None,
    manner: str,
    note: str = "",
) -> Matter:
    """登记送达: the written reply awaiting service (the latest opinion that opens a review window) was
    received on ``served_on`` (not after today, not before it was issued) by ``manner``; the window for
    the next instance opens and ends ``review_window_end(limit, served_on)``."""
    choice("manner", manner, ServiceManner, "送达方式")
    note = (note or "").strip()
    if len(note) > 500:
        raise fail("note", "送达说明不能超过 500 个字。")
    if served_on is None:
        raise fail("served_on", "请填写送达日期。")
    with locked(actor, matter_id, expected_version) as m:
        rules.serve(actor, m)
        opinion = rules.awaiting_service(m)
        assert opinion is not None
        issued = timezone.localdate(opinion.issued_at)
        if served_on > clock.today():
            raise fail("served_on", "送达日期不能晚于今天。")
        if served_on < issued:
            raise fail("served_on", f"送达日期不能早于书面答复的出具日期（{issued:%Y年%m月%d日}）。")
        until = deadlines.review_window_end(opinion.review_limit, served_on)
        opinion.served_on = served_on
        opinion.service_manner = manner
        opinion.save(update_fields=["served_on", "service_manner"])
        m.review_window_until = until
        document = _DOCUMENTS.get(opinion.stage, "书面答复")
        record(
            m,
            actor,
            EventKind.SERVE,
            f"{document}于 {served_on:%Y年%m月%d日} {ServiceManner(manner).label}，"
            f"可申请{_NEXT.get(opinion.review_limit, '复查（复核）')}至 {until:%Y年%m月%d日}",
            {
                "opinion": opinion.pk,
                "served_on": served_on.isoformat(),
                "manner": manner,
                "note": note,
                "window_until": until.isoformat(),
            },
        )
    return m
