"""Property tests: every generated valid ID validates, round-trips and masks; a wrong check digit fails."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from daiban.pii.crypto import blind_index, decrypt, encrypt
from daiban.pii.masking import mask_id_number, mask_phone
from daiban.pii.tests.helpers import CHECK, check_digit
from daiban.pii.validators import (
    birth_date_from_id,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

PROVINCES = ["11", "13", "15", "22", "31", "44", "50", "54", "65", "71", "81", "82"]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()))
    seq = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = region + born.strftime("%Y%m%d") + seq
    return first17 + check_digit(first17)


@given(id_numbers())
@settings(max_examples=300, deadline=None)
def test_generated_ids_validate_and_round_trip(number: str) -> None:
    assert validate_id_number(number) == number
    assert validate_id_number(number.lower()) == number
    assert birth_date_from_id(number).strftime("%Y%m%d") == number[6:14]
    assert decrypt(encrypt(number)) == number
    assert blind_index("id", number) == blind_index("id", validate_id_number(f" {number.lower()} "))
    masked = mask_id_number(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and masked[6:14] == "*" * 8


@given(id_numbers(), st.data())
@settings(max_examples=300, deadline=None)
def test_any_other_check_digit_fails(number: str, data: st.DataObject) -> None:
    wrong = data.draw(st.sampled_from([c for c in CHECK if c != number[-1]]))
    try:
        validate_id_number(number[:-1] + wrong)
    except ValidationError as exc:
        assert exc.code == "id_checksum"
    else:
        raise AssertionError("a wrong check digit was accepted")


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
@settings(deadline=None)
def test_generated_mobiles(mobile: str) -> None:
    spaced = f"+86 {mobile[:3]} {mobile[3:7]}-{mobile[7:]}"
    assert validate_phone(spaced) == mobile
    assert normalize_phone(mobile) == mobile
    assert mask_phone(spaced) == mobile[:3] + "****" + mobile[-4:]
