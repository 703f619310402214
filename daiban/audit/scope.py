"""Who reads the audit log, and which records (三员分立).

The audit administrator (审计管理员) reads the records of their jurisdiction: those whose actor's region
path lies in the subtree of their own grant. A superuser reads everything. Records without a region (an
anonymous login failure, a command run from the shell) belong to the whole deployment: only an audit
administrator at the top of the tree (a one-code path: the city) or a superuser reads them.

This app is a foundation (it imports only daiban.core): the reader's role and region path are read as
attributes of ``request.user``, and scope is decided on the text of the stored path.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

AUDIT_ADMIN = "audit_admin"

# Sorts after every character of a path (digits and "/"): [path, path + SENTINEL) is the subtree.
_SENTINEL = "~"


def _path(user: Any) -> str:
    path = str(getattr(user, "region_path", "") or "")
    return path if path.endswith("/") and all(path.split("/")[:-1]) else ""


def is_audit_admin(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", "") == AUDIT_ADMIN
    )


def can_read(user: Any) -> bool:
    """The audit administrator with a region, or a superuser."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return is_audit_admin(user) and bool(_path(user))


def scope_q(user: Any) -> Q:
    """The records ``user`` may read (nothing for anyone who may not read the log)."""
    if not can_read(user):
        return Q(pk__in=[])
    if getattr(user, "is_superuser", False):
        return Q()
    path = _path(user)
    q = Q(region_path__gte=path, region_path__lt=path + _SENTINEL)
    if path.count("/") == 1:  # the top of the tree also reads the records that name no region
        q |= Q(region_path__isnull=True) | Q(region_path="")
    return q


def path_consistent(row: Any) -> bool:
    """Whether the (unhashed) region path ends in the (hashed) region code."""
    path = str(row.region_path or "")
    if not path:
        return not row.region_code or row.region_path is None
    codes = [c for c in path.split("/") if c]
    return bool(codes) and codes[-1] == row.region_code
