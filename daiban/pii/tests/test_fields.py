from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from daiban.pii.crypto import blind_index, decrypt
from daiban.pii.fields import (
    age_of,
    birth_date_of,
    clear_pii,
    has_pii,
    lookup_hash_for_id,
    lookup_hash_for_phone,
    masked_id_number,
    masked_phone,
    search_q,
    set_id_number,
    set_phone,
    sex_of,
)
from daiban.pii.tests.helpers import make_id
from daiban.pii.validators import Sex

ID = make_id(birth="19900307", seq="131")


def test_setters_store_ciphertext_and_hash_only(person_model: Any) -> None:
    person = person_model(name="王建国")
    set_id_number(person, f" {ID[:-1]} {ID[-1].lower()} ")
    set_phone(person, "+86 139 1234 5678")
    assert person.id_number_enc != ID and ID not in person.id_number_enc
    assert decrypt(person.id_number_enc) == ID
    assert person.id_number_hash == blind_index("id", ID)
    assert decrypt(person.phone_enc) == "13912345678"
    assert person.phone_hash == blind_index("phone", "13912345678")
    state = repr(person) + str(person) + repr(vars(person))
    assert ID not in state and "13912345678" not in state


def test_setters_validate(person_model: Any) -> None:
    person = person_model()
    with pytest.raises(ValidationError, match="校验位"):
        set_id_number(person, ID[:-1] + ("1" if ID[-1] != "1" else "2"))
    with pytest.raises(ValidationError, match="请输入身份证号码"):
        set_id_number(person, "")
    with pytest.raises(ValidationError):
        set_phone(person, "12345")
    assert person.id_number_enc == "" and person.phone_hash == ""


def test_allow_empty_and_clear(person_model: Any) -> None:
    person = person_model()
    set_phone(person, "0471-1234567")
    set_phone(person, "  ", allow_empty=True)
    assert person.phone_enc == "" and person.phone_hash == ""
    set_id_number(person, ID)
    assert has_pii(person, "id_number")
    clear_pii(person, "id_number")
    assert not has_pii(person, "id_number")
    assert masked_id_number(person) == ""


def test_custom_base_name(person_model: Any) -> None:
    person = person_model()
    set_phone(person, "04711234567", field="contact_phone")
    assert decrypt(person.contact_phone_enc) == "0471-1234567"
    assert masked_phone(person, "contact_phone") == "0471-****4567"


def test_masked_and_derived(person_model: Any) -> None:
    person = person_model()
    set_id_number(person, ID)
    set_phone(person, "13912345678")
    assert person.id_number_masked == "150102********" + ID[-4:]
    assert person.phone_masked == "139****5678"
    assert birth_date_of(person) == datetime.date(1990, 3, 7)
    assert sex_of(person) == Sex.MALE
    assert age_of(person, today=datetime.date(2020, 3, 7)) == 30
    empty = person_model()
    assert birth_date_of(empty) is None and sex_of(empty) is None and age_of(empty) is None


def test_lookup_hashes_normalize_and_reject_invalid() -> None:
    assert lookup_hash_for_id(ID.lower()) == blind_index("id", ID)
    assert lookup_hash_for_phone("139 1234 5678") == blind_index("phone", "13912345678")
    with pytest.raises(ValidationError):
        lookup_hash_for_id("")
    with pytest.raises(ValidationError):
        lookup_hash_for_phone("139")


def test_search_q() -> None:
    by_id = search_q(ID)
    assert by_id is not None
    assert by_id.children == [("id_number_hash", blind_index("id", ID))]
    by_phone = search_q("139-1234-5678", phone_fields=("phone", "contact_phone"), prefix="petitioner__")
    assert by_phone is not None
    digest = blind_index("phone", "13912345678")
    assert by_phone.children == [
        ("petitioner__phone_hash", digest),
        ("petitioner__contact_phone_hash", digest),
    ]
    assert by_phone.connector == "OR"
    assert search_q("王建国") is None
    assert search_q(ID, id_fields=()) is None


def test_fields_refuse_plaintext_and_unsafe_lookups(person_model: Any) -> None:
    manager = person_model.objects
    with pytest.raises(ValueError, match="not ciphertext"):
        manager.filter(id_number_enc=ID)
    with pytest.raises(ValueError, match="not a blind index"):
        manager.filter(id_number_hash=ID)
    with pytest.raises(FieldError):
        manager.filter(id_number_enc__icontains="1234")
    manager.filter(id_number_enc="", phone_enc__isnull=False)  # allowed
    field = person_model._meta.get_field("id_number_enc")
    assert field.editable is False
    assert person_model._meta.get_field("id_number_hash").db_index is True
    assert person_model._meta.get_field("id_number_hash").max_length == 64


@pytest.mark.django_db
def test_database_round_trip_and_search(person_table: Any) -> None:
    person = person_table(name="王建国")
    set_id_number(person, ID)
    set_phone(person, "13912345678")
    person.save()
    other = person_table(name="李四")
    set_id_number(other, make_id(seq="128"))
    other.save()

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {person_table._meta.db_table}")
        raw_rows = repr(cursor.fetchall())
    assert ID not in raw_rows and "13912345678" not in raw_rows

    found = person_table.objects.get(id_number_hash=lookup_hash_for_id(ID.lower()))
    assert found.pk == person.pk
    assert masked_id_number(found) == "150102********" + ID[-4:]
    query = search_q("139 1234 5678")
    assert query is not None
    assert list(person_table.objects.filter(query)) == [person]
    assert not person_table.objects.filter(phone_hash=lookup_hash_for_phone("13912345679")).exists()

    person.id_number_enc = ID  # plaintext assigned by mistake is refused, not stored
    with pytest.raises(ValueError):
        person.save()
