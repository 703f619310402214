from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from daiban.audit import guard, record
from daiban.audit.chain import GENESIS, compute_hash, verify
from daiban.audit.models import AuditRecord
from daiban.audit.tests.helpers import raw
from daiban.core import clock

pytestmark = pytest.mark.django_db


def _five() -> None:
    for n in range(5):
        record("config.change", target=f"setting-{n}", detail={"n": n, "when": datetime.date(2026, 1, n + 1)})


def test_records_are_chained_and_verify() -> None:
    record("config.change", target="settings", detail={"name": "DAIBAN_REVEAL_LIMIT"})
    record("export.create", target="ledger#1", outcome="failure")
    first, second = AuditRecord.objects.order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert first.actor_id is None and first.address == ""
    report = verify()
    assert report.ok, report.problems
    assert report.checked == 2


def test_time_is_the_project_clock() -> None:
    at = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
    with clock.frozen(at):
        record("logout")
    assert AuditRecord.objects.get().at == at


def test_unknown_action_and_outcome_are_refused() -> None:
    with pytest.raises(AssertionError):
        record("no.such.action")
    with pytest.raises(AssertionError):
        record("logout", outcome="maybe")


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "hmac-sm3"])
def test_both_algorithms_chain_and_differ(algorithm: str) -> None:
    with override_settings(DAIBAN_AUDIT_HASH=algorithm):
        _five()
        assert verify().ok
        row = AuditRecord.objects.get(seq=3)
        values = {
            name: getattr(row, name)
            for name in (
                "seq",
                "at",
                "actor_id",
                "actor_username",
                "role",
                "region_code",
                "address",
                "action",
                "outcome",
                "target",
                "detail",
            )
        }
        assert compute_hash(values, row.prev_hash) == row.hash
    other = "hmac-sm3" if algorithm == "hmac-sha256" else "hmac-sha256"
    with override_settings(DAIBAN_AUDIT_HASH=other):
        assert not verify().ok  # the chain is bound to its algorithm (and key)


def test_another_key_does_not_verify() -> None:
    _five()
    with override_settings(DAIBAN_AUDIT_KEY="another-key-of-enough-length-0123456789abcdef"):
        assert {p.kind for p in verify().problems} == {"hash"}


def _drop_guard_and(sql: str, params: list[object]) -> None:
    # A hostile DBA: the guard is in place, so they drop it first.
    from django.db import connection

    guard.install(connection)
    guard.remove(connection)
    raw(sql, params)


def test_an_edited_record_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _five()
    _drop_guard_and("UPDATE audit_auditrecord SET target = %s WHERE seq = %s", ["forged", 3])
    report = verify()
    assert [(p.seq, p.kind) for p in report.problems] == [(3, "hash")]
    with pytest.raises(CommandError, match="1 处问题"):
        call_command("verify_audit")
    assert "seq=3 hash" in capsys.readouterr().out


def test_a_rehashed_edit_without_the_key_breaks_the_next_link() -> None:
    _five()
    # The attacker recomputes record 3's hash with a key of their own: record 3 fails, record 4's link too.
    _drop_guard_and("UPDATE audit_auditrecord SET hash = %s WHERE seq = %s", ["f" * 64, 3])
    kinds = {(p.seq, p.kind) for p in verify().problems}
    assert (3, "hash") in kinds and (4, "link") in kinds


def test_a_deleted_record_is_named_as_a_gap(capsys: pytest.CaptureFixture[str]) -> None:
    _five()
    _drop_guard_and("DELETE FROM audit_auditrecord WHERE seq = %s", [2])
    report = verify()
    assert [(p.seq, p.kind) for p in report.problems] == [(2, "missing")]
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "seq=2 missing" in capsys.readouterr().out


def test_a_deleted_tail_is_named() -> None:
    _five()
    _drop_guard_and("DELETE FROM audit_auditrecord WHERE seq >= %s", [4])
    assert [(p.seq, p.kind) for p in verify().problems] == [(4, "missing")]


def test_verify_command_passes_on_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _five()
    call_command("verify_audit", "--batch", "2")
    assert "已检查 5 条记录" in capsys.readouterr().out


def test_audit_log_command_filters(capsys: pytest.CaptureFixture[str]) -> None:
    with clock.frozen(datetime.datetime(2026, 1, 5, 2, 0, tzinfo=datetime.UTC)):
        record("login.failure", outcome="failure", target="someone")
    with clock.frozen(datetime.datetime(2026, 2, 5, 2, 0, tzinfo=datetime.UTC)):
        record("login.success")
        record("export.create", target="matters.csv")
    call_command("audit_log", "--since", "2026-02-01", "--action", "login.")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "login.success" in out[0] and "登录成功" in out[0]
    call_command("audit_log", "--json", "--outcome", "failure")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and '"seq": 1' in lines[0]
    with pytest.raises(CommandError, match="--since"):
        call_command("audit_log", "--since", "yesterday")
    with pytest.raises(CommandError, match="未知的事件名"):
        call_command("audit_log", "--action", "nope")


def test_derived_key_is_a_warning() -> None:
    from daiban.audit.checks import audit_key_check

    assert audit_key_check() == []
    with override_settings(DAIBAN_AUDIT_KEY_DERIVED=True):
        assert [m.id for m in audit_key_check()] == ["audit.W001"]
