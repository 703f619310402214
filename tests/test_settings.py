"""Production mode refuses to start without real secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")}
    clean.update({"DAIBAN_ENV_FILE": "/nonexistent", "DJANGO_SETTINGS_MODULE": "daiban.settings", **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key() -> None:
    result = _import_settings()
    assert result.returncode != 0
    assert "DAIBAN_SECRET_KEY is required" in result.stderr


def test_refuses_a_short_secret() -> None:
    result = _import_settings(DAIBAN_SECRET_KEY="short", DAIBAN_FIELD_KEY="x" * 40, DAIBAN_HASH_KEY="y" * 40)
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_starts_with_secrets_and_is_secure_by_default() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")},
            "DAIBAN_ENV_FILE": "/nonexistent",
            "DJANGO_SETTINGS_MODULE": "daiban.settings",
            # Random-looking test-only values: weak or repeated keys are refused at start (daiban/pii/keycheck.py).
            "DAIBAN_SECRET_KEY": "s3-Kq8Zr2mWx9LpV4nYb7cHd1sFj6gTe0uRiOk5-test-only",
            "DAIBAN_FIELD_KEY": "f3-Xw7Lz9Kc4Vb1Nr8Tp5Yd3Gf6Js0UeHoQm2-test-only",
            "DAIBAN_HASH_KEY": "h3-Rk7M2pQ9wZ4vL1cN8bT5yH3dF6gJ0sUeIoWaX-test-only",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]
