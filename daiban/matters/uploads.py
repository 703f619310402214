"""Files uploaded with a form that has to be shown again (a question to answer, a field to correct) are
kept, not dropped: stored aside under a random name and carried by a signed token that only the same user
can redeem, so the person need not choose them again. Redeemed files are removed from the side store."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Sum

from daiban.accounts.models import User
from daiban.core.uploads import Usage
from daiban.matters.attachments import SAFE_TYPES, head_of, sniff_type

_SALT = "daiban.matters.uploads"
_MAX_AGE = 24 * 3600  # seconds a kept upload can be redeemed


@dataclass(frozen=True)
class Kept:
    token: str
    name: str


def keep(files: Iterable[UploadedFile], user: User) -> list[Kept]:
    """Store the (already validated) files aside; the tokens go into the re-shown form."""
    kept = []
    for f in files:
        content_type = sniff_type(head_of(f))
        if content_type is None:
            continue
        path = default_storage.save(f"pending/{secrets.token_hex(16)}{SAFE_TYPES[content_type]}", f)
        token = signing.dumps({"u": user.pk, "p": path, "n": f.name or "附件"}, salt=_SALT)
        kept.append(Kept(token=token, name=f.name or "附件"))
    return kept


def redeem(tokens: Sequence[str], user: User) -> tuple[list[File], list[Kept]]:
    """The kept files of ``tokens`` that belong to ``user`` (others and expired ones are ignored), as
    files to attach, and the same as ``Kept`` to show again if the form fails once more."""
    files: list[File] = []
    kept: list[Kept] = []
    for token in tokens[:20]:
        try:
            data = signing.loads(token, salt=_SALT, max_age=_MAX_AGE)
        except signing.BadSignature:
            continue
        if data.get("u") != user.pk or not str(data.get("p", "")).startswith("pending/"):
            continue
        if not default_storage.exists(data["p"]):
            continue
        with default_storage.open(data["p"], "rb") as handle:
            content = ContentFile(handle.read(), name=str(data["n"]))
        files.append(content)
        kept.append(Kept(token=token, name=str(data["n"])))
    return files, kept


def discard(tokens: Sequence[str], user: User) -> None:
    """Remove redeemed files from the side store."""
    for token in tokens[:20]:
        try:
            data = signing.loads(token, salt=_SALT, max_age=_MAX_AGE)
        except signing.BadSignature:
            continue
        if data.get("u") == user.pk and str(data.get("p", "")).startswith("pending/"):
            default_storage.delete(data["p"])


def attachments_stored(user_id: Any, start: datetime.datetime, end: datetime.datetime) -> Usage:
    """The matter attachments ``user_id`` uploaded in [start, end) (the daily upload quota)."""
    from daiban.matters.models import Attachment

    row = Attachment.objects.filter(
        uploaded_by_id=user_id, uploaded_at__gte=start, uploaded_at__lt=end
    ).aggregate(files=Count("id"), size=Sum("size"))
    return Usage(row["files"] or 0, row["size"] or 0)
