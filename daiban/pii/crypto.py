"""Encryption at rest and keyed hashing (blind index) for personal data.

Two interchangeable suites, chosen by setting (docs/adr/0026-sm4-gcm-sm3-key-rotation.md):

* ``PII_CIPHER`` (``DAIBAN_PII_CIPHER``): ``fernet`` (default; AES-128-CBC + HMAC-SHA256, from
  ``cryptography``) or ``sm4-gcm`` (商用密码, GB/T 32907 SM4 in GCM mode, for 密评). A Fernet token starts with
  ``gAAAAA``; an SM4-GCM token is ``s4g1.`` + base64url(key id 8 | nonce 12 | ciphertext | tag 16), the prefix
  and the key id authenticated as associated data. ``decrypt`` dispatches on the token's shape, so a database
  holding both kinds reads fine: switching the algorithm is a key rotation like any other.
* ``PII_INDEX`` (``DAIBAN_PII_INDEX``): ``hmac-sha256`` (default) or ``hmac-sm3`` (GB/T 32905). The blind index
  is the keyed hash (64 hex characters either way) of the *normalized* value, with a separate key per kind
  ("id", "phone"), so equal values are found with an indexed equality lookup without decrypting anything.

Keys are derived from the settings strings ``FIELD_ENCRYPTION_KEY`` and ``BLIND_INDEX_KEY`` with HKDF
(HKDF-SHA256 for Fernet and HMAC-SHA256, HKDF-SM3 for SM4 and HMAC-SM3; a distinct ``info`` label per
purpose), lazily, and cached; the cache is dropped when a test changes those settings (``setting_changed``).
The settings strings must be random secrets (``secrets.token_urlsafe(48)``), not passwords; ``check_key_set``
refuses weak or repeated ones at start (daiban/pii/keycheck.py).

Rotation: the former values go into ``FIELD_ENCRYPTION_OLD_KEYS`` / ``BLIND_INDEX_OLD_KEYS`` (and a former index
algorithm into ``PII_INDEX_OLD``). Tokens made with an old key still decrypt (each SM4 token names its key by
id; Fernet tries the keys in order); searches match hashes made with any configured key and algorithm
(``blind_index_candidates``). ``manage.py rotate_keys`` rewrites every value under the current key and
algorithm, after which the old settings can be emptied.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import os
from dataclasses import dataclass
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = [
    "BLIND_INDEX_KINDS",
    "CIPHERS",
    "INDEXES",
    "DecryptionError",
    "FieldKey",
    "blind_index",
    "blind_index_candidates",
    "current_cipher",
    "current_index",
    "decrypt",
    "encrypt",
    "is_ciphertext",
    "is_current",
    "keyring",
]

BLIND_INDEX_KINDS: Final = frozenset({"id", "phone"})
CIPHERS: Final = ("fernet", "sm4-gcm")
INDEXES: Final = ("hmac-sha256", "hmac-sm3")
MIN_KEY_LENGTH: Final = 32
# Every Fernet token starts with version byte 0x80 and a 64-bit timestamp whose top bytes are zero for
# centuries to come, which base64url-encodes to this prefix.
FERNET_PREFIX: Final = "gAAAAA"
SM4_PREFIX: Final = "s4g1."
KEY_ID_SIZE: Final = 8
NONCE_SIZE: Final = 12
TAG_SIZE: Final = 16
_SM4_MIN_RAW: Final = KEY_ID_SIZE + NONCE_SIZE + TAG_SIZE

_FERNET_INFO = b"daiban.pii/field-encryption/fernet/v1"
_SM4_INFO = b"daiban.pii/field-encryption/sm4-gcm/v1"
_FILE_AES_INFO = b"daiban.pii/file-encryption/aes-256-gcm/v1"
_FILE_SM4_INFO = b"daiban.pii/file-encryption/sm4-gcm/v1"
_KEY_ID_INFO = b"daiban.pii/key-id/v1"
_INDEX_INFO = {
    "hmac-sha256": b"daiban.pii/blind-index/hmac-sha256/v1/",
    "hmac-sm3": b"daiban.pii/blind-index/hmac-sm3/v1/",
}
_KEY_SETTINGS = frozenset(
    {
        "FIELD_ENCRYPTION_KEY",
        "FIELD_ENCRYPTION_OLD_KEYS",
        "BLIND_INDEX_KEY",
        "BLIND_INDEX_OLD_KEYS",
        "PII_CIPHER",
        "PII_INDEX",
        "PII_INDEX_OLD",
    }
)


class DecryptionError(Exception):
    """A token could not be decrypted: wrong key, corrupted or not a token. Never carries the token itself."""


def _secret(name: str, value: Any) -> bytes:
    if not isinstance(value, str) or len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"{name} must be a string of at least {MIN_KEY_LENGTH} characters")
    return value.encode("utf-8")


def _derive(secret: bytes, info: bytes, *, length: int = 32, sm3: bool = False) -> bytes:
    algorithm: hashes.HashAlgorithm = hashes.SM3() if sm3 else hashes.SHA256()
    return HKDF(algorithm=algorithm, length=length, salt=None, info=info).derive(secret)


def derive_file_key(secret: bytes, algorithm: str, salt: bytes) -> bytes:
    """The key of one stored file (see daiban/pii/storage.py): HKDF over the field key with the file's salt."""
    if algorithm == "sm4-gcm":
        return HKDF(algorithm=hashes.SM3(), length=16, salt=salt, info=_FILE_SM4_INFO).derive(secret)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_FILE_AES_INFO).derive(secret)


@dataclass(frozen=True)
class FieldKey:
    """One configured field-encryption secret and what is derived from it. ``key_id`` names it in SM4 tokens,
    stored files and the backup key manifest; it is an HKDF output, so it reveals nothing of the key."""

    setting: str
    key_id: bytes
    secret: bytes
    fernet: Fernet
    sm4: bytes

    @property
    def key_id_hex(self) -> str:
        return self.key_id.hex()


def field_key(setting: str, value: Any) -> FieldKey:
    secret = _secret(setting, value)
    return FieldKey(
        setting=setting,
        key_id=_derive(secret, _KEY_ID_INFO, length=KEY_ID_SIZE),
        secret=secret,
        fernet=Fernet(base64.urlsafe_b64encode(_derive(secret, _FERNET_INFO))),
        sm4=_derive(secret, _SM4_INFO, length=16, sm3=True),
    )


@dataclass(frozen=True)
class Keyring:
    current: FieldKey
    old: tuple[FieldKey, ...]

    @functools.cached_property
    def by_id(self) -> dict[bytes, FieldKey]:
        found: dict[bytes, FieldKey] = {}
        for key in (self.current, *self.old):
            found.setdefault(key.key_id, key)
        return found

    @functools.cached_property
    def multi_fernet(self) -> MultiFernet:
        return MultiFernet([self.current.fernet, *(k.fernet for k in self.old)])


@functools.cache
def keyring() -> Keyring:
    current = field_key("FIELD_ENCRYPTION_KEY", getattr(settings, "FIELD_ENCRYPTION_KEY", None))
    old_values = getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) or ()
    old = tuple(field_key(f"FIELD_ENCRYPTION_OLD_KEYS[{i}]", v) for i, v in enumerate(old_values))
    return Keyring(current, old)


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = getattr(settings, name, default) or default
    if value not in allowed:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    return str(value)


def current_cipher() -> str:
    return _choice("PII_CIPHER", CIPHERS, "fernet")


def current_index() -> str:
    return _choice("PII_INDEX", INDEXES, "hmac-sha256")


def old_indexes() -> tuple[str, ...]:
    values = tuple(getattr(settings, "PII_INDEX_OLD", ()) or ())
    for value in values:
        if value not in INDEXES:
            raise ImproperlyConfigured(f"PII_INDEX_OLD must list values among {', '.join(INDEXES)}")
    return values


@functools.cache
def _index_key(kind: str, setting: str, value: str, algorithm: str) -> bytes:
    secret = _secret(setting, value)
    return _derive(secret, _INDEX_INFO[algorithm] + kind.encode("ascii"), sm3=algorithm == "hmac-sm3")


def reset_key_cache() -> None:
    keyring.cache_clear()
    _index_key.cache_clear()


@receiver(setting_changed, dispatch_uid="daiban.pii.crypto.reset_key_cache")
def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in _KEY_SETTINGS:
        reset_key_cache()


# ----------------------------------------------------------------------------------------------------
# Field encryption
# ----------------------------------------------------------------------------------------------------


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sm4_aad(key_id: bytes) -> bytes:
    return SM4_PREFIX.encode("ascii") + key_id


def sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """SM4-GCM seal: ciphertext | 16-byte tag."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """SM4-GCM open; raises ``InvalidTag`` on any tampering or a wrong key."""
    if len(sealed) < TAG_SIZE:
        raise InvalidTag
    body, tag = sealed[:-TAG_SIZE], sealed[-TAG_SIZE:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def encrypt(plaintext: str) -> str:
    """Encrypt a string under the current key and ``PII_CIPHER``; the result is an ASCII token (about 100
    characters for an ID number with Fernet, about 80 with SM4-GCM)."""
    if not isinstance(plaintext, str):
        raise TypeError("encrypt() takes a str")
    ring = keyring()
    data = plaintext.encode("utf-8")
    if current_cipher() == "sm4-gcm":
        key = ring.current
        nonce = os.urandom(NONCE_SIZE)
        sealed = sm4_gcm_encrypt(key.sm4, nonce, data, _sm4_aad(key.key_id))
        return SM4_PREFIX + _b64encode(key.key_id + nonce + sealed)
    return ring.current.fernet.encrypt(data).decode("ascii")


def _sm4_parts(token: str) -> tuple[bytes, bytes, bytes]:
    raw = _b64decode(token[len(SM4_PREFIX) :])
    if len(raw) < _SM4_MIN_RAW:
        raise ValueError("too short")
    return raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE : KEY_ID_SIZE + NONCE_SIZE], raw[KEY_ID_SIZE + NONCE_SIZE :]


def decrypt(token: str) -> str:
    """Decrypt a token made by :func:`encrypt` with either cipher and the current or an old key."""
    if not isinstance(token, str):
        raise TypeError("decrypt() takes a str")
    try:
        if token.startswith(SM4_PREFIX):
            key_id, nonce, sealed = _sm4_parts(token)
            key = keyring().by_id.get(key_id)
            if key is None:
                raise InvalidToken
            return sm4_gcm_decrypt(key.sm4, nonce, sealed, _sm4_aad(key_id)).decode("utf-8")
        return keyring().multi_fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, InvalidTag, UnicodeError, ValueError, binascii.Error):
        # Deliberately no token in the message or the chained exception.
        raise DecryptionError("personal data could not be decrypted (wrong key or corrupted value)") from None


def is_current(token: str) -> bool:
    """Whether a token is already under the current cipher and key (``rotate_keys`` skips those)."""
    ring = keyring()
    if current_cipher() == "sm4-gcm":
        if not token.startswith(SM4_PREFIX):
            return False
        try:
            return _sm4_parts(token)[0] == ring.current.key_id
        except (ValueError, binascii.Error):
            return False
    if token.startswith(SM4_PREFIX):
        return False
    try:
        ring.current.fernet.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def is_ciphertext(value: str) -> bool:
    """Whether a string has the shape of a Fernet or an SM4-GCM token (a cheap guard against storing
    plaintext)."""
    if value.startswith(SM4_PREFIX):
        try:
            _sm4_parts(value)
        except (ValueError, UnicodeError, binascii.Error):
            return False
        return True
    if not value.startswith(FERNET_PREFIX) or len(value) < 100:
        return False
    try:
        base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeError):
        return False
    return True


# ----------------------------------------------------------------------------------------------------
# Blind index
# ----------------------------------------------------------------------------------------------------


def _hmac_hex(key: bytes, algorithm: str, data: bytes) -> str:
    if algorithm == "hmac-sm3":
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()
    return hmac.new(key, data, "sha256").hexdigest()


def _check_kind(kind: str, normalized_value: str) -> None:
    if kind not in BLIND_INDEX_KINDS:
        raise ValueError(f"unknown blind index kind {kind!r}; expected one of {sorted(BLIND_INDEX_KINDS)}")
    if not normalized_value:
        raise ValueError("refusing to hash an empty value")


def blind_index(kind: str, normalized_value: str) -> str:
    """Keyed hash (64 hex characters) of an already-normalized value under the current key and
    ``PII_INDEX``, domain-separated by ``kind``. This is what is stored.

    Callers must normalize first (``validators.validate_id_number`` / ``validate_phone``), otherwise the same
    number typed two ways gives two hashes. To search, use ``fields.lookup_hash_for_id`` / ``_phone``, which
    also match hashes made with old keys during a rotation.
    """
    _check_kind(kind, normalized_value)
    value = getattr(settings, "BLIND_INDEX_KEY", None)
    algorithm = current_index()
    return _hmac_hex(
        _index_key(kind, "BLIND_INDEX_KEY", value, algorithm), algorithm, normalized_value.encode()
    )


def blind_index_candidates(kind: str, normalized_value: str) -> tuple[str, ...]:
    """Every hash a stored row may carry for this value while a rotation is under way: the current one first,
    then each configured (key, algorithm) pair of ``BLIND_INDEX_KEY`` + ``BLIND_INDEX_OLD_KEYS`` ×
    ``PII_INDEX`` + ``PII_INDEX_OLD``. Just the current hash when nothing old is configured."""
    current = blind_index(kind, normalized_value)
    found = [current]
    algorithms_ = (current_index(), *old_indexes())
    keys = [("BLIND_INDEX_KEY", getattr(settings, "BLIND_INDEX_KEY", None))]
    keys += [
        (f"BLIND_INDEX_OLD_KEYS[{i}]", v)
        for i, v in enumerate(getattr(settings, "BLIND_INDEX_OLD_KEYS", ()) or ())
    ]
    data = normalized_value.encode()
    for setting, value in keys:
        for algorithm in algorithms_:
            digest = _hmac_hex(_index_key(kind, setting, value, algorithm), algorithm, data)
            if digest not in found:
                found.append(digest)
    return tuple(found)
