from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from daiban.audit import record
from daiban.audit.chain import verify
from daiban.audit.models import AuditHead, AuditRecord
from daiban.audit.retention import FileSink, export, purge, sink_from_settings
from daiban.core import clock

pytestmark = pytest.mark.django_db


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_writes_json_lines_incrementally(tmp_path: Path) -> None:
    sink = FileSink(tmp_path / "audit.jsonl")
    record("export.create", target="ledger#7", detail={"rows": 12})
    record("logout")
    assert export(sink=sink) == 2
    assert export(sink=sink) == 0  # nothing new: nothing written twice
    record("login.failure", outcome="failure", target="nobody")
    assert export(sink=sink, batch=1) == 1
    lines = _lines(sink.path)
    assert [line["seq"] for line in lines] == [1, 2, 3]
    assert lines[0]["action"] == "export.create" and lines[0]["action_label"] == "导出"
    assert lines[0]["detail"] == {"rows": 12}
    assert lines[2]["prev_hash"] == lines[1]["hash"]
    assert oct(sink.path.stat().st_mode & 0o777) == "0o600"
    assert AuditHead.objects.get().exported_seq == 3


def test_the_command_writes_to_the_configured_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record("logout")
    with override_settings(DAIBAN_AUDIT_DIR=tmp_path, DAIBAN_AUDIT_SINK="file:out/a.jsonl"):
        call_command("audit_export")
    assert [line["seq"] for line in _lines(tmp_path / "out" / "a.jsonl")] == [1]
    assert "已导出 1 条" in capsys.readouterr().out


def test_syslog_sink_by_setting() -> None:
    from daiban.audit.retention import SyslogSink

    with override_settings(DAIBAN_AUDIT_SINK="syslog:127.0.0.1:514"):
        sink = sink_from_settings()
    assert isinstance(sink, SyslogSink)
    with override_settings(DAIBAN_AUDIT_SINK="syslog:nonsense"), pytest.raises(ImproperlyConfigured):
        sink_from_settings()


def test_the_periodic_task_exports(tmp_path: Path) -> None:
    from daiban.audit.tasks import run_export

    record("logout")
    with override_settings(DAIBAN_AUDIT_DIR=tmp_path, DAIBAN_AUDIT_SINK="file:t.jsonl"):
        assert run_export() == 1
        assert run_export() == 0


def test_purge_removes_only_exported_records_past_retention(tmp_path: Path) -> None:
    sink = FileSink(tmp_path / "a.jsonl")
    start = clock.now() - datetime.timedelta(days=300)
    for days in (0, 10, 20):  # 300, 290, 280 days ago
        with clock.frozen(start + datetime.timedelta(days=days)):
            record("logout")
    export(sink=sink)
    with clock.frozen(start + datetime.timedelta(days=150)):  # 150 days ago: within retention
        record("logout")
    with clock.frozen(start - datetime.timedelta(days=1)):  # old, but not exported: a clock out of order
        record("logout")
    record("logout")
    result = purge(batch=2)
    assert result.removed == 3
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == [4, 5, 6]
    assert verify().ok
    assert purge().removed == 0  # 4 is young, 5 not exported
    # Tampering after a purge is still found, from the anchor on.
    AuditHead.objects.filter(pk=1).update(anchor_prev_hash="0" * 64)
    assert [(p.seq, p.kind) for p in verify().problems] == [(4, "link")]


def test_purging_everything_keeps_the_chain_going(tmp_path: Path) -> None:
    with clock.frozen(clock.now() - datetime.timedelta(days=400)):
        record("logout")
        record("logout")
    export(sink=FileSink(tmp_path / "a.jsonl"))
    assert purge().removed == 2
    assert verify().ok
    record("login.success")
    assert AuditRecord.objects.get().seq == 3
    assert verify().ok


def test_purge_refuses_a_retention_below_184_days() -> None:
    with override_settings(DAIBAN_AUDIT_RETENTION_DAYS=30), pytest.raises(ImproperlyConfigured):
        purge()


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_AUDIT")} | env
    environ["DAIBAN_VAR_DIR"] = str(settings.VAR_DIR)
    return subprocess.run(
        [sys.executable, "-c", "import daiban.settings_test"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DAIBAN_AUDIT_RETENTION_DAYS": "183"}, "at least 184"),
        ({"DAIBAN_AUDIT_KEY": "short"}, "at least 32"),
        ({"DAIBAN_AUDIT_KEY": "a" * 40}, "at least 32"),  # no entropy
        ({"DAIBAN_AUDIT_HASH": "md5"}, "hmac-sha256 or hmac-sm3"),
        ({"DAIBAN_AUDIT_SINK": "http://x"}, "file:<path>"),
    ],
)
def test_bad_settings_stop_the_start(env: dict[str, str], message: str) -> None:
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_key_equal_to_another_key_stops_the_start() -> None:
    key = "test-only-daiban_secret_key-not-a-secret-0123456789"
    result = _start(DAIBAN_SECRET_KEY=key, DAIBAN_AUDIT_KEY=key)
    assert result.returncode != 0
    assert "must differ" in result.stderr
