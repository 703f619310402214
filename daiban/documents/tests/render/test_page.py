"""The HTML page, the QR code, the page pictures."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image

from daiban.documents.render import CSS_STATIC_NAME, page_html, qr_data_uri, render_pdf
from daiban.documents.render.page import CSS_PATH
from daiban.documents.render.pages import pdf_to_png_pages
from daiban.documents.tests.render import sample
from daiban.documents.tests.render.tools import need


def test_the_print_page() -> None:
    page = page_html("<p>正文</p>", title="告知书 <&>")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert '<meta charset="utf-8">' in page
    assert "<title>告知书 &lt;&amp;&gt;</title>" in page
    assert '<div class="doc-sheet">\n<p>正文</p>\n</div>' in page
    assert CSS_PATH.read_text(encoding="utf-8") in page
    assert "viewport" not in page


def test_the_screen_page() -> None:
    page = page_html("<p>正文</p>", title="告知书", for_screen=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<body class="doc-screen">' in page


def test_the_stylesheet_is_a_static_file_of_the_app() -> None:
    assert CSS_PATH.is_file()
    assert CSS_PATH.as_posix().endswith(f"documents/static/{CSS_STATIC_NAME}")
    css = CSS_PATH.read_text(encoding="utf-8")
    assert "size: A4" in css and "margin: 37mm 26mm 35mm 28mm" in css


def test_qr_code_png_sharp_at_3cm() -> None:
    uri = qr_data_uri(sample.VERIFY_URL)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert image.format == "PNG"
    assert image.width == image.height >= 354  # 300 dpi at 3cm


def test_pictures_of_the_pages(tmp_path: Path) -> None:
    need("pdftoppm")
    pdf = render_pdf(sample.body(), title=sample.TITLE)
    pages = pdf_to_png_pages(pdf, tmp_path / "sample", dpi=40)
    assert pages and [path.name for path in pages] == [f"sample-{n}.png" for n in range(1, len(pages) + 1)]
    for path in pages:
        with Image.open(path) as image:
            assert abs(image.width / image.height - 210 / 297) < 0.01
