"""Revealing a full personal value, with a log row for every reveal.

``reveal()`` decrypts the value itself (callers never pass plaintext in), so the logged field is exactly the
one shown. It does **not** check permissions: the caller decides who may see what (scope, role) first, and
should ask for a reason where the workflow has one. Show the result once (e.g. in an HTMX fragment); do not
cache it, put it in a URL or log it.
"""

from __future__ import annotations

import ipaddress
import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from daiban.pii.crypto import decrypt
from daiban.pii.fields import ENC_SUFFIX, has_pii
from daiban.pii.models import RevealLog

__all__ = ["reveal"]

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500


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
    reason: str = "",
    ip: str | None = None,
) -> str:
    """Return the plaintext of ``obj.<field>_enc`` and record who saw it, when, why and from where.

    ``field`` is the base name (``"id_number"``, ``"phone"``; ``"id_number_enc"`` is accepted too).
    Returns ``""`` without logging when no value is stored. The log row is written before the value is
    returned; if writing it fails, nothing is revealed.
    """
    if not actor.is_authenticated or not actor.is_active or actor.pk is None:
        raise PermissionDenied("只有已登录的有效账号才能查看完整个人信息。")
    if obj.pk is None:
        raise ValueError("reveal() needs a saved object")
    base = field.removesuffix(ENC_SUFFIX)
    if not hasattr(obj, base + ENC_SUFFIX):
        raise ValueError(f"{type(obj).__name__} has no encrypted field {base!r}")
    if not has_pii(obj, base):
        return ""
    plaintext = decrypt(getattr(obj, base + ENC_SUFFIX))
    content_type = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        entry = RevealLog.objects.create(
            actor_id=actor.pk,
            content_type=content_type,
            object_id=str(obj.pk),
            field=base,
            reason=reason.strip()[:REASON_MAX_LENGTH],
            ip_address=_clean_ip(ip),
        )
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
