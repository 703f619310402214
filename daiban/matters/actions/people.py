"""Who carries a matter: 包案 leaders, 回避 (art. 28), and 催办/督办 pushes on whoever holds it."""

from __future__ import annotations

from collections.abc import Sequence

from daiban.accounts.models import Role, User
from daiban.core import clock
from daiban.matters import rules
from daiban.matters.actions.base import fail, locked, record, require_text
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter, Recusal
from daiban.network import jurisdiction

__all__ = ["matter_assign_leaders", "matter_press", "matter_recuse"]


def matter_assign_leaders(
    *, actor: User, matter_id: int, expected_version: int | None, leaders: Sequence[User]
) -> Matter:
    """包案 / 双包案: one or two leaders take personal charge."""
    if not 1 <= len(leaders) <= 2 or len({u.pk for u in leaders}) != len(leaders):
        raise fail("leaders", "请选择一至两名包案领导。")
    with locked(actor, matter_id, expected_version) as m:
        rules.assign_leaders(actor, m)
        previous = list(m.leaders.values_list("pk", flat=True))
        for leader in leaders:
            if not jurisdiction.is_case_leader(leader, m.region_path):
                raise fail("leaders", f"“{leader}”不是该地区的包案领导。")
        m.leaders.set(leaders)
        names = "、".join(str(u) for u in leaders)
        record(
            m,
            actor,
            EventKind.ASSIGN_LEADERS,
            ("双包案" if len(leaders) == 2 else "包案") + f"领导：{names}",
            {"leaders": [u.pk for u in leaders], "previous": previous},
        )
    return m


def matter_recuse(
    *, actor: User, matter_id: int, expected_version: int | None, reason: str, replacement: User
) -> Matter:
    """回避 (art. 28): a handler with a direct interest declares it and is replaced by a colleague."""
    reason = require_text("reason", reason, "利害关系说明")
    with locked(actor, matter_id, expected_version) as m:
        rules.recuse(actor, m)
        if (
            replacement.pk == actor.pk
            or replacement.role != actor.role
            or replacement.region_id != actor.region_id
            or replacement.unit_id != actor.unit_id
            or not replacement.is_active
        ):
            raise fail("replacement", "接替人须是与您同一岗位、同一机构的其他在岗人员。")
        if Recusal.objects.filter(matter=m, user=replacement).exists():
            raise fail("replacement", "接替人也已就本事项回避。")
        Recusal.objects.create(
            matter=m, user=actor, replacement=replacement, reason=reason, declared_at=clock.now()
        )
        if m.responsible_agent_id == actor.pk:
            m.responsible_agent = replacement
        if m.leaders.filter(pk=actor.pk).exists():
            m.leaders.remove(actor)
            m.leaders.add(replacement)
        record(
            m,
            actor,
            EventKind.RECUSE,
            f"{actor}申请回避，由{replacement}接替",
            {"replacement": replacement.pk, "reason": reason},
        )
    return m


def matter_press(*, actor: User, matter_id: int, expected_version: int | None, note: str) -> Matter:
    """催办 (agents, leaders) or 督办 (discipline supervisors): a recorded push on the current holder."""
    note = require_text("note", note, "催办（督办）意见")
    with locked(actor, matter_id, expected_version) as m:
        rules.press(actor, m)
        supervise = actor.role == Role.SUPERVISOR
        label = "督办" if supervise else "催办"
        record(
            m,
            actor,
            EventKind.PRESS,
            f"{actor}{label}：{m.holder_label}",
            {"note": note, "supervise": supervise},
        )
    return m
