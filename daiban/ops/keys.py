"""The key-set manifest: which personal-data keys a backup's data needs, by fingerprint, never the keys.

A fingerprint is the first 16 hex digits of SHA-256 over a fixed label and the key setting's value. The keys
are random secrets of at least 32 characters (daiban.pii.crypto refuses shorter ones), so a fingerprint
cannot be inverted; it only tells whether the key configured now is the one the data was written with.
Field-encryption keys also carry their key id (``daiban.pii.crypto.FieldKey.key_id``, the id SM4-GCM tokens
and encrypted files name), and the manifest records the algorithms (``PII_CIPHER``, ``PII_INDEX``) the data
was written with; old index keys and algorithms kept during a rotation are listed too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings

from daiban.pii import crypto as pii_crypto

_LABEL: Final = b"daiban.ops/key-fingerprint/v1\x00"

# (setting, purpose, how much a restore depends on it). "required": the data is unreadable or unsearchable
# without it; "optional": something less breaks (verify_audit cannot check the chain).
KEY_SETTINGS: Final = (
    ("FIELD_ENCRYPTION_KEY", "个人信息加密密钥（当前）", "required"),
    ("BLIND_INDEX_KEY", "个人信息检索索引密钥", "required"),
    ("DAIBAN_AUDIT_KEY", "安全审计日志哈希链密钥", "optional"),
)
OLD_KEYS_SETTING: Final = "FIELD_ENCRYPTION_OLD_KEYS"
OLD_INDEX_KEYS_SETTING: Final = "BLIND_INDEX_OLD_KEYS"


def fingerprint(value: str) -> str:
    return hashlib.sha256(_LABEL + value.encode("utf-8")).hexdigest()[:16]


def current_manifest() -> dict[str, Any]:
    """The key-set manifest of the keys configured now (stored in every archive as keys.json)."""
    keys: list[dict[str, str]] = []
    for name, purpose, need in KEY_SETTINGS:
        value = getattr(settings, name, None)
        if isinstance(value, str) and value:
            entry = {"setting": name, "purpose": purpose, "need": need, "fingerprint": fingerprint(value)}
            if name == "FIELD_ENCRYPTION_KEY":
                entry["key_id"] = pii_crypto.keyring().current.key_id_hex
            keys.append(entry)
    old_field = {k.setting: k.key_id_hex for k in pii_crypto.keyring().old}
    for i, value in enumerate(getattr(settings, OLD_KEYS_SETTING, ()) or ()):
        if isinstance(value, str) and value:
            keys.append(
                {
                    "setting": f"{OLD_KEYS_SETTING}[{i}]",
                    "purpose": "个人信息加密密钥（轮换前的旧密钥）",
                    "need": "old-encryption",
                    "fingerprint": fingerprint(value),
                    "key_id": old_field.get(f"{OLD_KEYS_SETTING}[{i}]", ""),
                }
            )
    for i, value in enumerate(getattr(settings, OLD_INDEX_KEYS_SETTING, ()) or ()):
        if isinstance(value, str) and value:
            keys.append(
                {
                    "setting": f"{OLD_INDEX_KEYS_SETTING}[{i}]",
                    "purpose": "个人信息检索索引密钥（轮换前的旧密钥）",
                    "need": "old-index",
                    "fingerprint": fingerprint(value),
                }
            )
    return {
        "scheme": "sha256(label|key)[:16]",
        "algorithms": {
            "cipher": pii_crypto.current_cipher(),
            "index": pii_crypto.current_index(),
            "index_old": list(pii_crypto.old_indexes()),
        },
        "keys": keys,
    }


@dataclass
class KeyCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def compare(archived: dict[str, Any]) -> KeyCheck:
    """What the keys configured now lack for the data in an archive.

    Errors: the archive's current encryption key is not configured (as current or old key), or its blind
    index key or algorithm is not configured at all (every search by ID or phone would miss). Warnings: an
    old encryption or index key or an audit key of the archive is not configured, or its index key is only
    configured as an old key (searches work; ``rotate_keys`` brings the rows up to date).
    """
    now = current_manifest()["keys"]
    encryption_now = {
        k["fingerprint"]
        for k in now
        if k["setting"] == "FIELD_ENCRYPTION_KEY" or k["need"] == "old-encryption"
    }
    by_setting = {k["setting"]: k["fingerprint"] for k in now}
    index_now = {
        k["fingerprint"] for k in now if k["setting"] == "BLIND_INDEX_KEY" or k["need"] == "old-index"
    }
    check = KeyCheck()
    algorithms = archived.get("algorithms") or {"index": "hmac-sha256"}
    index_algorithms_now = {pii_crypto.current_index(), *pii_crypto.old_indexes()}
    if algorithms.get("index") not in index_algorithms_now:
        check.errors.append(
            f"备份的检索索引算法 {algorithms.get('index')} 未配置（DAIBAN_PII_INDEX 或 DAIBAN_PII_INDEX_OLD）。"
            " The archive's blind-index algorithm is not configured: searches by ID or phone would miss."
        )
    for key in archived.get("keys", []):
        setting, fp, purpose = key.get("setting", ""), key.get("fingerprint", ""), key.get("purpose", "")
        if setting == "FIELD_ENCRYPTION_KEY" or key.get("need") == "old-encryption":
            if fp in encryption_now:
                continue
            message = (
                f"缺少{purpose}（{setting}，指纹 {fp}）：用它加密的身份证号码、电话将无法解密。"
                f" Missing key {setting} (fingerprint {fp}): data encrypted with it cannot be decrypted;"
                " configure it as DAIBAN_FIELD_KEY or among the old keys."
            )
            (check.errors if setting == "FIELD_ENCRYPTION_KEY" else check.warnings).append(message)
        elif key.get("need") == "old-index":
            if fp not in index_now:
                check.warnings.append(
                    f"{purpose}（{setting}，指纹 {fp}）未配置：轮换未完成的数据按号码检索可能查不到。"
                    f" Old index key {setting} (fingerprint {fp}) is not configured."
                )
        elif setting == "BLIND_INDEX_KEY" and by_setting.get(setting) != fp and fp in index_now:
            check.warnings.append(
                f"{purpose}（{setting}，指纹 {fp}）现为旧密钥：恢复后请运行 rotate_keys。"
                f" Index key {setting} (fingerprint {fp}) is configured as an old key: run rotate_keys."
            )
        elif by_setting.get(setting) != fp:
            message = (
                f"{purpose}（{setting}，指纹 {fp}）与当前配置不同。"
                f" Key {setting} (fingerprint {fp}) differs from the one configured now."
            )
            if key.get("need") == "required":
                check.errors.append(
                    message + " 按身份证号码、电话检索将失效。 Searches by ID or phone would miss."
                )
            else:
                check.warnings.append(message)
    return check
