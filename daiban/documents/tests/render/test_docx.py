"""The Word file: the same text as the body's blocks, A4 with GB/T 9704 margins, the pictures, the fonts."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from daiban.documents.render import markup, render_docx, render_pdf
from daiban.documents.tests.render import sample
from daiban.documents.tests.render.tools import docx_texts, run_on_pdf, squeeze


@pytest.fixture(scope="module")
def body() -> str:
    return sample.body()


@pytest.fixture(scope="module")
def data(body: str) -> bytes:
    return render_docx(body, title=sample.TITLE)


def test_the_docx_has_the_text_of_the_blocks(body: str, data: bytes) -> None:
    expected = markup.text_of(markup.parse(body))
    assert squeeze("".join(docx_texts(data))) == squeeze("".join(expected))
    # Paragraph by paragraph too (the DOCX adds only empty ones: spacers after tables, picture lines).
    assert [squeeze(text) for text in docx_texts(data) if squeeze(text)] == [
        squeeze(text) for text in expected if squeeze(text)
    ]


def test_the_docx_says_what_the_pdf_says(body: str, data: bytes) -> None:
    shown = squeeze(run_on_pdf("pdftotext", render_pdf(body, title=sample.TITLE), "-enc", "UTF-8"))
    shown = re.sub(r"—\d+—", "", shown)
    assert sorted(shown) == sorted(squeeze("".join(docx_texts(data))))


def test_a4_and_the_margins_of_gb_t_9704(data: bytes) -> None:
    section = docx.Document(io.BytesIO(data)).sections[0]
    for value, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert value is not None
        assert abs(value - Mm(mm)) < Mm(0.1)


def test_two_inline_pictures_the_signature_and_the_qr(data: bytes) -> None:
    document = docx.Document(io.BytesIO(data))
    shapes = document.inline_shapes
    assert len(shapes) == 2
    signature, qr = shapes
    assert signature.width <= Mm(30.1) and signature.height <= Mm(18.1)
    assert abs(qr.width - Mm(30)) < Mm(0.1) and abs(qr.height - Mm(30)) < Mm(0.1)


def test_fonts_sizes_and_the_red_head(data: bytes) -> None:
    document = docx.Document(io.BytesIO(data))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    issuer, number, title = document.paragraphs[:3]
    assert issuer.text == sample.ISSUER
    run = issuer.runs[0]
    assert str(run.font.color.rgb) == "CC0000"
    assert run.font.size.pt == 26
    assert number.text == sample.NUMBER
    border = number._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    assert border is not None and border.get(qn("w:color")) == "CC0000"
    assert title.text == sample.TITLE
    assert title.runs[0].font.size.pt == 22
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body_paragraph = document.paragraphs[4]
    assert body_paragraph.paragraph_format.first_line_indent.pt == 32
    heading = next(p for p in document.paragraphs if p.text == "一、你的权利和义务")
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_tables_are_ruled_and_merge_colspan(data: bytes) -> None:
    document = docx.Document(io.BytesIO(data))
    form, grid = document.tables[:2]
    assert form.style.name == "Table Grid" and grid.style.name == "Table Grid"
    last_row = form.rows[2]._tr.findall(qn("w:tc"))
    assert [len(last_row)] == [2]
    assert last_row[1].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"


def test_the_page_number_field_in_the_footer(data: bytes) -> None:
    footer = docx.Document(io.BytesIO(data)).sections[0].footer.paragraphs[0]
    instructions = [node.text for node in footer._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")


def test_core_properties(data: bytes) -> None:
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.title == sample.TITLE
    assert properties.author == ""
