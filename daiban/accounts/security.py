"""Identity controls (等保2.0 第三级 身份鉴别, issue 14 §1): who needs a second factor, the session register
(UserSession), the session limits and the password's age. Views, the middleware, the login signal and the
commands all go through these functions.

Session state kept in the session itself (server side), so that an ordinary request costs no query here:
``SIGNED_IN_AT`` and ``SEEN_AT`` (ISO times by the project clock), ``SESSION_ROW`` (the UserSession id)
and ``MFA_STATE`` ("verify": enter a code; "enrol": bind a device first; "ok": nothing to do).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.accounts.login_throttle import client_ip
from daiban.accounts.models import User, UserSession
from daiban.audit import record
from daiban.core import clock

SIGNED_IN_AT = "daiban_signed_in_at"
SEEN_AT = "daiban_seen_at"
SESSION_ROW = "daiban_session_row"
MFA_STATE = "daiban_mfa"
PASSWORD_EXPIRED_NOTED = "daiban_password_expired_noted"  # noqa: S105 - a session key's name

RECOVERY_CODES = 10
# last_seen is written at most this often (a request within it costs no write).
SEEN_EVERY = datetime.timedelta(seconds=60)


# ------------------------------------------------------------------------------------------------ MFA


def is_admin(user: User) -> bool:
    """City administrators, any other administrator role (a role named ``*_admin``), staff, superusers."""
    return bool(user.is_superuser or user.is_staff or str(user.role or "").endswith("admin"))


def mfa_required(user: User) -> bool:
    """Whether DAIBAN_MFA_REQUIRED asks this user to have a second factor."""
    mode = settings.DAIBAN_MFA_REQUIRED
    return mode == "all" or (mode == "admins" and is_admin(user))


def has_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def mfa_state(user: User) -> str:
    """What a freshly signed-in user still owes: "verify", "enrol" or "ok"."""
    if has_device(user):
        return "verify"
    return "enrol" if mfa_required(user) else "ok"


def totp_device_for_enrolment(user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made if there is none (its secret is shown until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)
    return device


@transaction.atomic
def mfa_confirm(*, request: HttpRequest, user: User, device: TOTPDevice) -> list[str]:
    """Confirm ``device`` (its code was checked by the caller), drop every other device of the user and
    make a fresh set of recovery codes, returned to be shown this once (no page shows them again; each
    works once)."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    record("mfa.enrol", request=request, user=user, target=f"user:{user.pk}")
    return codes


@transaction.atomic
def mfa_reset(*, target: User, actor: User | None, request: HttpRequest | None = None) -> int:
    """Remove every second-factor device of ``target`` (lost phone): they enrol again at the next
    sign-in if they must have one. Returns the number of devices removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=target).delete()[1].get(model._meta.label, 0)
    record(
        "mfa.reset",
        request=request,
        user=actor,
        target=f"user:{target.pk}",
        detail={"username": target.username, "devices": removed},
    )
    return removed


# ------------------------------------------------------------------------------------------------ sessions


def key_hash(session_key: str | None) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()


def _stamp(at: datetime.datetime) -> str:
    return at.isoformat()


def _parse(raw: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(raw))
    except ValueError:
        return None


def session_register(request: HttpRequest, user: User) -> UserSession:
    """Put the request's session in the register (at sign-in, or for a session that predates it)."""
    session = request.session
    if not session.session_key:
        session.save()
    now = clock.now()
    row = UserSession.objects.create(
        user=user,
        key_hash=key_hash(session.session_key),
        created_at=now,
        last_seen=now,
        address=(client_ip(request) or "")[:45],
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
    )
    session[SESSION_ROW] = row.pk
    session.setdefault(SIGNED_IN_AT, _stamp(now))
    session[SEEN_AT] = _stamp(now)
    return row


def on_signed_in(request: HttpRequest, user: User) -> None:
    """The login signal: start the session's clocks, register it and note what the second factor needs."""
    session = request.session
    session[SIGNED_IN_AT] = _stamp(clock.now())
    session[MFA_STATE] = mfa_state(user)
    session_register(request, user)


def on_signed_out(request: HttpRequest | None) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_ROW):
        UserSession.objects.filter(pk=session[SESSION_ROW]).delete()


def session_expiry(request: HttpRequest) -> str | None:
    """Why the request's session is over ("idle", "absolute"), or None."""
    session = request.session
    now = clock.now()
    idle = settings.DAIBAN_IDLE_MINUTES
    limit = settings.DAIBAN_SESSION_MAX_HOURS
    seen = _parse(session.get(SEEN_AT))
    signed_in = _parse(session.get(SIGNED_IN_AT))
    if idle and seen is not None and now - seen > datetime.timedelta(minutes=idle):
        return "idle"
    if limit and signed_in is not None and now - signed_in > datetime.timedelta(hours=limit):
        return "absolute"
    return None


def session_touch(request: HttpRequest, user: User) -> bool:
    """Note activity on the request's session at most once a minute; False when the session was ended
    elsewhere (its register row is gone). A request within the minute costs no query: an ended session's
    own Django session is deleted when it is ended (``_drop_django_sessions``), so it never gets here."""
    session = request.session
    row_id = session.get(SESSION_ROW)
    if row_id is None:
        session_register(request, user)
        return True
    now = clock.now()
    seen = _parse(session.get(SEEN_AT))
    if seen is None:
        session.setdefault(SIGNED_IN_AT, _stamp(now))
    elif now - seen < SEEN_EVERY:
        return True
    session[SEEN_AT] = _stamp(now)
    return UserSession.objects.filter(pk=row_id, user=user).update(last_seen=now) > 0


def _drop_django_sessions(hashes: set[str]) -> None:
    """Delete the stored sessions whose keys hash to ``hashes`` (database sessions: the register keeps no
    key, so the live keys are hashed to find them). With another session engine the ended session is
    signed out at its next minute's check instead."""
    if not hashes or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True)
    doomed = [key for key in live.iterator() if key_hash(key) in hashes]
    if doomed:
        Session.objects.filter(session_key__in=doomed).delete()


def sessions_of(user: User) -> list[UserSession]:
    return list(UserSession.objects.filter(user=user).order_by("-last_seen", "-pk"))


def session_end(*, request: HttpRequest, user: User, row_id: int) -> bool:
    """End one of the user's other sessions. False if it is not theirs (or already over)."""
    if row_id == request.session.get(SESSION_ROW):
        return False
    rows = UserSession.objects.filter(pk=row_id, user=user)
    _drop_django_sessions(set(rows.values_list("key_hash", flat=True)))
    deleted, _ = rows.delete()
    if deleted:
        record("session.end", request=request, user=user, target=f"session:{row_id}", detail={"by": "user"})
    return bool(deleted)


def sessions_end_others(*, request: HttpRequest, user: User, reason: str = "user") -> int:
    """End every session of the user but the request's own."""
    current = int(request.session.get(SESSION_ROW) or 0)
    rows = UserSession.objects.filter(user=user).exclude(pk=current)
    _drop_django_sessions(set(rows.values_list("key_hash", flat=True)))
    deleted, _ = rows.delete()
    if deleted:
        record(
            "session.end",
            request=request,
            user=user,
            target=f"user:{user.pk}",
            detail={"by": reason, "count": deleted},
        )
    return deleted


# ------------------------------------------------------------------------------------------------ passwords


def password_expired(user: User) -> bool:
    days = settings.DAIBAN_PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    return changed is None or clock.now() - changed > datetime.timedelta(days=days)


def password_change(*, request: HttpRequest, user: User, new_password: str) -> None:
    """Set the new password (its history kept by User.set_password), keep this session signed in, end
    every other one."""
    from django.contrib.auth import update_session_auth_hash

    user.set_password(new_password)
    user.save()
    update_session_auth_hash(request, user)  # cycles the session key: the register row follows it
    session = request.session
    session.pop(PASSWORD_EXPIRED_NOTED, None)
    UserSession.objects.filter(pk=int(session.get(SESSION_ROW) or 0), user=user).update(
        key_hash=key_hash(session.session_key)
    )
    record("password.change", request=request, user=user, target=f"user:{user.pk}")
    sessions_end_others(request=request, user=user, reason="password_change")
