"""Every change to a document: issue (出具, numbered), sign (finger signatures or a paper scan), serve (送达),
correct (a new version with the same number that supersedes it) and cancel (作废, the number kept with the
reason). Keyword-only, the acting user, one transaction that checks scope (→ ``OutOfScope``, a 404),
locks the document, compares its revision (→ ``Conflict``), validates (→ ``ValidationError`` naming the
field, in Chinese) and writes one ``DocumentEvent``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from daiban.accounts.models import User
from daiban.audit import record
from daiban.core import clock
from daiban.documents import kinds, numbering, rendering, selectors, signatures, templating
from daiban.documents.models import Document, DocumentEvent, DocumentStatus, Service, Signature
from daiban.matters.actions.base import choice, fail, require_text
from daiban.matters.choices import ServiceManner
from daiban.matters.errors import Conflict, NotAllowed, OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for

__all__ = ["attach_scan", "cancel", "correct", "issue", "serve", "sign"]


def _kind(key: str) -> kinds.Kind:
    kind = kinds.get(key or "")
    if kind is None:
        raise fail("kind", "请选择有效的文书种类。")
    return kind


def _event(
    doc: Document, actor: User, kind: str, summary: str, details: dict[str, Any] | None = None
) -> None:
    doc.revision += 1
    doc.save()
    DocumentEvent.objects.create(
        document=doc,
        seq=doc.revision,
        at=clock.now(),
        actor=actor,
        kind=kind,
        summary=summary[:200],
        details=details or {},
    )


def _build(
    actor: User, matter: Matter, kind: kinds.Kind, source_key: str, *, number: tuple[int, int, str] | None
) -> Document:
    """A new document of ``kind`` for ``source_key`` with the matter's values now; ``number`` (year,
    serial, text) when it keeps an existing number (a correction), else a serial is drawn."""
    issuer = kind.issuer(matter, source_key)
    data = kind.data(matter, source_key)
    found = templating.find(kind.key, issuer.county_code)
    now = clock.now()
    if number is None:
        year = timezone.localdate(now).year
        serial = numbering.draw(issuer.key, kind.key, year)
        number = (year, serial, numbering.format_number(issuer.abbr, kind.code, year, serial))
    year, serial, text = number
    doc = Document(
        matter=matter,
        kind=kind.key,
        source_key=source_key,
        title=kind.label,
        issuer_key=issuer.key,
        issuer_name=issuer.name,
        year=year,
        serial=serial,
        number=text,
        data=data,
        template_name=found.name,
        template_source=found.source,
        issued_at=now,
        issued_by=actor,
    )
    return doc


def _freeze(doc: Document) -> None:
    doc.body_html = rendering.body_of(doc)


def issue(*, actor: User, matter_id: int, kind: str, source_key: str = "") -> Document:
    """出具: number the document in its issuer's sequence for the year and freeze its values and body."""
    k = _kind(kind)
    source_key = (source_key or "").strip()
    with transaction.atomic():
        if not matters_for(actor).filter(pk=matter_id).exists():
            raise OutOfScope
        # The matter's row lock orders concurrent issues for it (one valid document per source).
        matter = Matter.objects.select_for_update().get(pk=matter_id)
        sources = {s.key: s for s in k.sources(matter)}
        if source_key not in sources:
            raise WrongState(f"本事项目前没有可出具{k.label}的办理记录。")
        if not selectors.may_issue(actor, matter, k, source_key):
            raise NotAllowed(f"您不能出具本事项的{k.label}。")
        if Document.objects.filter(
            matter=matter, kind=k.key, source_key=source_key, status=DocumentStatus.ISSUED
        ).exists():
            raise WrongState(f"该{k.label}已经出具；内容有误请“更正”，不再需要请“作废”。")
        doc = _build(actor, matter, k, source_key, number=None)
        _freeze(doc)
        doc.save()
        _event(doc, actor, "issue", f"出具{k.label} {doc.number}", {"source": source_key})
        record(
            "document.issue",
            user=actor,
            target=f"document#{doc.pk}",
            detail={"number": doc.number, "kind": k.key},
        )
    return doc


@contextmanager
def _locked(actor: User, document_id: int, expected_revision: int | None) -> Iterator[Document]:
    with transaction.atomic():
        if not selectors.documents_for(actor).filter(pk=document_id).exists():
            raise OutOfScope
        doc = Document.objects.select_for_update().select_related("matter").get(pk=document_id)
        if expected_revision is not None and doc.revision != expected_revision:
            raise Conflict
        if not selectors.may_act(actor, doc.matter):
            raise NotAllowed("只有承办本事项的人员可以办理文书。")
        yield doc


def _require_valid(doc: Document) -> None:
    if doc.status == DocumentStatus.CANCELLED:
        raise WrongState("该文书已作废。")
    if doc.status == DocumentStatus.SUPERSEDED:
        raise WrongState("该文书已被更正，请在最新版本上办理。")


def sign(*, actor: User, document_id: int, expected_revision: int | None, images: Sequence[str]) -> Document:
    """签名: each signer of the document signs with a finger on the agent's phone; all at once."""
    with _locked(actor, document_id, expected_revision) as doc:
        kind = _kind(doc.kind)
        _require_valid(doc)
        if kind.signers is None:
            raise WrongState(f"{doc.title}无需当事人签名。")
        if doc.is_signed:
            raise WrongState("该文书已签署，签署后不能更改；内容有误请“更正”后重新签署。")
        labels = kind.signers(doc.data)
        if len(images) != len(labels):
            raise fail("signature_0", "请每位签署人都签名。")
        pngs = [signatures.decode_signature(img, field=f"signature_{i}") for i, img in enumerate(images)]
        now = clock.now()
        for i, (label, png) in enumerate(zip(labels, pngs, strict=True)):
            Signature.objects.create(document=doc, position=i, signer=label, png=png, signed_at=now)
        doc.signed_at = now
        doc.signed_by_agent = actor
        _freeze(doc)
        if kind.on_signed is not None:
            kind.on_signed(actor, doc)
        _event(doc, actor, "sign", f"{'、'.join(labels)}当面签名", {"signers": labels})
    return doc


def attach_scan(
    *,
    actor: User,
    document_id: int,
    expected_revision: int | None,
    scan: UploadedFile | None,
    signed_on: datetime.date | None = None,
) -> Document:
    """上传签字件: the paper copy was signed by hand on ``signed_on`` (default today); its scan is kept
    instead of finger signatures. The signing day, not the upload day, is when it was signed (an agreement
    takes effect, and its 司法确认 window runs, from it)."""
    if scan is None:
        raise fail("scan", "请选择签字件的扫描文件。")
    content_type = signatures.validate_scan(scan)
    today = clock.today()
    signed_on = signed_on or today
    if signed_on > today:
        raise fail("signed_on", "签署日期不能晚于今天。")
    with _locked(actor, document_id, expected_revision) as doc:
        kind = _kind(doc.kind)
        _require_valid(doc)
        if kind.signers is None:
            raise WrongState(f"{doc.title}无需当事人签名。")
        if doc.is_signed:
            raise WrongState("该文书已签署，签署后不能更改；内容有误请“更正”后重新签署。")
        issued = timezone.localdate(doc.issued_at)
        if signed_on < issued:
            raise fail("signed_on", f"签署日期不能早于文书出具日期（{issued:%Y年%m月%d日}）。")
        doc.scan_content_type = content_type
        doc.signed_at = (
            clock.now()
            if signed_on == today
            else timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12, 0)))
        )
        doc.signed_by_agent = actor
        if kind.on_signed is not None:  # may refuse: before the file is stored
            kind.on_signed(actor, doc)
        doc.scan.save(f"{doc.pk}-{doc.version}.{_EXT[content_type]}", scan, save=False)
        try:
            _freeze(doc)
            _event(
                doc,
                actor,
                "scan",
                "上传纸质签字件扫描件",
                {"content_type": content_type, "size": scan.size or 0},
            )
        except BaseException:  # the row is rolled back: take the stored scan (personal data) with it
            doc.scan.delete(save=False)
            raise
    return doc


_EXT = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def serve(
    *,
    actor: User,
    document_id: int,
    expected_revision: int | None,
    served_on: datetime.date | None,
    manner: str,
    recipient: str,
    note: str = "",
) -> Service:
    """送达: how and when the written instrument reached the petitioner. Clocks that run from receipt (the
    review window of an opinion) start from this date."""
    choice("manner", manner, ServiceManner, "送达方式")
    recipient = require_text("recipient", recipient, "受送达人", 64)
    note = (note or "").strip()
    if len(note) > 500:
        raise fail("note", "送达说明不能超过 500 个字。")
    if served_on is None:
        raise fail("served_on", "请填写送达日期。")
    with _locked(actor, document_id, expected_revision) as doc:
        kind = _kind(doc.kind)
        _require_valid(doc)
        if not kind.served:
            raise WrongState(f"{doc.title}不需要送达信访人。")
        earlier = served_before(doc)
        if earlier is not None:
            raise WrongState(f"该书面文书已于 {earlier:%Y年%m月%d日} 登记送达，不再重复登记。")
        if not selectors.may_serve(actor, doc.matter, kind, doc.source_key):
            raise NotAllowed(f"您不能登记本事项{kind.label}的送达。")
        if served_on > clock.today():
            raise fail("served_on", "送达日期不能晚于今天。")
        issued = timezone.localdate(doc.issued_at)
        if served_on < issued:
            raise fail("served_on", f"送达日期不能早于文书出具日期（{issued:%Y年%m月%d日}）。")
        service = Service.objects.create(
            document=doc,
            manner=manner,
            served_on=served_on,
            recipient=recipient,
            note=note,
            recorded_at=clock.now(),
            recorded_by=actor,
        )
        if kind.on_served is not None:
            kind.on_served(actor, doc.matter, doc.source_key, served_on, manner, note)
        _event(
            doc,
            actor,
            "serve",
            f"{served_on:%Y年%m月%d日} {ServiceManner(manner).label}给{recipient}",
            {"served_on": served_on.isoformat(), "manner": manner},
        )
    return service


def served_before(doc: Document) -> datetime.date | None:
    """The day this document, an earlier version of it, or the record it answers was served (None: not
    yet): one service per written reply, whichever page recorded it."""
    row = (
        Service.objects.filter(
            document__matter_id=doc.matter_id, document__kind=doc.kind, document__source_key=doc.source_key
        )
        .order_by("served_on")
        .values_list("served_on", flat=True)
        .first()
    )
    if row is not None:
        return row
    kind = kinds.get(doc.kind)
    if kind is not None and kind.served_elsewhere is not None:
        return kind.served_elsewhere(doc.matter, doc.source_key)
    return None


def correct(*, actor: User, document_id: int, expected_revision: int | None, reason: str) -> Document:
    """更正: a new version with the same number, from the matter's values now; the old one is kept,
    marked superseded. Signatures and service belong to a version: the new one is signed and served anew."""
    reason = require_text("reason", reason, "更正理由", 500)
    with _locked(actor, document_id, expected_revision) as old:
        kind = _kind(old.kind)
        _require_valid(old)
        matter = Matter.objects.select_for_update().get(pk=old.matter_id)
        if not selectors.may_issue(actor, matter, kind, old.source_key):
            raise NotAllowed(f"您不能出具本事项的{kind.label}。")
        old.status = DocumentStatus.SUPERSEDED
        _event(old, actor, "supersede", f"被更正（第{old.version + 1}版）", {"reason": reason})
        doc = _build(actor, matter, kind, old.source_key, number=(old.year, old.serial, old.number))
        doc.version = old.version + 1
        doc.supersedes = old
        doc.correction_reason = reason
        _freeze(doc)
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError as exc:  # another correction of the same version won the race
            raise Conflict from exc
        _event(doc, actor, "correct", f"更正{kind.label} {doc.number_label}", {"reason": reason})
        record(
            "document.issue",
            user=actor,
            target=f"document#{doc.pk}",
            detail={"number": doc.number, "kind": kind.key, "version": doc.version},
        )
    return doc


def cancel(*, actor: User, document_id: int, expected_revision: int | None, reason: str) -> Document:
    """作废: the document no longer counts; its number stays used, with the reason."""
    reason = require_text("reason", reason, "作废理由", 500)
    with _locked(actor, document_id, expected_revision) as doc:
        kind = _kind(doc.kind)
        _require_valid(doc)
        if not selectors.may_issue(actor, doc.matter, kind, doc.source_key):
            raise NotAllowed(f"只有可以出具{kind.label}的人员才能作废它。")
        refusal = kind.refuse_cancel(doc) if kind.refuse_cancel is not None else None
        if refusal:
            raise WrongState(refusal)
        doc.status = DocumentStatus.CANCELLED
        doc.cancelled_at = clock.now()
        doc.cancelled_by = actor
        doc.cancel_reason = reason
        _event(doc, actor, "cancel", f"作废 {doc.number_label}：{reason}", {"reason": reason})
    return doc


def record_matter_service(*, actor: User, document: Document, served_on: datetime.date, manner: str) -> None:
    """The service was recorded on the matter itself (its 登记送达 step): mirror it on the document, once."""
    if manner not in ServiceManner.values:
        return
    try:
        with transaction.atomic():
            doc = Document.objects.select_for_update().get(pk=document.pk)
            if doc.status != DocumentStatus.ISSUED or Service.objects.filter(document=doc).exists():
                return
            recipient = str(doc.data.get("recipient") or doc.data.get("petitioner_names") or "信访人")[:64]
            Service.objects.create(
                document=doc,
                manner=manner,
                served_on=served_on,
                recipient=recipient,
                note="在事项页面登记送达",
                recorded_at=clock.now(),
                recorded_by=actor,
            )
            _event(
                doc, actor, "serve", f"{served_on:%Y年%m月%d日} {ServiceManner(manner).label}（事项页面登记）"
            )
    except (IntegrityError, ValidationError):
        return
