"""Masked display of personal data for lists, detail pages and logs.

All functions accept ``None`` or anything else and never raise: a value that does not look like the expected
kind is masked completely rather than shown. The number of asterisks is fixed where possible, so the mask does
not reveal the length of the hidden part.
"""

from __future__ import annotations

from daiban.pii.validators import is_mobile, normalize_id_number, normalize_phone

__all__ = ["mask_id_number", "mask_name", "mask_phone"]

MASK = "*"


def _mask_all(text: str) -> str:
    return MASK * len(text)


def mask_id_number(value: object) -> str:
    """``150102199001011234`` -> ``150102********1234``: keep the address code and the last four."""
    number = normalize_id_number(value)
    if not number:
        return ""
    if len(number) == 18:
        return f"{number[:6]}{MASK * 8}{number[-4:]}"
    if len(number) == 15:  # legacy numbers, if any are still around
        return f"{number[:6]}{MASK * 5}{number[-4:]}"
    return _mask_all(number)


def mask_phone(value: object) -> str:
    """``13912345678`` -> ``139****5678``; ``0471-1234567`` -> ``0471-****4567``."""
    number = normalize_phone(value)
    if not number:
        return ""
    if is_mobile(number):
        return f"{number[:3]}{MASK * 4}{number[-4:]}"
    area, sep, local = number.partition("-")
    if sep and len(local) >= 7:
        return f"{area}-{MASK * 4}{local[-4:]}"
    if len(number) >= 10:
        return f"{MASK * 4}{number[-4:]}"
    return _mask_all(number)


def mask_name(value: object) -> str:
    """``王建国`` -> ``王**``, ``李四`` -> ``李*``: keep the first character only."""
    if value is None:
        return ""
    name = "".join(str(value).split())
    if not name:
        return ""
    if len(name) == 1:
        return MASK
    return name[0] + MASK * (len(name) - 1)
