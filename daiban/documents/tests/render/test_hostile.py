"""A body that asks for outside resources gets none of them, and still renders."""

from __future__ import annotations

import base64
import http.server
import io
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from daiban.documents.render import render_docx, render_pdf
from daiban.documents.tests.render.tools import run_on_pdf, squeeze


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request made to it."""
    hits: list[str] = []
    handler = type("Handler", (_Counting,), {"hits": hits})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _hostile(base: str, secret: Path) -> str:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        f'<image xlink:href="{base}/svg-image.png" width="10" height="10"/></svg>'
    )
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return f"""
<link rel="stylesheet" href="{base}/link.css">
<style>@import url("{base}/import.css"); .doc-sheet p {{ background: url("{base}/background.png") }}</style>
<script>document.write("脚本内容")</script>
<h1>告知书</h1>
<p>正文<img src="{base}/image.png">第一段。</p>
<p style="background-image: url('{base}/inline-style.png')">第二段。</p>
<img class="qr" src="{base}/qr.png">
<img src="file://{secret}">
<img src="{svg_uri}">
<object data="{base}/object.png"></object>
<embed src="{base}/embed.png">
<iframe src="{base}/frame.html"></iframe>
<a rel="attachment" href="{base}/attachment.bin">附件</a>
<div class="signatures"><div class="signature"><p class="label">签名：</p><img src="{base}/sig.png"></div></div>
"""


def test_nothing_is_fetched_and_the_pdf_renders(
    server: tuple[str, list[str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    base, hits = server
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the document")
    with caplog.at_level(logging.DEBUG, logger="daiban.documents.render.pdf"):
        pdf = render_pdf(_hostile(base, secret), title="告知书")
    assert pdf.startswith(b"%PDF-")
    assert hits == []
    refused = {
        record.getMessage().rsplit(" ", 1)[1]
        for record in caplog.records
        if record.getMessage().startswith("PDF rendering refused to fetch ")
    }
    # The fetcher was asked, and said no: to the web server (whatever the way) and to the local file.
    asked = ["link.css", "import.css", "background.png", "image.png", "inline-style.png", "qr.png"]
    asked += ["object.png", "embed.png", "attachment.bin", "sig.png", "svg-image.png"]
    assert {f"{base}/{name}" for name in asked} | {f"file://{secret}"} <= refused
    text = squeeze(run_on_pdf("pdftotext", pdf, "-enc", "UTF-8"))
    assert "正文第一段。" in text
    assert "脚本内容" not in text


def test_the_docx_of_a_hostile_body_has_no_pictures_and_no_script(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    data = render_docx(_hostile(base, tmp_path / "secret.png"), title="告知书")
    assert hits == []
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 0
    text = "".join(paragraph.text for paragraph in document.paragraphs)
    assert "正文第一段。" in text
    assert "脚本内容" not in text and "import" not in text


def test_broken_data_uris_are_skipped() -> None:
    body = (
        '<img class="qr" src="data:image/png;base64,!!!notbase64">'
        '<div class="signatures"><div class="signature"><p class="label">签名：</p>'
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA"></div></div>'
    )
    assert render_pdf(body, title="x").startswith(b"%PDF-")
    document = docx.Document(io.BytesIO(render_docx(body, title="x")))
    assert len(document.inline_shapes) == 0
