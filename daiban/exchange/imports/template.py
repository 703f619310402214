"""The template to fill in, per kind: generated at request time (no binary in the repository).

Sheet 1 holds the header row only (what is imported); sheet 2 (填写说明) explains each column with an example,
and lists the other headers that are understood, so an office can also keep its own ledger's headers.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from daiban.exchange.imports.columns import COLUMNS
from daiban.exchange.models.imports import ImportKind

REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_filename(kind: str) -> str:
    return f"{ImportKind(kind).label}导入模板.xlsx"


def build_template(kind: str) -> bytes:
    columns = COLUMNS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ImportKind(kind).label[:31]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(
            row=1, column=index, value=f"{column.header}*" if column.required else column.header
        )
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = REQUIRED_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) * 2 + 6))
        if column.text_format:
            # Long digit strings (ID numbers, codes) as text: Excel keeps only 15 digits of a number.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写说明", "示例", "也可识别的列名"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in columns:
        notes.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.note,
                column.example,
                "、".join(column.aliases),
            ]
        )
    notes.append([])
    notes.append(["说明：第一张工作表的第一行是表头，从第二行起每行一条；带 * 的列必须填写。"])
    notes.append(["导入前会逐行校验，有任何一行不通过则整个文件都不写入，并列出行号、列名和原因。"])
    notes.append(["同一文件重复导入不会重复登记：已有的记录按名称（台账按编号）识别。"])
    for letter, width in zip("ABCDE", (16, 10, 60, 28, 40), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
