"""After signing: whether the parties applied for 司法确认 and what the court decided, and how each obligation
was performed. Both may still be recorded once the matter is closed — the parties' performance goes on after
the matter's own handling has ended."""

from __future__ import annotations

import datetime

from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import OutOfScope, WrongState
from daiban.mediation import selectors
from daiban.mediation.actions.base import (
    agreement_locked,
    bump,
    choice,
    fail,
    optional_text,
    record,
    require_text,
)
from daiban.mediation.models import (
    JUDICIAL_DECIDED,
    Agreement,
    AgreementStatus,
    JudicialStatus,
    Obligation,
    ObligationStatus,
    Performance,
    PerformanceOutcome,
)

__all__ = ["judicial_record", "performance_record"]

MAX_NOTE = 500
MAX_COURT = 80


def _require_in_force(agreement: Agreement) -> datetime.date:
    """The agreement is signed and not replaced; the day it took effect."""
    if agreement.status == AgreementStatus.DRAFT or agreement.signed_at is None:
        raise WrongState("调解协议尚未签署生效。")
    if agreement.status == AgreementStatus.SUPERSEDED:
        raise WrongState("该调解协议已被变更协议取代，请在新协议上登记。")
    return timezone.localdate(agreement.signed_at)


def _day(
    field: str, value: datetime.date | None, label: str, earliest: datetime.date, since: str
) -> datetime.date:
    if value is None:
        raise fail(field, f"请填写{label}。")
    if value > clock.today():
        raise fail(field, f"{label}不能晚于今天。")
    if value < earliest:
        raise fail(field, f"{label}不能早于{since}（{earliest:%Y年%m月%d日}）。")
    return value


def judicial_record(
    *,
    actor: User,
    agreement_id: int,
    expected_version: int | None,
    status: str,
    applied_on: datetime.date | None = None,
    decided_on: datetime.date | None = None,
    court: str = "",
    note: str = "",
) -> Agreement:
    """登记司法确认: applied (and to which court, when), the court's decision (confirmed or not), or that the
    parties did not apply. A decision is final; before it, what is recorded may be brought up to date."""
    choice("status", status, JudicialStatus, "司法确认情况")
    if status == JudicialStatus.NONE:
        raise fail("status", "请选择司法确认情况。")
    note = optional_text("note", note, "说明", MAX_NOTE)
    court = optional_text("court", court, "人民法院", MAX_COURT)
    with agreement_locked(actor, agreement_id, expected_version) as (_matter, dossier, agreement):
        signed_on = _require_in_force(agreement)
        if agreement.judicial_status in JUDICIAL_DECIDED:
            raise WrongState("人民法院已作出裁定，司法确认情况不能再更改。")
        if status == JudicialStatus.NOT_APPLIED:
            if agreement.judicial_status == JudicialStatus.APPLIED:
                raise WrongState("已登记申请司法确认，请登记人民法院的裁定结果。")
            applied, decided, court = None, None, ""
            summary = "登记：当事人未申请司法确认"
        else:
            court = require_text("court", court, "人民法院", MAX_COURT)
            applied = _day("applied_on", applied_on, "申请日期", signed_on, "协议生效日期")
            decided = None
            if status in JUDICIAL_DECIDED:
                decided = _day("decided_on", decided_on, "裁定日期", applied, "申请日期")
            elif decided_on is not None:
                raise fail("decided_on", "尚未裁定的，请不要填写裁定日期。")
            summary = f"登记司法确认：{JudicialStatus(status).label}（{court}）"
        agreement.judicial_status = status
        agreement.judicial_applied_on = applied
        agreement.judicial_decided_on = decided
        agreement.judicial_court = court
        agreement.judicial_note = note
        bump(agreement)
        record(
            dossier,
            actor,
            "judicial",
            f"{agreement.label}：{summary}",
            {
                "agreement": agreement.pk,
                "status": status,
                "applied_on": applied.isoformat() if applied else "",
                "decided_on": decided.isoformat() if decided else "",
                "court": court,
                "note": note,
            },
        )
    return agreement


def performance_record(
    *,
    actor: User,
    obligation_id: int,
    expected_version: int | None,
    outcome: str,
    on: datetime.date | None,
    note: str = "",
    performed_on: datetime.date | None = None,
) -> Obligation:
    """登记履行情况 of one obligation, as checked on a day (``on``): performed in full — on ``performed_on``
    (default: the day checked), on time or late by that day against its deadline —, partly (it stays
    pending), or not performed. ``expected_version`` is the agreement's."""
    choice("outcome", outcome, PerformanceOutcome, "履行情况")
    note = optional_text("note", note, "说明", MAX_NOTE)
    if outcome != PerformanceOutcome.DONE and not note:
        raise fail("note", "部分履行或未履行的，请说明具体情况。")
    agreement_id = (
        selectors.obligations_for(actor)
        .filter(pk=obligation_id)
        .values_list("agreement_id", flat=True)
        .first()
    )
    if agreement_id is None:
        raise OutOfScope
    with agreement_locked(actor, agreement_id, expected_version) as (_matter, dossier, agreement):
        signed_on = _require_in_force(agreement)
        ob = Obligation.objects.select_related("party").get(pk=obligation_id)
        if ob.status in (ObligationStatus.DONE, ObligationStatus.LATE):
            raise WrongState("该义务已登记履行完毕。")
        day = _day("on", on, "核实日期", signed_on, "协议生效日期")
        done_day = day
        if outcome == PerformanceOutcome.DONE and performed_on is not None:
            done_day = _day("performed_on", performed_on, "履行日期", signed_on, "协议生效日期")
            if done_day > day:
                raise fail("performed_on", "履行日期不能晚于核实日期。")
        Performance.objects.create(
            obligation=ob, outcome=outcome, on=day, note=note, recorded_by=actor, recorded_at=clock.now()
        )
        if outcome == PerformanceOutcome.DONE:
            ob.status = ObligationStatus.DONE if done_day <= ob.deadline else ObligationStatus.LATE
            ob.done_on = done_day
        elif outcome == PerformanceOutcome.NOT_DONE:
            ob.status = ObligationStatus.NOT_DONE
        else:
            ob.status = ObligationStatus.PENDING
        ob.save(update_fields=["status", "done_on"])
        bump(agreement)
        record(
            dossier,
            actor,
            "perform",
            f"{agreement.label} 第 {ob.position + 1} 项义务（{ob.party}）：{ob.get_status_display()}"
            + ("" if outcome != PerformanceOutcome.PARTLY else "（部分履行）"),
            {
                "agreement": agreement.pk,
                "obligation": ob.pk,
                "outcome": outcome,
                "on": day.isoformat(),
                "performed_on": done_day.isoformat() if outcome == PerformanceOutcome.DONE else "",
                "note": note,
            },
        )
    return ob
