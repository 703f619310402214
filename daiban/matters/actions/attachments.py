"""Files added to a matter (photos, signed opinions, site pictures), each addition one event."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.actions.base import locked, record
from daiban.matters.attachments import SAFE_TYPES, head_of, safe_name, sniff_type
from daiban.matters.choices import EventKind
from daiban.matters.models import Attachment

__all__ = ["attachments_add"]


def attachments_add(*, actor: User, matter_id: int, files: Sequence[UploadedFile]) -> list[Attachment]:
    """Attach files (already validated for type and size by the form) and record one event."""
    if not files:
        return []
    with locked(actor, matter_id, None) as matter:
        now = clock.now()
        saved = []
        for f in files:
            content_type = sniff_type(head_of(f))
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
        record(
            matter,
            actor,
            EventKind.ATTACH,
            f"上传附件 {len(saved)} 个",
            {"names": [a.name for a in saved]},
            refresh_due=False,
        )
    return saved
