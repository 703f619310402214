"""Helpers of the export tests: read a produced workbook back."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(data: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    ws = workbook(data).worksheets[sheet]
    return list(ws.iter_rows(values_only=True))


def all_text(data: bytes) -> str:
    """Every XML part of the file as text (cells, shared strings, sheet names, properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)
