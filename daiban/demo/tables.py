"""Plain-text tables for the demo's management commands, aligned for CJK text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Lines of a plain-text table with columns aligned for CJK text (for management commands)."""
    body = [list(r) for r in rows]
    widths = [max(display_width(r[i]) for r in [list(header), *body]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = (cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths, strict=True))
        return "  ".join(cells).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in body)]
