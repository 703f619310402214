"""The accountability demo (daiban.demo.accountability): orders made through the real action on the demo
matters' failures, one answered per county, loaded once, and seen by the demo accounts that should."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client

from daiban.accountability.models import CorrectionOrder, OrderStatus
from daiban.accounts.models import User
from daiban.core import clock
from daiban.demo.accountability import load_demo_accountability
from daiban.demo.matters import load_demo_matters
from daiban.demo.network import load_demo_network

TODAY = datetime.date(2026, 6, 30)
EVENING = datetime.datetime(2026, 6, 30, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[tuple[int, int]]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        assert load_demo_network() is not None
        assert load_demo_matters(today=TODAY, count=40, seed=2026) is not None
        with clock.frozen(EVENING):
            made = load_demo_accountability()
            assert made is not None
            assert load_demo_accountability() is None  # once only
        yield made
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_orders_and_reports_were_made_through_the_actions(demo: tuple[int, int], db: None) -> None:
    orders, reports = demo
    assert orders >= 1 and 1 <= reports <= orders
    assert CorrectionOrder.objects.count() == orders
    assert CorrectionOrder.objects.filter(status=OrderStatus.DONE).count() == reports
    with clock.frozen(EVENING):
        page = _client("xinchengqu_zhongxin").get("/accountability/")
        listed = _client("xinchengqu_zhongxin").get("/accountability/orders/").content.decode()
    assert page.status_code == 200 and 'data-testid="level-row"' in page.content.decode()
    in_county = CorrectionOrder.objects.filter(scope_county="150102").count()
    assert listed.count('class="matter-row"') == min(in_county, 25)
