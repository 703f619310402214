"""The agent's answer for a likely repeat shown for a matter: 确认为重复信访 (link) or 不是重复 (declare new),
and 并入原事项 (merge, 并案) of a linked repeat.

Keyword-only, taking the actor, atomic. Linking counts the visit on the earlier matter through the matters
action ``matter_repeat_confirm`` (its event, its counter: what 重复信访率 reads), writes the 确认为重复信访
event on the later matter (saying whether it was 越级, ADR 0040) and records the answer here, in one
transaction; declaring new changes no matter and is recorded here only, so it is not asked again. A pair is
answered once: a second answer is refused and changes nothing. Locks: the later matter first, then the
earlier one, in every action here (no deadlock between a link and a merge)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters import actions as matter_actions
from daiban.matters.actions.base import close_matter, fail, locked, record, require_text
from daiban.matters.choices import ClosureKind, EventKind
from daiban.matters.errors import NotAllowed, OutOfScope
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.repeats import rules
from daiban.repeats.models import DecisionKind, RepeatDecision

MAX_REASON = 500

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
    if matter.closure_kind == ClosureKind.MERGED:
        raise NotAllowed("本事项已并入原事项（并案），不再确认重复信访。")
    return matter, candidate


def repeat_link(*, actor: User, matter_id: int, candidate_id: int, reason: str = "") -> RepeatDecision:
    """确认为重复信访: ``matter_id`` repeats the earlier ``candidate_id``; the earlier matter counts one more
    repeat visit (one event, written on it)."""
    try:
        with transaction.atomic():
            _check(actor, matter_id, candidate_id)
            with locked(actor, matter_id, None) as matter:
                earlier_event = matter_actions.matter_repeat_confirm(
                    actor=actor, matter_id=candidate_id, repeat_matter_id=matter.pk
                )
                candidate = earlier_event.matter
                skip = rules.is_skip_level(candidate, matter)
                record(
                    matter,
                    actor,
                    EventKind.REPEAT_LINK,
                    f"经确认为事项 {candidate.number} 的重复信访（《信访工作条例》第十九条）"
                    + ("；原事项在下级办理中，本次为越级反映" if skip else ""),
                    {
                        "earlier_matter": candidate.number,
                        "earlier_matter_id": candidate.pk,
                        "skip_level": skip,
                        "article": "第十九条",
                    },
                    refresh_due=False,
                )
                return RepeatDecision.objects.create(
                    matter=matter,
                    candidate=candidate,
                    kind=DecisionKind.LINK,
                    reason=reason[:80],
                    actor=actor,
                    at=clock.now(),
                    skip_level=skip,
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


def repeat_merge(
    *, actor: User, matter_id: int, expected_version: int | None, into: int, reason: str
) -> Matter:
    """并入原事项 (并案): the new matter ``matter_id``, confirmed as a repeat of the earlier ``into``, is
    closed as 并案 and shown on the earlier matter's page; nothing of it is deleted (petitioners, content,
    attachments stay on it). One event on each matter. The repeat visit was already counted on the earlier
    matter when the link was confirmed: merging does not count it again. Both matters in the actor's scope
    (else ``OutOfScope``: 404)."""
    with locked(actor, matter_id, expected_version) as m:
        rules.merge(actor, m)
        reason = require_text("reason", reason, "并案理由", MAX_REASON)
        if not rules.merge_targets(actor, m).filter(pk=into).exists():
            if not matters_for(actor).filter(pk=into).exists():
                raise OutOfScope
            raise fail("into", "只能并入已确认本事项为其重复信访、且尚未并入其他事项的原事项。")
        decision = RepeatDecision.objects.select_for_update().get(
            matter_id=m.pk, candidate_id=into, kind=DecisionKind.LINK
        )
        earlier = Matter.objects.select_for_update().get(pk=into)
        if earlier.closure_kind == ClosureKind.MERGED:  # merged elsewhere while we waited for its lock
            raise fail("into", "原事项刚刚并入了其他事项，请刷新后并入该事项。")
        before = m.status
        close_matter(m, ClosureKind.MERGED, resolved=False)
        event = record(
            m,
            actor,
            EventKind.MERGE,
            f"并入原事项 {earlier.number}（并案），本事项办结，信访人的诉求在原事项中一并办理",
            {"reason": reason, "into": earlier.number, "into_id": earlier.pk},
            status_before=before,
        )
        record(
            earlier,
            actor,
            EventKind.MERGE_RECEIVE,
            f"事项 {m.number} 并入本事项（并案），其信访人、反映内容和附件在该事项中保留",
            {"reason": reason, "merged": m.number, "merged_id": m.pk},
            refresh_due=False,
        )
        decision.merged_at = event.at
        decision.merge_reason = reason
        decision.save(update_fields=["merged_at", "merge_reason"])
    return m
