"""The online request's actions: submitted by the person, turned into a matter or declined by an agent.

Each is atomic and writes one ``OnlineRequestEvent``; the texts to the person (SMS through the outbox)
and the message to the village's agents are queued in the same transaction and sent after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from daiban.accounts.models import AGENT_ROLES, User
from daiban.core import clock
from daiban.matters.actions import attachments_add
from daiban.matters.attachments import SAFE_TYPES, head_of, sniff_type
from daiban.matters.errors import Conflict, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.notify import services as notify
from daiban.pii.crypto import decrypt
from daiban.pii.fields import set_phone
from daiban.portal.models import (
    OnlineRequest,
    OnlineRequestEvent,
    OnlineRequestPhoto,
    OnlineRequestSequence,
    RequestStatus,
)
from daiban.portal.requests import codes, selectors
from daiban.regions.geometry import county_code
from daiban.regions.models import Level, Region

MAX_PHOTOS = 3
REASON_MAX = 200


@dataclass(frozen=True)
class Submission:
    name: str
    phone: str  # validated, normalized mobile number
    region: Region  # a village
    happened: str
    wanted: str
    photos: Sequence[UploadedFile] = ()


def _next_number(region: Region, year: int) -> str:
    code = county_code(region.path)
    seq, _ = OnlineRequestSequence.objects.select_for_update().get_or_create(county_code=code, year=year)
    OnlineRequestSequence.objects.filter(pk=seq.pk).update(last=F("last") + 1)
    seq.refresh_from_db()
    return f"WS{code}-{year}-{seq.last:05d}"


def _record(
    req: OnlineRequest,
    actor: User | None,
    kind: str,
    summary: str,
    before: str,
    details: dict[str, Any] | None = None,
) -> None:
    OnlineRequestEvent.objects.create(
        request=req,
        seq=req.version,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary,
        details=details or {},
        status_before=before,
        status_after=req.status,
    )


def agents_to_tell(region: Region) -> list[User]:
    """The agents of the request's village; when the village has none, those of the nearest level above
    that has (the township's station, then the county's centre)."""
    current: Region | None = region
    while current is not None and current.level >= Level.COUNTY:
        found = list(
            User.objects.filter(role__in=list(AGENT_ROLES), region=current, is_active=True).order_by("pk")
        )
        if found:
            return found
        current = current.parent
    return []


def _text_person(req: OnlineRequest, event: str, text: str) -> None:
    notify.text_citizen(
        phone=decrypt(req.phone_enc), kind="citizen_request", key=f"req-{req.pk}-{event}", text=text
    )


def request_submit(*, submission: Submission, code_id: int) -> OnlineRequest:
    """网上代办申请: save the request (with its photos) under a new number, use the SMS code, tell the
    person by SMS that it was received and the village's agents through their messages."""
    s = submission
    if s.region.level != Level.VILLAGE:
        raise ValidationError({"village": ["请选择所在的村（社区）。"]})
    if len(s.photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [f"最多上传 {MAX_PHOTOS} 张照片。"]})
    now = clock.now()
    with transaction.atomic():
        if not codes.consume(code_id):
            raise ValidationError({"code": ["验证码已使用或已失效，请重新获取。"]})
        req = OnlineRequest(
            number=_next_number(s.region, now.year),
            region=s.region,
            name=s.name,
            happened=s.happened,
            wanted=s.wanted,
            status=RequestStatus.PENDING,
            version=1,
            created_at=now,
        )
        set_phone(req, s.phone)
        req.save()
        for f in s.photos:
            content_type = sniff_type(head_of(f))
            if content_type is None:
                raise ValidationError({"photos": [f"“{f.name}”不是照片（JPG、PNG），未上传。"]})
            shown = (f.name or "照片")[:100]
            f.name = "photo" + SAFE_TYPES[content_type]  # the stored name is ours, not the sender's
            OnlineRequestPhoto.objects.create(
                request=req, file=f, name=shown, content_type=content_type, size=f.size or 0
            )
        _record(req, None, "submit", "群众网上提交代办申请", "", {"photos": len(s.photos)})
        _text_person(
            req,
            "received",
            f"您的网上代办申请已收到，申请编号{req.number}。村（社区）代办员将尽快与您联系。",
        )
        notify.notify(
            recipients=agents_to_tell(s.region),
            kind="online_request",
            key=f"online_request:{req.pk}",
            text=f"收到网上代办申请 {req.number}，请及时联系申请人并处理。",
            url=reverse("portal:request_detail", args=[req.pk]),
        )
    return req


def _locked(actor: User, request_id: int, expected_version: int | None) -> OnlineRequest:
    req = selectors.requests_for(actor).select_for_update().filter(pk=request_id).first()
    if req is None:
        raise OutOfScope
    if expected_version is not None and req.version != expected_version:
        raise Conflict
    if req.status != RequestStatus.PENDING:
        raise WrongState(f"该申请{req.get_status_display()}，不能再处理。")
    return req


def request_decline(
    *, actor: User, request_id: int, expected_version: int | None, reason: str
) -> OnlineRequest:
    """不予代办: with a reason the person is told by SMS."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ["请填写不予代办的理由，该理由将以短信告知申请人。"]})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [f"理由不能超过 {REASON_MAX} 个字。"]})
    with transaction.atomic():
        req = _locked(actor, request_id, expected_version)
        before = req.status
        req.status = RequestStatus.DECLINED
        req.decline_reason = reason
        req.handled_by = actor
        req.handled_at = clock.now()
        req.version += 1
        req.save(update_fields=["status", "decline_reason", "handled_by", "handled_at", "version"])
        _record(req, actor, "decline", "不予代办", before, {"reason": reason})
        _text_person(
            req,
            "declined",
            f"您的网上代办申请（编号{req.number}）不予代办，理由：{reason}。如有疑问请联系村（社区）代办员。",
        )
    return req


def request_link_matter(
    *, actor: User, request_id: int, matter: Matter, linked_existing: bool
) -> OnlineRequest:
    """转为信访事项: inside the intake transaction, the request is marked converted with its matter, its
    photos are copied to the matter, and the person is texted the number and lookup code."""
    req = _locked(actor, request_id, None)
    before = req.status
    req.status = RequestStatus.CONVERTED
    req.matter = matter
    req.handled_by = actor
    req.handled_at = clock.now()
    req.version += 1
    req.save(update_fields=["status", "matter", "handled_by", "handled_at", "version"])
    _record(
        req,
        actor,
        "convert",
        f"转为信访事项 {matter.number}" + ("（并入在办事项）" if linked_existing else ""),
        before,
        {"matter": matter.pk, "linked_existing": linked_existing},
    )
    files = []
    for photo in req.photos.all():
        with photo.file.open("rb") as handle:
            files.append(ContentFile(handle.read(), name=photo.name))
    if files:
        attachments_add(actor=actor, matter_id=matter.pk, files=files)
    if linked_existing:
        text = (
            f"您的网上代办申请（编号{req.number}）已并入在办的信访事项，编号{matter.number}，"
            f"可凭该事项的查询码在 {settings.PUBLIC_BASE_URL}/lookup/ 查询进度。"
        )
    else:
        text = (
            f"您的网上代办申请已登记为信访事项，编号{matter.number}，查询码{matter.lookup_code}，"
            f"可在 {settings.PUBLIC_BASE_URL}/lookup/ 查询进度。"
        )
    _text_person(req, "converted", text)
    return req
