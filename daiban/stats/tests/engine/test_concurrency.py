"""Several consumers refreshing the same matters at once (PostgreSQL: real row locks) leave the rollups
exactly as one refresh would: the fact row's lock serialises them and each applies only a difference."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection

from daiban.matters.actions import PetitionerInput
from daiban.matters.tests.factories import Flow
from daiban.stats import facts
from daiban.stats.models import Rollup, RollupMonth

TODAY = datetime.date(2026, 7, 1)


def test_concurrent_refreshes_equal_one(transactional_db: None, flow: Flow, tree: Any, personas: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    ids = []
    for i in range(6):
        flow.later(days=1)
        m = flow.closed(
            new_matter=True, petitioners=[PetitionerInput(name=f"孙{i}", phone=f"1350471{i:04d}")]
        )
        ids.append(m.pk)
    Rollup.objects.all().delete()
    RollupMonth.objects.all().delete()
    facts.Fact.objects.all().delete()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work(order: list[int]) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                facts.refresh_matters(order, today=TODAY)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(ids if n % 2 else ids[::-1],)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    concurrent = facts.rollup_snapshot()
    facts.rebuild(today=TODAY)
    assert facts.rollup_snapshot() == concurrent
    assert concurrent  # not trivially empty
