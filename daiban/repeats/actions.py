"""The agent's answer for a likely repeat shown for a matter: 确认为重复信访 (link) or 不是重复 (declare new).

Keyword-only, taking the actor, atomic. Linking counts the visit on the earlier matter through the matters
action ``matter_repeat_confirm`` (its event, its counter: what 重复信访率 reads) and records the answer here
in the same transaction; declaring new changes no matter and is recorded here only, so it is not asked
again. A pair is answered once: a second answer is refused and changes nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters import actions as matter_actions
from daiban.matters.actions.base import fail
from daiban.matters.errors import NotAllowed, OutOfScope
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.repeats.models import DecisionKind, RepeatDecision

ANSWERED = "已就该事项作出确认，不能重复确认。"


def _check(actor: User, matter_id: int, candidate_id: int) -> tuple[Matter, Matter]:
    visible = matters_for(actor)
    matter = visible.filter(pk=matter_id).first()
    candidate = visible.filter(pk=candidate_id).first()
    if matter is None or candidate is None:
        raise OutOfScope
    if actor.role not in AGENT_ROLES and actor.role != Role.LEADER:
        raise NotAllowed("只有代办机构工作人员或接访领导可以确认重复信访。")
    if RepeatDecision.objects.filter(matter=matter, candidate=candidate).exists():
        raise NotAllowed(ANSWERED)
    return matter, candidate


def repeat_link(*, actor: User, matter_id: int, candidate_id: int, reason: str = "") -> RepeatDecision:
    """确认为重复信访: ``matter_id`` repeats the earlier ``candidate_id``; the earlier matter counts one more
    repeat visit (one event, written on it)."""
    try:
        with transaction.atomic():
            matter, candidate = _check(actor, matter_id, candidate_id)
            matter_actions.matter_repeat_confirm(
                actor=actor, matter_id=candidate.pk, repeat_matter_id=matter.pk
            )
            return RepeatDecision.objects.create(
                matter=matter,
                candidate=candidate,
                kind=DecisionKind.LINK,
                reason=reason[:80],
                actor=actor,
                at=clock.now(),
            )
    except IntegrityError as exc:  # the same pair answered at the same moment by someone else
        raise NotAllowed(ANSWERED) from exc


def repeat_declare_new(*, actor: User, matter_id: int, candidate_id: int, reason: str = "") -> RepeatDecision:
    """不是重复信访: the agent says ``matter_id`` is a new problem, not a repeat of ``candidate_id``."""
    try:
        with transaction.atomic():
            matter, candidate = _check(actor, matter_id, candidate_id)
            if candidate.received_at >= matter.received_at:
                raise fail("candidate", "只能就更早登记的事项作出确认。")
            return RepeatDecision.objects.create(
                matter=matter,
                candidate=candidate,
                kind=DecisionKind.NEW,
                reason=reason[:80],
                actor=actor,
                at=clock.now(),
            )
    except IntegrityError as exc:
        raise NotAllowed(ANSWERED) from exc
