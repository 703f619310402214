"""NOTIFY_* settings are read from the environment at start; a backend that cannot work stops the start."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import daiban

SETTINGS = Path(daiban.__file__).parent / "settings.py"


def _load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, object]:
    monkeypatch.setenv("DAIBAN_DEBUG", "1")
    monkeypatch.setenv("DAIBAN_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DAIBAN_ENV_FILE", str(tmp_path / "none.env"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_defaults_are_the_console_backends(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loaded = _load(monkeypatch, tmp_path)
    assert (loaded["NOTIFY_SMS_BACKEND"], loaded["NOTIFY_EMAIL_BACKEND"]) == ("console", "console")
    assert loaded["NOTIFY_FILE_DIR"] == tmp_path / "notify"
    loaded = _load(
        monkeypatch,
        tmp_path,
        DAIBAN_NOTIFY_SMS_BACKEND="http",
        DAIBAN_NOTIFY_SMS_URL="https://sms.example.cn/send",
        DAIBAN_NOTIFY_SMS_TOKEN="t",
    )
    assert loaded["NOTIFY_SMS_BACKEND"] == "http"


@pytest.mark.parametrize(
    "env",
    [
        {"DAIBAN_NOTIFY_SMS_BACKEND": "carrier-pigeon"},
        {"DAIBAN_NOTIFY_EMAIL_BACKEND": "http"},
        {"DAIBAN_NOTIFY_SMS_BACKEND": "http"},  # no URL, no token
        {
            "DAIBAN_NOTIFY_SMS_BACKEND": "http",
            "DAIBAN_NOTIFY_SMS_URL": "ftp://x",
            "DAIBAN_NOTIFY_SMS_TOKEN": "t",
        },
        {"DAIBAN_NOTIFY_MAX_ATTEMPTS": "0"},
        {"DAIBAN_NOTIFY_RESEND_MINUTES": "60"},
    ],
)
def test_a_setting_that_cannot_work_stops_the_start(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ImproperlyConfigured, match="NOTIFY"):
        _load(monkeypatch, tmp_path, **env)
