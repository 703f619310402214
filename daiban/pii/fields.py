"""How another app's model holds an ID number or a phone number.

Design: the model attribute always holds the **ciphertext**, never the plaintext. Each personal value is
stored as a pair of columns named after one base name (``id_number``, ``phone``, ``contact_phone``, ...)::

    <base>_enc   EncryptedTextField  Fernet or SM4-GCM token of the normalized value ("" = none)
    <base>_hash  BlindIndexField     HMAC-SHA256 or HMAC-SM3 hex of the normalized value, indexed ("" = none)

Why not a field that decrypts transparently on load: then every template, admin page, ``values()`` call,
serializer or debug page would hold the plaintext, and showing it would not go through :func:`reveal`. Here
plaintext exists only transiently: masked display decrypts and masks in one step (``masked_id_number``),
derived data (age, sex) is computed the same way, and the full value is obtained only through
``daiban.pii.services.reveal()``, which writes a ``RevealLog`` row.

Typical model (the two abstract mixins give exactly these field names)::

    from daiban.pii.fields import IdNumberFieldsMixin, PhoneFieldsMixin

    class Petitioner(IdNumberFieldsMixin, PhoneFieldsMixin, models.Model):
        name = models.CharField("姓名", max_length=50)
        # id_number_enc, id_number_hash, phone_enc, phone_hash come from the mixins.

    # for another phone column, use the factories with the same naming pattern:
    #   contact_phone_enc = EncryptedTextField("联系人电话（密文）")
    #   contact_phone_hash = BlindIndexField("联系人电话索引")

Writing (validates, normalizes, encrypts, hashes; raises ``ValidationError`` with a Chinese message)::

    set_id_number(petitioner, form.cleaned_data["id_number"])
    set_phone(petitioner, raw, allow_empty=True)          # "" clears both columns
    set_phone(petitioner, raw, field="contact_phone")
    petitioner.save()

Searching (no decryption; equality on the indexed hash). Search forms must POST, never put the number in a
query string, so it stays out of URLs and access logs::

    Petitioner.objects.filter(id_number_hash=lookup_hash_for_id(term))   # raises ValidationError if invalid
    q = search_q(term)                           # ID or phone, whichever the term is; None if neither
    results = Petitioner.objects.filter(q) if q is not None else Petitioner.objects.none()

During a key rotation (``manage.py rotate_keys``) a row may still carry a hash made with an old key or
algorithm. ``lookup_hash_for_*`` return an :class:`IndexDigest`: a ``str`` (the current hash, what is stored)
that also carries every candidate hash, and ``BlindIndexField`` turns ``exact``/``in`` with it into
``IN (current, old...)``, so every filter written as above keeps finding rows until the rotation is done.

Showing: ``masked_id_number(obj)`` / ``masked_phone(obj)`` (or the mixins' ``id_number_masked`` /
``phone_masked`` properties in templates); ``age_of(obj)`` / ``sex_of(obj)`` for derived data; the full value
only via ``reveal(actor=..., obj=..., field="id_number")`` after a permission check.

Safety nets: both field classes refuse to save or filter with a value that is not a token/hash (so plaintext
assigned by mistake raises instead of being stored), the ciphertext field supports only ``exact``/``isnull``
lookups, and neither field is editable in ModelForms or the admin. If a number must be unique per model, add
``UniqueConstraint(fields=["id_number_hash"], condition=~Q(id_number_hash=""), name=...)``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, In

from daiban.pii.crypto import blind_index, blind_index_candidates, decrypt, encrypt, is_ciphertext
from daiban.pii.masking import mask_id_number, mask_phone
from daiban.pii.validators import (
    Sex,
    age_on,
    birth_date_from_id,
    sex_from_id,
    validate_id_number,
    validate_phone,
)

__all__ = [
    "BlindIndexField",
    "EncryptedTextField",
    "IdNumberFieldsMixin",
    "IndexDigest",
    "PhoneFieldsMixin",
    "age_of",
    "birth_date_of",
    "clear_pii",
    "has_pii",
    "lookup_hash_for_id",
    "lookup_hash_for_phone",
    "masked_id_number",
    "masked_phone",
    "search_q",
    "set_id_number",
    "set_phone",
    "sex_of",
]

ENC_SUFFIX = "_enc"
HASH_SUFFIX = "_hash"
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet or SM4-GCM token. The Python value is the token as well, never the plaintext.

    Saving or filtering with anything that is not ``""``/``None`` or a token raises ``ValueError``.
    """

    description = "加密文本"
    _allowed_lookups = frozenset({"exact", "isnull"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if not isinstance(value, str) or not is_ciphertext(value):
            raise ValueError(
                f"{self.name}: refusing a value that is not ciphertext; use daiban.pii.fields.set_* to assign"
            )
        return value

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in self._allowed_lookups:
            return None
        return super().get_lookup(lookup_name)


class IndexDigest(str):
    """The current blind index of a searched value (``str`` value: what a new row stores), carrying every
    hash an existing row may hold during a rotation (``candidates``, the current one first)."""

    candidates: tuple[str, ...]

    def __new__(cls, candidates: Sequence[str]) -> IndexDigest:
        obj = super().__new__(cls, candidates[0])
        obj.candidates = tuple(candidates)
        return obj

    def __getnewargs__(self) -> tuple[tuple[str, ...]]:  # type: ignore[override]
        # copy, deepcopy and pickle (a queryset in a cache) rebuild it from the candidates.
        return (self.candidates,)


def _expand(values: Any) -> list[Any]:
    out: list[Any] = []
    for value in values:
        out.extend(value.candidates if isinstance(value, IndexDigest) else [value])
    return out


class BlindIndexExact(Exact):
    """``field=IndexDigest`` matches any of its candidates (one ``=`` when there is only one)."""

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if isinstance(self.rhs, IndexDigest) and len(self.rhs.candidates) > 1:
            return In(self.lhs, list(self.rhs.candidates)).as_sql(compiler, connection)
        return super().as_sql(compiler, connection)


class BlindIndexIn(In):
    """``field__in=[IndexDigest, ...]`` matches any candidate of any of them."""

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, (list, tuple, set, frozenset)):
            self.rhs = _expand(self.rhs)
        return super().get_prep_lookup()


class BlindIndexField(models.CharField):
    """An indexed 64-character column holding an HMAC-SHA256 or HMAC-SM3 hex digest (or ``""`` for no
    value)."""

    description = "检索索引"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            raise ValueError(
                f"{self.name}: refusing a value that is not a blind index; use lookup_hash_for_* to search"
            )
        return value


BlindIndexField.register_lookup(BlindIndexExact)
BlindIndexField.register_lookup(BlindIndexIn)


class IdNumberFieldsMixin(models.Model):
    """Abstract: ``id_number_enc`` + ``id_number_hash``."""

    id_number_enc = EncryptedTextField("身份证号码（密文）")
    id_number_hash = BlindIndexField("身份证号码检索索引")

    class Meta:
        abstract = True

    @property
    def id_number_masked(self) -> str:
        return masked_id_number(self)


class PhoneFieldsMixin(models.Model):
    """Abstract: ``phone_enc`` + ``phone_hash``."""

    phone_enc = EncryptedTextField("联系电话（密文）")
    phone_hash = BlindIndexField("联系电话检索索引")

    class Meta:
        abstract = True

    @property
    def phone_masked(self) -> str:
        return masked_phone(self)


# ----------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------


def _is_empty(raw: object) -> bool:
    return raw is None or not str(raw).strip()


def _store(obj: models.Model, field: str, kind: str, normalized: str) -> None:
    setattr(obj, field + ENC_SUFFIX, encrypt(normalized))
    setattr(obj, field + HASH_SUFFIX, blind_index(kind, normalized))


def clear_pii(obj: models.Model, field: str) -> None:
    """Remove a stored value (both columns become ``""``). Call ``obj.save()`` afterwards."""
    setattr(obj, field + ENC_SUFFIX, "")
    setattr(obj, field + HASH_SUFFIX, "")


def set_id_number(
    obj: models.Model, raw: object, *, field: str = "id_number", allow_empty: bool = False
) -> None:
    """Validate, normalize, encrypt and hash an ID number onto ``<field>_enc`` / ``<field>_hash``.

    Raises ``ValidationError`` for an invalid (or, unless ``allow_empty``, empty) value; does not save.
    """
    if allow_empty and _is_empty(raw):
        clear_pii(obj, field)
        return
    _store(obj, field, "id", validate_id_number(raw))


def set_phone(obj: models.Model, raw: object, *, field: str = "phone", allow_empty: bool = False) -> None:
    """Validate, normalize, encrypt and hash a phone number onto ``<field>_enc`` / ``<field>_hash``."""
    if allow_empty and _is_empty(raw):
        clear_pii(obj, field)
        return
    _store(obj, field, "phone", validate_phone(raw))


# ----------------------------------------------------------------------------------------------------
# Searching
# ----------------------------------------------------------------------------------------------------


def lookup_hash_for_id(raw: object) -> IndexDigest:
    """The blind index to filter ``<field>_hash`` by. Raises ``ValidationError`` if ``raw`` is not a valid ID
    (never returns ``None`` or ``""``, which would match rows without a value). Filtering with it also
    matches rows hashed with an old key or algorithm while one is configured."""
    return IndexDigest(blind_index_candidates("id", validate_id_number(raw)))


def lookup_hash_for_phone(raw: object) -> IndexDigest:
    """The blind index to filter ``<field>_hash`` by. Raises ``ValidationError`` if ``raw`` is not a valid
    phone number. Filtering with it also matches rows hashed with an old key or algorithm."""
    return IndexDigest(blind_index_candidates("phone", validate_phone(raw)))


def search_q(
    raw: object,
    *,
    id_fields: Sequence[str] = ("id_number",),
    phone_fields: Sequence[str] = ("phone",),
    prefix: str = "",
) -> Q | None:
    """A ``Q`` for a search box that accepts an ID number or a phone number, or ``None`` if it is neither.

    ``prefix`` reaches through a relation, e.g. ``prefix="petitioner__"``; pass ``id_fields=()`` for a model
    that has no ID number.
    """
    try:
        digest, fields = lookup_hash_for_id(raw), id_fields
    except ValidationError:
        try:
            digest, fields = lookup_hash_for_phone(raw), phone_fields
        except ValidationError:
            return None
    if not fields:
        return None
    query = Q()
    for field in fields:
        query |= Q(**{f"{prefix}{field}{HASH_SUFFIX}": digest})
    return query


# ----------------------------------------------------------------------------------------------------
# Showing (masked) and derived data. Plaintext never leaves these functions.
# ----------------------------------------------------------------------------------------------------


def has_pii(obj: models.Model, field: str) -> bool:
    return bool(getattr(obj, field + ENC_SUFFIX))


def _plaintext(obj: models.Model, field: str) -> str:
    """Internal: decrypt for masking or derivation. Showing the full value must go through ``reveal()``."""
    token = getattr(obj, field + ENC_SUFFIX)
    return decrypt(token) if token else ""


def masked_id_number(obj: models.Model, field: str = "id_number") -> str:
    return mask_id_number(_plaintext(obj, field))


def masked_phone(obj: models.Model, field: str = "phone") -> str:
    return mask_phone(_plaintext(obj, field))


def birth_date_of(obj: models.Model, field: str = "id_number") -> datetime.date | None:
    number = _plaintext(obj, field)
    try:
        return birth_date_from_id(number) if number else None
    except ValidationError:
        return None


def sex_of(obj: models.Model, field: str = "id_number") -> Sex | None:
    number = _plaintext(obj, field)
    try:
        return sex_from_id(number) if number else None
    except ValidationError:
        return None


def age_of(obj: models.Model, field: str = "id_number", today: datetime.date | None = None) -> int | None:
    born = birth_date_of(obj, field)
    return age_on(born, today) if born else None
