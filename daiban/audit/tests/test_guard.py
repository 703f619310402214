"""The database refuses UPDATE, DELETE and TRUNCATE of audit records (SQLite and PostgreSQL); only the
retention purge, on exported records past 184 days, gets through."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from daiban.audit import guard, record
from daiban.audit.chain import verify
from daiban.audit.models import AuditRecord
from daiban.audit.retention import export, purge
from daiban.audit.tests.helpers import raw
from daiban.core import clock

pytestmark = pytest.mark.django_db


class _NullSink:
    def write(self, lines: list[str]) -> None:
        pass


@pytest.fixture
def guarded() -> Iterator[None]:
    # Installed inside the test's transaction: rolled back with it (DDL is transactional on both databases).
    guard.install(connection)
    yield


def _refused(sql: str, params: list[object] | None = None) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(sql, params)


def test_update_and_delete_are_refused(guarded: None) -> None:
    record("logout")
    record("logout")
    _refused("UPDATE audit_auditrecord SET target = 'x' WHERE seq = 1")
    _refused("DELETE FROM audit_auditrecord WHERE seq = 2")
    _refused("DELETE FROM audit_auditrecord")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(seq=1).update(outcome="failure")
    assert AuditRecord.objects.count() == 2
    assert verify().ok


def test_truncate_is_refused_on_postgresql(guarded: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE: PostgreSQL")
    record("logout")
    _refused("TRUNCATE audit_auditrecord")
    assert AuditRecord.objects.count() == 1


def test_delete_of_old_exported_records_without_the_purge_is_refused(guarded: None) -> None:
    with clock.frozen(clock.now() - datetime.timedelta(days=200)):
        record("logout")
    record("logout")
    export(sink=_NullSink())
    # Old and exported, but the purge's anchor was not moved (nor, on PostgreSQL, its session setting set).
    _refused("DELETE FROM audit_auditrecord WHERE seq = 1")


def test_the_purge_passes_the_guard(guarded: None) -> None:
    with clock.frozen(clock.now() - datetime.timedelta(days=200)):
        record("logout")
        record("login.success")
    record("logout")
    export(sink=_NullSink())
    result = purge()
    assert (result.removed, result.anchor_seq) == (2, 3)
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == [3]
    assert verify().ok


def test_the_guard_refuses_young_records_even_with_a_short_retention_forced(guarded: None) -> None:
    with clock.frozen(clock.now() - datetime.timedelta(days=100)):
        record("logout")
    record("logout")
    export(sink=_NullSink())
    # Someone lowers the setting past the start-up check: the database's own 184-day floor still holds.
    with (
        override_settings(DAIBAN_AUDIT_RETENTION_DAYS=184),
        clock.frozen(clock.now() + datetime.timedelta(days=90)),
        pytest.raises(DatabaseError),
        transaction.atomic(),
    ):
        purge()
    assert AuditRecord.objects.count() == 2
