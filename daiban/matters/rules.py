"""Who may take which action in which state: one check per action, shared by the action and its button.

Each rule takes the actor, the matter (and, for actions on a unit task, the task) and returns nothing
when the action may be taken, or raises ``NotAllowed`` (the actor's post may not) or ``WrongState`` (not
at this step) with the message the person sees. The action calls its rule inside its lock, before it
validates the input; ``daiban.matters.workflow`` calls the same rule to decide whether to show the
button, so a button is shown exactly when the action would accept.

Rules read related rows through ``.all()`` so that the matter page (which prefetches them) costs no query
per button, while an action (holding a freshly locked row) reads them from the database. Scope is not a
rule: the caller has already fetched the matter through ``matters_for``.
"""

from __future__ import annotations

import datetime

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.core import clock
from daiban.matters import deadlines
from daiban.matters.choices import ANSWERABLE_AT_ONCE, ReviewKind, Status, Step, TaskRole, TaskStatus
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter, Opinion, Review, UnitTask
from daiban.network import jurisdiction
from daiban.regions import geometry
from daiban.regions.models import Level

# Staff who act for the level holding a matter: the three network levels, and the city petition bureau
# for the hardest cases the county passes up (its administrators hold no agent role but must route them).
HOLDER_ROLES = frozenset({*AGENT_ROLES, Role.CITY_ADMIN})
# Who may name the 包案 leaders: the stations and centres (and the city) at or above the holder.
LEADER_ASSIGNERS = frozenset({Role.COUNTY_STAFF, Role.CITY_ADMIN, Role.TOWNSHIP_STAFF})
ACTIVE_TASK = frozenset(
    {TaskStatus.ASSIGNED, TaskStatus.OBJECTION_PENDING, TaskStatus.ACCEPTED, TaskStatus.PART_SUBMITTED}
)

# ---------------------------------------------------------------------------------------------- pieces


def is_holder(actor: User, m: Matter) -> bool:
    """The actor works at the network level currently holding the matter."""
    return actor.role in HOLDER_ROLES and m.holder_unit_id is None and m.holder_region_id == actor.region_id


def require_holder(actor: User, m: Matter) -> None:
    if actor.role not in HOLDER_ROLES:
        raise NotAllowed("只有代办机构工作人员可以办理此操作。")
    if m.holder_unit_id is not None or m.holder_region_id != actor.region_id:
        raise NotAllowed("该事项当前不在您所在的代办机构，不能办理此操作。")


def require_agent(actor: User) -> None:
    if actor.role not in AGENT_ROLES:
        raise NotAllowed("只有代办机构工作人员可以办理此操作。")


def require_status(m: Matter, *allowed: Status) -> None:
    if m.status not in allowed:
        raise WrongState(f"事项当前状态为“{m.get_status_display()}”，不能办理此操作。")


def require_not_accusation(m: Matter) -> None:
    if m.is_accusation:
        raise WrongState("检举控告类事项只能上报或交纪检监察机关办理，不能在代办网络内处理，以保护检举人。")


def lead_task(m: Matter) -> UnitTask | None:
    """The lead unit's task that is waiting or running (an objected lead is replaced when re-routed)."""
    return next(
        (
            t
            for t in m.tasks.all()
            if t.role == TaskRole.LEAD and t.status in (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED)
        ),
        None,
    )


def require_lead_handler(actor: User, m: Matter) -> UnitTask:
    task = lead_task(m)
    if actor.role != Role.UNIT_HANDLER or task is None or task.unit_id != actor.unit_id:
        raise NotAllowed("只有主办单位经办人可以办理此操作。")
    if task.status != TaskStatus.ACCEPTED:
        raise WrongState("主办单位尚未受理该事项。")
    return task


def pending_co_tasks(m: Matter) -> list[UnitTask]:
    """Co-units whose part is still owed (an objection not yet decided leaves it owed)."""
    return [
        t
        for t in m.tasks.all()
        if t.role == TaskRole.CO
        and t.status in (TaskStatus.ASSIGNED, TaskStatus.OBJECTION_PENDING, TaskStatus.ACCEPTED)
    ]


def require_network_agent(actor: User, m: Matter) -> None:
    """The responsible agent, or staff of a network level at or above where the matter is held."""
    require_agent(actor)
    if actor.pk != m.responsible_agent_id and not jurisdiction.within_region(actor, m.holder_path):
        raise NotAllowed("只有责任代办员或所在代办机构可以办理此操作。")


def require_task_handler(actor: User, task: UnitTask) -> None:
    if actor.role != Role.UNIT_HANDLER or task.unit_id != actor.unit_id:
        raise NotAllowed("只有被交办单位的经办人可以办理此操作。")


def current_review(actor: User, m: Matter) -> Review:
    kind = ReviewKind.REVIEW if m.status == Status.REVIEW else ReviewKind.REEXAM
    review = next(r for r in m.reviews.all() if r.kind == kind)
    if actor.role != Role.UNIT_HANDLER or actor.unit_id != review.unit_id:
        raise NotAllowed(f"只有{review.unit}的经办人可以办理{ReviewKind(kind).label}。")
    return review


def is_involved(actor: User, m: Matter) -> bool:
    """Handles this matter personally: its responsible agent, one of its leaders, a handler of a unit
    with an active task or review, or staff of the network level holding it."""
    if actor.pk == m.responsible_agent_id or any(u.pk == actor.pk for u in m.leaders.all()):
        return True
    if actor.role == Role.UNIT_HANDLER and actor.unit_id:
        return m.holder_unit_id == actor.unit_id or any(
            t.unit_id == actor.unit_id and t.status in ACTIVE_TASK for t in m.tasks.all()
        )
    return is_holder(actor, m)


def has_colleague(actor: User) -> bool:
    """Recusal needs someone in the same post to take over."""
    return (
        User.objects.filter(role=actor.role, region=actor.region, unit=actor.unit, is_active=True)
        .exclude(pk=actor.pk)
        .exists()
    )


def open_handling_clock(m: Matter) -> datetime.date | None:
    row = next((d for d in m.deadlines.all() if d.step == Step.HANDLING and d.is_open), None)
    return row.due_date if row is not None else None


def latest_opinion(m: Matter) -> Opinion | None:
    """The written opinion issued last (处理意见书, 就地答复, 复查/复核意见书), or None."""
    return max(m.opinions.all(), key=lambda o: o.pk, default=None)


def awaiting_service(m: Matter) -> Opinion | None:
    """The opinion whose service (送达) is still to be recorded — the latest one, when it opens a review
    window — or None. Only a replied or closed matter can have one."""
    if m.status not in (Status.REPLIED, Status.CLOSED):
        return None
    opinion = latest_opinion(m)
    return opinion if opinion is not None and opinion.awaiting_service else None


def objection_window(task: UnitTask) -> datetime.date | None:
    row = next((d for d in task.deadlines.all() if d.step == Step.OBJECTION), None)
    return row.due_date if row is not None else None


# ---------------------------------------------------------------------------------------------- triage


def answer(actor: User, m: Matter) -> None:
    require_holder(actor, m)
    require_status(m, Status.REGISTERED, Status.LOCAL)
    if m.purpose not in ANSWERABLE_AT_ONCE:
        raise WrongState("只有咨询、求助、建议意见类事项可以即时答复办结。")


def start_local(actor: User, m: Matter) -> None:
    require_holder(actor, m)
    require_status(m, Status.REGISTERED)
    if m.is_accusation:
        raise WrongState("检举控告类事项只能转纪检监察机关办理。")


def escalate(actor: User, m: Matter) -> None:
    require_holder(actor, m)
    require_status(m, Status.REGISTERED, Status.LOCAL)
    if m.holder_region is None or m.holder_region.parent_id is None:
        raise WrongState("已是最高层级，不能再上报。")


def hand_down(actor: User, m: Matter) -> None:
    require_holder(actor, m)
    require_not_accusation(m)
    require_status(m, Status.REGISTERED, Status.LOCAL)
    if not geometry.strictly_contains(m.holder_path, m.region_path):
        raise WrongState("事项发生地就在本级，没有可以交办的下一级代办机构。")


def guide_legal(actor: User, m: Matter) -> None:
    require_holder(actor, m)
    require_not_accusation(m)
    require_status(m, Status.REGISTERED, Status.LOCAL)


not_accept = guide_legal


# ---------------------------------------------------------------------------------------------- routing


def route(actor: User, m: Matter) -> None:
    """转送交办: the county centre (or the city) to its units, a township station to its own township's
    units (jurisdiction.routable_units); a village point escalates. A level with no unit to route to (a
    township without units, or no discipline unit for an accusation) is told to escalate: the button
    would lead to an empty form."""
    require_holder(actor, m)
    require_status(m, Status.REGISTERED, Status.LOCAL)
    holder = m.holder_region
    if holder is None or holder.level > Level.TOWNSHIP:
        raise WrongState("代办点不能直接交办事权单位，请上报乡镇（街道）代办站或县级代办中心。")
    if not jurisdiction.routable_units(actor, holder.path, accusation=m.is_accusation).exists():
        if m.is_accusation:
            raise WrongState("没有可以交办的纪检监察机关，请上报。")
        raise WrongState("本级没有可以交办的事权单位，请上报县级代办中心。")


def accept(actor: User, m: Matter, task: UnitTask) -> None:
    """A unit whose objection is still undecided may accept after all: that withdraws the objection."""
    require_task_handler(actor, task)
    if task.status not in (TaskStatus.ASSIGNED, TaskStatus.OBJECTION_PENDING):
        raise WrongState("该交办任务已受理或已退回。")


def object_(actor: User, m: Matter, task: UnitTask) -> None:
    """One objection per task, within the 5-working-day window; it waits for the routing level."""
    require_task_handler(actor, task)
    if task.status == TaskStatus.OBJECTION_PENDING:
        raise WrongState(f"已提出异议，正等待{task.sent_from_label}决定。")
    if task.status != TaskStatus.ASSIGNED:
        raise WrongState("只有尚未受理的交办任务可以提出异议。")
    if task.objection_refusal:
        raise WrongState("交办机构已不同意本单位的异议，请按交办要求办理。")
    window = objection_window(task)
    if window is None or clock.today() > window:
        raise WrongState("已超过 5 个工作日的异议期限，请按交办要求办理。")


def decide_objection(actor: User, m: Matter, task: UnitTask) -> None:
    """同意 / 不同意异议: staff of the level that routed the task (its sent_from) decide a pending
    objection (art. 23: an objection takes effect only once the sending office has verified and agreed).
    The objecting unit never decides its own objection."""
    if actor.role not in HOLDER_ROLES or actor.region_id != task.sent_from_id:
        raise NotAllowed("只有交办该事项的代办机构可以决定异议。")
    if task.status != TaskStatus.OBJECTION_PENDING:
        raise WrongState("该交办任务没有待决定的异议。")


def submit_part(actor: User, m: Matter, task: UnitTask) -> None:
    require_task_handler(actor, task)
    require_status(m, Status.HANDLING)
    if task.role != TaskRole.CO or task.status != TaskStatus.ACCEPTED:
        raise WrongState("只有已受理的协办任务可以报送协办意见。")


# ---------------------------------------------------------------------------------------------- handling


def mediate(actor: User, m: Matter) -> None:
    require_status(m, Status.HANDLING, Status.LOCAL)
    if m.status == Status.HANDLING:
        require_lead_handler(actor, m)
    else:
        require_holder(actor, m)


def extend(actor: User, m: Matter) -> None:
    require_status(m, Status.HANDLING)
    require_lead_handler(actor, m)
    if m.simple_procedure:
        raise WrongState("简易办理的事项不能延期。")
    cap = deadlines.extension_cap()
    if m.extended_days >= cap:
        raise WrongState(f"已延期 {m.extended_days} 日，达到延期上限 {cap} 日。")
    due = open_handling_clock(m)
    if due is None:
        raise WrongState("没有正在计时的办理期限。")
    if clock.today() > due:
        raise WrongState("办理期限已过，不能再申请延期。")


def reply(actor: User, m: Matter) -> None:
    require_status(m, Status.HANDLING)
    require_lead_handler(actor, m)
    pending = pending_co_tasks(m)
    if pending:
        names = "、".join(
            f"{t.unit}（异议待{t.sent_from_label}决定）"
            if t.status == TaskStatus.OBJECTION_PENDING
            else str(t.unit)
            for t in pending
        )
        raise WrongState(f"协办单位尚未报送意见：{names}。")


def reply_local(actor: User, m: Matter) -> None:
    require_holder(actor, m)
    require_status(m, Status.LOCAL)


# ---------------------------------------------------------------------------------------------- feedback


def _carrying_back(actor: User, m: Matter) -> None:
    """The reply is being carried back to the petitioner by the network."""
    require_network_agent(actor, m)
    require_status(m, Status.REPLIED)


def feedback(actor: User, m: Matter) -> None:
    _carrying_back(actor, m)
    if m.feedback_at is not None:
        raise WrongState("已向信访人反馈办理结果，请进行回访。")


def follow_up(actor: User, m: Matter) -> None:
    _carrying_back(actor, m)
    if m.feedback_at is None:
        raise WrongState("请先向信访人反馈办理结果，再进行回访。")
    if m.service_satisfaction:
        raise WrongState("已完成回访，可以办结。")


def close(actor: User, m: Matter) -> None:
    _carrying_back(actor, m)
    if not m.service_satisfaction:
        raise WrongState("请先完成回访并记录满意度，再办结。")


# ---------------------------------------------------------------------------------------------- review


def request_review(actor: User, m: Matter) -> None:
    """A review (复查) or re-examination (复核) can still be asked for; which one and when is input."""
    require_agent(actor)
    require_status(m, Status.REPLIED, Status.CLOSED)
    if m.is_final:
        raise WrongState("该事项已经复核，同一事实和理由不再受理。")
    if m.review_window_until is None:
        if awaiting_service(m) is not None:
            raise WrongState(
                "书面答复尚未登记送达：申请期限自信访人收到书面答复之日起计算，请先登记送达，再登记复查（复核）申请。"
            )
        raise WrongState("该事项没有可申请复查（复核）的书面处理意见。")
    kinds = {r.kind: r for r in m.reviews.all()}
    if kinds and not (
        ReviewKind.REVIEW in kinds and ReviewKind.REEXAM not in kinds and kinds[ReviewKind.REVIEW].decided_at
    ):
        raise WrongState("复查尚未办结，或已申请过复核。")


def request_review_offered(actor: User, m: Matter) -> bool:
    """The button waits for the window, which opens when the written reply's service (送达) is recorded:
    a request dated inside it may still be recorded later."""
    return m.review_window_until is not None and clock.today() <= m.review_window_until


def serve(actor: User, m: Matter) -> None:
    """登记送达: the day and manner in which the written reply that opens a review window (a handling
    opinion, a review opinion) reached the petitioner; the window counts from that day (arts. 35–36).
    Recorded by whoever carries it back — the responsible agent or staff at or above the level holding
    the replied matter (as for 反馈) — or by a handler of the unit that issued it (e.g. by post). Also on
    a closed matter, so that a reply never recorded as served can still open the petitioner's window."""
    opinion = awaiting_service(m)
    issuer = (
        opinion is not None
        and opinion.unit_id is not None
        and actor.role == Role.UNIT_HANDLER
        and actor.unit_id == opinion.unit_id
    )
    if not issuer:
        require_network_agent(actor, m)
    if opinion is None:
        raise WrongState("没有待送达的书面答复（处理意见书、复查意见书），或已登记送达。")


def hearing(actor: User, m: Matter) -> None:
    require_status(m, Status.REEXAM)
    current_review(actor, m)


def decide_review(actor: User, m: Matter) -> None:
    require_status(m, Status.REVIEW, Status.REEXAM)
    current_review(actor, m)


# ---------------------------------------------------------------------------------------------- people


def assign_leaders(actor: User, m: Matter) -> None:
    if actor.role not in LEADER_ASSIGNERS or not jurisdiction.at_or_above_holder(
        actor, m.holder_path, m.region_path, m.holder_unit_id is not None
    ):
        raise NotAllowed("只有事项当前所在或更高层级的代办站、代办中心可以确定包案领导。")
    if m.status == Status.CLOSED:
        raise WrongState("事项已办结。")


def recuse(actor: User, m: Matter) -> None:
    if m.status == Status.CLOSED:
        # A closed matter changes only through a review request; nobody is handling it to step back.
        raise WrongState("事项已办结，无需申请回避。")
    if not is_involved(actor, m):
        raise NotAllowed(
            "只有承办本事项的人员（责任代办员、包案领导、交办单位经办人、当前承办机构人员）需要申请回避。"
        )


def recuse_offered(actor: User, m: Matter) -> bool:
    """Without a colleague in the same post nobody could take over, so the button is not shown."""
    return has_colleague(actor)


def reissue_code(actor: User, m: Matter) -> None:
    """重新生成查询码: the network's own staff, who hand the code out (the matter page shows it to them
    only), in any state — a closed matter is still looked up and rated."""
    if actor.role not in HOLDER_ROLES:
        raise NotAllowed("只有代办机构工作人员可以重新生成查询码。")


def press(actor: User, m: Matter) -> None:
    """催办 / 督办 pushes whoever holds the matter; nobody presses themselves."""
    if actor.role == Role.UNIT_HANDLER:
        raise NotAllowed("事权单位不能催办。")
    require_status(m, *[s for s in Status if s != Status.CLOSED])
    if is_holder(actor, m):
        raise WrongState("事项正由您所在的代办机构办理，无需催办。")


# ---------------------------------------------------------------------------------------------- files


def acts_on(actor: User, m: Matter) -> bool:
    """Acts on this matter, and so may add files to it (a signed opinion, a photo of the site): staff of
    the network levels along its path that may see it (scope is checked by the caller), a handler of a
    unit with an active task on it, holding it for review, or whose opinion it was just replied with, its
    包案 leaders and the leader who took it in. A supervisor watches and adds nothing."""
    if actor.role in HOLDER_ROLES:
        return True
    if actor.role == Role.LEADER:
        return actor.pk == m.received_by_id or any(u.pk == actor.pk for u in m.leaders.all())
    if actor.role == Role.UNIT_HANDLER and actor.unit_id:
        if m.holder_unit_id == actor.unit_id or any(
            t.unit_id == actor.unit_id and t.status in ACTIVE_TASK for t in m.tasks.all()
        ):
            return True
        latest = latest_opinion(m) if m.status == Status.REPLIED else None
        return latest is not None and latest.unit_id == actor.unit_id
    return False


def attach(actor: User, m: Matter) -> None:
    """上传附件 after intake: whoever acts on the matter, while it is open (a closed matter changes only
    through a review request)."""
    if not acts_on(actor, m):
        raise NotAllowed("只有承办本事项的人员（沿途代办机构、在办交办单位、包案领导）可以上传附件。")
    if m.status == Status.CLOSED:
        raise WrongState("事项已办结，不能再上传附件。")
