from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
