"""Small readers for the demo's data files (``daiban/demo/data``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_json(name: str) -> Any:
    """The parsed contents of ``data/<name>`` (objects keep the order of the file)."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` as dictionaries keyed by the header."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def optional_bool(cell: str) -> bool | None:
    """A CSV cell that may be left empty: ``yes`` / ``no`` / empty (``None``: drawn or defaulted)."""
    if not cell:
        return None
    if cell in ("yes", "no"):
        return cell == "yes"
    raise ValueError(f"expected yes, no or nothing, got {cell!r}")
