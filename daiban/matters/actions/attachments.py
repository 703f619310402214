"""Files added to a matter (photos, signed opinions, site pictures), each addition one event."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import File

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters import rules
from daiban.matters.actions.base import fail, locked, record
from daiban.matters.attachments import SAFE_TYPES, head_of, safe_name, sniff_type
from daiban.matters.choices import EventKind
from daiban.matters.models import Attachment, Matter

__all__ = ["attachments_add", "matter_attach"]


def attachments_add(*, actor: User, matter_id: int, files: Sequence[File]) -> list[Attachment]:
    """Attach files (already validated for type and size by the form) and record one event."""
    if not files:
        return []
    with locked(actor, matter_id, None) as matter:
        saved = _save(matter, actor, files, "photos")
        record(
            matter,
            actor,
            EventKind.ATTACH,
            f"上传附件 {len(saved)} 个",
            {"names": [a.name for a in saved]},
            refresh_due=False,
        )
    return saved


def matter_attach(
    *, actor: User, matter_id: int, expected_version: int | None, uploads: Sequence[File], note: str = ""
) -> Matter:
    """上传附件 after intake (a signed opinion, a photo of the site), by whoever acts on the matter
    (``rules.attach``): the same content sniffing as at intake (the form also caps the size), one event."""
    note = (note or "").strip()
    if len(note) > 500:
        raise fail("note", "说明不能超过 500 个字。")
    with locked(actor, matter_id, expected_version) as matter:
        rules.attach(actor, matter)
        if not uploads:
            raise fail("uploads", "请选择要上传的附件。")
        saved = _save(matter, actor, uploads, "uploads")
        record(
            matter,
            actor,
            EventKind.ATTACH,
            f"上传附件 {len(saved)} 个",
            {"names": [a.name for a in saved], "note": note},
            refresh_due=False,
        )
    return matter


def _save(matter: Matter, actor: User, files: Sequence[File], field: str) -> list[Attachment]:
    """Store each file under our own name with its sniffed type; a file of another type is refused on
    ``field`` (and the transaction with it)."""
    now = clock.now()
    saved = []
    for f in files:
        content_type = sniff_type(head_of(f))
        if content_type is None:
            raise ValidationError({field: [f"“{f.name}”不是照片（JPG、PNG）或 PDF 文件，未上传。"]})
        name = safe_name(f.name or "", content_type)
        f.name = "upload" + SAFE_TYPES[content_type]  # the stored file's name is ours, not the sender's
        saved.append(
            Attachment.objects.create(
                matter=matter,
                file=f,
                name=name,
                content_type=content_type,
                size=f.size or 0,
                uploaded_by=actor,
                uploaded_at=now,
            )
        )
    return saved
