from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from daiban.pii.crypto import DecryptionError, blind_index, decrypt, encrypt, is_ciphertext
from daiban.pii.tests.helpers import make_id

OTHER_KEY = "another-test-only-key-0123456789abcdefghijklmnopqrstuvwxyz"


def test_round_trip() -> None:
    for text in [make_id(), "13912345678", "0471-1234567", "王建国", ""]:
        assert decrypt(encrypt(text)) == text


def test_ciphertext_differs_per_call_and_hides_the_plaintext() -> None:
    number = make_id()
    first, second = encrypt(number), encrypt(number)
    assert first != second
    for token in (first, second):
        assert number not in token
        assert number[-4:] + number[:6] not in token
        assert token.isascii()
        assert is_ciphertext(token)
    assert not is_ciphertext(number)
    assert not is_ciphertext("")


def test_tampered_token_fails_without_leaking() -> None:
    token = encrypt(make_id())
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(DecryptionError) as info:
        decrypt(tampered)
    assert token[:20] not in str(info.value)
    assert info.value.__cause__ is None
    with pytest.raises(DecryptionError):
        decrypt("not a token")
    with pytest.raises(TypeError):
        encrypt(None)  # type: ignore[arg-type]


def test_wrong_key_cannot_decrypt_and_old_keys_can() -> None:
    token = encrypt("13912345678")
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY), pytest.raises(DecryptionError):
        decrypt(token)
    from django.conf import settings

    current = settings.FIELD_ENCRYPTION_KEY
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY, FIELD_ENCRYPTION_OLD_KEYS=[current]):
        assert decrypt(token) == "13912345678"
        new_token = encrypt("13912345678")
    with pytest.raises(DecryptionError):
        decrypt(new_token)  # made with OTHER_KEY, which is no longer configured
    assert decrypt(token) == "13912345678"  # cache was reset on leaving override_settings


def test_short_or_missing_key_is_a_configuration_error() -> None:
    with override_settings(FIELD_ENCRYPTION_KEY="short"), pytest.raises(ImproperlyConfigured):
        encrypt("x")
    with override_settings(BLIND_INDEX_KEY=""), pytest.raises(ImproperlyConfigured):
        blind_index("id", "x")


def test_blind_index_is_deterministic_hex() -> None:
    number = make_id()
    digest = blind_index("id", number)
    assert digest == blind_index("id", number)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert number not in digest
    assert blind_index("id", make_id(seq="124")) != digest


def test_blind_index_is_separated_by_kind() -> None:
    assert blind_index("id", "13912345678") != blind_index("phone", "13912345678")


def test_blind_index_depends_on_its_key_and_not_on_the_encryption_key() -> None:
    number = make_id()
    digest = blind_index("phone", number)
    with override_settings(BLIND_INDEX_KEY=OTHER_KEY):
        other = blind_index("phone", number)
    with override_settings(FIELD_ENCRYPTION_KEY=OTHER_KEY):
        same = blind_index("phone", number)
    assert other != digest
    assert same == digest
    assert blind_index("phone", number) == digest


def test_blind_index_rejects_unknown_kind_and_empty_value() -> None:
    with pytest.raises(ValueError):
        blind_index("name", "王建国")
    with pytest.raises(ValueError):
        blind_index("id", "")
