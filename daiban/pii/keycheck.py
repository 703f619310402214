"""Refuse weak or repeated keys at start (等保 第三级 / 密评: 密钥质量).

``check_key_set()`` runs in ``PiiConfig.ready()``, so every start (runserver, gunicorn, the task consumer, any
``manage.py`` command) fails with ``ImproperlyConfigured`` instead of running on a bad key. The rule
(docs/adr/0026-sm4-gcm-sm3-key-rotation.md):

* each *current* key (``FIELD_ENCRYPTION_KEY``, ``BLIND_INDEX_KEY``, ``DAIBAN_AUDIT_KEY`` unless derived,
  ``BACKUP_KEY`` when set on this node) must be at least 32 characters, hold at least 10 distinct characters,
  have a Shannon entropy of at least 3.0 bits per character, not compress (zlib) below 3/4 of its length (a
  repeated block), and not be mostly a run (at most half of the neighbouring pairs may be equal or
  consecutive characters: "aaaa…", "abcd…", "1234…");
* no two current keys (those above and ``SECRET_KEY``) may be equal, and no old key
  (``FIELD_ENCRYPTION_OLD_KEYS``, ``BLIND_INDEX_OLD_KEYS``) may equal a current one.

Old keys are not held to the strength rule: a rotation exists to move away from them. A key from
``secrets.token_urlsafe(48)`` (scripts/make_local_env.py) passes with a wide margin.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH: Final = 32
MIN_DISTINCT: Final = 10
MIN_ENTROPY_BITS: Final = 3.0
MIN_COMPRESSED_RATIO: Final = 0.75
MAX_RUN_PAIRS: Final = 0.5

_ENV = {
    "SECRET_KEY": "DAIBAN_SECRET_KEY",
    "FIELD_ENCRYPTION_KEY": "DAIBAN_FIELD_KEY",
    "BLIND_INDEX_KEY": "DAIBAN_HASH_KEY",
    "DAIBAN_AUDIT_KEY": "DAIBAN_AUDIT_KEY",
    "BACKUP_KEY": "DAIBAN_BACKUP_KEY",
    "FIELD_ENCRYPTION_OLD_KEYS": "DAIBAN_FIELD_OLD_KEYS",
    "BLIND_INDEX_OLD_KEYS": "DAIBAN_HASH_OLD_KEYS",
}


def shannon_bits(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def weakness(value: str) -> str | None:
    """Why ``value`` is not acceptable as a key, in Chinese and English, or ``None`` if it is."""
    if len(value) < MIN_LENGTH:
        return f"短于 {MIN_LENGTH} 个字符 (shorter than {MIN_LENGTH} characters)"
    if len(set(value)) < MIN_DISTINCT:
        return f"不同字符少于 {MIN_DISTINCT} 个 (fewer than {MIN_DISTINCT} distinct characters)"
    if shannon_bits(value) < MIN_ENTROPY_BITS:
        return f"熵过低 (Shannon entropy below {MIN_ENTROPY_BITS} bits per character)"
    data = value.encode("utf-8")
    if len(zlib.compress(data, 9)) < MIN_COMPRESSED_RATIO * len(data):
        return "含重复片段 (a repeated pattern: it compresses)"
    runs = sum(1 for a, b in itertools.pairwise(value) if abs(ord(a) - ord(b)) <= 1)
    if runs > MAX_RUN_PAIRS * (len(value) - 1):
        return "多为连续或重复字符 (mostly a run of equal or consecutive characters)"
    return None


def _strings(values: Any) -> list[str]:
    if isinstance(values, str):
        return [values] if values else []
    return [v for v in (values or ()) if isinstance(v, str) and v]


def _label(name: str) -> str:
    return f"{_ENV.get(name.split('[')[0], name)} ({name})"


def key_set_problems() -> list[str]:
    """Every problem with the configured keys (empty when the set is fine)."""
    current: list[tuple[str, str]] = []
    for name in ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"):
        current += [(name, v) for v in _strings(getattr(settings, name, ""))]
    if not getattr(settings, "DAIBAN_AUDIT_KEY_DERIVED", False):
        current += [("DAIBAN_AUDIT_KEY", v) for v in _strings(getattr(settings, "DAIBAN_AUDIT_KEY", ""))]
    current += [("BACKUP_KEY", v) for v in _strings(getattr(settings, "BACKUP_KEY", ""))]
    problems = [f"{_label(name)}: {why}" for name, value in current if (why := weakness(value))]
    everyone = [*current, ("SECRET_KEY", str(getattr(settings, "SECRET_KEY", "") or ""))]
    problems += _duplicates(everyone, everyone)
    old: list[tuple[str, str]] = []
    for name in ("FIELD_ENCRYPTION_OLD_KEYS", "BLIND_INDEX_OLD_KEYS"):
        old += [(f"{name}[{i}]", v) for i, v in enumerate(_strings(getattr(settings, name, ())))]
    problems += _duplicates(old, everyone)
    return problems


def _duplicates(left: Iterable[tuple[str, str]], right: list[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    seen: set[frozenset[str]] = set()
    for a_name, a in left:
        for b_name, b in right:
            pair = frozenset({a_name, b_name})
            if a_name != b_name and a and a == b and pair not in seen:
                seen.add(pair)
                found.append(f"{_label(a_name)} 与 {_label(b_name)} 相同 (the two keys are identical)")
    return found


def check_key_set() -> None:
    """Raise ``ImproperlyConfigured`` naming every weak or repeated key (never showing a key)."""
    problems = key_set_problems()
    if problems:
        raise ImproperlyConfigured(
            "密钥不合格，拒绝启动 (refusing to start with these keys): "
            + "; ".join(problems)
            + '. Generate each with `python -c "import secrets; print(secrets.token_urlsafe(48))"`'
            " (DAIBAN_BACKUP_KEY: base64 of 32 random bytes)."
        )
