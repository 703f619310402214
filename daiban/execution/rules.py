"""Who may list support items and record their execution, on which matter (each raises ``NotAllowed`` or
``WrongState``; the buttons on the matter page ask the same rules, so a button is shown exactly when the
action would accept)."""

from __future__ import annotations

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.execution.models import UNEXECUTED_STATUSES, SupportItem
from daiban.matters.choices import Outcome
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter, Opinion
from daiban.network.models import ResponsibleUnit


def current_opinion(matter: Matter) -> Opinion | None:
    """The matter's opinion in force: the last one issued (a review or re-examination replaces the
    handling opinion)."""
    return (
        Opinion.objects.filter(matter_id=matter.pk)
        .select_related("unit", "issued_by")
        .order_by("-issued_at", "-id")
        .first()
    )


def is_issuer(user: User, opinion: Opinion) -> bool:
    """The organ that issued ``opinion``: the handlers of its unit, or — for an opinion given on the spot
    by a network office (就地办理, no unit) — the agents of that office."""
    if opinion.unit_id is not None:
        return user.role == Role.UNIT_HANDLER and user.unit_id == opinion.unit_id
    return (
        user.role in AGENT_ROLES
        and user.region_id is not None
        and user.region_id == opinion.issued_by.region_id
    )


def may_record(user: User, item: SupportItem, opinion: Opinion) -> bool:
    """The responsible unit's handler, or the issuing organ (always; the only one for an item whose
    responsible party is named in words)."""
    if item.unit_id is not None and user.role == Role.UNIT_HANDLER and user.unit_id == item.unit_id:
        return True
    return is_issuer(user, opinion)


def support_items(user: User, matter: Matter) -> Opinion:
    """列明支持事项: the matter's opinion in force is 支持, and the user is of the organ that issued it."""
    opinion = current_opinion(matter)
    if opinion is None or opinion.outcome != Outcome.SUPPORT:
        raise WrongState("本事项没有处理结果为“支持”的意见书，无需列明支持事项。")
    if not is_issuer(user, opinion):
        raise NotAllowed("只有出具支持意见的单位（机构）可以列明支持事项。")
    return opinion


def recordable(user: User, matter: Matter) -> list[SupportItem]:
    """The matter's items not yet fully carried out that ``user`` may record, by due date."""
    items = list(
        SupportItem.objects.filter(matter_id=matter.pk, status__in=UNEXECUTED_STATUSES)
        .select_related("opinion", "opinion__issued_by", "unit")
        .order_by("due_date", "id")
    )
    return [i for i in items if may_record(user, i, i.opinion)]


def execution(user: User, matter: Matter) -> None:
    """登记落实情况: an item of the matter not yet fully carried out that the user answers for."""
    if not SupportItem.objects.filter(matter_id=matter.pk, status__in=UNEXECUTED_STATUSES).exists():
        raise WrongState("本事项没有待落实的支持事项。")
    if not recordable(user, matter):
        raise NotAllowed("只有落实单位的经办人或出具支持意见的单位可以登记落实情况。")


def responsible_units(matter: Matter, opinion: Opinion) -> list[ResponsibleUnit]:
    """Units an item may name: the units the matter was assigned to (主办、协办) and the issuing unit —
    the ones whose handlers can open the matter to record execution. Anyone else is named in words."""
    ids = set(matter.tasks.values_list("unit_id", flat=True))
    if opinion.unit_id is not None:
        ids.add(opinion.unit_id)
    return list(ResponsibleUnit.objects.filter(pk__in=ids).order_by("name", "id"))
