from __future__ import annotations

import pytest

from daiban.pii.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("150102199001011234", "150102********1234"),
        ("15010219900101123x", "150102********123X"),
        (" 150102 19900101 1234 ", "150102********1234"),
        ("150102900101123", "150102*****1123"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value: object, expected: str) -> None:
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13912345678", "139****5678"),
        ("+86 139-1234-5678", "139****5678"),
        ("0471-1234567", "0471-****4567"),
        ("0471-12345678", "0471-****5678"),
        ("04711234567", "0471-****4567"),
        ("010-87654321", "010-****4321"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value: object, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("王建国", "王**"),
        ("李四", "李*"),
        (" 欧阳 娜娜 ", "欧***"),
        ("王", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value: object, expected: str) -> None:
    assert mask_name(value) == expected
