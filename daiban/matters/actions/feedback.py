"""Back to the petitioner: feedback (反馈), follow-up (回访) and closing (办结, 案结事了)."""

from __future__ import annotations

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import rules
from daiban.matters.actions.base import choice, close_matter, fail, locked, record, require_text
from daiban.matters.choices import ClosureKind, ContactMethod, EventKind, Satisfaction
from daiban.matters.models import Matter

__all__ = ["matter_close", "matter_feedback", "matter_follow_up"]


def matter_feedback(
    *, actor: User, matter_id: int, expected_version: int | None, method: str, note: str
) -> Matter:
    """反馈: the agent explains the result to the petitioner (when, how, by whom)."""
    choice("method", method, ContactMethod, "反馈方式")
    note = require_text("note", note, "反馈情况")
    with locked(actor, matter_id, expected_version) as m:
        rules.feedback(actor, m)
        m.feedback_at = clock.now()
        record(
            m,
            actor,
            EventKind.FEEDBACK,
            f"{actor}以{ContactMethod(method).label}方式向信访人反馈办理结果",
            {"method": method, "note": note},
        )
    return m


def matter_follow_up(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    service_satisfaction: str,
    unit_satisfaction: str,
    method: str,
    note: str = "",
) -> Matter:
    """回访: satisfaction recorded separately for the proxy service and for the unit."""
    choice("service_satisfaction", service_satisfaction, Satisfaction, "对代办服务的评价")
    choice("unit_satisfaction", unit_satisfaction, Satisfaction, "对办理单位的评价")
    choice("method", method, ContactMethod, "回访方式")
    with locked(actor, matter_id, expected_version) as m:
        rules.follow_up(actor, m)
        m.service_satisfaction = service_satisfaction
        m.unit_satisfaction = unit_satisfaction
        record(
            m,
            actor,
            EventKind.FOLLOW_UP,
            f"回访：代办服务{Satisfaction(service_satisfaction).label}，办理单位{Satisfaction(unit_satisfaction).label}",
            {
                "method": method,
                "note": note.strip(),
                "service": service_satisfaction,
                "unit": unit_satisfaction,
            },
        )
    return m


def matter_close(
    *, actor: User, matter_id: int, expected_version: int | None, resolved: bool, note: str = ""
) -> Matter:
    """案结事了: closed after feedback and follow-up; whether it was resolved (化解) is recorded apart."""
    if not isinstance(resolved, bool):
        # Closed and resolved are separate statistics: closing must say yes or no, never "unknown".
        raise fail("resolved", "请选择矛盾是否已化解。")
    with locked(actor, matter_id, expected_version) as m:
        rules.close(actor, m)
        before = m.status
        close_matter(m, ClosureKind.HANDLED, resolved=resolved)
        record(
            m,
            actor,
            EventKind.CLOSE,
            "办结，" + ("矛盾已化解" if resolved else "未化解"),
            {"resolved": resolved, "note": note.strip()},
            status_before=before,
        )
    return m
