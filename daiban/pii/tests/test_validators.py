from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from daiban.pii.tests.helpers import WEIGHTS, find_id_with_check, make_id
from daiban.pii.validators import (
    Sex,
    age_from_id,
    age_on,
    birth_date_from_id,
    id_check_character,
    normalize_id_number,
    normalize_phone,
    sex_from_id,
    validate_id_number,
    validate_phone,
)


def error_code(raw: str, validator=validate_id_number) -> str | None:
    with pytest.raises(ValidationError) as info:
        validator(raw)
    return info.value.code


def test_weights_match_the_standard() -> None:
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_known_published_example() -> None:
    # The worked example from GB 11643-1999.
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert id_check_character("11010519491231002") == "X"


def test_valid_id_numbers() -> None:
    number = make_id()
    assert validate_id_number(number) == number
    assert validate_id_number(make_id("440305", "20000229", "456")) == make_id("440305", "20000229", "456")


def test_x_check_digit_lower_case_and_spaces_are_normalized() -> None:
    number = find_id_with_check("X")
    assert number.endswith("X")
    typed = f" {number[:6]} {number[6:14]}　{number[14:-1]}x "
    assert normalize_id_number(typed) == number
    assert validate_id_number(typed) == number


def test_full_width_digits_are_normalized() -> None:
    number = make_id()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert validate_id_number(full_width) == number


def test_wrong_check_digit() -> None:
    number = make_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert error_code(wrong) == "id_checksum"
    with pytest.raises(ValidationError, match="身份证号码校验位不正确，请核对。"):
        validate_id_number(wrong)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "id_required"),
        ("   ", "id_required"),
        ("15010290010112", "id_length"),
        (make_id() + "1", "id_length"),
        ("150102900101123", "id_legacy"),
        ("15010219900101123A", "id_format"),
        ("1501021990O101123X", "id_format"),
        (make_id(region="000000"), "id_region"),
        (make_id(birth="19900230"), "id_birth_date"),
        (make_id(birth="19901301"), "id_birth_date"),
        (make_id(birth="18991231"), "id_birth_date"),
        (make_id(birth="21000101"), "id_birth_date"),
        (make_id(birth="19000229"), "id_birth_date"),  # 1900 was not a leap year
    ],
)
def test_invalid_id_numbers(raw: str, code: str) -> None:
    assert error_code(raw) == code


def test_foreigners_permanent_residence_id_shares_the_layout() -> None:
    number = make_id(region="911156")
    assert validate_id_number(number) == number


def test_birth_date_in_the_future_is_rejected() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert error_code(make_id(birth=tomorrow.strftime("%Y%m%d"))) == "id_birth_date"


def test_messages_are_chinese_and_do_not_echo_the_input() -> None:
    raw = make_id(birth="19900230")
    with pytest.raises(ValidationError) as info:
        validate_id_number(raw)
    assert info.value.messages == ["身份证号码中的出生日期无效。"]
    assert raw not in str(info.value)
    with pytest.raises(ValidationError, match="身份证号码应为18位。"):
        validate_id_number("1234")


def test_birth_date_sex_and_age() -> None:
    man = make_id(birth="19900307", seq="131")
    woman = make_id(birth="19900307", seq="128")
    assert birth_date_from_id(man) == datetime.date(1990, 3, 7)
    assert sex_from_id(man) == Sex.MALE
    assert sex_from_id(woman) == Sex.FEMALE
    assert Sex.FEMALE.label == "女"
    assert age_from_id(man, today=datetime.date(2024, 3, 6)) == 33
    assert age_from_id(man, today=datetime.date(2024, 3, 7)) == 34


def test_age_on_leap_day_birthday() -> None:
    born = datetime.date(2000, 2, 29)
    assert age_on(born, datetime.date(2023, 2, 28)) == 22
    assert age_on(born, datetime.date(2023, 3, 1)) == 23


def test_derivation_rejects_invalid_numbers() -> None:
    with pytest.raises(ValidationError):
        birth_date_from_id("123")


# ---------------------------------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912345678", "13912345678"),
        (" 139 1234 5678 ", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１９９１２３４５６７８", "19912345678"),
        ("0471-1234567", "0471-1234567"),
        ("04711234567", "0471-1234567"),
        ("0471-12345678", "0471-12345678"),
        ("(0471) 2345678", "0471-2345678"),
        ("010-87654321", "010-87654321"),
        ("01087654321", "010-87654321"),
        ("021 6234 5678", "021-62345678"),
    ],
)
def test_valid_phones(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected
    assert validate_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "phone_required"),
        ("12912345678", "phone_invalid"),  # mobiles start 13-19
        ("1391234567", "phone_invalid"),
        ("139123456789", "phone_invalid"),
        ("1234567", "phone_invalid"),  # fixed line without area code
        ("abc", "phone_invalid"),
        ("0471-123456", "phone_fixed_line"),
        ("0471-123456789", "phone_fixed_line"),
        ("0471-0234567", "phone_fixed_line"),  # local numbers do not start with 0
        ("0012345678", "phone_fixed_line"),
    ],
)
def test_invalid_phones(raw: str, code: str) -> None:
    assert error_code(raw, validate_phone) == code


def test_phone_message() -> None:
    with pytest.raises(ValidationError) as info:
        validate_phone("12345")
    assert info.value.messages == ["手机号码应为以1开头的11位数字，固定电话请带区号。"]


def test_other_unicode_digits_are_rejected() -> None:
    arabic_indic = make_id()[:-1] + "\u0660"  # ARABIC-INDIC DIGIT ZERO: a \d digit, but not an ID digit
    assert error_code(arabic_indic) == "id_format"
    assert error_code("1391234567\u0660", validate_phone) == "phone_invalid"
