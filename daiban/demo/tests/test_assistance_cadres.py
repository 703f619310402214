"""The assistance and cadre-notice demos (daiban.demo.assistance, daiban.demo.cadres): made through the real
actions on the demo matters, loaded once, and seen by the demo accounts that should see them."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client

from daiban.accounts.models import User
from daiban.assistance.models import Referral
from daiban.cadres.models import CadreNotice
from daiban.core import clock
from daiban.demo.assistance import AssistanceResult, load_demo_assistance
from daiban.demo.cadres import load_demo_cadres
from daiban.demo.network import load_demo_network
from daiban.matters.tests.factories import intake
from daiban.regions.models import Region

TODAY = datetime.date(2026, 6, 30)
EVENING = datetime.datetime(2026, 6, 30, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[tuple[AssistanceResult, int]]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        assert load_demo_network() is not None
        # A few matters of the demo network taken in by its accounts (the full matters demo is tested in
        # test_matters): ordinary ones in 新城区 and 托克托县, and accusations in 新城区.
        with clock.frozen(EVENING - datetime.timedelta(days=3)):
            for username, code in (
                ("xinchengqu_zhongxin", "150102401001"),
                ("tuoxian_zhongxin", "150122100001"),
            ):
                actor, region = User.objects.get(username=username), Region.objects.get(code=code)
                for purpose in ("appeal", "appeal", "accusation", "accusation"):
                    intake(actor, region, purpose=purpose, new_matter=True)
        with clock.frozen(EVENING):
            referrals = load_demo_assistance()
            notices = load_demo_cadres()
            assert referrals is not None and notices is not None
            assert load_demo_assistance() is None and load_demo_cadres() is None  # once only
        yield referrals, notices
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_referrals_and_outcomes_were_made_through_the_actions(
    demo: tuple[AssistanceResult, int], db: None
) -> None:
    result, _ = demo
    assert result.referrals == 4 and 0 < result.outcomes < result.referrals
    assert Referral.objects.count() == result.referrals
    assert {r.matter.is_accusation for r in Referral.objects.select_related("matter")} == {False}
    with clock.frozen(EVENING):
        page = _client("xinchengqu_zhongxin").get("/assistance/").content.decode()
        stats = _client("xinchengqu_zhongxin").get("/stats/").content.decode()
    assert (
        page.count('data-testid="assistance-row"') == Referral.objects.filter(scope_county="150102").count()
    )
    assert 'data-testid="assistance-total">0<' not in stats


def test_notices_are_read_by_the_supervisor_only(demo: tuple[AssistanceResult, int], db: None) -> None:
    _, made = demo
    assert made == 2 and CadreNotice.objects.count() == made
    with clock.frozen(EVENING):
        assert 'data-testid="cadre-row"' in _client("xinchengqu_jijian").get("/cadres/").content.decode()
        assert _client("xinchengqu_zhongxin").get("/cadres/").status_code == 403
