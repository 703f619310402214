"""听证 (arts. 31(6) and 36): the hearing record joins the matter's timeline as one event; at
re-examination the hearing days of the records linked to that review are not counted in its time limit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.hearings.models import HearingRecord, HearingStage
from daiban.hearings.rules import record_hearing
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import fail, locked, record, require_text
from daiban.matters.choices import EventKind, Status, Step
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter, Review

__all__ = ["MAX_DAYS", "hearing_record"]

MAX_DAYS = 60  # one hearing's length; the old bare day count had the same bound


@dataclass(frozen=True)
class Statements:
    place: str
    presiding: str
    participants: str
    petitioner_statement: str
    unit_statement: str
    other_statement: str
    conclusion: str


def _texts(
    place: str,
    presiding: str,
    participants: str,
    petitioner_statement: str,
    unit_statement: str,
    other_statement: str,
    conclusion: str,
) -> Statements:
    return Statements(
        place=require_text("place", place, "听证地点", 120),
        presiding=require_text("presiding", presiding, "主持人", 60),
        participants=require_text("participants", participants, "参加人员", 2000),
        petitioner_statement=require_text(
            "petitioner_statement", petitioner_statement, "信访人一方意见", 4000
        ),
        unit_statement=require_text("unit_statement", unit_statement, "办理单位一方意见", 4000),
        other_statement=(other_statement or "").strip()[:4000],
        conclusion=require_text("conclusion", conclusion, "听证结论", 4000),
    )


def _check_days(first_day: datetime.date, last_day: datetime.date) -> int:
    today = clock.today()
    if first_day > today:
        raise fail("first_day", "听证开始日期不能晚于今天。")
    if last_day > today:
        raise fail("last_day", "听证结束日期不能晚于今天。")
    if last_day < first_day:
        raise fail("last_day", "听证结束日期不能早于开始日期。")
    days = (last_day - first_day).days + 1
    if days > MAX_DAYS:
        raise fail("last_day", f"一次听证不能超过 {MAX_DAYS} 日，请核对听证起止日期。")
    return days


def excluded_days(review: Review, *, before: int, added: int) -> int:
    """The re-examination's uncounted days: the hearing records linked to it. Days entered with the old
    bare count (``Review.hearing_days`` beyond what the records hold) are kept, so nothing counted before
    is lost."""
    linked = HearingRecord.objects.filter(review=review).aggregate(total=Sum("days"))["total"] or 0
    legacy = max(0, before - (linked - added))
    return legacy + linked


def hearing_record(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    first_day: datetime.date,
    last_day: datetime.date,
    place: str,
    presiding: str,
    participants: str,
    petitioner_statement: str,
    unit_statement: str,
    other_statement: str = "",
    conclusion: str,
) -> Matter:
    """听证记录: who held it, when and where, who took part, what each side said and the conclusion. In
    re-examination the record is linked to the review and the review's time limit moves by its days."""
    days = _check_days(first_day, last_day)
    said = _texts(
        place, presiding, participants, petitioner_statement, unit_statement, other_statement, conclusion
    )
    with locked(actor, matter_id, expected_version) as m:
        record_hearing(actor, m)
        reexam = m.status == Status.REEXAM
        review: Review | None = None
        if reexam:
            review = rules.current_review(actor, m)
            unit = review.unit
            if first_day < review.requested_on:
                raise fail("first_day", "复核阶段的听证开始日期不能早于复核申请日期。")
        else:
            task = rules.lead_task(m)
            assert task is not None  # record_hearing checked the lead handler
            unit = task.unit
            if first_day < timezone.localdate(m.received_at):
                raise fail("first_day", "听证开始日期不能早于事项登记日期。")
        row = HearingRecord.objects.create(
            matter=m,
            review=review,
            stage=HearingStage.REEXAM if reexam else HearingStage.HANDLING,
            unit=unit,
            first_day=first_day,
            last_day=last_day,
            days=days,
            recorded_by=actor,
            recorded_at=clock.now(),
            event_seq=m.version + 1,  # the event below takes the next version as its seq
            **vars(said),
        )
        period = f"{first_day:%Y-%m-%d} 至 {last_day:%Y-%m-%d}（{days} 日）"
        summary = f"{unit}组织听证，{period}"
        details: dict[str, object] = {
            "record": row.pk,
            "stage": row.stage,
            "unit": unit.pk,
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
            "days": days,
            "period": period,
            "place": said.place,
            "presiding": said.presiding,
            "conclusion": said.conclusion,
            "record_ref": f"听证记录第 {row.pk} 号（事项页“听证记录”栏可查看全文）",
            "article": "第三十六条" if reexam else "第三十一条",
        }
        if review is not None:
            clock_row = m.deadlines.filter(step=Step.REEXAM_HANDLING, is_open=True).first()
            if clock_row is None:
                raise WrongState("复核期限未在计时，无法扣除听证时间。")
            due_before = clock_row.due_date
            total = excluded_days(review, before=review.hearing_days, added=days)
            review.hearing_days = total
            review.save(update_fields=["hearing_days"])
            deadlines.adjust_clock(clock_row, excluded_days=total)
            if clock_row.due_date != due_before:
                summary += (
                    f"；听证时间不计入复核期限，复核期限由 {due_before:%Y-%m-%d} "
                    f"顺延至 {clock_row.due_date:%Y-%m-%d}"
                )
            else:  # the days fell where the old end had already been carried past rest days
                summary += f"；听证时间不计入复核期限，复核期限仍为 {due_before:%Y-%m-%d}（见期限说明）"
            details |= {
                "review": review.pk,
                "excluded_days": total,
                "due_before": due_before.isoformat(),
                "due_after": clock_row.due_date.isoformat(),
                "due_change": f"{due_before:%Y-%m-%d} → {clock_row.due_date:%Y-%m-%d}（共 {total} 日听证时间不计入）",
                "explanation": clock_row.explanation,
            }
        record(m, actor, EventKind.HEARING_RECORD, summary[:200], details, refresh_due=reexam)
    return m
