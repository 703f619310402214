"""An agent on a phone (375 px, touch) in a village: from the matter page, preview and issue the 代办委托书,
have the petitioner sign it with a finger on the signature pad, download the signed PDF (the signature is
an image in it, every font embedded); issue the 受理回执 whose PDF carries the number, the lookup code and
a QR code. Every page fits the screen. Browser-marked (Debian's chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas, Tree
from daiban.core import clock
from daiban.documents.models import Document
from daiban.matters.tests.factories import Flow
from tests.browser.conftest import PHONE, login, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _fits(page: Any, name: str) -> None:
    shots = os.environ.get("DAIBAN_VAR_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"phone-{name}.png"), full_page=True)
    scroll_width, width = no_horizontal_scroll(page)
    assert scroll_width <= width == 375, name


def _pdf_tool(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} (poppler-utils) is not installed")
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _download(page: Any, test_id: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).tap()
    return Path(info.value.path()).read_bytes()


def test_issue_sign_and_download_on_a_phone(
    new_context: Any, server: str, tree: Tree, personas: Personas
) -> None:
    base, make_context = server, new_context
    flow = Flow(tree, personas, start=clock.now())
    m = flow.at_village()
    page = make_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, accept_downloads=True
    ).new_page()
    login(page, base, personas.village_agent)

    page.goto(f"{base}/matters/{m.pk}/")
    panel = page.get_by_test_id("documents-panel")
    panel.locator("a[href*='kind=entrustment']").tap()
    page.wait_for_url(re.compile(r"/documents/matter/\d+/new/"))
    assert "〔出具时自动编号〕" in page.locator(".doc-sheet").inner_text()
    _fits(page, "document-preview")
    page.get_by_role("button", name="出具代办委托书").tap()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    doc = Document.objects.get(kind="entrustment")
    assert page.get_by_test_id("document-number").inner_text() == doc.number
    _fits(page, "document")

    page.get_by_test_id("sign-link").tap()
    page.wait_for_url(f"{base}/documents/{doc.pk}/sign/")
    canvas = page.locator(".signature-pad canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(box["x"] + 20 + i * 11, box["y"] + box["height"] * (0.3 + 0.4 * (i % 2)))
    page.mouse.up()
    _fits(page, "document-sign")
    with page.expect_navigation():
        page.get_by_role("button", name="确认签名").tap()
    assert page.url == f"{base}/documents/{doc.pk}/"
    doc.refresh_from_db()
    assert doc.is_signed and doc.signatures.count() == 1
    assert page.get_by_text("当面签名", exact=False).first.is_visible()

    pdf = _download(page, "download-pdf")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signed.pdf"
        path.write_bytes(pdf)
        text = _pdf_tool("pdftotext", "-layout", str(path), "-")
        assert doc.number in text and "王建国" in text and m.number in text
        images = _pdf_tool("pdfimages", "-list", str(path))
        assert len(images.strip().splitlines()) >= 3, images  # header lines + the signature
        fonts = _pdf_tool("pdffonts", str(path)).strip().splitlines()[2:]
        assert fonts and all(" yes " in row for row in fonts), fonts

    # The receipt: number, lookup code and the QR code of the public lookup address.
    page.goto(f"{base}/documents/matter/{m.pk}/new/?kind=receipt&source=")
    page.get_by_role("button", name="出具受理回执").tap()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    receipt = Document.objects.get(kind="receipt")
    pdf = _download(page, "download-pdf")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "receipt.pdf"
        path.write_bytes(pdf)
        text = _pdf_tool("pdftotext", "-layout", str(path), "-")
        assert receipt.number in text and m.lookup_code in text
        assert len(_pdf_tool("pdfimages", "-list", str(path)).strip().splitlines()) >= 3
    word = _download(page, "download-docx")
    assert word[:2] == b"PK"
