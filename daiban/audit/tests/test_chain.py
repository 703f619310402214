from __future__ import annotations

import pytest

from daiban.audit import record
from daiban.audit.chain import GENESIS, verify
from daiban.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_records_are_chained_and_verify() -> None:
    record("config.change", target="settings", detail={"name": "DAIBAN_REVEAL_LIMIT"})
    record("export.create", target="ledger#1", outcome="failure")
    first, second = AuditRecord.objects.order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    report = verify()
    assert report.ok, report.problems
    assert report.checked == 2


def test_unknown_action_is_refused() -> None:
    with pytest.raises(AssertionError):
        record("no.such.action")
