"""The petition office's writes around the annual report: make a proposal (art. 40: 改进工作建议 /
追责问责建议), record the organ's written answer (采纳 / 部分采纳 / 不采纳), save the report's foreword.

Each is one transaction that writes its row and an ``AnnualEvent``. A refused call changes nothing: the
checks run before anything is written. Someone else's change in between is a ``Conflict`` (the page shows
the conflict with what was typed kept); a bad value a ``ValidationError`` naming the field in Chinese.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from daiban.accounts.models import User
from daiban.annual import selectors
from daiban.annual.models import (
    AnnualEvent,
    AnnualEventKind,
    AnnualReport,
    AnswerOutcome,
    Proposal,
    ProposalKind,
)
from daiban.core import clock
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope
from daiban.network.jurisdiction import units_for
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Region

__all__ = ["foreword_save", "proposal_answer", "proposal_make"]

MAX_TEXT = 4000
MAX_FOREWORD = 8000


def _check_writer(actor: User, region: Region) -> None:
    """404 for a level the actor may not read; NotAllowed for one they may read but not write."""
    if not selectors.can_read(actor) or not selectors.report_regions(actor).filter(pk=region.pk).exists():
        raise OutOfScope
    if not selectors.can_write(actor, region):
        raise NotAllowed(selectors.NOT_WRITER)


def _text(field: str, value: str, label: str, limit: int, *, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ValidationError({field: [f"{label}：请填写。"]})
    if len(value) > limit:
        raise ValidationError({field: [f"{label}：最多 {limit} 字（现 {len(value)} 字）。"]})
    return value


def _year(year: int) -> int:
    if not selectors.FIRST_YEAR <= year <= selectors.LAST_YEAR:
        raise ValidationError(
            {"year": [f"年度：请填写 {selectors.FIRST_YEAR}—{selectors.LAST_YEAR} 之间的年份。"]}
        )
    return year


def _event(
    region: Region,
    year: int,
    actor: User,
    kind: AnnualEventKind,
    summary: str,
    details: dict[str, Any],
    proposal: Proposal | None = None,
) -> None:
    AnnualEvent.objects.create(
        region=region,
        year=year,
        proposal=proposal,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary[:200],
        details=details,
    )


def proposal_make(
    *,
    actor: User,
    region: Region,
    year: int,
    kind: str,
    text: str,
    unit: ResponsibleUnit | None = None,
    organ: str = "",
) -> Proposal:
    """提出建议 (art. 40): the level's petition office proposes to one organ — a unit of its network
    (``unit``, within the actor's grant) or another organ named in words (``organ``) — to improve its
    work or to hold someone accountable."""
    _check_writer(actor, region)
    year = _year(year)
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": ["建议类型：请选择改进工作建议或追责问责建议。"]})
    text = _text("text", text, "建议内容", MAX_TEXT)
    organ = _text("organ", organ, "其他机关名称", 80, required=False)
    if unit is not None and organ:
        raise ValidationError({"organ": ["建议对象：已选择事权单位时不再填写其他机关名称。"]})
    if unit is None and not organ:
        raise ValidationError({"unit": ["建议对象：请选择事权单位，或填写其他机关名称。"]})
    if unit is not None and not units_for(actor).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": [f"建议对象：“{unit}”不在本级管辖范围内。"]})
    with transaction.atomic():
        proposal = Proposal.objects.create(
            region=region,
            year=year,
            unit=unit,
            organ=organ,
            kind=kind,
            text=text,
            made_by=actor,
            made_at=clock.now(),
        )
        _event(
            region,
            year,
            actor,
            AnnualEventKind.PROPOSAL_MADE,
            f"向{proposal.organ_name}提出{proposal.get_kind_display()}",
            {"proposal": proposal.pk, "kind": kind, "unit": unit.pk if unit else None, "organ": organ},
            proposal,
        )
    return proposal


def proposal_answer(
    *,
    actor: User,
    proposal_id: int,
    expected_version: int | None,
    outcome: str,
    answer_text: str,
    answered_on: datetime.date,
) -> Proposal:
    """登记书面答复 (art. 40): the organ's written answer — adopted, partly adopted or not, what it said and
    when. Recorded again (a corrected answer) it replaces the earlier one; each time is an event."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None:
            raise OutOfScope
        _check_writer(actor, proposal.region)
        if expected_version is not None and proposal.version != expected_version:
            raise Conflict
        if outcome not in AnswerOutcome.values:
            raise ValidationError({"outcome": ["答复结果：请选择采纳、部分采纳或不采纳。"]})
        answer_text = _text("answer_text", answer_text, "答复内容", MAX_TEXT)
        today = clock.today()
        if answered_on > today:
            raise ValidationError({"answered_on": ["答复日期：不能晚于今天。"]})
        if answered_on < timezone.localdate(proposal.made_at):
            raise ValidationError({"answered_on": ["答复日期：不能早于提出建议的日期。"]})
        corrected = bool(proposal.outcome)
        proposal.outcome = outcome
        proposal.answer_text = answer_text
        proposal.answered_on = answered_on
        proposal.answer_recorded_by = actor
        proposal.answer_recorded_at = clock.now()
        proposal.version += 1
        proposal.save()
        _event(
            proposal.region,
            proposal.year,
            actor,
            AnnualEventKind.PROPOSAL_ANSWERED,
            f"{proposal.organ_name}书面答复：{proposal.get_outcome_display()}"
            + ("（更正）" if corrected else ""),
            {"proposal": proposal.pk, "outcome": outcome, "answered_on": answered_on.isoformat()},
            proposal,
        )
    return proposal


def foreword_save(
    *, actor: User, region: Region, year: int, foreword: str, expected_version: int | None
) -> AnnualReport:
    """修改报告前言: the words the office puts before the figures of its annual report. ``expected_version``
    is the version the form was loaded with (0 when there was no foreword yet)."""
    _check_writer(actor, region)
    year = _year(year)
    foreword = _text("foreword", foreword, "报告前言", MAX_FOREWORD, required=False)
    try:
        return _foreword_save(actor, region, year, foreword, expected_version)
    except IntegrityError as exc:  # two first forewords at once: the second is told, as for a conflict
        raise Conflict from exc


def _foreword_save(
    actor: User, region: Region, year: int, foreword: str, expected_version: int | None
) -> AnnualReport:
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(region=region, year=year).first()
        current = report.version if report is not None else 0
        if expected_version is not None and expected_version != current:
            raise Conflict
        now = clock.now()
        if report is None:
            report = AnnualReport(region=region, year=year)
        report.foreword = foreword
        report.updated_by = actor
        report.updated_at = now
        report.version = current + 1
        report.save()
        _event(
            region,
            year,
            actor,
            AnnualEventKind.FOREWORD_SAVED,
            f"修改{year}年度工作报告前言",
            {"length": len(foreword)},
        )
    return report
