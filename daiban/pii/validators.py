"""Validation and normalization of resident ID numbers and phone numbers.

Every ``validate_*`` function returns the normalized value and raises ``ValidationError`` with a Chinese
message (and a stable ``code``) otherwise. The messages never echo the input back, so they are safe to log.
The ``normalize_*`` functions never raise; they only canonicalize what the user typed (full-width characters,
spaces, separators), so the same number always hashes to the same blind index.

Resident ID (居民身份证号码, GB 11643-1999), 18 characters::

    6 digits address code | 8 digits birth date YYYYMMDD | 3 digits sequence (odd = male) | check character

The check character is ISO 7064 MOD 11-2 over the first 17 digits ("0"-"9" or "X").
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

__all__ = [
    "Sex",
    "age_from_id",
    "age_on",
    "birth_date_from_id",
    "id_check_character",
    "is_mobile",
    "normalize_id_number",
    "normalize_phone",
    "sex_from_id",
    "validate_id_number",
    "validate_phone",
]

# ----------------------------------------------------------------------------------------------------
# Resident ID numbers
# ----------------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]", re.ASCII)
# First two digits: province-level codes (GB/T 2260), plus 83 (residence permits for Taiwan residents).
_PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
    | {"71", "81", "82", "83"}
)
_MIN_BIRTH_YEAR = 1900

ID_MESSAGES = {
    "id_required": "请输入身份证号码。",
    "id_legacy": "15位旧身份证号码已停用，请填写18位身份证号码。",
    "id_length": "身份证号码应为18位。",
    "id_format": "身份证号码格式不正确：前17位应为数字，最后一位为数字或X。",
    "id_region": "身份证号码的前6位地址码无效。",
    "id_birth_date": "身份证号码中的出生日期无效。",
    "id_checksum": "身份证号码校验位不正确，请核对。",
}


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


def _canonical(raw: object) -> str:
    """NFKC (full-width digits/letters to ASCII) and drop every kind of whitespace."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split())


def normalize_id_number(raw: object) -> str:
    """Strip spaces (including full-width ones), convert full-width characters and upper-case ``x``."""
    return _canonical(raw).upper()


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("expected exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _error(code: str) -> ValidationError:
    return ValidationError(ID_MESSAGES[code], code=code)


def _birth_date(number: str) -> datetime.date | None:
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < _MIN_BIRTH_YEAR or born > timezone.localdate():
        return None
    return born


def validate_id_number(raw: object) -> str:
    """Validate an 18-digit resident ID number and return it normalized.

    Usable directly as a Django field validator (the return value is then ignored).
    """
    number = normalize_id_number(raw)
    if not number:
        raise _error("id_required")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise _error("id_legacy")
    if len(number) != 18:
        raise _error("id_length")
    if not number.isascii() or not _ID_SHAPE.fullmatch(number):
        raise _error("id_format")
    # "9" leads the 2023 foreigners' permanent residence ID, which shares the layout and check digit.
    if number[:2] not in _PROVINCE_CODES and number[0] != "9":
        raise _error("id_region")
    if _birth_date(number) is None:
        raise _error("id_birth_date")
    if id_check_character(number[:17]) != number[17]:
        raise _error("id_checksum")
    return number


def birth_date_from_id(raw: object) -> datetime.date:
    """The birth date encoded in a valid ID number (raises ValidationError if the number is invalid)."""
    number = validate_id_number(raw)
    born = _birth_date(number)
    assert born is not None  # guaranteed by validate_id_number
    return born


def sex_from_id(raw: object) -> Sex:
    """The sex encoded in a valid ID number: the 17th digit is odd for men, even for women."""
    number = validate_id_number(raw)
    return Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE


def age_on(born: datetime.date, today: datetime.date | None = None) -> int:
    """Full years of age on ``today`` (default: local today); 29 February birthdays count on 1 March."""
    today = today or timezone.localdate()
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - int(before_birthday)


def age_from_id(raw: object, today: datetime.date | None = None) -> int:
    return age_on(birth_date_from_id(raw), today)


# ----------------------------------------------------------------------------------------------------
# Phone numbers
# ----------------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
# Area codes: 010 and 020-029 have three digits, every other one four (0310-0999).
_FIXED = re.compile(r"(?P<area>010|02\d|0[3-9]\d{2})(?P<local>[1-9]\d{6,7})", re.ASCII)
_FIXED_NORMALIZED = re.compile(r"(?:010|02\d|0[3-9]\d{2})-[1-9]\d{6,7}", re.ASCII)
_PHONE_SEPARATORS = re.compile(r"[-()（）.—–]")
_COUNTRY_PREFIX = re.compile(r"^(?:\+|00)?86(?=1[3-9]\d{9}$)", re.ASCII)

PHONE_MESSAGES = {
    "phone_required": "请输入电话号码。",
    "phone_invalid": "手机号码应为以1开头的11位数字，固定电话请带区号。",
    "phone_fixed_line": "固定电话号码格式不正确，应为区号加7至8位号码，例如0471-1234567。",
}


def normalize_phone(raw: object) -> str:
    """Canonical form of a phone number: ``13912345678`` for a mobile, ``0471-1234567`` for a fixed line.

    Full-width characters, spaces, brackets and hyphens are removed and a +86/0086 prefix is dropped from
    mobiles. A value that is neither shape comes back as its stripped characters (validation then rejects it).
    """
    text = _PHONE_SEPARATORS.sub("", _canonical(raw))
    text = _COUNTRY_PREFIX.sub("", text, count=1)
    fixed = _FIXED.fullmatch(text)
    if fixed:
        return f"{fixed['area']}-{fixed['local']}"
    return text


def is_mobile(normalized: str) -> bool:
    return bool(_MOBILE.fullmatch(normalized))


def validate_phone(raw: object) -> str:
    """Validate a mainland mobile or fixed-line number (with area code) and return it normalized."""
    number = normalize_phone(raw)
    if not number:
        raise ValidationError(PHONE_MESSAGES["phone_required"], code="phone_required")
    if not number.isascii():
        raise ValidationError(PHONE_MESSAGES["phone_invalid"], code="phone_invalid")
    if _MOBILE.fullmatch(number) or _FIXED_NORMALIZED.fullmatch(number):
        return number
    if number.startswith("0") and number.isdigit():
        raise ValidationError(PHONE_MESSAGES["phone_fixed_line"], code="phone_fixed_line")
    raise ValidationError(PHONE_MESSAGES["phone_invalid"], code="phone_invalid")
