"""Erasing personal data after its retention period (PIPL art. 19 and 47): ``erase_expired``.

What is erased, per kind (periods in ``config``):

* a closed matter past its period (``matter``; ``accusation`` for 检举控告), unless a review window is still
  open or a review/reexam is undecided: its petitioners' names become ``ANON``, their ID/phone/address and
  blind indexes are emptied (a petitioner still linked to another matter that is not itself expired is
  kept, to be erased with the last one); the names and any ID/phone numbers in the matter's free text
  (title, content, request, event summaries, mediation participants) are masked; its attachments' files are
  deleted from storage (the row stays, named ``ATTACHMENT_GONE``); an online request converted into it is
  erased with it;
* an online request not taken up (pending or declined) past ``portal_request``: name, phone, photos;
* a closed screening past ``screening``: parties, and numbers in its free text.

Statistics (daiban.stats facts and rollups) hold no personal data and are not touched; neither are the
matter's status, dates, version or events (the case history stays readable). Each object erased gets an
``Erasure`` row (the claim that makes a second run, or a second consumer, do nothing), and each batch one
audit record ("pii.erase") with counts and the numbers of the objects, never a name or a number.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from daiban import audit
from daiban.core import clock
from daiban.documents.models import Document, Signature
from daiban.lifecycle.config import retention_days
from daiban.lifecycle.models import Erasure, ErasureKind
from daiban.matters.choices import Status
from daiban.matters.models import Attachment, Event, Matter, MatterPetitioner, Mediation, Petitioner
from daiban.mediation.models import Party
from daiban.pii.fields import clear_pii
from daiban.portal.models import OnlineRequest, OnlineRequestPhoto, RequestStatus
from daiban.prevention.models import Screening, ScreeningEvent
from daiban.search.index import reindex as reindex_search

ANON = "（已匿名）"
ATTACHMENT_GONE = "已按保存期限删除"
_REMOVED = "［已删除］"
# An ID number (18 characters, the last possibly X) or a mainland mobile/landline number in free text.
_NUMBERS = re.compile(r"(?<![0-9])(?:[1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with ID/phone numbers removed and each of ``names`` replaced by ``ANON``."""
    out = _NUMBERS.sub(_REMOVED, text)
    for name in sorted({n for n in names if n and n != ANON}, key=len, reverse=True):
        out = out.replace(name, ANON)
    return out


def _scrub_json(value: Any, names: Iterable[str]) -> Any:
    """``scrub`` every string inside an event's JSON details (kept in shape)."""
    if isinstance(value, str):
        return scrub(value, names)
    if isinstance(value, list):
        return [_scrub_json(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, names) for k, v in value.items()}
    return value


@dataclass
class Report:
    """Counts (and, for the audit record, the numbers) of what was or would be erased."""

    matters: list[str] = field(default_factory=list)
    petitioners: int = 0
    kept_petitioners: int = 0
    attachments: int = 0
    portal_requests: list[str] = field(default_factory=list)
    screenings: list[str] = field(default_factory=list)
    batches: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "matters": len(self.matters),
            "petitioners": self.petitioners,
            "kept_petitioners": self.kept_petitioners,
            "attachments": self.attachments,
            "portal_requests": len(self.portal_requests),
            "screenings": len(self.screenings),
        }

    def add(self, other: Report) -> None:
        self.matters += other.matters
        self.petitioners += other.petitioners
        self.kept_petitioners += other.kept_petitioners
        self.attachments += other.attachments
        self.portal_requests += other.portal_requests
        self.screenings += other.screenings
        self.batches += other.batches


def _erased_ids(kind: str) -> QuerySet[Erasure, int]:
    return Erasure.objects.filter(kind=kind).values_list("object_id", flat=True)


def _expired_matter_q(now: datetime.datetime, days: dict[str, int]) -> Q:
    today = clock.today()
    ordinary = Q(is_accusation=False, closed_at__lte=now - datetime.timedelta(days=days["matter"]))
    accusation = Q(is_accusation=True, closed_at__lte=now - datetime.timedelta(days=days["accusation"]))
    held = Q(review_window_until__gte=today) | Q(reviews__decided_at__isnull=True, reviews__isnull=False)
    return Q(status=Status.CLOSED) & (ordinary | accusation) & ~held


def expired_matters(now: datetime.datetime | None = None) -> QuerySet[Matter]:
    """Closed matters past their period, no hold, not yet erased (oldest first)."""
    now = now or clock.now()
    expired = Matter.objects.filter(_expired_matter_q(now, retention_days()))
    return (
        Matter.objects.filter(pk__in=expired.values("pk"))
        .exclude(pk__in=_erased_ids(ErasureKind.MATTER))
        .order_by("closed_at", "pk")
    )


def expired_portal_requests(now: datetime.datetime | None = None) -> QuerySet[OnlineRequest]:
    now = now or clock.now()
    cutoff = now - datetime.timedelta(days=retention_days()["portal_request"])
    return (
        OnlineRequest.objects.filter(
            status__in=[RequestStatus.PENDING, RequestStatus.DECLINED], created_at__lte=cutoff
        )
        .exclude(pk__in=_erased_ids(ErasureKind.PORTAL_REQUEST))
        .order_by("created_at", "pk")
    )


def expired_screenings(now: datetime.datetime | None = None) -> QuerySet[Screening]:
    today = clock.today() if now is None else timezone.localdate(now)
    cutoff = today - datetime.timedelta(days=retention_days()["screening"])
    return (
        Screening.objects.filter(closed_on__isnull=False, closed_on__lte=cutoff)
        .exclude(pk__in=_erased_ids(ErasureKind.SCREENING))
        .order_by("closed_on", "pk")
    )


def _delete_file(file_field: object) -> None:
    name = getattr(file_field, "name", "")
    if name:
        storage = file_field.storage  # type: ignore[attr-defined]
        if storage.exists(name):
            storage.delete(name)


def _delete_files(files: list[object]) -> None:
    for f in files:
        _delete_file(f)


def _claim(kind: str, obj_id: int, label: str, now: datetime.datetime) -> bool:
    """Insert the object's Erasure row; False when another run already did (nothing to do then)."""
    _, created = Erasure.objects.get_or_create(
        kind=kind, object_id=obj_id, defaults={"label": label[:40], "erased_at": now}
    )
    return created


def _erase_request(req: OnlineRequest, now: datetime.datetime, files: list[object]) -> None:
    names = [req.name]
    clear_pii(req, "phone")
    OnlineRequest.objects.filter(pk=req.pk).update(
        name=ANON,
        phone_enc="",
        phone_hash="",
        happened=scrub(req.happened, names),
        wanted=scrub(req.wanted, names),
        decline_reason=scrub(req.decline_reason, names),
    )
    for photo in OnlineRequestPhoto.objects.filter(request=req):
        files.append(photo.file)
    OnlineRequestPhoto.objects.filter(request=req).update(name=ATTACHMENT_GONE, file="")


def _erase_documents(matter_id: int, names: list[str], files: list[object]) -> None:
    """Issued documents keep their number, kind, dates and status; the names and numbers in their stored
    copy and data are masked, finger signatures and the signed scan are removed."""
    for doc in Document.objects.filter(matter_id=matter_id):
        if doc.scan:
            files.append(doc.scan)
        Document.objects.filter(pk=doc.pk).update(
            title=scrub(doc.title, names)[:80],
            body_html=scrub(doc.body_html, names),
            data=_scrub_json(doc.data, names),
            scan="",
        )
        for sig in Signature.objects.filter(document=doc):
            Signature.objects.filter(pk=sig.pk).update(signer=scrub(sig.signer, names)[:80], png=b"")


def _still_needed(petitioner_id: int, erasing: set[int], now: datetime.datetime) -> bool:
    """Whether the person is linked to a matter that is neither being erased nor already erased nor
    itself expired (an open matter, a recent one, one on hold)."""
    others = MatterPetitioner.objects.filter(petitioner_id=petitioner_id).exclude(matter_id__in=erasing)
    others = others.exclude(matter_id__in=_erased_ids(ErasureKind.MATTER))
    expired = Matter.objects.filter(_expired_matter_q(now, retention_days())).values("pk")
    return others.exclude(matter_id__in=expired).exists()


def _erase_matter_batch(matters: list[Matter], now: datetime.datetime, dry_run: bool) -> Report:
    report = Report(batches=1)
    ids = {m.pk for m in matters}
    links = MatterPetitioner.objects.filter(matter_id__in=ids).select_related("petitioner")
    people: dict[int, Petitioner] = {link.petitioner_id: link.petitioner for link in links}
    names_by_matter: dict[int, list[str]] = {}
    for link in links:
        names_by_matter.setdefault(link.matter_id, []).append(link.petitioner.name)
    erase_people = [p for pid, p in people.items() if not _still_needed(pid, ids, now)]
    report.kept_petitioners = len(people) - len(erase_people)
    report.attachments = Attachment.objects.filter(matter_id__in=ids).exclude(file="").count()
    requests = list(OnlineRequest.objects.filter(matter_id__in=ids))
    if dry_run:
        report.matters = [m.number for m in matters]
        report.petitioners = len(erase_people)
        report.portal_requests = [r.number for r in requests]
        return report
    files: list[object] = []
    for m in matters:
        if not _claim(ErasureKind.MATTER, m.pk, m.number, now):
            continue
        report.matters.append(m.number)
        names = names_by_matter.get(m.pk, [])
        Matter.objects.filter(pk=m.pk).update(
            title=scrub(m.title, names)[:80], content=scrub(m.content, names), request=scrub(m.request, names)
        )
        for event in Event.objects.filter(matter_id=m.pk).only("pk", "summary", "details"):
            summary, details = scrub(event.summary, names), _scrub_json(event.details, names)
            if summary != event.summary or details != event.details:
                Event.objects.filter(pk=event.pk).update(summary=summary[:200], details=details)
        for mediation in Mediation.objects.filter(matter_id=m.pk).only("pk", "participants", "terms"):
            Mediation.objects.filter(pk=mediation.pk).update(
                participants=scrub(mediation.participants, names), terms=scrub(mediation.terms, names)
            )
        _erase_documents(m.pk, names, files)
        for attachment in Attachment.objects.filter(matter_id=m.pk).exclude(file=""):
            files.append(attachment.file)
        Attachment.objects.filter(matter_id=m.pk).update(name=ATTACHMENT_GONE, file="")
    for req in requests:
        if _claim(ErasureKind.PORTAL_REQUEST, req.pk, req.number, now):
            _erase_request(req, now, files)
            report.portal_requests.append(req.number)
    for person in erase_people:
        if not _claim(ErasureKind.PETITIONER, person.pk, "", now):
            continue
        Petitioner.objects.filter(pk=person.pk).update(
            name=ANON,
            name_initials="",
            address="",
            id_number_enc="",
            id_number_hash="",
            phone_enc="",
            phone_hash="",
        )
        # Their name as a party to a mediation agreement (the agreement's terms stay).
        Party.objects.filter(petitioner_id=person.pk).update(name=ANON)
        report.petitioners += 1
    _record(report)
    # Files go only once the rows no longer point at them (a rollback must not leave rows without files).
    transaction.on_commit(partial(_delete_files, files))
    # The search index holds the names' bigrams: rewrite it from the scrubbed text (no matter event here).
    erased = MatterPetitioner.objects.filter(petitioner_id__in=[p.pk for p in erase_people])
    transaction.on_commit(partial(reindex_search, ids | set(erased.values_list("matter_id", flat=True))))
    return report


def _record(report: Report) -> None:
    counts = report.counts()
    if not any(counts[k] for k in ("matters", "petitioners", "portal_requests", "screenings")):
        return
    audit.record(
        "pii.erase",
        user=None,
        target="erase_expired",
        detail={
            **counts,
            "matter_numbers": report.matters,
            "portal_request_numbers": report.portal_requests,
            "screening_numbers": report.screenings,
        },
    )


def _batches(
    qs: QuerySet[Matter] | QuerySet[OnlineRequest] | QuerySet[Screening], size: int
) -> Iterable[list[int]]:
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def erase_expired(*, batch: int = 200, dry_run: bool = False) -> Report:
    """Erase everything past its period, ``batch`` objects per transaction. Safe to run twice or on
    several consumers at once (each object is claimed by a unique ``Erasure`` row)."""
    if batch <= 0:
        raise ValueError("batch must be positive")
    now = clock.now()
    total = Report()
    for ids in _batches(expired_matters(now), batch):
        with transaction.atomic():
            matters = list(
                Matter.objects.select_for_update()
                .filter(pk__in=ids)
                .exclude(pk__in=_erased_ids(ErasureKind.MATTER))
            )
            total.add(_erase_matter_batch(matters, now, dry_run))
    for ids in _batches(expired_portal_requests(now), batch):
        with transaction.atomic():
            part = Report(batches=1)
            files: list[object] = []
            for req in OnlineRequest.objects.select_for_update().filter(pk__in=ids):
                if dry_run:
                    part.portal_requests.append(req.number)
                elif _claim(ErasureKind.PORTAL_REQUEST, req.pk, req.number, now):
                    _erase_request(req, now, files)
                    part.portal_requests.append(req.number)
            if not dry_run:
                _record(part)
                transaction.on_commit(partial(_delete_files, files))
            total.add(part)
    for ids in _batches(expired_screenings(now), batch):
        with transaction.atomic():
            part = Report(batches=1)
            for s in Screening.objects.select_for_update().filter(pk__in=ids):
                if dry_run:
                    part.screenings.append(s.number)
                    continue
                if not _claim(ErasureKind.SCREENING, s.pk, s.number, now):
                    continue
                names = [n.strip() for n in re.split(r"[，,、；;\s]+", s.parties) if n.strip()]
                Screening.objects.filter(pk=s.pk).update(
                    parties=ANON if s.parties else "",
                    description=scrub(s.description, names),
                    outcome=scrub(s.outcome, names),
                    risk_reason=scrub(s.risk_reason, names),
                    title=scrub(s.title, names)[:80],
                )
                for event in ScreeningEvent.objects.filter(screening_id=s.pk).only(
                    "pk", "summary", "details"
                ):
                    ScreeningEvent.objects.filter(pk=event.pk).update(
                        summary=scrub(event.summary, names)[:200], details=_scrub_json(event.details, names)
                    )
                part.screenings.append(s.number)
            if not dry_run:
                _record(part)
            total.add(part)
    return total
