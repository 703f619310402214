"""Triage at the level holding a matter: answer at once, handle locally, pass up or down, guide to the
legal channel, or refuse to accept (信访工作条例 arts. 21–23, 31)."""

from __future__ import annotations

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import deadlines, rules
from daiban.matters.actions.base import choice, close_matter, fail, locked, record, require_text
from daiban.matters.choices import ClosureKind, EventKind, LegalChannel, NotAcceptedReason, Status, Step
from daiban.matters.models import Matter
from daiban.network import jurisdiction
from daiban.regions.models import Region

__all__ = [
    "matter_answer",
    "matter_escalate",
    "matter_guide_legal",
    "matter_hand_down",
    "matter_not_accept",
    "matter_start_local",
]


def matter_answer(*, actor: User, matter_id: int, expected_version: int | None, answer: str) -> Matter:
    """即时答复: consultations, requests for help and suggestions answered on the spot and closed."""
    answer = require_text("answer", answer, "答复内容")
    with locked(actor, matter_id, expected_version) as m:
        rules.answer(actor, m)
        before = m.status
        close_matter(m, ClosureKind.ANSWERED, resolved=True)
        record(m, actor, EventKind.ANSWER, "即时答复并办结", {"answer": answer}, status_before=before)
    return m


def matter_start_local(
    *, actor: User, matter_id: int, expected_version: int | None, note: str = "", simple: bool = False
) -> Matter:
    """小事不出村: the holding village or township takes the matter on itself; with ``simple`` by the
    simplified procedure (简易办理, 10 working days instead of 60 days)."""
    with locked(actor, matter_id, expected_version) as m:
        rules.start_local(actor, m)
        if simple and deadlines.limit_length(Step.SIMPLIFIED) is None:
            raise fail("simple", "简易办理期限已停用，请管理员在“法定时限”中启用后再选择。")
        before = m.status
        m.status = Status.LOCAL
        m.simple_procedure = simple
        # Taken on here: the routing clock is met; the handling limit (60 days, art. 34, or the simplified
        # one) now runs.
        deadlines.close_clocks(m, steps=[Step.ROUTE])
        deadlines.open_clock(m, Step.SIMPLIFIED if simple else Step.HANDLING, clock.today())
        record(
            m,
            actor,
            EventKind.START_LOCAL,
            f"由{m.holder_label}就地办理" + ("（简易办理）" if simple else ""),
            {"note": note.strip(), "simple": simple},
            status_before=before,
        )
    return m


def matter_escalate(*, actor: User, matter_id: int, expected_version: int | None, note: str) -> Matter:
    """上报: pass the matter up one level (village → township → county → city)."""
    note = require_text("note", note, "上报说明")
    with locked(actor, matter_id, expected_version) as m:
        rules.escalate(actor, m)
        holder = m.holder_region
        assert holder is not None and holder.parent is not None
        before, from_label = m.status, m.holder_label
        m.status = Status.REGISTERED
        m.holder_region = holder.parent
        m.holder_path = holder.parent.path
        record(
            m,
            actor,
            EventKind.ESCALATE,
            f"由{from_label}上报至{m.holder_label}",
            {"note": note},
            status_before=before,
        )
    return m


def matter_hand_down(
    *, actor: User, matter_id: int, expected_version: int | None, to_region: Region, note: str
) -> Matter:
    """交由下级办理: a level above hands the matter down to the level below on the way to where it arose."""
    note = require_text("note", note, "交办说明")
    with locked(actor, matter_id, expected_version) as m:
        rules.hand_down(actor, m)
        assert m.holder_region_id is not None
        if (
            not jurisdiction.hand_down_targets(m.holder_region_id, m.region_path)
            .filter(pk=to_region.pk)
            .exists()
        ):
            raise fail("to_region", "只能交由事项发生地所在的下一级代办机构办理。")
        before, from_label = m.status, m.holder_label
        m.status = Status.REGISTERED
        m.holder_region = to_region
        m.holder_path = to_region.path
        record(
            m,
            actor,
            EventKind.HAND_DOWN,
            f"由{from_label}交由{m.holder_label}办理",
            {"note": note},
            status_before=before,
        )
    return m


def matter_guide_legal(
    *, actor: User, matter_id: int, expected_version: int | None, legal_channel: str, guidance: str
) -> Matter:
    """诉访分离: matters for litigation, arbitration, reconsideration... are guided there and closed."""
    choice("legal_channel", legal_channel, LegalChannel, "法定途径")
    guidance = require_text("guidance", guidance, "引导说明")
    with locked(actor, matter_id, expected_version) as m:
        rules.guide_legal(actor, m)
        before = m.status
        close_matter(m, ClosureKind.GUIDED, resolved=False)
        record(
            m,
            actor,
            EventKind.GUIDE_LEGAL,
            f"引导通过{LegalChannel(legal_channel).label}途径解决",
            {"legal_channel": legal_channel, "guidance": guidance},
            status_before=before,
        )
    return m


def matter_not_accept(
    *, actor: User, matter_id: int, expected_version: int | None, reason_kind: str, reason: str
) -> Matter:
    """不予受理, with the reason (including: already re-examined, same facts — art. 36)."""
    choice("reason_kind", reason_kind, NotAcceptedReason, "不予受理理由")
    reason = require_text("reason", reason, "不予受理说明")
    with locked(actor, matter_id, expected_version) as m:
        rules.not_accept(actor, m)
        before = m.status
        close_matter(m, ClosureKind.NOT_ACCEPTED, resolved=False)
        record(
            m,
            actor,
            EventKind.NOT_ACCEPT,
            f"不予受理：{NotAcceptedReason(reason_kind).label}",
            {"reason_kind": reason_kind, "reason": reason},
            status_before=before,
        )
    return m
