"""Issue 8 item 20: failed logins are throttled per account and per address with a growing cool-off that
always ends; every failure and success is recorded; a throttled user reads why in Chinese.

Axes runs here exactly as configured for production (nothing is switched off for the tests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import F
from django.test import Client, RequestFactory

from conftest import PASSWORD, Personas
from daiban.accounts import login_throttle

ADDRESS = "198.51.100.7"


def _post(client: Client, username: str, password: str, address: str = ADDRESS):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _age_records(by: timedelta) -> None:
    """Move every login record back in time, as if ``by`` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - by)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - by)


def test_axes_is_on_and_the_throttle_comes_first() -> None:
    assert settings.AXES_ENABLED
    assert settings.AUTHENTICATION_BACKENDS[0] == "daiban.accounts.login_throttle.ThrottleBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE


def test_fifty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off_ends(
    personas: Personas,
) -> None:
    agent = personas.village_agent
    client = Client()
    for _ in range(50):
        response = _post(client, agent.username, "wrong-password-1")
        assert response.status_code in (200, 429)
    response = _post(client, agent.username, PASSWORD)
    assert response.status_code == 429 and not _logged_in(client)
    page = response.content.decode()
    assert "登录失败次数过多" in page and "分钟后再试" in page
    assert 'data-testid="lockout"' in page and agent.username in page  # the form keeps the username
    # From another address too (per account), and another account from this address (per address).
    assert _post(Client(), agent.username, PASSWORD, address="192.0.2.1").status_code == 429
    assert _post(Client(), personas.township_staff.username, PASSWORD).status_code == 429

    # 51 failures (the refused right password counts too): the cool-off has grown to its cap.
    assert login_throttle.cool_off_for(51) == timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES)
    _age_records(timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES) - timedelta(minutes=1))
    assert _post(Client(), agent.username, PASSWORD, address="192.0.2.2").status_code == 429  # not yet

    _age_records(timedelta(minutes=2))
    client = Client()
    response = _post(client, agent.username, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_the_lockout_starts_at_the_limit_and_the_cool_off_grows(personas: Personas) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    base = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    username = personas.county_staff.username
    for _ in range(limit - 1):
        assert _post(Client(), username, "wrong-password-1").status_code == 200
    page = _post(Client(), username, "wrong-password-1")
    assert page.status_code == 429  # the limit-th failure is told at once
    assert f"请在 {settings.LOGIN_COOLOFF_MINUTES} 分钟后再试" in page.content.decode()

    # After the first cool-off the account works again ...
    _age_records(base + timedelta(seconds=1))
    client = Client()
    assert _post(client, username, PASSWORD).status_code == 302

    # ... and the growth: twice the limit waits twice as long, and so on, up to the cap.
    assert login_throttle.cool_off_for(limit) == base
    assert login_throttle.cool_off_for(2 * limit) == 2 * base
    assert login_throttle.cool_off_for(3 * limit) == 4 * base
    assert login_throttle.cool_off_for(10_000) == timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES)


def test_a_few_mistakes_do_not_lock_anyone_out(personas: Personas) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _post(client, personas.leader.username, "wrong-password-1")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode() or "不正确" in response.content.decode()
    assert _post(client, personas.leader.username, PASSWORD).status_code == 302


def test_every_failure_and_success_is_recorded(personas: Personas) -> None:
    username = personas.unit_handler.username
    for _ in range(3):
        _post(Client(), username, "wrong-password-1")
    assert _post(Client(), username, PASSWORD).status_code == 302
    failures = AccessFailureLog.objects.filter(username=username)
    assert failures.count() == 3
    assert set(failures.values_list("ip_address", flat=True)) == {ADDRESS}
    success = AccessLog.objects.get(username=username)
    assert success.ip_address == ADDRESS and success.attempt_time is not None
    # Failures while locked out are recorded as well.
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _post(Client(), username, "wrong-password-1")
    assert AccessFailureLog.objects.filter(username=username).count() == 3 + settings.AXES_FAILURE_LIMIT + 2
    assert AccessFailureLog.objects.filter(username=username, locked_out=True).exists()


def test_the_test_client_login_still_works(personas: Personas) -> None:
    """Client.login calls authenticate() without a request; the throttle leaves such calls alone."""
    client = Client()
    assert client.login(username=personas.supervisor.username, password=PASSWORD)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "203.0.113.5", "10.0.0.1"),  # a client-sent header is ignored without a proxy
        (True, "203.0.113.5", "203.0.113.5"),
        (True, "1.1.1.1, 203.0.113.5", "203.0.113.5"),  # the entry our proxy appended, not the client's
        (True, "", "10.0.0.1"),
    ],
)
def test_the_address_behind_a_proxy(
    settings: object, behind_proxy: bool, forwarded: str, expected: str
) -> None:
    settings.DAIBAN_BEHIND_PROXY = behind_proxy  # type: ignore[attr-defined]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert login_throttle.client_ip(request) == expected


def test_a_page_long_username_is_a_plain_failure_not_a_500(db: None) -> None:
    """The attempt log holds 255 characters; a longer typed name is recorded cut, never a database error
    (found by the fuzz test on PostgreSQL)."""
    from axes.models import AccessAttempt
    from django.test import Client

    response = Client().post("/login/", {"username": "测" * 5000, "password": "x"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "测" * 150
