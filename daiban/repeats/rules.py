"""Who may merge a repeat into its earlier matter (并案), and when; and when a linked repeat is 越级.
One check shared by the action and its button (``daiban.matters.workflow`` calls the same rule)."""

from __future__ import annotations

from django.db.models import QuerySet

from daiban.accounts.models import User
from daiban.matters import rules as matter_rules
from daiban.matters.choices import ClosureKind, Status
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.regions.models import Level
from daiban.repeats.models import DecisionKind, RepeatDecision

# 并案 is a triage decision: only before the matter is routed to a unit (交办) and before anyone answered it.
# 已登记待分流 and 属地办理中 without a reply; a routed matter has unit tasks, statute clocks and opinions
# of its own, and goes on under its own procedure (ADR 0029, 0040).
MERGEABLE = (Status.REGISTERED, Status.LOCAL)
# 越级 is counted for registrations at these levels (the rule of bypass_q: the county centre or the city).
UPPER_LEVELS = (Level.COUNTY, Level.CITY)

_TARGETS = "_repeats_merge_targets"


def merge_targets(user: User, m: Matter) -> QuerySet[Matter]:
    """The earlier matters ``m`` was linked to as a repeat that ``user`` may see and that were not themselves
    merged into another (a chain is merged into its end instead)."""
    linked = RepeatDecision.objects.filter(matter_id=m.pk, kind=DecisionKind.LINK).values("candidate_id")
    return (
        matters_for(user)
        .filter(pk__in=linked)
        .exclude(closure_kind=ClosureKind.MERGED)
        .select_related("region")
        .order_by("-received_at", "-id")
    )


def _has_targets(user: User, m: Matter) -> bool:
    key = (user.pk, m.pk)
    cached = m.__dict__.get(_TARGETS)
    if cached is None or cached[0] != key:
        cached = (key, merge_targets(user, m).exists())
        m.__dict__[_TARGETS] = cached
    return bool(cached[1])


def merge(actor: User, m: Matter) -> None:
    """并入原事项: by the agent holding the new matter, while it is neither routed nor answered, once it
    has been confirmed as a repeat of an earlier matter the agent may see."""
    matter_rules.require_holder(actor, m)
    matter_rules.require_not_accusation(m)
    matter_rules.require_status(m, *MERGEABLE)
    if m.replied_at is not None or m.tasks.exists():
        raise WrongState("该事项已经答复或交办，不能再并案，请按其自身程序办理。")
    if not _has_targets(actor, m):
        raise WrongState("请先在“可能的重复信访”中确认本事项是哪一件事项的重复信访，再并入该事项。")


def _level_of_earlier(earlier: Matter) -> int | None:
    """The level holding the earlier matter: its holding organisation, or — routed to a unit — the level
    that routed it."""
    if earlier.holder_region_id is not None:
        return int(earlier.holder_region.level)  # type: ignore[union-attr]
    task = earlier.tasks.select_related("sent_from").order_by("id").first()
    return int(task.sent_from.level) if task is not None else None


def is_skip_level(earlier: Matter, later: Matter) -> bool:
    """越级 (ADR 0040): the earlier matter was still in handling when the later one was received (art. 19:
    a matter in handling brought again to a superior organ), and the later one was registered at the county
    centre or the city, strictly above the level holding the earlier matter."""
    if earlier.closed_at is not None and earlier.closed_at <= later.received_at:
        return False
    region = later.received_by.region
    if region is None or region.level not in UPPER_LEVELS:
        return False
    held = _level_of_earlier(earlier)
    return held is not None and int(region.level) < held
