"""decode_signature and validate_scan: what a finger signature and a paper scan must be, and that nothing
but a ValidationError with a Chinese message ever comes out of them."""

from __future__ import annotations

import base64
import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, PngImagePlugin

from daiban.documents.signatures import (
    BLANK,
    INVALID,
    MAX_DATA_URL_CHARS,
    decode_signature,
    validate_scan,
)

PREFIX = "data:image/png;base64,"


def png_bytes(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **params)
    return out.getvalue()


def signature_image(size: tuple[int, int] = (400, 150), width: int = 5) -> Image.Image:
    """What the pad sends: black strokes on a transparent background."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.line(
        [(w * 0.1, h * 0.7), (w * 0.4, h * 0.2), (w * 0.6, h * 0.8), (w * 0.9, h * 0.3)],
        fill="black",
        width=width,
    )
    return image


def data_url(data: bytes) -> str:
    return PREFIX + base64.b64encode(data).decode("ascii")


def message(error: ValidationError, field: str = "signature") -> str:
    return str(error.message_dict[field][0])


# -- decode_signature ----------------------------------------------------------------------------------


def test_a_drawn_signature_comes_back_as_a_clean_png() -> None:
    original = signature_image()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret metadata")
    sent = png_bytes(original, pnginfo=info)

    result = decode_signature(data_url(sent))

    assert result.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"secret metadata" not in result and b"tEXt" not in result
    with Image.open(io.BytesIO(result)) as back:
        assert back.format == "PNG" and back.mode == "RGBA" and back.size == original.size
        assert back.tobytes() == original.tobytes()  # lossless
        assert not back.info.get("Comment")


def test_an_opaque_signature_on_white_and_other_modes_are_accepted() -> None:
    on_white = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(on_white).line([(10, 50), (290, 60)], fill=(20, 20, 80), width=4)
    for image in (on_white, on_white.convert("L"), on_white.convert("P"), on_white.convert("LA")):
        result = decode_signature(data_url(png_bytes(image)))
        with Image.open(io.BytesIO(result)) as back:
            assert back.mode == "RGBA" and back.size == (300, 100)


def test_the_prefix_is_case_insensitive_and_surrounding_space_ignored() -> None:
    url = data_url(png_bytes(signature_image()))
    assert decode_signature("  DATA:IMAGE/PNG;BASE64," + url[len(PREFIX) :] + "\n").startswith(b"\x89PNG")


def test_the_field_names_the_error() -> None:
    with pytest.raises(ValidationError) as caught:
        decode_signature("", field="signature_2")
    assert message(caught.value, "signature_2") == BLANK


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGBA", (400, 150), (0, 0, 0, 0)),  # nothing drawn
        Image.new("RGB", (400, 150), "white"),  # an opaque white pad
        Image.new("RGBA", (400, 150), (0, 0, 0, 20)),  # a faint veil: not ink
        Image.new("RGB", (400, 150), (235, 235, 235)),  # near-white
    ],
    ids=["transparent", "white", "faint", "near-white"],
)
def test_a_blank_pad_is_refused(image: Image.Image) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_signature(data_url(png_bytes(image)))
    assert message(caught.value) == BLANK


def test_a_stray_tap_is_blank() -> None:
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([(100, 50), (106, 56)], fill="black")  # ~40 pixels
    with pytest.raises(ValidationError) as caught:
        decode_signature(data_url(png_bytes(image)))
    assert message(caught.value) == BLANK


@pytest.mark.parametrize("size", [(49, 100), (300, 19), (10, 10)])
def test_too_small_is_refused(size: tuple[int, int]) -> None:
    image = Image.new("RGBA", size, (0, 0, 0, 255))  # all ink, but too small to be a signature
    with pytest.raises(ValidationError) as caught:
        decode_signature(data_url(png_bytes(image)))
    assert "太小" in message(caught.value)


@pytest.mark.parametrize("size", [(2001, 100), (300, 1001)])
def test_too_large_dimensions_are_refused(size: tuple[int, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_signature(data_url(png_bytes(signature_image(size))))
    assert "尺寸" in message(caught.value)


def test_limits_are_inclusive() -> None:
    assert decode_signature(data_url(png_bytes(Image.new("RGBA", (50, 20), (0, 0, 0, 255)))))
    assert decode_signature(data_url(png_bytes(signature_image((2000, 1000)))))


def test_a_huge_dimension_header_is_refused_before_decoding() -> None:
    """A tiny file claiming 100000×100000 pixels (a decompression bomb) never gets decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    ihdr = (100_000).to_bytes(4, "big") * 2 + bytes([8, 6, 0, 0, 0])
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(ValidationError) as caught:
        decode_signature(data_url(bomb))
    assert "尺寸" in message(caught.value)


def test_over_400_kb_of_text_is_refused_without_decoding() -> None:
    with pytest.raises(ValidationError) as caught:
        decode_signature(PREFIX + "A" * MAX_DATA_URL_CHARS)
    assert "过大" in message(caught.value)
    with pytest.raises(ValidationError):
        decode_signature("x" * 5_000_000)


def test_a_large_but_allowed_text_that_is_noise_is_invalid() -> None:
    noise = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 1000).decode()
    assert len(PREFIX + noise) < MAX_DATA_URL_CHARS
    with pytest.raises(ValidationError) as caught:
        decode_signature(PREFIX + noise)
    assert message(caught.value) == INVALID


@pytest.mark.parametrize(
    "text",
    [
        "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0" + b"\0" * 100).decode(),
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg onload='alert(1)'/>").decode(),
        "data:text/plain,hello",
        "data:image/png,rawbytes",
        "hello",
        "张三",
        "javascript:alert(1)",
        "https://example.com/signature.png",
    ],
)
def test_anything_but_a_png_data_url_is_invalid(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_signature(text)
    assert message(caught.value) == INVALID


def test_a_jpeg_labelled_as_png_is_invalid() -> None:
    out = io.BytesIO()
    signature_image().convert("RGB").save(out, format="JPEG")
    with pytest.raises(ValidationError) as caught:
        decode_signature(data_url(out.getvalue()))
    assert message(caught.value) == INVALID


@pytest.mark.parametrize(
    "payload",
    [
        "not base64!!",
        "iVBORw0KGgo",  # truncated padding
        "iVBORw0KGgo=====",
        "iVBO Rw0K Ggo=",
        "签名签名",
        "\x00\x00",
    ],
)
def test_malformed_base64_is_invalid(payload: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_signature(PREFIX + payload)
    assert message(caught.value) == INVALID


def test_a_truncated_or_corrupted_png_is_invalid() -> None:
    good = png_bytes(signature_image())
    for broken in (good[:40], good[: len(good) // 2], good[:-12], good[:100] + b"\0" * 50 + good[150:]):
        with pytest.raises(ValidationError) as caught:
            decode_signature(data_url(broken))
        assert message(caught.value) == INVALID


def _only_validation_errors(text: str) -> None:
    try:
        result = decode_signature(text)
    except ValidationError as error:
        assert message(error)
    else:
        assert result.startswith(b"\x89PNG\r\n\x1a\n")


@given(st.text(max_size=2000))
def test_fuzz_any_text_gives_only_validation_errors(text: str) -> None:
    _only_validation_errors(text)
    _only_validation_errors(PREFIX + text)


@given(st.binary(max_size=4000))
def test_fuzz_any_bytes_as_a_png_data_url_give_only_validation_errors(data: bytes) -> None:
    _only_validation_errors(data_url(data))
    _only_validation_errors(data_url(b"\x89PNG\r\n\x1a\n" + data))


_GOOD_PNG = png_bytes(signature_image((120, 60), width=4))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_GOOD_PNG) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_fuzz_a_damaged_real_png_gives_only_validation_errors(edits: list[tuple[int, int]]) -> None:
    damaged = bytearray(_GOOD_PNG)
    for position, value in edits:
        damaged[position] = value
    _only_validation_errors(data_url(bytes(damaged)))


# -- validate_scan -------------------------------------------------------------------------------------

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("签字件.pdf", TINY_PDF, "application/pdf"),
        ("scan.png", png_bytes(signature_image()), "image/png"),
        ("photo.jpg", _jpeg(), "image/jpeg"),
        ("IMG_0001", _jpeg(), "image/jpeg"),  # no extension: the bytes decide
        ("签字件.pdf.jpg", TINY_PDF, "application/pdf"),  # a wrong extension does not matter either
    ],
)
def test_a_pdf_png_or_jpeg_scan_is_accepted(name: str, content: bytes, expected: str) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    assert validate_scan(upload) == expected
    assert upload.read() == content  # left at the start for whoever stores it


def _scan_message(upload: object) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_scan(upload)
    return message(caught.value, "scan")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200),
        ("scan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200),  # the name lies
        ("page.html", b"<!doctype html><script>alert(1)</script>"),
        ("scan.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("scan.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\0" * 40),  # an attachment type, but not a scan
        ("scan.heic", b"\0\0\0\x18ftypheic" + b"\0" * 40),
    ],
)
def test_other_types_are_refused(name: str, content: bytes) -> None:
    text = _scan_message(SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert "PDF、JPG 或 PNG" in text and name in text


def test_an_empty_file_is_refused() -> None:
    assert "空文件" in _scan_message(SimpleUploadedFile("scan.pdf", b"", content_type="application/pdf"))


def test_no_file_is_refused() -> None:
    assert "请选择" in _scan_message(None)


def test_over_10_mb_is_refused() -> None:
    big = TINY_PDF + b"\0" * (11 * 1024 * 1024)
    assert "10 MB" in _scan_message(SimpleUploadedFile("scan.pdf", big, content_type="application/pdf"))


def test_exactly_10_mb_is_accepted() -> None:
    exact = TINY_PDF + b"\0" * (10 * 1024 * 1024 - len(TINY_PDF))
    assert validate_scan(SimpleUploadedFile("scan.pdf", exact)) == "application/pdf"


def test_a_file_without_a_size_is_measured() -> None:
    from django.core.files.base import File

    assert validate_scan(File(io.BytesIO(TINY_PDF), name="scan.pdf")) == "application/pdf"
    assert "空文件" in _scan_message(File(io.BytesIO(b""), name="scan.pdf"))
