"""Attachments: stored outside the static tree and served only through a scoped view."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import OutOfScope
from daiban.matters.models import Attachment, Event, Matter
from daiban.matters.selectors import matters_for

# Types we accept, recognised by their first bytes (the browser's claimed type and the file name are not
# trusted), with the extension the stored file gets.
SAFE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}


def sniff_type(head: bytes) -> str | None:
    """The real type of a file from its first bytes, or None if it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _head(f: UploadedFile) -> bytes:
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    return head


def safe_name(name: str, content_type: str) -> str:
    """The shown name keeps the person's words but always ends in the sniffed type's extension."""
    stem = (name or "附件").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"|?*')[:80] or "附件"
    return stem + SAFE_TYPES[content_type]


def attachments_add(*, actor: User, matter_id: int, files: Sequence[UploadedFile]) -> list[Attachment]:
    """Attach files (already validated for type and size by the form) and record one event."""
    if not files:
        return []
    with transaction.atomic():
        if not matters_for(actor).filter(pk=matter_id).exists():
            raise OutOfScope
        matter = Matter.objects.select_for_update().get(pk=matter_id)
        now = clock.now()
        saved = []
        for f in files:
            content_type = sniff_type(_head(f))
            if content_type is None:
                raise ValidationError({"photos": [f"“{f.name}”不是照片（JPG、PNG）或 PDF 文件，未上传。"]})
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
        matter.version += 1
        matter.save(update_fields=["version", "updated_at"])
        Event.objects.create(
            matter=matter,
            seq=matter.version,
            at=now,
            actor=actor,
            kind="attach",
            summary=f"上传附件 {len(saved)} 个",
            details={"names": [a.name for a in saved]},
            status_before=matter.status,
            status_after=matter.status,
        )
    return saved
