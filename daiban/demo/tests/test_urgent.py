"""The 重大紧急 demo (daiban.demo.urgent): made through the real actions on demo matters, loaded once, and
pinned on the home pages of the levels above — not on another county's."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client

from daiban.accounts.models import User
from daiban.core import clock
from daiban.demo.network import load_demo_network
from daiban.demo.urgent import load_demo_urgent
from daiban.matters.tests.factories import intake
from daiban.regions.models import Region
from daiban.urgent.models import UrgentMarking, UrgentNotice

EVENING = datetime.datetime(2026, 6, 30, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[tuple[int, int]]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        assert load_demo_network() is not None
        with clock.frozen(EVENING - datetime.timedelta(days=3)):
            for username, code in (
                ("suyala_daiban", "150102401001"),
                ("suyala_daiban", "150102401001"),
                ("suyala_daiban", "150102401001"),
                ("zhongtan_daiban", "150122100001"),
            ):
                actor, region = User.objects.get(username=username), Region.objects.get(code=code)
                intake(actor, region, new_matter=True)
        with clock.frozen(EVENING):
            done = load_demo_urgent()
            assert done is not None
            assert load_demo_urgent() is None  # once only
        yield done
        transaction.set_rollback(True)


def _home(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.get("/").content.decode()


def test_markings_were_made_and_one_lifted_through_the_actions(demo: tuple[int, int], db: None) -> None:
    assert demo == (4, 1)
    assert UrgentMarking.objects.filter(active=True).count() == 3
    lifted = UrgentMarking.objects.get(active=False)
    assert lifted.end_event is not None and lifted.end_reason
    # 苏雅拉社区's marking reached its station, 新城区's centre and leader, and the city.
    first = UrgentMarking.objects.filter(marked_by__username="suyala_daiban").get()
    told = set(UrgentNotice.objects.filter(marking=first).values_list("recipient__username", flat=True))
    assert {"hulunlu_zhan", "xinchengqu_zhongxin", "xinchengqu_lingdao", "shi_admin", "shi_lingdao"} <= told
    assert "tuoxian_zhongxin" not in told and "yingxinlu_zhan" not in told


def test_the_home_panel_is_pinned_for_the_levels_above_only(demo: tuple[int, int], db: None) -> None:
    for username in ("shi_admin", "xinchengqu_zhongxin", "hulunlu_zhan", "tuoxian_zhongxin"):
        assert 'data-testid="home-urgent"' in _home(username), username
    assert 'data-testid="home-urgent"' not in _home("yingxinlu_zhan")
    tuoxian = _home("tuoxian_zhongxin")
    suyala = UrgentMarking.objects.filter(marked_by__username="suyala_daiban").get()
    assert suyala.matter.number not in tuoxian
