"""Revealing a full personal value, with a log row for every reveal, a reason for each, a per-person rate
limit and an alert on an unusual burst.

``reveal()`` decrypts the value itself (callers never pass plaintext in), so the logged field is exactly the
one shown. It does **not** check permissions: the caller decides who may see what (scope, role) first and
asks the user for the reason. Show the result once (e.g. in an HTMX fragment); do not cache it, put it in a
URL or log it.

Limits (settings, each from an environment variable of the same name):

* ``DAIBAN_REVEAL_LIMIT`` reveals per person within ``DAIBAN_REVEAL_WINDOW_MINUTES`` (default 30 per 60
  minutes); one more is refused with ``RevealLimitExceeded`` and nothing is shown.
* ``DAIBAN_REVEAL_BURST`` reveals within ``DAIBAN_REVEAL_BURST_MINUTES`` (default 10 within 10 minutes) are
  an unusual burst: a ``RevealAlert`` is raised for the supervisors (纪检) of the person's jurisdiction, and
  so is every refusal over the limit.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F

from daiban.audit import record
from daiban.core import clock
from daiban.pii.crypto import decrypt
from daiban.pii.fields import ENC_SUFFIX, has_pii
from daiban.pii.models import RevealAlert, RevealLog

__all__ = ["RevealLimitExceeded", "reveal"]

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500


class RevealLimitExceeded(PermissionDenied):
    """Too many reveals by this person in the window: nothing shown, the refusal flagged."""

    def __init__(self, limit: int, minutes: int) -> None:
        self.limit = limit
        self.minutes = minutes
        super().__init__(
            f"您在 {minutes} 分钟内已查看完整个人信息 {limit} 次，达到上限，请稍后再试。"
            "本次尝试已记录，并提示本辖区纪检监督员。"
        )


def _clean_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None


def reveal(
    *,
    actor: AbstractBaseUser | AnonymousUser,
    obj: models.Model,
    field: str,
    reason: str,
    ip: str | None = None,
    jurisdiction: str | None = None,
) -> str:
    """Return the plaintext of ``obj.<field>_enc`` and record who saw it, when, why and from where.

    ``field`` is the base name (``"id_number"``, ``"phone"``; ``"id_number_enc"`` is accepted too).
    ``reason`` is required. ``jurisdiction`` is the region path the actor works in, for a burst alert
    (default: the actor's ``region_path``). Returns ``""`` without logging when no value is stored. The
    log row is written before the value is returned; if writing it fails, nothing is revealed. Raises
    ``RevealLimitExceeded`` (a ``PermissionDenied``) when the actor is over the rate limit.
    """
    if not actor.is_authenticated or not actor.is_active or actor.pk is None:
        raise PermissionDenied("只有已登录的有效账号才能查看完整个人信息。")
    reason = reason.strip()[:REASON_MAX_LENGTH]
    if not reason:
        raise ValueError("reveal() needs a reason")
    if obj.pk is None:
        raise ValueError("reveal() needs a saved object")
    base = field.removesuffix(ENC_SUFFIX)
    if not hasattr(obj, base + ENC_SUFFIX):
        raise ValueError(f"{type(obj).__name__} has no encrypted field {base!r}")
    if not has_pii(obj, base):
        return ""
    content_type = ContentType.objects.get_for_model(obj)
    path = jurisdiction if jurisdiction is not None else getattr(actor, "region_path", "")
    limit, window = settings.DAIBAN_REVEAL_LIMIT, settings.DAIBAN_REVEAL_WINDOW_MINUTES
    refused = False
    with transaction.atomic():
        # One reveal at a time per person, so that concurrent requests cannot pass the limit together.
        list(get_user_model()._default_manager.select_for_update().filter(pk=actor.pk).values_list("pk"))
        now = clock.now()
        recent = RevealLog.objects.filter(actor_id=actor.pk, created_at__gt=now - timedelta(minutes=window))
        if recent.count() >= limit:
            refused = True
            _flag(actor.pk, path, now, refused=True)
        else:
            entry = RevealLog.objects.create(
                actor_id=actor.pk,
                created_at=now,
                content_type=content_type,
                object_id=str(obj.pk),
                field=base,
                reason=reason,
                ip_address=_clean_ip(ip),
            )
            _flag(actor.pk, path, now, refused=False)
            plaintext = decrypt(getattr(obj, base + ENC_SUFFIX))
            record(
                "pii.reveal",
                user=actor,
                address=ip or "",
                target=_target(content_type, obj),
                detail={"field": base},
            )
    if refused:
        record(
            "pii.reveal", user=actor, address=ip or "", outcome="denied", target=_target(content_type, obj)
        )
        logger.warning("pii reveal refused actor=%s limit=%s/%smin", actor.pk, limit, window)
        raise RevealLimitExceeded(limit, window)
    logger.info(
        "pii reveal log=%s actor=%s target=%s.%s#%s field=%s",
        entry.pk,
        actor.pk,
        content_type.app_label,
        content_type.model,
        obj.pk,
        base,
    )
    return plaintext


def _target(content_type: ContentType, obj: models.Model) -> str:
    return f"{content_type.app_label}.{content_type.model}#{obj.pk}"


def _flag(actor_id: int, path: str, now: datetime, *, refused: bool) -> None:
    """Count this reveal (or refusal) on the actor's open burst alert, or raise one when the reveals in the
    burst window reach the threshold (a refusal always raises one)."""
    span = timedelta(minutes=settings.DAIBAN_REVEAL_BURST_MINUTES)
    open_alert = (
        RevealAlert.objects.filter(actor_id=actor_id, last_at__gt=now - span).order_by("-last_at").first()
    )
    if open_alert is not None:
        counter = "refused_count" if refused else "reveal_count"
        RevealAlert.objects.filter(pk=open_alert.pk).update(**{counter: F(counter) + 1, "last_at": now})
        return
    in_burst = RevealLog.objects.filter(actor_id=actor_id, created_at__gt=now - span)
    count = in_burst.count()
    if not refused and count < settings.DAIBAN_REVEAL_BURST:
        return
    first = in_burst.order_by("created_at").values_list("created_at", flat=True).first()
    alert = RevealAlert.objects.create(
        actor_id=actor_id,
        region_path=path or "",
        first_at=first or now,
        last_at=now,
        reveal_count=count,
        refused_count=1 if refused else 0,
    )
    logger.warning(
        "pii reveal burst alert=%s actor=%s reveals=%s within %smin refused=%s",
        alert.pk,
        actor_id,
        count,
        settings.DAIBAN_REVEAL_BURST_MINUTES,
        refused,
    )
