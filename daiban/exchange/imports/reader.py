"""Opening an uploaded .xlsx safely: its first sheet, the first non-empty row as headers, then the rows.

The file is read in read-only mode (formulas give their cached values, never evaluated), bounded in size
and rows, and anything openpyxl cannot read becomes one Chinese reason — never a server error.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 5 * 1024 * 1024
# Written in the request: 2,000 ledger rows take about 20 s on SQLite (a matter, its person, clock and
# event each), inside the web worker's 30 s.
MAX_ROWS = 2000
MAX_COLUMNS = 80
# A zip bomb: an .xlsx is a zip; refuse a file whose parts would unpack to far more than it weighs.
MAX_UNPACKED = 100 * 1024 * 1024


class FileUnreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sheet:
    header_row: int  # 1-based row number of the header row
    headers: list[object]
    rows: list[tuple[int, list[object]]]  # (1-based row number, cells); blank rows left out


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_sheet(content: bytes) -> Sheet:
    if len(content) > MAX_BYTES:
        raise FileUnreadable("文件超过 5 MB，请分成几个文件导入。")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise FileUnreadable(
            "无法读取该文件：请上传 Excel 2007 及以上版本的 .xlsx 文件（.xls 请先另存为 .xlsx）。"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise FileUnreadable("文件内容过大，请分成几个文件导入。")
    except zipfile.BadZipFile as exc:
        raise FileUnreadable("文件已损坏，无法读取。") from exc
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise FileUnreadable("无法读取该文件：请上传用 Excel 或 WPS 保存的 .xlsx 文件。") from exc
    try:
        worksheet = workbook.worksheets[0] if workbook.worksheets else None
        if worksheet is None:
            raise FileUnreadable("文件中没有工作表。")
        header_row = 0
        headers: list[object] = []
        rows: list[tuple[int, list[object]]] = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = list(values[:MAX_COLUMNS])
            if _blank(cells):
                continue
            if not header_row:
                header_row, headers = number, cells
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise FileUnreadable(f"一次最多导入 {MAX_ROWS} 行，请分成几个文件导入。")
    except FileUnreadable:
        raise
    except Exception as exc:
        raise FileUnreadable("文件内容无法读取，请用 Excel 或 WPS 重新保存后再试。") from exc
    finally:
        workbook.close()
    if not header_row:
        raise FileUnreadable("文件是空的：第一张工作表中没有表头和数据。")
    if not rows:
        raise FileUnreadable("第一张工作表只有表头，没有数据行。")
    return Sheet(header_row, headers, rows)
