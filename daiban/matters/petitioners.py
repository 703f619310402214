"""Petitioners (信访人): validated input, and recognising the same person across matters by keyed hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from pypinyin import Style, lazy_pinyin

from daiban.matters.choices import PetitionerGroup
from daiban.matters.errors import PersonInputError
from daiban.matters.models import Petitioner
from daiban.pii.fields import lookup_hash_for_id, lookup_hash_for_phone, set_id_number, set_phone
from daiban.pii.validators import validate_id_number, validate_phone


@dataclass(frozen=True)
class PetitionerInput:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    group: str = PetitionerGroup.OTHER
    is_representative: bool = False


def name_initials(name: str) -> str:
    """Pinyin initials for search: 王建国 → wjg."""
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()[:32]


def validate_petitioner_inputs(inputs: Sequence[PetitionerInput]) -> list[PetitionerInput]:
    """Validate every person; errors name the field and the person's position (第 N 位信访人)."""
    if not inputs:
        raise ValidationError({"petitioners": ["请至少登记一位信访人。"]})
    cleaned: list[PetitionerInput] = []
    for index, item in enumerate(inputs, start=1):
        who = f"第 {index} 位信访人" if len(inputs) > 1 else "信访人"
        name = item.name.strip()
        if not name:
            raise PersonInputError(index - 1, "name", f"请填写{who}姓名。")
        if len(name) > 32:
            raise PersonInputError(index - 1, "name", f"{who}姓名不能超过 32 个字。")
        id_number = item.id_number.strip()
        phone = item.phone.strip()
        if not id_number and not phone:
            raise PersonInputError(
                index - 1, "phone", f"{who}的身份证号码和联系电话至少填写一项，以便联系和识别。"
            )
        try:
            id_number = validate_id_number(id_number) if id_number else ""
        except ValidationError as exc:
            raise PersonInputError(index - 1, "id_number", f"{who}：" + "；".join(exc.messages)) from exc
        try:
            phone = validate_phone(phone) if phone else ""
        except ValidationError as exc:
            raise PersonInputError(index - 1, "phone", f"{who}：" + "；".join(exc.messages)) from exc
        if item.group not in PetitionerGroup.values:
            raise PersonInputError(index - 1, "group", f"请选择{who}的人员类别。")
        cleaned.append(
            replace(item, name=name, id_number=id_number, phone=phone, address=item.address.strip())
        )
    return cleaned


def find_petitioner(
    county_code: str, *, name: str, id_number: str = "", phone: str = ""
) -> Petitioner | None:
    """The same person registered in the county (never across counties), by keyed hash.

    An ID number identifies a person. A phone number alone does not (families share one), so it only
    matches a person of the same name who has no ID number on record. Nothing is decrypted."""
    within = Petitioner.objects.filter(county_code=county_code)
    if id_number:
        return within.filter(id_number_hash=lookup_hash_for_id(id_number)).first()
    if phone:
        return within.filter(phone_hash=lookup_hash_for_phone(phone), name=name, id_number_hash="").first()
    return None


def find_or_create_petitioner(data: PetitionerInput, *, county_code: str) -> Petitioner:
    """Recognise the person in the county or register them. Two intakes of the same new person at once
    make one row: the database refuses the second insert (a unique constraint per county) and the second
    intake then finds the first one's row. A recognised person's identity (name, ID number) is never
    overwritten from intake; missing details are filled in and the contact phone is updated when the
    person was identified by ID number."""
    person = find_petitioner(county_code, name=data.name, id_number=data.id_number, phone=data.phone)
    if person is None:
        person = Petitioner(
            name=data.name, name_initials=name_initials(data.name), group=data.group, county_code=county_code
        )
        if data.id_number:
            set_id_number(person, data.id_number)
        if data.phone:
            set_phone(person, data.phone)
        person.address = data.address
        try:
            with transaction.atomic():
                person.save()
            return person
        except IntegrityError:
            person = find_petitioner(county_code, name=data.name, id_number=data.id_number, phone=data.phone)
            if person is None:  # pragma: no cover - the conflicting row must exist
                raise
    changed = False
    if data.phone and (data.id_number or not person.phone_hash):
        set_phone(person, data.phone)
        changed = True
    if data.address and not person.address:
        person.address = data.address
        changed = True
    if data.group != PetitionerGroup.OTHER and person.group == PetitionerGroup.OTHER:
        person.group = data.group
        changed = True
    if changed:
        person.save()
    return person
