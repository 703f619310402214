"""重复信访 confirmed after intake: a later matter is recognised as a repeat of an earlier one (art. 19).

An app built around matters (``daiban.repeats``) finds the likely repeats; the agent confirms one, and the
earlier matter counts the visit here — the same counter the art. 19 question at intake raises, and the one
the statistics read (重复信访率)."""

from __future__ import annotations

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.actions.base import fail, locked, record
from daiban.matters.choices import EventKind
from daiban.matters.errors import NotAllowed, OutOfScope
from daiban.matters.models import Event
from daiban.matters.selectors import matters_for

__all__ = ["matter_repeat_confirm"]


def matter_repeat_confirm(*, actor: User, matter_id: int, repeat_matter_id: int) -> Event:
    """The earlier matter ``matter_id`` gets one more repeat visit: the later matter ``repeat_matter_id``
    brought the same problem again. Both must be in the actor's scope (else ``OutOfScope``); an accusation
    is never joined to another matter. Returns the event written on the earlier matter."""
    if actor.role not in AGENT_ROLES and actor.role != Role.LEADER:
        raise NotAllowed("只有代办机构工作人员或接访领导可以确认重复信访。")
    with locked(actor, matter_id, None) as earlier:
        later = matters_for(actor).filter(pk=repeat_matter_id).first()
        if later is None:
            raise OutOfScope
        if later.pk == earlier.pk:
            raise fail("candidate", "不能把事项确认为它自己的重复信访。")
        if earlier.is_accusation or later.is_accusation:
            raise NotAllowed("检举控告事项不与其他事项关联。")
        if later.received_at < earlier.received_at:
            raise fail("candidate", "重复信访只能关联到更早登记的事项。")
        earlier.repeat_visits += 1
        return record(
            earlier,
            actor,
            EventKind.REPEAT_VISIT,
            f"事项 {later.number} 经确认为本事项的重复信访（《信访工作条例》第十九条）",
            {"repeat_matter": later.number, "repeat_matter_id": later.pk, "article": "第十九条"},
            refresh_due=False,
        )
