"""Test-only keys for the rotation tests (random strings; never used outside tests)."""

KEY_A = "t3st-A-Q8v_Zr2mKx9LpW4nYb7cHd1sFj6gTe0uRiOk5"
HASH_A = "t3st-a-hM2qX7wLz9Kc4Vb1Nr8Tp5Yd3Gf6Js0Ue-Ho"
KEY_B = "t3st-B-xR7kM2pQ9wZ4vL1cN8bT5yH3dF6gJ0sUeIoWa"
HASH_B = "t3st-b-Vq4Lm9Xz2Kw7Rc1Pb8Nt5Hy3Df6Gs0Ju-Eio"

SUITE_A = {
    "FIELD_ENCRYPTION_KEY": KEY_A,
    "FIELD_ENCRYPTION_OLD_KEYS": [],
    "BLIND_INDEX_KEY": HASH_A,
    "BLIND_INDEX_OLD_KEYS": [],
    "PII_CIPHER": "fernet",
    "PII_INDEX": "hmac-sha256",
    "PII_INDEX_OLD": [],
}
# Key B with the commercial-cryptography suite, key A and the former algorithms kept for reading and search.
SUITE_B_ROTATING = {
    "FIELD_ENCRYPTION_KEY": KEY_B,
    "FIELD_ENCRYPTION_OLD_KEYS": [KEY_A],
    "BLIND_INDEX_KEY": HASH_B,
    "BLIND_INDEX_OLD_KEYS": [HASH_A],
    "PII_CIPHER": "sm4-gcm",
    "PII_INDEX": "hmac-sm3",
    "PII_INDEX_OLD": ["hmac-sha256"],
}
SUITE_B = {
    **SUITE_B_ROTATING,
    "FIELD_ENCRYPTION_OLD_KEYS": [],
    "BLIND_INDEX_OLD_KEYS": [],
    "PII_INDEX_OLD": [],
}
