"""Helpers of the rendering tests: poppler's command-line tools, the text of a DOCX, normalised text."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest


def need(tool: str) -> str:
    """The path of a poppler-utils program, or skip the test."""
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is missing: install Debian's poppler-utils")
    return path


def run_on_pdf(tool: str, pdf: bytes, *args: str) -> str:
    """Run ``tool [args] file.pdf [-]`` and return its output."""
    program = need(tool)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        command = [program, *args, str(path)]
        if tool == "pdftotext":
            command.append("-")
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


def squeeze(text: str) -> str:
    """Text without any whitespace (Chinese needs none), to compare what two renderings say."""
    return re.sub(r"\s+", "", text)


def docx_texts(data: bytes) -> list[str]:
    """The DOCX body's paragraphs and table cells, in document order (a merged cell once)."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))

    def text(element: Any) -> str:
        return "".join(node.text or "" for node in element.iter(qn("w:t")))

    texts: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            texts.append(text(child))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                for cell in row.findall(qn("w:tc")):
                    texts.extend(text(paragraph) for paragraph in cell.findall(qn("w:p")))
    return texts
