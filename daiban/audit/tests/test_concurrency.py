"""Appends from several threads at once (PostgreSQL: real row locks) give one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from daiban.audit import record
from daiban.audit.chain import verify
from daiban.audit.models import AuditRecord


def test_concurrent_appends_make_one_chain(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite's write transaction serialises appends by itself)")
    workers, each = 6, 15
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                record("config.change", target=f"worker-{n}", detail={"i": i})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, workers * each + 1))
    report = verify()
    assert report.ok, report.problems
    assert len(set(AuditRecord.objects.values_list("prev_hash", flat=True))) == workers * each  # no fork
