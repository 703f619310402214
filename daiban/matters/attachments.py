"""Attachments: stored outside the static tree and served only through a scoped view."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import OutOfScope
from daiban.matters.models import Attachment, Event, Matter
from daiban.matters.selectors import matters_for


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
            saved.append(
                Attachment.objects.create(
                    matter=matter,
                    file=f,
                    name=(f.name or "附件")[:120],
                    content_type=getattr(f, "content_type", "") or "",
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
