"""SM4-GCM field tokens and the HMAC-SM3 blind index (商用密码, for 密评), beside Fernet and HMAC-SHA256."""

from __future__ import annotations

import hmac as std_hmac
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.test import override_settings

from daiban.pii import crypto
from daiban.pii.fields import lookup_hash_for_id, lookup_hash_for_phone, search_q, set_id_number, set_phone
from daiban.pii.tests.helpers import make_id
from daiban.pii.tests.keys import HASH_A, HASH_B, KEY_A, KEY_B, SUITE_A, SUITE_B, SUITE_B_ROTATING

ID = make_id(birth="19900307")


def test_sm4_and_sm3_are_the_standard_algorithms() -> None:
    # GB/T 32907-2016 Appendix A, example 1.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    # GB/T 32905-2016 Appendix A, example 1.
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_gcm_known_answer_rfc_8998() -> None:
    sealed = crypto.sm4_gcm_encrypt(
        bytes.fromhex("0123456789ABCDEFFEDCBA9876543210"),
        bytes.fromhex("00001234567800000000ABCD"),
        bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD")
        + bytes.fromhex("EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"),
        bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"),
    )
    assert sealed.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )


def _hmac_sm3_by_hand(key: bytes, data: bytes) -> str:
    """RFC 2104 HMAC over SM3 (block 64 bytes), written out independently of the code under test."""

    def sm3(b: bytes) -> bytes:
        h = hashes.Hash(hashes.SM3())
        h.update(b)
        return h.finalize()

    key = key.ljust(64, b"\0")
    inner = sm3(bytes(k ^ 0x36 for k in key) + data)
    return sm3(bytes(k ^ 0x5C for k in key) + inner).hex()


def test_hmac_sm3_blind_index_is_rfc_2104_over_sm3() -> None:
    with override_settings(**SUITE_B):
        digest = crypto.blind_index("id", ID)
        key = crypto._index_key("id", "BLIND_INDEX_KEY", HASH_B, "hmac-sm3")
        assert digest == _hmac_sm3_by_hand(key, ID.encode())
        assert len(digest) == 64
    with override_settings(**SUITE_A):
        assert crypto.blind_index("id", ID) != digest  # another key and algorithm
        sha = crypto._index_key("id", "BLIND_INDEX_KEY", HASH_A, "hmac-sha256")
        assert crypto.blind_index("id", ID) == std_hmac.new(sha, ID.encode(), "sha256").hexdigest()


@override_settings(**SUITE_B)
def test_sm4_token_round_trip_shape_and_tampering() -> None:
    token = crypto.encrypt(ID)
    assert token.startswith("s4g1.") and token.isascii() and ID not in token
    assert crypto.is_ciphertext(token) and crypto.is_current(token)
    assert crypto.decrypt(token) == ID
    assert crypto.encrypt(ID) != token  # a fresh nonce each time
    assert crypto.decrypt(crypto.encrypt("")) == ""
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered)
    for bad in ("s4g1.", "s4g1.AAAA", "s4g1.%%%"):
        assert not crypto.is_ciphertext(bad)
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(bad)
    # The key id names key B; with only key A configured the token is refused as a wrong key.
    with override_settings(FIELD_ENCRYPTION_KEY=KEY_A), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_both_token_kinds_decrypt_side_by_side() -> None:
    with override_settings(**SUITE_A):
        fernet = crypto.encrypt(ID)
    with override_settings(**SUITE_B_ROTATING):
        sm4 = crypto.encrypt(ID)
        assert crypto.decrypt(fernet) == crypto.decrypt(sm4) == ID
        assert not crypto.is_current(fernet) and crypto.is_current(sm4)
    with override_settings(**{**SUITE_A, "FIELD_ENCRYPTION_OLD_KEYS": [KEY_B]}):
        assert crypto.decrypt(sm4) == ID  # an SM4 token under an old key, read with fernet current
        assert crypto.is_current(fernet) and not crypto.is_current(sm4)


@pytest.mark.django_db
def test_a_database_holding_both_token_kinds_reads_and_searches(person_table: Any) -> None:
    phones = ["13912345678", "13812345678"]
    with override_settings(**SUITE_A):
        old = person_table(name="甲")
        set_id_number(old, ID)
        set_phone(old, phones[0])
        old.save()
    with override_settings(**SUITE_B_ROTATING):
        new = person_table(name="乙")
        set_id_number(new, make_id(seq="456"))
        set_phone(new, phones[1])
        new.save()
        assert new.id_number_enc.startswith("s4g1.") and old.id_number_enc.startswith("gAAAAA")
        rows = {p.name: p for p in person_table.objects.order_by("name")}
        assert rows["甲"].id_number_masked.endswith(ID[-4:]) and rows["乙"].phone_masked == "138****5678"
        for name, term in (("甲", ID), ("甲", phones[0]), ("乙", phones[1]), ("乙", make_id(seq="456"))):
            q = search_q(term)
            assert q is not None
            assert list(person_table.objects.filter(q).values_list("name", flat=True)) == [name]
        assert person_table.objects.filter(id_number_hash=lookup_hash_for_id(ID)).count() == 1
        digests = [lookup_hash_for_phone(p) for p in phones]
        assert person_table.objects.filter(phone_hash__in=digests).count() == 2
        assert len(lookup_hash_for_id(ID).candidates) == 4  # 2 keys x 2 algorithms
    with override_settings(**SUITE_B):
        # Old keys gone before rotation: row 甲 is neither readable nor found (rotate_keys comes first).
        assert lookup_hash_for_id(ID).candidates == (crypto.blind_index("id", ID),)
        assert not person_table.objects.filter(id_number_hash=lookup_hash_for_id(ID)).exists()
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(old.id_number_enc)


def test_index_digest_survives_copy_and_pickle() -> None:
    import copy
    import pickle

    with override_settings(**SUITE_B_ROTATING):
        digest = lookup_hash_for_id(ID)
        for clone in (copy.copy(digest), copy.deepcopy(digest), pickle.loads(pickle.dumps(digest))):
            assert clone == digest and clone.candidates == digest.candidates


def test_key_ids_differ_per_key_and_reveal_nothing() -> None:
    a, b = crypto.field_key("A", KEY_A), crypto.field_key("B", KEY_B)
    assert a.key_id != b.key_id and len(a.key_id) == crypto.KEY_ID_SIZE
    assert a.key_id.hex() not in KEY_A.encode().hex()
