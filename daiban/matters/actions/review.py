"""复查 and 复核 (arts. 35–36): the superior organ reviews a written opinion on the petitioner's request;
after re-examination the same facts are not accepted again."""

from __future__ import annotations

import datetime

from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.actions.handling import issue_opinion, opinion_fields, to_reply
from daiban.matters.choices import EventKind, Outcome, ReviewKind, Status, Step
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter, Review
from daiban.network.models import ResponsibleUnit

__all__ = ["matter_decide_review", "matter_hearing", "matter_request_review"]


def _handling_unit(m: Matter) -> ResponsibleUnit | None:
    last = (
        m.opinions.exclude(unit=None).select_related("unit__superior").order_by("-issued_at", "-id").first()
    )
    return last.unit if last else None


def matter_request_review(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    kind: str,
    requested_on: datetime.date,
    reason: str,
) -> Matter:
    """复查 / 复核 request, recorded by an agent for the petitioner, within 30 days of the written reply.
    Review goes to the superior of the handling unit; re-examination to the next superior."""
    choice("kind", kind, ReviewKind, "申请类型")
    reason = require_text("reason", reason, "申请理由")
    with locked(actor, matter_id, expected_version) as m:
        rules.request_review(actor, m)
        assert m.review_window_until is not None
        if requested_on > clock.today():
            raise fail("requested_on", "申请日期不能晚于今天。")
        if m.replied_at and requested_on < timezone.localdate(m.replied_at):
            raise fail("requested_on", "申请日期不能早于书面答复日期。")
        if requested_on > m.review_window_until:
            raise WrongState(f"已超过申请期限（{m.review_window_until:%Y年%m月%d日}前），依法不再受理。")
        existing = {r.kind: r for r in m.reviews.all()}
        if kind == ReviewKind.REVIEW and existing:
            raise WrongState("该事项已申请过复查。")
        if kind == ReviewKind.REEXAM and (ReviewKind.REVIEW not in existing or ReviewKind.REEXAM in existing):
            raise WrongState("复核须在复查意见作出后申请，且只能申请一次。")
        if kind == ReviewKind.REEXAM and existing[ReviewKind.REVIEW].decided_at is None:
            raise WrongState("复查尚未办结。")
        base = _handling_unit(m) if kind == ReviewKind.REVIEW else existing[ReviewKind.REVIEW].unit
        superior = base.superior if base else None
        if superior is None:
            raise WrongState("原办理单位未设置上级机关，无法确定复查（复核）机关，请联系管理员。")
        before = m.status
        Review.objects.create(matter=m, kind=kind, unit=superior, requested_on=requested_on, reason=reason)
        deadlines.close_clocks(m)
        m.status = Status.REVIEW if kind == ReviewKind.REVIEW else Status.REEXAM
        m.holder_unit = superior
        m.closed_at = None
        m.closure_kind = ""
        m.resolved = None
        step = Step.REVIEW_HANDLING if kind == ReviewKind.REVIEW else Step.REEXAM_HANDLING
        deadlines.open_clock(m, step, requested_on)
        record(
            m,
            actor,
            EventKind.REQUEST_REVIEW,
            f"信访人申请{ReviewKind(kind).label}，由{superior}办理",
            {"kind": kind, "unit": superior.pk, "reason": reason, "requested_on": requested_on.isoformat()},
            status_before=before,
        )
    return m


def matter_hearing(*, actor: User, matter_id: int, expected_version: int | None, days: int) -> Matter:
    """听证: hearing time does not count in the re-examination clock (art. 36)."""
    if days < 1 or days > 60:
        raise fail("days", "听证天数应在 1 到 60 日之间。")
    with locked(actor, matter_id, expected_version) as m:
        rules.hearing(actor, m)
        review = rules.current_review(actor, m)
        review.hearing_days += days
        review.save(update_fields=["hearing_days"])
        row = m.deadlines.get(step=Step.REEXAM_HANDLING, is_open=True)
        deadlines.adjust_clock(row, excluded_days=review.hearing_days)
        record(m, actor, EventKind.HEARING, f"组织听证，听证时间 {days} 日不计入复核期限", {"days": days})
    return m


def matter_decide_review(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
) -> Matter:
    """复查意见书 / 复核意见书. After re-examination the same facts are not accepted again."""
    written = opinion_fields(outcome, facts, reasons, basis)
    with locked(actor, matter_id, expected_version) as m:
        rules.decide_review(actor, m)
        review = rules.current_review(actor, m)
        before = m.status
        opinion = issue_opinion(m, actor, stage=review.kind, unit=review.unit, written=written)
        review.opinion = opinion
        review.decided_at = clock.now()
        review.save(update_fields=["opinion", "decided_at"])
        deadlines.close_clocks(m)
        is_reexam = review.kind == ReviewKind.REEXAM
        m.is_final = is_reexam
        to_reply(m, review_window=None if is_reexam else "reexam_request")
        record(
            m,
            actor,
            EventKind.DECIDE_REVIEW,
            f"{review.unit}出具{ReviewKind(review.kind).label}意见书：{Outcome(outcome).label}"
            + ("（复核终结，同一事实和理由不再受理）" if is_reexam else ""),
            {"kind": review.kind, "outcome": outcome, "review": review.pk},
            status_before=before,
        )
    return m
