"""Who may use the admin pages that are not region-scoped (national calendar, time limits, audit log).

The project does not use Django's model permissions (access is one role over one region); these admins
decide by role instead. The holiday schedule and the statutory limits are city-wide configuration: only the
city administrator (or a superuser) edits them. Everybody with admin access may read the limits.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from daiban.accounts.models import Role


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and user.is_active and user.is_staff else None


def is_city_admin(request: HttpRequest) -> bool:
    """The city administrator, the city's system administrator (系统管理员: configuration), a superuser."""
    user = _user(request)
    if user is None:
        return False
    city_system_admin = user.role == Role.SYSTEM_ADMIN and user.region_path.count("/") == 1
    return bool(user.is_superuser or user.role == Role.CITY_ADMIN or city_system_admin)


def is_admin(request: HttpRequest) -> bool:
    """Who may look at configuration: not the security or audit administrator (三员分立)."""
    user = _user(request)
    return bool(
        user and (user.is_superuser or user.role in (Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.SYSTEM_ADMIN))
    )


class CityConfigAdminMixin:
    """City administrators edit; county administrators may look."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_city_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request)
