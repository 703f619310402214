"""The reveal log (查看敏感信息记录), read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from daiban.accounts.models import Role
from daiban.console.roles import is_admin
from daiban.network.jurisdiction import in_scope_q
from daiban.pii.models import RevealLog

COLUMNS: tuple[str, ...] = (
    "created_at",
    "actor",
    "content_type",
    "object_id",
    "field",
    "reason",
    "ip_address",
)


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    fields = COLUMNS
    list_display = COLUMNS
    list_filter = ["field", "content_type"]
    search_fields = ["object_id", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]
    readonly_fields = COLUMNS
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_admin(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RevealLog]:
        """The city sees every reveal; a county administrator sees reveals by people of their county."""
        qs = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser or user.role == Role.CITY_ADMIN:
            return qs
        return qs.filter(in_scope_q(user, "actor__region_path"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
