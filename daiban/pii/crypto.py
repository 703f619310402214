"""Encryption at rest and keyed hashing (blind index) for personal data.

* ``encrypt``/``decrypt`` use Fernet (AES-128-CBC + HMAC-SHA256, random IV, authenticated) from the
  ``cryptography`` library. Each call gives a different token; a tampered token or a wrong key fails loudly.
* ``blind_index`` is HMAC-SHA256 (hex, 64 characters) of the *normalized* value, with a separate key per kind
  ("id", "phone"), so equal values can be found with an indexed equality lookup without decrypting anything,
  and an ID hash can never be matched against a phone hash.

Keys are derived with HKDF-SHA256 from the settings strings ``FIELD_ENCRYPTION_KEY`` and ``BLIND_INDEX_KEY``
(distinct ``info`` labels per purpose), lazily on first use, and cached; the cache is dropped when a test
changes those settings (``setting_changed``). The settings strings must be random secrets (e.g.
``python -c "import secrets; print(secrets.token_urlsafe(48))"``), not passwords: HKDF is not a password hash.

Key rotation: set ``FIELD_ENCRYPTION_OLD_KEYS`` (optional list of former ``FIELD_ENCRYPTION_KEY`` values).
Tokens made with an old key still decrypt; new tokens always use the current key. Changing ``BLIND_INDEX_KEY``
invalidates every stored hash, so it needs a re-hash of all rows (decrypt, normalize, ``blind_index``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from typing import Any, Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = [
    "BLIND_INDEX_KINDS",
    "DecryptionError",
    "blind_index",
    "decrypt",
    "encrypt",
    "is_ciphertext",
]

BLIND_INDEX_KINDS: Final = frozenset({"id", "phone"})
MIN_KEY_LENGTH: Final = 32
# Every Fernet token starts with version byte 0x80 and a 64-bit timestamp whose top bytes are zero for
# centuries to come, which base64url-encodes to this prefix.
FERNET_PREFIX: Final = "gAAAAA"

_ENCRYPTION_INFO = b"daiban.pii/field-encryption/fernet/v1"
_INDEX_INFO = b"daiban.pii/blind-index/hmac-sha256/v1/"
_KEY_SETTINGS = frozenset({"FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_OLD_KEYS", "BLIND_INDEX_KEY"})


class DecryptionError(Exception):
    """A token could not be decrypted: wrong key, corrupted or not a token. Never carries the token itself."""


def _secret(name: str, value: Any) -> bytes:
    if not isinstance(value, str) or len(value) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"{name} must be a string of at least {MIN_KEY_LENGTH} characters")
    return value.encode("utf-8")


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _fernet_for(name: str, value: Any) -> Fernet:
    key = _derive(_secret(name, value), _ENCRYPTION_INFO)
    return Fernet(base64.urlsafe_b64encode(key))


@functools.cache
def _cipher() -> MultiFernet:
    current = _fernet_for("FIELD_ENCRYPTION_KEY", getattr(settings, "FIELD_ENCRYPTION_KEY", None))
    old_keys = getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) or ()
    old = [_fernet_for("FIELD_ENCRYPTION_OLD_KEYS", value) for value in old_keys]
    return MultiFernet([current, *old])


@functools.cache
def _index_key(kind: str) -> bytes:
    secret = _secret("BLIND_INDEX_KEY", getattr(settings, "BLIND_INDEX_KEY", None))
    return _derive(secret, _INDEX_INFO + kind.encode("ascii"))


def reset_key_cache() -> None:
    _cipher.cache_clear()
    _index_key.cache_clear()


@receiver(setting_changed, dispatch_uid="daiban.pii.crypto.reset_key_cache")
def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in _KEY_SETTINGS:
        reset_key_cache()


def encrypt(plaintext: str) -> str:
    """Encrypt a string; the result is an ASCII token (about 100 characters for an ID number)."""
    if not isinstance(plaintext, str):
        raise TypeError("encrypt() takes a str")
    return _cipher().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made by :func:`encrypt` (with the current or an old key)."""
    if not isinstance(token, str):
        raise TypeError("decrypt() takes a str")
    try:
        return _cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        # Deliberately no token in the message or the chained exception.
        raise DecryptionError("personal data could not be decrypted (wrong key or corrupted value)") from None


def is_ciphertext(value: str) -> bool:
    """Whether a string has the shape of a Fernet token (a cheap guard against storing plaintext)."""
    if not value.startswith(FERNET_PREFIX) or len(value) < 100:
        return False
    try:
        base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeError):
        return False
    return True


def blind_index(kind: str, normalized_value: str) -> str:
    """Keyed hash (64 hex characters) of an already-normalized value, domain-separated by ``kind``.

    Callers must normalize first (``validators.validate_id_number`` / ``validate_phone``), otherwise the same
    number typed two ways gives two hashes. Prefer ``fields.lookup_hash_for_id`` / ``lookup_hash_for_phone``.
    """
    if kind not in BLIND_INDEX_KINDS:
        raise ValueError(f"unknown blind index kind {kind!r}; expected one of {sorted(BLIND_INDEX_KINDS)}")
    if not normalized_value:
        raise ValueError("refusing to hash an empty value")
    return hmac.new(_index_key(kind), normalized_value.encode("utf-8"), hashlib.sha256).hexdigest()
