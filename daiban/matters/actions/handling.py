"""Handling (办理): mediation, extension, and the written opinion that ends it (arts. 32–34)."""

from __future__ import annotations

import datetime

from daiban.accounts.models import AGENT_ROLES, User
from daiban.core import clock
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.choices import ContactMethod, EventKind, Outcome, Status, Step, TaskStatus
from daiban.matters.models import Matter, Mediation, Opinion
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Region

__all__ = ["matter_extend", "matter_mediate", "matter_reply", "matter_reply_local"]


def matter_mediate(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    participants: str,
    terms: str,
    performance_manner: str,
    performance_deadline: datetime.date | None,
    signed: bool,
) -> Matter:
    """调解: who took part, what was agreed, how and by when it is performed, and whether all signed."""
    participants = require_text("participants", participants, "参加调解人员")
    terms = require_text("terms", terms, "协议内容")
    performance_manner = require_text("performance_manner", performance_manner, "履行方式", 200)
    if performance_deadline is None:
        raise fail("performance_deadline", "请填写履行期限。")
    with locked(actor, matter_id, expected_version) as m:
        rules.mediate(actor, m)
        if performance_deadline < clock.today():
            raise fail("performance_deadline", "履行期限不能早于今天。")
        Mediation.objects.create(
            matter=m,
            mediated_at=clock.now(),
            mediator=actor,
            participants=participants,
            terms=terms,
            performance_manner=performance_manner,
            performance_deadline=performance_deadline,
            signed=signed,
        )
        record(
            m,
            actor,
            EventKind.MEDIATE,
            "组织调解，" + ("各方已签订调解协议" if signed else "未达成签字协议"),
            {"participants": participants, "terms": terms, "signed": signed},
        )
    return m


def matter_extend(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    days: int,
    approver: str,
    reason: str,
    notified_how: str,
) -> Matter:
    """延期: at most the configured days more (30, art. 34), approved by the unit head, the petitioner
    told why."""
    approver = require_text("approver", approver, "批准人", 32)
    reason = require_text("reason", reason, "延期理由")
    choice("notified_how", notified_how, ContactMethod, "告知信访人方式")
    with locked(actor, matter_id, expected_version) as m:
        rules.extend(actor, m)
        cap = deadlines.extension_cap()
        if days < 1 or m.extended_days + days > cap:
            raise fail("days", f"延期合计不能超过 {cap} 日（已延期 {m.extended_days} 日）。")
        clock_row = m.deadlines.get(step=Step.HANDLING, is_open=True)
        m.extended_days += days
        deadlines.adjust_clock(clock_row, extra_days=m.extended_days)
        record(
            m,
            actor,
            EventKind.EXTEND,
            f"延期 {days} 日（批准人：{approver}），已{ContactMethod(notified_how).label}告知信访人",
            {"days": days, "approver": approver, "reason": reason, "notified_how": notified_how},
        )
    return m


def opinion_fields(outcome: str, facts: str, reasons: str, basis: str) -> dict[str, str]:
    """The parts of a written opinion (处理/复查/复核意见书), each required and named in its error."""
    return {
        "outcome": choice("outcome", outcome, Outcome, "处理结果"),
        "facts": require_text("facts", facts, "查明的事实"),
        "reasons": require_text("reasons", reasons, "理由"),
        "basis": require_text("basis", basis, "依据"),
    }


def issue_opinion(
    m: Matter, actor: User, *, stage: str, unit: ResponsibleUnit | None, written: dict[str, str]
) -> Opinion:
    return Opinion.objects.create(
        matter=m, stage=stage, unit=unit, issued_at=clock.now(), issued_by=actor, **written
    )


def _follow_up_holder(m: Matter) -> Region | None:
    """Who carries a reply back: the responsible agent's own level, or (when the responsible person is a
    leader or the city) the centre of the county where the matter arose."""
    agent = m.responsible_agent
    if agent.role in AGENT_ROLES and agent.region is not None:
        return agent.region
    codes = m.region.ancestor_codes
    return Region.objects.filter(code=codes[1]).first() if len(codes) > 1 else m.region


def to_reply(m: Matter, *, review_window: str | None) -> None:
    """After a written opinion: back to the first-contact level for feedback and follow-up.

    ``review_window`` names the time limit for asking the next instance (``review_request`` after a
    handling opinion, ``reexam_request`` after a review opinion), or None when there is none. It is kept
    on the opinion just issued: the window opens only when its service (送达) is recorded, counted from
    the day the petitioner received it (arts. 35–36; ``actions.service.matter_serve``). Until then the
    matter is 待送达 and no review can be asked."""
    today = clock.today()
    m.status = Status.REPLIED
    m.replied_at = clock.now()
    m.feedback_at = None
    m.service_satisfaction = ""
    m.unit_satisfaction = ""
    m.holder_unit = None
    back_to = _follow_up_holder(m)
    m.holder_region = back_to
    m.holder_path = back_to.path if back_to else ""
    m.review_window_until = None
    if review_window:
        latest = m.opinions.order_by("-id").first()
        assert latest is not None, "to_reply follows a written opinion"
        latest.review_limit = review_window
        latest.save(update_fields=["review_limit"])
    deadlines.open_clock(m, Step.FOLLOW_UP, today)


def matter_reply(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
) -> Matter:
    """处理意见书: the lead unit's written opinion (支持/解释说明/不予支持) with facts, reasons and basis,
    after collecting every co-unit's part."""
    written = opinion_fields(outcome, facts, reasons, basis)
    with locked(actor, matter_id, expected_version) as m:
        rules.reply(actor, m)
        lead = rules.require_lead_handler(actor, m)
        before = m.status
        issue_opinion(m, actor, stage="handling", unit=lead.unit, written=written)
        m.tasks.filter(status__in=[TaskStatus.ACCEPTED, TaskStatus.PART_SUBMITTED]).update(
            status=TaskStatus.DONE
        )
        deadlines.close_clocks(m)
        to_reply(m, review_window="review_request")
        record(
            m,
            actor,
            EventKind.REPLY,
            f"{lead.unit}出具处理意见书：{Outcome(outcome).label}",
            {"outcome": outcome},
            status_before=before,
        )
    return m


def matter_reply_local(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    outcome: str,
    facts: str,
    reasons: str,
    basis: str,
) -> Matter:
    """就地办结答复: the village or township that solved the matter itself records the answer."""
    written = opinion_fields(outcome, facts, reasons, basis)
    with locked(actor, matter_id, expected_version) as m:
        rules.reply_local(actor, m)
        before = m.status
        issue_opinion(m, actor, stage="local", unit=None, written=written)
        holder_label = m.holder_label
        deadlines.close_clocks(m)
        to_reply(m, review_window=None)
        record(
            m,
            actor,
            EventKind.REPLY_LOCAL,
            f"{holder_label}就地办理答复：{Outcome(outcome).label}",
            {"outcome": outcome},
            status_before=before,
        )
    return m
