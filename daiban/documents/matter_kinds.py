"""The written instruments that come from the matter itself, registered at start-up (``wiring``).

Each kind's ``data`` gives plain values (strings, lists, dicts) that its template renders and that are
frozen into the document when it is issued. Every kind's data has the matter's common part (``_base``):

``matter_number``, ``title``, ``content``, ``request``, ``received_on`` (2026年11月2日), ``region_name`` (新城区
东街街道 苏雅拉社区), ``category``, ``purpose``, ``petitioners`` (list of {name, id_masked, phone_masked,
address, representative}), ``petitioner_names`` (张三、李四), ``recipient`` (whom it is addressed and served
to), ``agent_name``, ``agent_office``, ``office_phone``, ``office_address``, ``office_hours``.

ID and phone numbers appear masked only (150102********1234): a document is handed out and printed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings

from daiban.accounts.models import Role, User
from daiban.documents import kinds
from daiban.documents.common import base_data, cn_date, region_issuer, unit_issuer, user_office
from daiban.documents.kinds import Issuer, Kind, Source
from daiban.matters import rules
from daiban.matters.actions.service import matter_serve
from daiban.matters.choices import (
    ContactMethod,
    EventKind,
    LegalChannel,
    NotAcceptedReason,
    Outcome,
    Satisfaction,
    Step,
    TaskRole,
)
from daiban.matters.errors import ActionError
from daiban.matters.models import Event, Matter, Opinion, Review, UnitTask, office_label
from daiban.workcal import calendar as workcal

_base = base_data


# The records that kinds are issued for, read once for a matter instance however many kinds ask (the
# matter page lists every kind's sources): its tasks with their units, its opinions, and the events that
# documents answer.
_SOURCE_EVENTS = [
    EventKind.START_LOCAL,
    EventKind.NOT_ACCEPT,
    EventKind.GUIDE_LEGAL,
    EventKind.EXTEND,
    EventKind.FOLLOW_UP,
]


def _memo(m: Matter) -> dict[str, Any]:
    cached = kinds.cache(m)
    memo: dict[str, Any] | None = cached.get("matter_kinds") if cached is not None else None
    if memo is None:
        memo = {
            "tasks": list(m.tasks.select_related("unit__region", "sent_from").order_by("assigned_at", "id")),
            "opinions": list(
                m.opinions.select_related("unit__region", "issued_by__region").order_by("issued_at", "id")
            ),
            "events": list(
                m.events.filter(kind__in=_SOURCE_EVENTS)
                .select_related("actor__region", "actor__unit__region")
                .order_by("seq")
            ),
        }
        if cached is not None:
            cached["matter_kinds"] = memo
    return memo


def _events(m: Matter, *kinds_: str) -> list[Event]:
    return [e for e in _memo(m)["events"] if e.kind in kinds_]


def _task(m: Matter, source_key: str) -> UnitTask:
    pk = _pk(source_key, "task")
    found = next((t for t in _memo(m)["tasks"] if t.pk == pk), None)
    if found is None:
        raise UnitTask.DoesNotExist(source_key)
    return found


def _event(m: Matter, source_key: str) -> Event:
    pk = _pk(source_key, "event")
    found = next((e for e in _memo(m)["events"] if e.pk == pk), None)
    if found is None:
        raise Event.DoesNotExist(source_key)
    return found


def _opinion(m: Matter, source_key: str) -> Opinion:
    pk = _pk(source_key, "opinion")
    found = next((o for o in _memo(m)["opinions"] if o.pk == pk), None)
    if found is None:
        raise Opinion.DoesNotExist(source_key)
    return found


def _pk(source_key: str, prefix: str) -> int:
    head, _, tail = source_key.partition(":")
    if head != prefix or not tail.isdigit():
        raise ValueError(source_key)
    return int(tail)


def _limit_text(key: str) -> str:
    try:
        spec = workcal.time_limit(key)
    except workcal.TimeLimitError:
        return ""
    return f"{spec.length}个{workcal.TimeUnit(spec.unit).label}"


def _handling_due(m: Matter) -> dict[str, str]:
    row = next(
        (d for d in m.deadlines.all() if d.step in (Step.HANDLING, Step.SIMPLIFIED) and d.is_open), None
    )
    if row is None:
        row = m.deadlines.filter(step__in=[Step.HANDLING, Step.SIMPLIFIED]).order_by("-id").first()
    if row is None:
        return {"due_on": "", "due_explanation": ""}
    return {"due_on": cn_date(row.due_date), "due_explanation": row.explanation}


def _network_staff(user: User) -> bool:
    return user.role in (Role.VILLAGE_AGENT, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_ADMIN)


# ------------------------------------------------------------------------------------------ 代办委托书


def _entrustment_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    data["scope"] = [
        "代为向有权处理的机关、单位反映本人的诉求，并提交有关材料；",
        "跟踪了解办理进度，催促有关单位在法定期限内办理；",
        "代为接收并及时转交处理意见书、复查（复核）意见书等书面答复；",
        "协助本人依法申请复查、复核，或引导通过法定途径解决；",
        "陪同本人参加调解、听证、见面会等活动。",
    ]
    return data


def _entrustment_signers(data: dict[str, Any]) -> list[str]:
    people = data.get("petitioners") or []
    reps = [p for p in people if p.get("representative")] if len(people) > 1 else people
    return [f"委托人 {p['name']}" for p in (reps or people[:1])]


# ------------------------------------------------------------------------------------------ 受理回执


def _receipt_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    data["lookup_code"] = m.lookup_code
    data["lookup_url"] = f"{settings.PUBLIC_BASE_URL}/lookup/"
    data["qr_url"] = f"{settings.PUBLIC_BASE_URL}/lookup/?number={m.number}"
    current = next((d for d in m.deadlines.all() if d.is_open), None)
    data["current_due"] = cn_date(current.due_date) if current else ""
    data["current_step"] = current.get_step_display() if current else ""
    return data


# ------------------------------------------------------------------------------------------ 受理告知书


def _acceptance_sources(m: Matter) -> list[Source]:
    tasks = [t for t in _memo(m)["tasks"] if t.role == TaskRole.LEAD and t.accepted_at is not None]
    out = [Source(f"task:{t.pk}", f"{t.unit.name}受理（{cn_date(t.accepted_at)}）") for t in tasks]
    for e in _events(m, EventKind.START_LOCAL):
        out.append(Source(f"event:{e.pk}", f"就地办理（{cn_date(e.at)}）"))
    return out


def _acceptance_issuer(m: Matter, source_key: str) -> Issuer:
    if source_key.startswith("task:"):
        return unit_issuer(_task(m, source_key).unit)
    return region_issuer(user_office(_event(m, source_key).actor, m.region))


def _acceptance_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    if source_key.startswith("task:"):
        task = UnitTask.objects.select_related("unit").get(pk=_pk(source_key, "task"), matter=m)
        data["handler"] = task.unit.name
        data["accepted_on"] = cn_date(task.accepted_at)
        data["notice_method"] = ContactMethod(task.notice_method).label if task.notice_method else ""
    else:
        event = Event.objects.select_related("actor__region").get(pk=_pk(source_key, "event"), matter=m)
        data["handler"] = office_label(user_office(event.actor, m.region))
        data["accepted_on"] = cn_date(event.at)
        data["notice_method"] = ""
    data["simple_procedure"] = m.simple_procedure
    data["limit"] = _limit_text(Step.SIMPLIFIED if m.simple_procedure else Step.HANDLING)
    data.update(_handling_due(m))
    return data


def _unit_or_network(user: User, m: Matter, source_key: str) -> bool:
    if source_key.startswith("task:") and user.role == Role.UNIT_HANDLER:
        task = UnitTask.objects.filter(pk=_pk(source_key, "task")).first()
        return task is not None and task.unit_id == user.unit_id
    if source_key.startswith("opinion:") and user.role == Role.UNIT_HANDLER:
        op = Opinion.objects.filter(pk=_pk(source_key, "opinion")).first()
        return op is not None and op.unit_id == user.unit_id
    if source_key.startswith("event:") and user.role == Role.UNIT_HANDLER:
        # A unit's own record (its extension): the unit whose handler made it.
        event = Event.objects.select_related("actor").filter(pk=_pk(source_key, "event"), matter=m).first()
        return event is not None and event.actor.unit_id is not None and event.actor.unit_id == user.unit_id
    return _network_staff(user) or user.role == Role.LEADER


# ------------------------------------------------------------------------------------------ 不予受理告知书


def _not_accepted_sources(m: Matter) -> list[Source]:
    rows = _events(m, EventKind.NOT_ACCEPT, EventKind.GUIDE_LEGAL)
    return [Source(f"event:{e.pk}", f"{e.summary}（{cn_date(e.at)}）") for e in rows]


def _event_issuer(m: Matter, source_key: str) -> Issuer:
    return region_issuer(user_office(_event(m, source_key).actor, m.region))


def _not_accepted_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    event = Event.objects.get(pk=_pk(source_key, "event"), matter=m)
    details = event.details or {}
    data["decided_on"] = cn_date(event.at)
    if event.kind == EventKind.GUIDE_LEGAL:
        channel = str(details.get("legal_channel", ""))
        data["reason_kind"] = "依法应当通过诉讼、仲裁、行政复议等法定途径解决"
        data["legal_channel"] = LegalChannel(channel).label if channel in LegalChannel.values else ""
        data["reason"] = str(details.get("guidance", ""))
    else:
        kind = str(details.get("reason_kind", ""))
        data["reason_kind"] = NotAcceptedReason(kind).label if kind in NotAcceptedReason.values else ""
        data["legal_channel"] = ""
        data["reason"] = str(details.get("reason", ""))
    return data


# ------------------------------------------------------------------------------------------ 交办单


def _assignment_sources(m: Matter) -> list[Source]:
    return [
        Source(f"task:{t.pk}", f"{t.unit.name}（{t.get_role_display()}，{cn_date(t.assigned_at)}）")
        for t in _memo(m)["tasks"]
    ]


def _assignment_issuer(m: Matter, source_key: str) -> Issuer:
    return region_issuer(_task(m, source_key).sent_from)


def _assignment_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    task = UnitTask.objects.select_related("unit").get(pk=_pk(source_key, "task"), matter=m)
    data["recipient"] = task.unit.name
    data["unit"] = task.unit.name
    data["role"] = task.get_role_display()
    data["instructions"] = task.instructions
    data["assigned_on"] = cn_date(task.assigned_at)
    data["co_units"] = [
        t.unit.name for t in m.tasks.select_related("unit").all() if t.pk != task.pk and t.role == TaskRole.CO
    ]
    accept = task.deadlines.filter(step=Step.ACCEPT_NOTICE).order_by("-id").first()
    data["accept_due"] = cn_date(accept.due_date) if accept else ""
    data["limit"] = _limit_text(Step.SIMPLIFIED if m.simple_procedure else Step.HANDLING)
    return data


def _sender_may(user: User, m: Matter, source_key: str) -> bool:
    return _network_staff(user)


# ------------------------------------------------------------------------------------------ 延期告知书


def _extension_sources(m: Matter) -> list[Source]:
    rows = _events(m, EventKind.EXTEND)
    return [Source(f"event:{e.pk}", f"延期 {e.details.get('days', '')} 日（{cn_date(e.at)}）") for e in rows]


def _extension_issuer(m: Matter, source_key: str) -> Issuer:
    event = _event(m, source_key)
    if event.actor.role == Role.UNIT_HANDLER and event.actor.unit is not None:
        return unit_issuer(event.actor.unit)
    return region_issuer(user_office(event.actor, m.region))


def _extension_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    event = Event.objects.get(pk=_pk(source_key, "event"), matter=m)
    details = event.details or {}
    data["decided_on"] = cn_date(event.at)
    data["days"] = details.get("days", "")
    data["reason"] = str(details.get("reason", ""))
    data["approver"] = str(details.get("approver", ""))
    data.update(_handling_due(m))
    return data


# ------------------------------------------------------------------------------------------ 意见书

_STAGES = {"handling": "处理意见书", "local": "处理意见书", "review": "复查意见书", "reexam": "复核意见书"}
_NEXT = {"review_request": "复查", "reexam_request": "复核"}


def _opinion_sources(stages: tuple[str, ...]) -> Callable[[Matter], list[Source]]:
    def sources(m: Matter) -> list[Source]:
        rows = [o for o in _memo(m)["opinions"] if o.stage in stages]
        return [
            Source(
                f"opinion:{o.pk}",
                f"{o.unit.name if o.unit else '代办机构'}：{o.get_outcome_display()}（{cn_date(o.issued_at)}）",
            )
            for o in rows
        ]

    return sources


def _opinion_issuer(m: Matter, source_key: str) -> Issuer:
    op = _opinion(m, source_key)
    if op.unit is not None:
        return unit_issuer(op.unit)
    return region_issuer(user_office(op.issued_by, m.region))


def _window_end(op: Opinion) -> str:
    """The last day to ask for the next instance against ``op`` (as ``matters.deadlines.review_window_end``)."""
    if not (op.served_on and op.review_limit):
        return ""
    try:
        return cn_date(workcal.deadline_for(op.review_limit, op.served_on).due)
    except workcal.TimeLimitError:
        return ""


def _opinion_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    op = Opinion.objects.select_related("unit", "issued_by__region").get(
        pk=_pk(source_key, "opinion"), matter=m
    )
    data["handler"] = op.unit.name if op.unit else office_label(user_office(op.issued_by, m.region))
    data["outcome"] = Outcome(op.outcome).label
    data["facts"] = op.facts
    data["reasons"] = op.reasons
    data["basis"] = op.basis
    data["issued_on"] = cn_date(op.issued_at)
    data["stage"] = op.stage
    data["next_instance"] = _NEXT.get(op.review_limit, "")
    data["review_limit"] = _limit_text(op.review_limit) if op.review_limit else ""
    # This opinion's own window (the matter's is that of its latest opinion), once its service is recorded.
    data["review_until"] = _window_end(op)
    data["review_organ"] = (
        (op.unit.superior.name if op.unit and op.unit.superior_id and op.unit.superior else "")
        if op.review_limit
        else ""
    )
    data["final"] = op.stage == "reexam"
    # A review (re-examination) opinion answers a request against the opinion before it.
    review = Review.objects.filter(opinion=op).first()
    data["requested_on"] = cn_date(review.requested_on) if review else ""
    data["request_reason"] = review.reason if review else ""
    previous = (
        m.opinions.filter(pk__lt=op.pk).exclude(stage="local").select_related("unit").order_by("-pk").first()
        if op.stage in ("review", "reexam")
        else None
    )
    data["previous_handler"] = previous.unit.name if previous and previous.unit else ""
    data["previous_issued_on"] = cn_date(previous.issued_at) if previous else ""
    return data


def _opinion_served_on(m: Matter, source_key: str) -> datetime.date | None:
    return (
        Opinion.objects.filter(pk=_pk(source_key, "opinion"), matter=m)
        .values_list("served_on", flat=True)
        .first()
    )


def _may_serve_opinion(user: User, m: Matter, source_key: str) -> bool:
    """The matter's own rule for 登记送达 (the responsible agent or the office holding it), on the reply that
    awaits service."""
    fresh = Matter.objects.get(pk=m.pk)
    awaiting = rules.awaiting_service(fresh)
    if awaiting is None or awaiting.pk != _pk(source_key, "opinion"):
        return False
    try:
        rules.serve(user, fresh)
    except ActionError:
        return False
    return True


def _serve_opinion(
    actor: User, m: Matter, source_key: str, served_on: datetime.date, manner: str, note: str
) -> None:
    """The opinion's service opens the review window (arts. 35–36): record it on the matter once."""
    op = Opinion.objects.get(pk=_pk(source_key, "opinion"))
    if op.served_on is not None or rules.awaiting_service(Matter.objects.get(pk=m.pk)) != op:
        return  # already served through the matter page, or not the reply awaiting service
    matter_serve(
        actor=actor, matter_id=m.pk, expected_version=None, served_on=served_on, manner=manner, note=note
    )


# ------------------------------------------------------------------------------------------ 回访记录表


def _follow_up_sources(m: Matter) -> list[Source]:
    rows = _events(m, EventKind.FOLLOW_UP)
    return [Source(f"event:{e.pk}", f"回访（{cn_date(e.at)}）") for e in rows]


def _follow_up_data(m: Matter, source_key: str) -> dict[str, Any]:
    data = _base(m)
    event = Event.objects.select_related("actor").get(pk=_pk(source_key, "event"), matter=m)
    details = event.details or {}

    def label(choices: Any, value: object) -> str:
        return choices(value).label if value in choices.values else ""

    data["visited_on"] = cn_date(event.at)
    data["visitor"] = str(event.actor)
    data["method"] = label(ContactMethod, details.get("method"))
    data["service"] = label(Satisfaction, details.get("service"))
    data["unit"] = label(Satisfaction, details.get("unit"))
    data["note"] = str(details.get("note", ""))
    # Who handled it: the unit (or office) of the latest written opinion; the running lead task otherwise.
    latest = rules.latest_opinion(m)
    lead = rules.lead_task(m)
    if latest is not None:
        data["handler"] = (
            latest.unit.name if latest.unit else office_label(user_office(latest.issued_by, m.region))
        )
    else:
        data["handler"] = lead.unit.name if lead else m.holder_label
    return data


# ------------------------------------------------------------------------------------------ registration


def _matter_itself(m: Matter) -> list[Source]:
    return [Source("", "本事项")]


def _agent_office_issuer(m: Matter, source_key: str) -> Issuer:
    return region_issuer(user_office(m.responsible_agent, m.region))


def register_all() -> None:
    register = kinds.register
    register(
        Kind(
            key="entrustment",
            label="代办委托书",
            code="委",
            order=10,
            sources=_matter_itself,
            data=_entrustment_data,
            issuer=_agent_office_issuer,
            may_issue=lambda u, m, s: _network_staff(u),
            signers=_entrustment_signers,
            units_see=False,
        )
    )
    register(
        Kind(
            key="receipt",
            label="受理回执",
            code="回",
            order=20,
            sources=_matter_itself,
            data=_receipt_data,
            issuer=_agent_office_issuer,
            may_issue=lambda u, m, s: _network_staff(u),
            units_see=False,
            staff_only=True,
        )
    )
    register(
        Kind(
            key="acceptance_notice",
            label="受理告知书",
            code="受",
            order=30,
            sources=_acceptance_sources,
            data=_acceptance_data,
            issuer=_acceptance_issuer,
            may_issue=_unit_or_network,
            served=True,
        )
    )
    register(
        Kind(
            key="not_accepted_notice",
            label="不予受理告知书",
            code="不受",
            order=40,
            sources=_not_accepted_sources,
            data=_not_accepted_data,
            issuer=_event_issuer,
            may_issue=lambda u, m, s: _network_staff(u),
            served=True,
            units_see=False,
        )
    )
    register(
        Kind(
            key="assignment",
            label="交办单",
            code="交",
            order=50,
            sources=_assignment_sources,
            data=_assignment_data,
            issuer=_assignment_issuer,
            may_issue=_sender_may,
        )
    )
    register(
        Kind(
            key="extension_notice",
            label="延期告知书",
            code="延",
            order=60,
            sources=_extension_sources,
            data=_extension_data,
            issuer=_extension_issuer,
            may_issue=_unit_or_network,
            served=True,
        )
    )
    for key, label, code, order, stages in (
        ("handling_opinion", "处理意见书", "处", 70, ("handling", "local")),
        ("review_opinion", "复查意见书", "复查", 80, ("review",)),
        ("reexam_opinion", "复核意见书", "复核", 85, ("reexam",)),
    ):
        register(
            Kind(
                key=key,
                label=label,
                code=code,
                order=order,
                sources=_opinion_sources(stages),
                data=_opinion_data,
                issuer=_opinion_issuer,
                may_issue=_unit_or_network,
                served=True,
                on_served=_serve_opinion,
                served_elsewhere=_opinion_served_on,
                may_serve=_may_serve_opinion,
            )
        )
    register(
        Kind(
            key="follow_up_record",
            label="回访记录表",
            code="访",
            order=100,
            sources=_follow_up_sources,
            data=_follow_up_data,
            issuer=_event_issuer,
            may_issue=lambda u, m, s: _network_staff(u),
            units_see=False,
        )
    )
