"""Weak or repeated keys are refused at start (daiban/pii/keycheck.py, run by PiiConfig.ready())."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from daiban.pii.keycheck import check_key_set, key_set_problems, weakness
from daiban.pii.tests.keys import HASH_A, HASH_B, KEY_A, KEY_B

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("Q8v_Zr2mKx9LpW4nYb7cHd1sFj6", "短于"),  # 27 characters
        ("a" * 40, "不同字符"),
        ("passwordpasswordpasswordpassword", "不同字符"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0123456789", "熵过低"),
        ("0123456789abcdef" * 3, "重复片段"),
        ("abcdefghijklmnopqrstuvwxyz0123456789", "连续"),
    ],
)
def test_weak_keys_are_named(value: str, why: str) -> None:
    reason = weakness(value)
    assert reason is not None and why in reason


def test_the_generator_and_test_keys_pass() -> None:
    for value in (KEY_A, KEY_B, HASH_A, HASH_B, settings.FIELD_ENCRYPTION_KEY, settings.BLIND_INDEX_KEY):
        assert weakness(value) is None, value
    assert key_set_problems() == []


def test_keys_from_make_local_env_pass(tmp_path: Path) -> None:
    target = tmp_path / "local.env"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_local_env.py"), str(target)], check=True)
    values = dict(re.findall(r"^(DAIBAN_\w*KEY)=(.+)$", target.read_text(), re.MULTILINE))
    assert {"DAIBAN_FIELD_KEY", "DAIBAN_HASH_KEY", "DAIBAN_AUDIT_KEY", "DAIBAN_BACKUP_KEY"} <= set(values)
    for name, value in values.items():
        assert weakness(value) is None, name


def _refused(match: str, **overrides: object) -> None:
    with override_settings(**overrides), pytest.raises(ImproperlyConfigured, match=match) as info:
        check_key_set()
    for value in overrides.values():
        if isinstance(value, str) and len(value) >= 8:
            assert value not in str(info.value)  # the message names settings, never key material


def test_identical_keys_are_refused() -> None:
    _refused("DAIBAN_FIELD_KEY.*DAIBAN_HASH_KEY", FIELD_ENCRYPTION_KEY=KEY_A, BLIND_INDEX_KEY=KEY_A)
    _refused("DAIBAN_SECRET_KEY", FIELD_ENCRYPTION_KEY=KEY_A, SECRET_KEY=KEY_A)
    _refused("DAIBAN_AUDIT_KEY", DAIBAN_AUDIT_KEY=settings.BLIND_INDEX_KEY, DAIBAN_AUDIT_KEY_DERIVED=False)


def test_an_old_key_equal_to_a_current_one_is_refused() -> None:
    _refused("DAIBAN_FIELD_OLD_KEYS", FIELD_ENCRYPTION_KEY=KEY_A, FIELD_ENCRYPTION_OLD_KEYS=[KEY_A])
    _refused("DAIBAN_HASH_OLD_KEYS", BLIND_INDEX_KEY=HASH_A, BLIND_INDEX_OLD_KEYS=[HASH_A])
    # …but a weak *old* key is accepted: the rotation exists to move away from it.
    with override_settings(FIELD_ENCRYPTION_OLD_KEYS=["0123456789abcdef" * 3], BLIND_INDEX_OLD_KEYS=[KEY_A]):
        check_key_set()


def test_weak_current_keys_are_refused() -> None:
    _refused("DAIBAN_FIELD_KEY", FIELD_ENCRYPTION_KEY="0123456789abcdef" * 3)
    _refused("DAIBAN_HASH_KEY", BLIND_INDEX_KEY="short-but-not-empty")
    _refused("DAIBAN_AUDIT_KEY", DAIBAN_AUDIT_KEY="x" * 48, DAIBAN_AUDIT_KEY_DERIVED=False)
    _refused("DAIBAN_BACKUP_KEY", BACKUP_KEY="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    with override_settings(BACKUP_KEY=""):
        check_key_set()  # a web node need not hold the backup key


def test_the_app_refuses_to_start() -> None:
    config = apps.get_app_config("pii")
    with (
        override_settings(BLIND_INDEX_KEY=settings.FIELD_ENCRYPTION_KEY),
        pytest.raises(ImproperlyConfigured),
    ):
        config.ready()
    config.ready()  # the configured keys are fine


def test_a_process_with_weak_keys_does_not_start(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DAIBAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "daiban.settings",
        "DAIBAN_SECRET_KEY": KEY_B,
        "DAIBAN_FIELD_KEY": KEY_A,
        "DAIBAN_HASH_KEY": KEY_A,
        "DAIBAN_AUDIT_KEY": HASH_B,
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0
    assert "DAIBAN_FIELD_KEY" in result.stderr and "DAIBAN_HASH_KEY" in result.stderr
    assert KEY_A not in result.stderr
