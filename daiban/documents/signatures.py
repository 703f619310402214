"""Signatures on a document: a finger signature captured on the agent's phone, or a scan of the paper copy.

A finger signature arrives from ``documents/signature-pad.js`` as the value of a hidden input: a PNG data
URL of the inked part of the pad (transparent background, black ink, at most about 800×300 px). Nothing in
it is trusted: ``decode_signature`` checks the size of the text, the base64, the PNG itself, its
dimensions and that something was actually drawn, then stores a clean re-encoded copy (no metadata, no
extra chunks) rather than the bytes it was sent. A scan of the paper-signed copy (``validate_scan``) is
recognised by its first bytes, like any other attachment (``daiban.matters.attachments``).

Both raise ``ValidationError`` keyed by the form field, with a message the agent can act on, and nothing
else whatever they are given.
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from django.core.exceptions import ValidationError
from PIL import Image, ImageChops

from daiban.matters.attachments import head_of, sniff_type

DATA_URL_PREFIX = "data:image/png;base64,"
MAX_DATA_URL_CHARS = 400 * 1024
MIN_SIZE = (50, 20)
MAX_SIZE = (2000, 1000)
# A pixel is ink when it is not (nearly) transparent and not near-white; a pad with fewer such pixels
# than this is blank (or a stray tap). signature-pad.js applies the same rule before it fills the input.
MIN_INK_PIXELS = 150
INK_MIN_ALPHA = 32
NEAR_WHITE = 220  # a pixel whose darkest channel is at least this is paper, not ink

SCAN_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}
MAX_SCAN_BYTES = 10 * 1024 * 1024

INVALID = "签名无效，请重新签名。"
BLANK = "签名为空，请在框内签名。"
TOO_LARGE = "签名图片过大，请清除后重新签名。"
TOO_SMALL = "签名太小，请在框内写得大一些。"
WRONG_SIZE = "签名图片尺寸不对，请清除后重新签名。"


def decode_signature(data_url: str, *, field: str = "signature") -> bytes:
    """The PNG bytes of a finger signature sent as ``data:image/png;base64,…``, re-encoded clean.

    Raises ``ValidationError({field: message})`` if the text is not such a data URL (or is over 400 KB),
    the image is not a readable PNG, is smaller than 50×20 or larger than 2000×1000, or is blank.
    """

    def fail(message: str) -> ValidationError:
        return ValidationError({field: message})

    if not isinstance(data_url, str) or not data_url.strip():
        raise fail(BLANK)
    if len(data_url) > MAX_DATA_URL_CHARS:
        raise fail(TOO_LARGE)
    text = data_url.strip()
    if text[: len(DATA_URL_PREFIX)].lower() != DATA_URL_PREFIX:
        raise fail(INVALID)
    try:
        raw = base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):  # not base64, or not ASCII at all
        raise fail(INVALID) from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n") or raw[12:16] != b"IHDR" or len(raw) < 24:
        raise fail(INVALID)
    try:
        # The size from the header, before Pillow sees the file (it refuses a huge one as a "bomb").
        _check_size((int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")))
        rgba = _read_png(raw)
    except _Refused as refused:
        raise fail(refused.message) from None
    # Pillow and its decoders raise many kinds of error on a damaged file (OSError, SyntaxError,
    # ValueError, struct.error, zlib.error, EOFError, DecompressionBombError …): all mean the same here.
    except Exception:
        raise fail(INVALID) from None
    if _ink_pixels(rgba) < MIN_INK_PIXELS:
        raise fail(BLANK)
    # A fresh image from the pixels alone: no text chunks, ICC profile, EXIF or other frames survive.
    clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _read_png(raw: bytes) -> Image.Image:
    """The decoded RGBA image, its size checked from the header before any pixel is decoded."""
    with Image.open(io.BytesIO(raw), formats=["PNG"]) as probe:
        _check_size(probe.size)
        probe.verify()  # chunk CRCs and structure; the image cannot be used afterwards
    with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
        _check_size(image.size)
        image.load()
        return image.convert("RGBA")


def _check_size(size: tuple[int, int]) -> None:
    width, height = size
    if width > MAX_SIZE[0] or height > MAX_SIZE[1]:
        raise _Refused(WRONG_SIZE)
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise _Refused(TOO_SMALL)


def _ink_pixels(rgba: Image.Image) -> int:
    """How many pixels are ink: alpha ≥ INK_MIN_ALPHA and the darkest channel below NEAR_WHITE."""
    red, green, blue, alpha = rgba.split()
    darkest = ImageChops.darker(red, ImageChops.darker(green, blue))
    dark = darkest.point(lambda v: 255 if v < NEAR_WHITE else 0)
    opaque = alpha.point(lambda v: 255 if v >= INK_MIN_ALPHA else 0)
    return ImageChops.multiply(dark, opaque).histogram()[255]


def validate_scan(upload: Any) -> str:
    """The content type (sniffed from the bytes) of a scan of the paper-signed copy: PDF, JPG or PNG, not
    empty, at most 10 MB. Raises ``ValidationError({"scan": message})`` otherwise."""

    def fail(message: str) -> ValidationError:
        return ValidationError({"scan": message})

    if upload is None:
        raise fail("请选择签字件的扫描件或照片。")
    name = str(getattr(upload, "name", "") or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:80]
    shown = f"“{name}”" if name else "所选文件"
    size = _size_of(upload)
    if size <= 0:
        raise fail(f"{shown}是空文件，请重新选择。")
    if size > MAX_SCAN_BYTES:
        raise fail(f"{shown}超过 10 MB，请压缩后或分页拍照后再上传。")
    try:
        head = head_of(upload)
    except (OSError, ValueError):
        raise fail(f"{shown}无法读取，请重新选择。") from None
    content_type = sniff_type(head)
    if content_type not in SCAN_TYPES:
        raise fail(f"{shown}不是 PDF、JPG 或 PNG 文件。签字件请扫描成 PDF，或拍照后上传。")
    return content_type


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    try:
        upload.seek(0, io.SEEK_END)
        end = int(upload.tell())
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        return 0
    return end
