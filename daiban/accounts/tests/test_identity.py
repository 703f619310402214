"""Identity (issue 14 §1): second factor, password policy, password change and age, session limits and
the session register. Settings the rest of the suite keeps off (daiban/settings_test.py) are turned on
here with pytest-django's ``settings`` fixture."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, Personas
from daiban.accounts.models import PasswordHistory, User, UserSession
from daiban.audit.models import AuditRecord
from daiban.core.clock import frozen

GOOD = "Qiang!2026Hu"
GOOD2 = "Zx9#kLm2Qp"

# -------------------------------------------------------------------------------------------- helpers


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def enrol(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Bind an authenticator through the enrolment page; returns the device and the recovery codes."""
    page = client.get("/account/mfa/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/mfa/", {"code": _code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def actions(action: str) -> int:
    return AuditRecord.objects.filter(action=action).count()


@pytest.fixture
def admins_need_mfa(settings: Any) -> None:
    settings.DAIBAN_MFA_REQUIRED = "admins"


# ------------------------------------------------------------------------------------------------ MFA


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes(
    personas: Personas, admins_need_mfa: None
) -> None:
    client = signed_in(personas.city_admin)
    first = client.get("/")
    assert first.status_code == 302 and first["Location"].startswith("/account/mfa/")
    page = client.get("/account/mfa/")
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="mfa-secret"' in html and "<script>" not in html
    assert 'class="mainnav"' not in html  # no navigation before the second factor
    assert page["Cache-Control"].count("no-store")
    device = TOTPDevice.objects.get(user=personas.city_admin)
    wrong = client.post("/account/mfa/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    assert actions("mfa.failure") == 1
    device.refresh_from_db()
    device.throttle_reset()  # a failure makes the next try wait (django-otp's throttle)
    done = client.post("/account/mfa/", {"code": _code(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert actions("mfa.enrol") == 1
    assert client.get("/").status_code == 200
    assert "已启用两步验证" in client.get("/account/mfa/").content.decode()


@pytest.mark.django_db
def test_login_with_a_totp_code(personas: Personas, admins_need_mfa: None) -> None:
    device, _ = enrol(signed_in(personas.city_admin), personas.city_admin)
    device.last_t = -1  # the enrolment's code may not be used twice; a fresh window for this test
    device.save()
    client = signed_in(personas.city_admin)
    assert client.get("/matters/")["Location"] == "/account/mfa/verify/?next=%2Fmatters%2F"
    response = client.post("/account/mfa/verify/", {"code": _code(device), "next": "/matters/"})
    assert response.status_code == 302 and response["Location"] == "/matters/"
    assert client.get("/matters/").status_code == 200
    assert actions("mfa.verify") == 1


def _url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL of the site that takes no parameter (the admin's index included)."""
    out: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            sub = prefix + str(entry.pattern)
            if "<" not in sub:
                out += _url_patterns(entry, sub)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            if "<" not in full and "(" not in full and "^" not in full:
                out.append("/" + full)
    return out


@pytest.mark.django_db
def test_an_administrator_reaches_nothing_with_the_password_alone(
    personas: Personas, admins_need_mfa: None
) -> None:
    """After the password alone every page answers with a redirect to the second-factor page — GET and POST,
    the site's own pages and the admin's — and none shows its content."""
    for who, owed in ((personas.city_admin, "/account/mfa/"), (personas.city_admin, "/account/mfa/verify/")):
        if owed.endswith("verify/"):
            enrol(signed_in(who), who)
        client = signed_in(who)
        urls = [u for u in _url_patterns() if u not in (owed, "/logout/")]
        assert len(urls) > 20
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 302, (url, method, response.status_code)
                assert response["Location"].split("?")[0] == owed, (url, method, response["Location"])


@pytest.mark.django_db
def test_recovery_code_works_once(personas: Personas, admins_need_mfa: None) -> None:
    _, codes = enrol(signed_in(personas.city_admin), personas.city_admin)
    client = signed_in(personas.city_admin)
    assert client.post("/account/mfa/verify/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/").status_code == 200
    again = signed_in(personas.city_admin)
    refused = again.post("/account/mfa/verify/", {"code": codes[0]})
    assert refused.status_code == 200 and "验证码不正确、已过期或已使用过" in refused.content.decode()
    assert again.get("/")["Location"].startswith("/account/mfa/verify/")
    assert StaticToken.objects.filter(device__user=personas.city_admin).count() == 9


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "12 34 5x!", "测试", "0" * 40])
def test_malformed_codes_get_a_chinese_message_naming_the_field(
    personas: Personas, admins_need_mfa: None, code: str
) -> None:
    enrol(signed_in(personas.city_admin), personas.city_admin)
    response = signed_in(personas.city_admin).post("/account/mfa/verify/", {"code": code})
    assert response.status_code == 200
    assert "验证码" in response.content.decode()


@pytest.mark.django_db
def test_requirement_settings(personas: Personas, settings: Any) -> None:
    settings.DAIBAN_MFA_REQUIRED = "admins"
    assert signed_in(personas.village_agent).get("/").status_code == 200
    settings.DAIBAN_MFA_REQUIRED = "all"
    assert signed_in(personas.village_agent).get("/")["Location"].startswith("/account/mfa/")
    settings.DAIBAN_MFA_REQUIRED = "none"
    assert signed_in(personas.city_admin).get("/").status_code == 200
    # Whatever the setting, a user who bound a device enters a code.
    enrol(signed_in(personas.village_agent), personas.village_agent)
    assert signed_in(personas.village_agent).get("/")["Location"].startswith("/account/mfa/verify/")


@pytest.mark.django_db
def test_an_unverified_user_cannot_bind_a_second_device(personas: Personas, admins_need_mfa: None) -> None:
    enrol(signed_in(personas.city_admin), personas.city_admin)
    client = signed_in(personas.city_admin)
    assert client.get("/account/mfa/")["Location"].startswith("/account/mfa/verify/")
    assert TOTPDevice.objects.filter(user=personas.city_admin).count() == 1


@pytest.mark.django_db
def test_reset_mfa_command(personas: Personas, admins_need_mfa: None) -> None:
    enrol(signed_in(personas.city_admin), personas.city_admin)
    call_command("reset_mfa", personas.city_admin.username)
    assert not TOTPDevice.objects.filter(user=personas.city_admin).exists()
    assert not StaticDevice.objects.filter(user=personas.city_admin).exists()
    assert actions("mfa.reset") == 1
    # Required to have one: sent to enrolment again.
    assert signed_in(personas.city_admin).get("/")["Location"].startswith("/account/mfa/")


# ------------------------------------------------------------------------------------------- passwords


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!", "password_too_short"),
        ("abcdefghijkm", "password_too_few_classes"),
        ("abcdefgh1234", "password_too_few_classes"),
        ("Village_agent9", "password_contains_username"),
        ("Password1!", "password_too_common"),
        ("Feder_1941", "password_too_common"),
        ("Aaaaaaaaaaaa1!", "password_trivial"),
        ("Abc!Abc!Abc!", "password_trivial"),
        ("1234567890Aa!", "password_trivial"),
        ("Qwertyuiop1!", "password_trivial"),
    ],
)
def test_password_policy_refuses(personas: Personas, password: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, personas.village_agent)
    assert code in {e.code for e in caught.value.error_list}
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m in caught.value.messages)


@pytest.mark.django_db
@pytest.mark.parametrize("password", [GOOD, GOOD2, "Hohhot#2026", "xin fang dai ban 7"])
def test_password_policy_accepts(personas: Personas, password: str) -> None:
    validate_password(password, personas.village_agent)


@pytest.mark.django_db
def test_no_reuse_of_the_last_passwords(personas: Personas) -> None:
    user = personas.village_agent
    client = signed_in(user)
    olds = [PASSWORD]
    for i in range(5):
        new = f"Hohhot#20{i}{i}x"
        response = client.post(
            "/account/password/", {"old_password": olds[-1], "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        olds.append(new)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for reused in olds[-6:]:
        page = client.post(
            "/account/password/", {"old_password": olds[-1], "new_password1": reused, "new_password2": reused}
        )
        assert page.status_code == 200
        assert (
            "新密码不能与当前密码或最近 5 次使用过的密码相同" in page.content.decode() or reused == PASSWORD
        )


@pytest.mark.django_db
def test_change_form_errors_name_the_field(personas: Personas) -> None:
    client = signed_in(personas.village_agent)
    html = client.post(
        "/account/password/", {"old_password": "wrong", "new_password1": GOOD, "new_password2": GOOD2}
    ).content.decode()
    assert "当前密码不正确" in html and "两次输入的新密码不一致" in html
    assert "请填写当前密码" in client.post("/account/password/", {}).content.decode()


@pytest.mark.django_db
def test_an_expired_password_must_be_changed_first(personas: Personas, settings: Any) -> None:
    settings.DAIBAN_PASSWORD_MAX_AGE_DAYS = 90
    user = personas.village_agent
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client = signed_in(user)
    response = client.get("/matters/")
    assert response.status_code == 302 and response["Location"].startswith("/account/password/")
    page = client.get("/account/password/")
    assert 'data-testid="password-expired"' in page.content.decode()
    assert actions("password.expired") == 1
    client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD}
    )
    assert client.get("/matters/").status_code == 200
    settings.DAIBAN_PASSWORD_MAX_AGE_DAYS = 0
    User.objects.filter(pk=user.pk).update(password_changed_at=None)
    assert client.get("/matters/").status_code == 200


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(personas: Personas) -> None:
    user = personas.village_agent
    here, elsewhere = signed_in(user), signed_in(user)
    assert UserSession.objects.filter(user=user).count() == 2
    response = here.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD}
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    gone = elsewhere.get("/")
    assert gone.status_code == 302 and gone["Location"].startswith("/login/")
    assert UserSession.objects.filter(user=user).count() == 1
    assert actions("password.change") == 1


# -------------------------------------------------------------------------------------------- sessions

T0 = datetime.datetime(2026, 6, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_idle_timeout_by_the_project_clock(personas: Personas, settings: Any) -> None:
    settings.DAIBAN_IDLE_MINUTES = 15
    with frozen(T0):
        client = signed_in(personas.village_agent)
    with frozen(T0 + datetime.timedelta(minutes=14)):
        assert client.get("/").status_code == 200
    with frozen(T0 + datetime.timedelta(minutes=28)):
        assert client.get("/").status_code == 200  # 14 minutes after the last request
    with frozen(T0 + datetime.timedelta(minutes=44)):
        response = client.get("/matters/")
        assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fmatters%2F"
        page = client.get(response["Location"])
        assert "超过 15 分钟未操作" in page.content.decode()
        assert client.get("/").status_code == 302
    assert not UserSession.objects.filter(user=personas.village_agent).exists()
    assert actions("session.end") == 1


@pytest.mark.django_db
def test_absolute_session_limit(personas: Personas, settings: Any) -> None:
    settings.DAIBAN_IDLE_MINUTES = 15
    settings.DAIBAN_SESSION_MAX_HOURS = 1
    with frozen(T0):
        client = signed_in(personas.village_agent)
    for minutes in range(10, 61, 10):
        with frozen(T0 + datetime.timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200, minutes
    with frozen(T0 + datetime.timedelta(minutes=61)):
        response = client.get("/")
        assert response["Location"].startswith("/login/")
        assert "本次登录已超过 1 小时" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_session_list_shows_and_ends_only_the_users_own(personas: Personas) -> None:
    user, other = personas.village_agent, personas.township_staff
    here = Client(HTTP_USER_AGENT="Firefox/128 办公电脑")
    assert here.login(username=user.username, password=PASSWORD)
    there = signed_in(user)
    theirs = signed_in(other)
    page = here.get("/account/sessions/")
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert html.count('data-testid="current-session"') == 1 and "本机（当前会话）" in html
    assert html.count("<tr") == 3  # header + two sessions of this user
    for row in UserSession.objects.all():  # no session key in the page, not even its hash
        assert row.key_hash not in html
    for key in (here.session.session_key, there.session.session_key):
        assert key not in html
    foreign = UserSession.objects.get(user=other)
    assert here.post(f"/account/sessions/{foreign.pk}/end/").status_code == 404
    assert theirs.get("/").status_code == 200
    mine = UserSession.objects.get(user=user, pk=here.session["daiban_session_row"])
    assert here.post(f"/account/sessions/{mine.pk}/end/").status_code == 404  # not this one: use logout
    other_row = UserSession.objects.filter(user=user).exclude(pk=mine.pk).get()
    assert here.post(f"/account/sessions/{other_row.pk}/end/").status_code == 302
    ended = there.get("/")
    assert ended["Location"].startswith("/login/")  # its stored session was deleted at once
    assert here.get("/").status_code == 200


@pytest.mark.django_db
def test_end_all_other_sessions(personas: Personas) -> None:
    user = personas.village_agent
    here, a, b = signed_in(user), signed_in(user), signed_in(user)
    theirs = signed_in(personas.county_staff)
    assert here.post("/account/sessions/end-others/").status_code == 302
    assert a.get("/").status_code == 302 and b.get("/").status_code == 302
    assert here.get("/").status_code == 200 and theirs.get("/").status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_logout_removes_the_session_row(personas: Personas) -> None:
    client = signed_in(personas.village_agent)
    assert UserSession.objects.count() == 1
    client.post("/logout/")
    assert UserSession.objects.count() == 0


@pytest.mark.django_db
def test_a_session_whose_row_is_gone_is_signed_out_at_the_minutes_check(personas: Personas) -> None:
    """With a session engine whose sessions cannot be deleted from here, the register row decides."""
    with frozen(T0):
        client = signed_in(personas.village_agent)
    UserSession.objects.filter(user=personas.village_agent).delete()
    with frozen(T0 + datetime.timedelta(seconds=30)):
        assert client.get("/").status_code == 200  # no query within the minute
    with frozen(T0 + datetime.timedelta(minutes=2)):
        assert client.get("/")["Location"].startswith("/login/")
        assert "该会话已在其他设备上被结束" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_no_admin_page_shows_the_devices(personas: Personas) -> None:
    """Not even a superuser reads another user's TOTP secret or recovery codes in the admin."""
    root = User.objects.create_superuser("root", password="Root-pass-2026!")
    client = Client()
    client.force_login(root)
    for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert client.get(url).status_code == 404
