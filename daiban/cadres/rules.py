"""Who may notify the organisation (personnel) department of an accusation about a cadre (art. 30), and
who may read the notices: the discipline channel only. Shared by the action and its button."""

from __future__ import annotations

from daiban.accounts.models import Role, User
from daiban.matters.choices import ACTIVE_TASK_STATUSES
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter
from daiban.network.jurisdiction import scope_path
from daiban.network.models import UnitDomain


def is_discipline_handler(user: User) -> bool:
    """A handler of a discipline unit (纪委监委)."""
    return (
        user.role == Role.UNIT_HANDLER
        and user.unit_id is not None
        and user.unit is not None
        and user.unit.domain == UnitDomain.DISCIPLINE
    )


def handles_accusation(user: User, m: Matter) -> bool:
    """The discipline channel of this accusation: a 纪检 supervisor whose scope holds it (the caller fetched
    it through ``matters_for``), or a handler of a discipline unit with an active task on it."""
    if scope_path(user) is None:
        return False
    if user.role == Role.SUPERVISOR:
        return True
    return is_discipline_handler(user) and any(
        t.unit_id == user.unit_id and t.status in ACTIVE_TASK_STATUSES for t in m.tasks.all()
    )


def notify(actor: User, m: Matter) -> None:
    if not m.is_accusation:
        raise WrongState("只有检举控告类事项才通报组织（人事）部门。")
    if not handles_accusation(actor, m):
        raise NotAllowed("只有办理检举控告的纪检监察机关可以通报组织（人事）部门。")
