"""A document's body as a Word file (python-docx), laid out as the PDF is (GB/T 9704-2012).

The body is read into blocks (``markup.parse``) and each block written out: its text goes into the Word
file's paragraphs and table cells in the order ``markup.block_text`` gives, so the two files say the same
thing. Fonts are named as Chinese offices have them (仿宋, 方正小标宋简体, 黑体, 宋体): Word uses the font of
that name, or the closest it has.
"""

from __future__ import annotations

import io
import math
import struct
import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from daiban.documents.render import markup
from daiban.documents.render.markup import Run

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = "CC0000"

BODY_PT = 16.0  # 3号
LINE_PT = 28.9  # 22 lines on the 225mm of the type area
TITLE_PT = 22.0  # 2号
ISSUER_PT = 26.0  # 一号
TITLE_LINE_PT = 36.0
TABLE_PT = 14.0  # 4号
TABLE_LINE_PT = 21.0
SMALL_PT = 12.0  # 小4号: notes, captions, signing times
SMALL_LINE_PT = 20.0
PAGE_NUMBER_PT = 14.0

TYPE_AREA_MM = 210 - 28 - 26  # 156mm
SIGNATURE_WIDTH_MM = 30.0
SIGNATURE_HEIGHT_MM = 18.0
QR_MM = 30.0


def render_docx(body_html: str, *, title: str) -> bytes:
    """The body as a .docx: A4, GB/T 9704 margins and sizes, the page number in the footer."""
    import docx  # imported here: the package stays light to import

    document = docx.Document()
    _set_up(document, title)
    for block in markup.parse(body_html):
        _write(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- The page and the defaults ------------------------------------------------------------------------------


def _set_up(document: Document, title: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's top 7mm under the type area (35mm from the page's foot): its line ends ~23mm up.
    section.footer_distance = Mm(23)

    # Defaults of every paragraph: 3号仿宋, exactly 28.9pt a line, no space between paragraphs.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert r_pr is not None
    fonts = r_pr.find(qn("w:rFonts"))
    assert fonts is not None
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        size = r_pr.find(qn(tag))
        assert size is not None
        size.set(qn("w:val"), str(round(BODY_PT * 2)))
    lang = r_pr.find(qn("w:lang"))
    assert lang is not None
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    assert spacing is not None
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(round(LINE_PT * 20)))
    spacing.set(qn("w:lineRule"), "exact")

    # 页码: "— 1 —", 4号宋体, centred.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(footer, line=None)
    _font(footer.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)
    _page_field(footer)
    _font(footer.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)

    properties = document.core_properties
    properties.title = title
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.language = "zh-CN"
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    properties.revision = 1


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (Word fills in the number; "1" stands until it does)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run = paragraph.add_run()
        _font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)
        run._r.append(element)

    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run = paragraph.add_run()
    _font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)
    run._r.append(instruction)
    field_char("separate")
    _font(paragraph.add_run("1"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)
    field_char("end")


# -- Formatting helpers -------------------------------------------------------------------------------------


def _font(
    run: Any,
    east_asia: str | None = None,
    size: float | None = None,
    *,
    latin: str | None = None,
    bold: bool | None = None,
    underline: bool | None = None,
    color: str | None = None,
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    if east_asia or latin:
        fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
        if latin:
            fonts.set(qn("w:ascii"), latin)
            fonts.set(qn("w:hAnsi"), latin)
        if east_asia:
            fonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if underline is not None:
        run.font.underline = underline
    if color is not None:
        run.font.color.rgb = RGBColor.from_string(color)


def _spacing(
    paragraph: Paragraph,
    *,
    line: float | None = LINE_PT,
    before: float = 0,
    after: float = 0,
    indent_chars: int = 0,
    right_pt: float = 0,
    keep_with_next: bool = False,
) -> None:
    """Line height exactly ``line`` points (None: single, for a line holding a picture), spaces, indents."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    format_ = paragraph.paragraph_format
    if line is None:
        format_.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        format_.line_spacing = Pt(line)
        format_.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    format_.space_before = Pt(before)
    format_.space_after = Pt(after)
    format_.first_line_indent = Pt(indent_chars * BODY_PT)
    if indent_chars:
        # In characters too, so the indent follows the text's size as Word's own "2 字符" does.
        indent = paragraph._p.get_or_add_pPr().get_or_add_ind()
        indent.set(qn("w:firstLineChars"), str(indent_chars * 100))
    if right_pt:
        format_.right_indent = Pt(right_pt)
    if keep_with_next:
        format_.keep_with_next = True


def _align(paragraph: Paragraph, align: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]


def _add_runs(paragraph: Paragraph, runs: tuple[Run, ...] | list[Run], **font: Any) -> None:
    from docx.enum.text import WD_BREAK

    for run in runs:
        if run.text == "\n":
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        _font(
            paragraph.add_run(run.text),
            bold=True if run.bold else None,
            underline=True if run.underline else None,
            **font,
        )


def _lines(text: str) -> list[Run]:
    """Plain text with "\\n" line breaks as runs."""
    runs: list[Run] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            runs.append(Run("\n"))
        if line:
            runs.append(Run(line))
    return runs


def _bottom_border(paragraph: Paragraph, color: str, *, eighths: int, space_pt: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(eighths))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    # pBdr comes before spacing, ind and jc in a pPr (the schema's order).
    anchor = next(
        (
            child
            for child in p_pr
            if child.tag in {qn(t) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")}
        ),
        None,
    )
    if anchor is None:
        p_pr.append(borders)
    else:
        anchor.addprevious(borders)


def _picture(paragraph: Paragraph, data: bytes, *, width_mm: float, max_height_mm: float) -> bool:
    """An inline picture ``width_mm`` wide (narrower if it would be taller than ``max_height_mm``).

    A picture python-docx cannot read (a broken data URI) is left out: False.
    """
    from docx.image.exceptions import (
        InvalidImageStreamError,
        UnexpectedEndOfFileError,
        UnrecognizedImageError,
    )
    from docx.image.image import Image
    from docx.shared import Mm

    unreadable = (
        InvalidImageStreamError,
        UnexpectedEndOfFileError,
        UnrecognizedImageError,
        ValueError,
        IndexError,
        KeyError,
        struct.error,
        ZeroDivisionError,
    )
    try:
        image = Image.from_blob(data)
        ratio = image.px_height / image.px_width
    except unreadable:
        return False
    width = width_mm
    if width * ratio > max_height_mm:
        width = max_height_mm / ratio
    run = paragraph.add_run()
    try:
        run.add_picture(io.BytesIO(data), width=Mm(width), height=Mm(width * ratio))
    except unreadable:
        run._r.getparent().remove(run._r)
        return False
    return True


def _text_width(text: str) -> float:
    """Width of a line in characters of the font size (a CJK character 1, others ½)."""
    return sum(1 if unicodedata.east_asian_width(char) in "WF" else 0.5 for char in text)


def _first_paragraph(cell: _Cell) -> Paragraph:
    return cell.paragraphs[0]


def _borderless(table: Table) -> None:
    """A layout table: no borders (the default table style of the template has none), no cell margins."""
    table.style = None
    table.autofit = False


def _column_widths(table: Table, widths_mm: list[float]) -> None:
    from docx.shared import Mm

    for index, column in enumerate(table.columns):
        column.width = Mm(widths_mm[index])
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[index])


# -- Blocks -------------------------------------------------------------------------------------------------


def _write(document: Document, block: markup.Block) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    match block:
        case markup.RedHead():
            issuer = document.add_paragraph()
            issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _spacing(issuer, line=TITLE_LINE_PT)
            _font(issuer.add_run(block.issuer), TITLE_FONT, ISSUER_PT, color=RED)
            ruled = issuer
            if block.number:
                number = document.add_paragraph()
                number.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _spacing(number, before=2 * LINE_PT)
                _font(number.add_run(block.number), BODY_FONT)
                ruled = number
            # The red rule 4mm under the number, the title two lines under the rule.
            _bottom_border(ruled, RED, eighths=8, space_pt=11)
            ruled.paragraph_format.space_after = _pt(2 * LINE_PT)
        case markup.Heading(level=1):
            heading = document.add_paragraph()
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _spacing(heading, line=TITLE_LINE_PT, after=LINE_PT, keep_with_next=True)
            _add_runs(heading, _lines(block.text), east_asia=TITLE_FONT, size=TITLE_PT)
        case markup.Heading():
            heading = document.add_paragraph()
            heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _spacing(heading, indent_chars=2, keep_with_next=True)
            _add_runs(heading, _lines(block.text), east_asia=HEADING_FONT)
        case markup.Para():
            paragraph = document.add_paragraph()
            _align(paragraph, block.align)
            if block.style in ("note", "caption"):
                _spacing(paragraph, line=SMALL_LINE_PT)
                _add_runs(paragraph, block.runs, size=SMALL_PT)
            else:
                _spacing(paragraph, indent_chars=2 if block.style == "body" else 0)
                _add_runs(paragraph, block.runs)
        case markup.FormTable():
            _ruled_table(document, list(block.rows), grid=False)
        case markup.GridTable():
            rows = [block.header, *block.rows] if block.header else list(block.rows)
            _ruled_table(document, rows, grid=True)
        case markup.SignArea():
            _sign_area(document, block)
        case markup.Signatures():
            _signatures(document, block)
        case markup.QR():
            table = document.add_table(rows=1, cols=2)
            _borderless(table)
            _column_widths(table, [QR_MM + 4, TYPE_AREA_MM - QR_MM - 4])
            picture = _first_paragraph(table.cell(0, 0))
            _spacing(picture, line=None, before=7)
            _picture(picture, block.png, width_mm=QR_MM, max_height_mm=QR_MM)
            caption = _first_paragraph(table.cell(0, 1))
            _spacing(caption, line=SMALL_LINE_PT, before=14)
            _add_runs(caption, _lines(block.caption), size=SMALL_PT)
            _after_table(document)


def _pt(points: float) -> Any:
    from docx.shared import Pt

    return Pt(points)


def _ruled_table(document: Document, rows: list[tuple[markup.Cell, ...]], *, grid: bool) -> None:
    """A table with 0.5pt rules ("Table Grid"): 4号 text, labels (th) centred, a grid's header bold."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    rows = [row for row in rows if row]
    if not rows:
        return
    columns = max(sum(cell.colspan for cell in row) for row in rows)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    # Column widths after the longest single-column text in each, within reason.
    need = [2.0] * columns
    for row in rows:
        column = 0
        for cell in row:
            if cell.colspan == 1 and column < columns:
                longest = max((_text_width(line) for line in cell.text.split("\n")), default=0)
                need[column] = max(need[column], min(longest, 14.0))
            column += cell.colspan
    total = sum(need)
    _column_widths(table, [TYPE_AREA_MM * share / total for share in need])

    for row_index, row in enumerate(rows):
        column = 0
        for cell_index, cell in enumerate(row):
            if column >= columns:
                break
            # The last cell of a short row takes the rest of it.
            span = columns - column if cell_index == len(row) - 1 else min(cell.colspan, columns - column)
            target = table.cell(row_index, column)
            if span > 1:
                target = target.merge(table.cell(row_index, column + span - 1))
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = _first_paragraph(target)
            _spacing(paragraph, line=TABLE_LINE_PT, before=2, after=2)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if cell.header else WD_ALIGN_PARAGRAPH.LEFT
            runs = [run._replace(bold=True) for run in cell.runs] if (grid and cell.header) else cell.runs
            _add_runs(paragraph, runs, size=TABLE_PT)
            column += span
    _after_table(document)


def _after_table(document: Document) -> None:
    """A thin paragraph after a table: Word joins two tables that touch, and wants no table last."""
    _spacing(document.add_paragraph(), line=SMALL_LINE_PT / 2)


def _sign_area(document: Document, block: markup.SignArea) -> None:
    """The issuing body centred over the date, the date four characters in from the right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    widths = [_text_width(line) for line in block.lines]
    widest = max(widths, default=0)
    for index, (line, width) in enumerate(zip(block.lines, widths, strict=True)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _spacing(
            paragraph,
            before=2 * LINE_PT if index == 0 else 0,
            right_pt=(4 + (widest - width) / 2) * BODY_PT,
            keep_with_next=index < len(block.lines) - 1,
        )
        _font(paragraph.add_run(line))


def _signatures(document: Document, block: markup.Signatures) -> None:
    """Two signatures to a line: label, the captured signature or room to sign, the time."""
    entries = list(block.entries)
    if not entries:
        return
    columns = 1 if len(entries) == 1 else 2
    table = document.add_table(rows=math.ceil(len(entries) / columns), cols=columns)
    _borderless(table)
    _column_widths(table, [TYPE_AREA_MM / columns] * columns)
    for index, entry in enumerate(entries):
        cell = table.cell(index // columns, index % columns)
        label = _first_paragraph(cell)
        _spacing(label, before=LINE_PT if index < columns else 0)
        _font(label.add_run(entry.label))
        picture = cell.add_paragraph()
        signed = entry.png is not None and _picture(
            picture, entry.png, width_mm=SIGNATURE_WIDTH_MM, max_height_mm=SIGNATURE_HEIGHT_MM
        )
        if signed:
            _spacing(picture, line=None, indent_chars=2)
        if entry.text:  # what stands in the signature's place ("已在纸面签名"), or under it
            line = cell.add_paragraph() if signed else picture
            _spacing(line, indent_chars=2)
            _add_runs(line, _lines(entry.text))
        elif not signed:
            _spacing(picture, line=2 * LINE_PT, indent_chars=2)  # room to sign by hand
        time = cell.add_paragraph()
        _spacing(time, line=SMALL_LINE_PT)
        _font(time.add_run(entry.time), size=SMALL_PT)
    _after_table(document)
