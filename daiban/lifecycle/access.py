"""What is held about one person (PIPL art. 45, 查阅): everything inside the requesting agent's jurisdiction.

Found by the ID number's blind index only (nothing is decrypted to search), through the same scope selectors
as every other page (``matters_for`` / ``petitioners_for``): a person whose matters all lie outside the
agent's jurisdiction yields an empty report, exactly as one who does not exist. Numbers are shown masked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from daiban.accounts.models import AGENT_ROLES, User
from daiban.documents.models import Document
from daiban.matters.models import Attachment, Event, Matter, Petitioner
from daiban.matters.selectors import matter_region_q, matters_for, petitioners_for
from daiban.mediation.models import Party
from daiban.network.jurisdiction import scope_path
from daiban.pii.fields import lookup_hash_for_id
from daiban.pii.models import RevealLog
from daiban.portal.models import OnlineRequest
from daiban.prevention.models import Screening


def can_report(user: object) -> bool:
    """The network's agents (村、乡镇、县级代办员) answer a person's request; not units, leaders or others."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in AGENT_ROLES


@dataclass(frozen=True)
class PersonRow:
    pk: int
    name: str
    id_number: str
    phone: str
    address: str
    group: str
    registered: datetime.datetime


@dataclass(frozen=True)
class RevealRow:
    at: datetime.datetime
    who: str
    field: str
    reason: str


@dataclass
class HeldReport:
    people: list[PersonRow] = field(default_factory=list)
    matters: list[Matter] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    requests: list[OnlineRequest] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    reveals: list[RevealRow] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.people)


_FIELD_LABELS = {"id_number": "身份证号码", "phone": "联系电话"}


def held_about(user: User, id_number: str) -> HeldReport:
    """The report for the person with ``id_number`` (raises ValidationError when it is not a valid one)."""
    digest = lookup_hash_for_id(id_number)
    report = HeldReport()
    if not can_report(user):
        return report
    people = list(petitioners_for(user).filter(id_number_hash=digest).order_by("pk"))
    if not people:
        return report
    report.people = [
        PersonRow(
            pk=p.pk,
            name=p.name,
            id_number=p.id_number_masked,
            phone=p.phone_masked,
            address=p.address,
            group=p.get_group_display(),
            registered=p.created_at,
        )
        for p in people
    ]
    person_ids = [p.pk for p in people]
    names = {p.name for p in people}
    matters = list(
        matters_for(user).filter(petitioners__in=person_ids).distinct().order_by("-received_at", "-pk")
    )
    report.matters = matters
    matter_ids = [m.pk for m in matters]
    events = (
        Event.objects.filter(matter_id__in=matter_ids).select_related("matter").order_by("matter_id", "pk")
    )
    report.events = [e for e in events if any(n and n in e.summary for n in names)]
    report.attachments = list(
        Attachment.objects.filter(matter_id__in=matter_ids)
        .select_related("matter")
        .order_by("matter_id", "pk")
    )
    report.documents = list(
        Document.objects.filter(matter_id__in=matter_ids).select_related("matter").order_by("matter_id", "pk")
    )
    phones = [p.phone_hash for p in people if p.phone_hash]
    path = scope_path(user)
    in_scope = matter_region_q(path, user.region_id) if path else Q(pk__in=[])
    request_q = Q(matter_id__in=matter_ids)
    if phones:
        request_q |= Q(phone_hash__in=phones) & in_scope
    report.requests = list(OnlineRequest.objects.filter(request_q).order_by("-created_at"))
    report.screenings = list(Screening.objects.filter(matter_id__in=matter_ids).order_by("-found_on"))
    report.parties = list(
        Party.objects.filter(petitioner_id__in=person_ids, agreement__matter_id__in=matter_ids)
        .select_related("agreement")
        .order_by("pk")
    )
    person_type = ContentType.objects.get_for_model(Petitioner)
    request_type = ContentType.objects.get_for_model(OnlineRequest)
    reveals = RevealLog.objects.filter(
        Q(content_type=person_type, object_id__in=[str(i) for i in person_ids])
        | Q(content_type=request_type, object_id__in=[str(r.pk) for r in report.requests])
    ).select_related("actor")
    report.reveals = [
        RevealRow(
            at=r.created_at,
            who=f"{r.actor.get_full_name() or r.actor.username}（{r.actor.get_role_display()}）",
            field=_FIELD_LABELS.get(r.field, r.field),
            reason=r.reason,
        )
        for r in reveals.order_by("-created_at")[:500]
    ]
    return report
