"""The console and file backends never write the full address."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.test import override_settings

from daiban.notify.backends import ConsoleBackend, Delivery, FileBackend, backend_for

PHONE = "13904719999"


def _d(channel: str = "sms", address: str = PHONE) -> Delivery:
    return Delivery(
        channel=channel,
        address=address,
        subject="【信访代办】交办到本单位",
        text="事项 X 已交办。",
        key="msg7-sms",
    )


def test_file_backend_appends_json_lines_with_the_address_masked(tmp_path: Path) -> None:
    with override_settings(NOTIFY_FILE_DIR=tmp_path / "notify"):
        assert FileBackend().send(_d()) == "file:msg7-sms"
        FileBackend().send(_d("email", "zhang.san@example.cn"))
    sms = [json.loads(line) for line in (tmp_path / "notify" / "sms.jsonl").read_text().splitlines()]
    assert (
        sms[0]["to"] == "139****9999" and sms[0]["key"] == "msg7-sms" and sms[0]["text"] == "事项 X 已交办。"
    )
    raw = (tmp_path / "notify" / "sms.jsonl").read_text() + (tmp_path / "notify" / "email.jsonl").read_text()
    assert PHONE not in raw and "zhang.san" not in raw


def test_console_backend_logs_a_masked_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="daiban.notify.backends"):
        ConsoleBackend().send(_d())
    assert "139****9999" in caplog.text and PHONE not in caplog.text


def test_backend_by_setting() -> None:
    with override_settings(NOTIFY_SMS_BACKEND="file", NOTIFY_EMAIL_BACKEND="console"):
        assert isinstance(backend_for("sms"), FileBackend)
        assert isinstance(backend_for("email"), ConsoleBackend)
