"""Who may record a hearing (听证) on a matter, and when — the one rule behind the button and the action."""

from __future__ import annotations

from daiban.accounts.models import User
from daiban.matters import rules
from daiban.matters.choices import Purpose, Status
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter


def record_hearing(actor: User, m: Matter) -> None:
    """听证记录: the handling (lead) unit's handler on a 申诉求决 matter it is handling (art. 31(6)), or the
    re-examination organ's handler while it re-examines (art. 36; ``matters.rules.hearing``)."""
    if m.status == Status.HANDLING:
        rules.require_lead_handler(actor, m)
        if m.purpose != Purpose.APPEAL:
            raise WrongState("只有申诉求决类事项可以组织听证（《信访工作条例》第三十一条）。")
    elif m.status == Status.REEXAM:
        rules.hearing(actor, m)
    else:
        raise WrongState(f"事项当前状态为“{m.get_status_display()}”，只有在单位办理中或复核中才能记录听证。")
