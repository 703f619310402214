"""Attachments: what we accept (sniffed by content) and the names we store them under. Files are added
by ``daiban.matters.actions.attachments``, stored outside the static tree and served only through a
scoped view."""

from __future__ import annotations

from django.core.files.base import File

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


def head_of(f: File) -> bytes:
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
