"""Issue 8 item 21 at the service: a per-person rate limit on reveals, and an alert on an unusual burst."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings

from daiban.core import clock
from daiban.pii.fields import set_id_number, set_phone
from daiban.pii.models import RevealAlert, RevealLog
from daiban.pii.services import RevealLimitExceeded, reveal
from daiban.pii.tests.helpers import make_id

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def actor(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="agent1", password="x" * 12)


@pytest.fixture
def target(person_model: Any) -> Iterator[Any]:
    ContentType.objects.clear_cache()
    person = person_model(pk=7, name="王建国")
    set_id_number(person, make_id())
    set_phone(person, "13912345678")
    yield person
    ContentType.objects.clear_cache()


def _reveal_at(at: datetime.datetime, actor: Any, target: Any, path: str = "150100/150102/") -> str:
    with clock.frozen(at):
        return reveal(actor=actor, obj=target, field="phone", reason="回访", jurisdiction=path)


@override_settings(DAIBAN_REVEAL_LIMIT=3, DAIBAN_REVEAL_WINDOW_MINUTES=60, DAIBAN_REVEAL_BURST=100)
def test_over_the_limit_nothing_is_shown_and_the_refusal_is_flagged(actor: Any, target: Any) -> None:
    for minute in range(3):
        assert _reveal_at(T0 + datetime.timedelta(minutes=minute), actor, target) == "13912345678"
    with pytest.raises(RevealLimitExceeded) as excinfo:
        _reveal_at(T0 + datetime.timedelta(minutes=5), actor, target)
    assert "60 分钟内已查看完整个人信息 3 次" in str(excinfo.value.args[0])
    assert RevealLog.objects.count() == 3  # the refused one is not a reveal
    alert = RevealAlert.objects.get()
    assert (alert.actor_id, alert.region_path, alert.reveal_count, alert.refused_count) == (
        actor.pk,
        "150100/150102/",
        3,
        1,
    )
    with pytest.raises(RevealLimitExceeded):
        _reveal_at(T0 + datetime.timedelta(minutes=6), actor, target)
    assert RevealAlert.objects.get().refused_count == 2  # the same burst, counted on the same alert

    # An hour after the first reveal, the window has room again.
    assert _reveal_at(T0 + datetime.timedelta(minutes=60, seconds=1), actor, target) == "13912345678"
    assert RevealLog.objects.count() == 4


@override_settings(DAIBAN_REVEAL_LIMIT=1000, DAIBAN_REVEAL_BURST=3, DAIBAN_REVEAL_BURST_MINUTES=10)
def test_a_burst_raises_one_alert_that_counts_the_rest_of_the_burst(actor: Any, target: Any) -> None:
    _reveal_at(T0, actor, target)
    _reveal_at(T0 + datetime.timedelta(minutes=3), actor, target)
    assert not RevealAlert.objects.exists()
    _reveal_at(T0 + datetime.timedelta(minutes=6), actor, target)
    alert = RevealAlert.objects.get()
    assert (alert.first_at, alert.last_at, alert.reveal_count, alert.refused_count) == (
        T0,
        T0 + datetime.timedelta(minutes=6),
        3,
        0,
    )
    _reveal_at(T0 + datetime.timedelta(minutes=8), actor, target)
    assert RevealAlert.objects.get().reveal_count == 4
    # After a quiet spell longer than the burst window, an ordinary reveal raises nothing new.
    _reveal_at(T0 + datetime.timedelta(minutes=30), actor, target)
    assert RevealAlert.objects.count() == 1 and RevealAlert.objects.get().reveal_count == 4


@override_settings(DAIBAN_REVEAL_LIMIT=1000, DAIBAN_REVEAL_BURST=5, DAIBAN_REVEAL_BURST_MINUTES=10)
def test_the_burst_of_the_report_is_flagged_and_spread_reveals_are_not(
    actor: Any, target: Any, django_user_model: Any
) -> None:
    # 194 reveals in 3.3 s: flagged at the fifth.
    for i in range(20):
        _reveal_at(T0 + datetime.timedelta(milliseconds=17 * i), actor, target)
    assert RevealAlert.objects.get(actor=actor).reveal_count == 20
    # Someone else's reveals spread over the day: no alert.
    colleague = django_user_model.objects.create_user(username="agent2", password="x" * 12)
    for hour in range(8):
        _reveal_at(T0 + datetime.timedelta(hours=hour), colleague, target)
    assert not RevealAlert.objects.filter(actor=colleague).exists()


def test_the_defaults_are_configured() -> None:
    from django.conf import settings

    assert settings.DAIBAN_REVEAL_LIMIT > settings.DAIBAN_REVEAL_BURST > 0
    assert settings.DAIBAN_REVEAL_WINDOW_MINUTES == 60
