from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from daiban.accounts.models import User
from daiban.console.scoping import ScopedAdminMixin, area_filter
from daiban.network.jurisdiction import regions_for
from daiban.regions.models import Region


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin):
    """Read-only: the divisions are reference data, loaded by command. Also serves the region
    autocomplete of the other admins, so the search there is scoped too."""

    scope_field = None
    list_display = ("code", "name", "level", "parent", "is_demo")
    list_filter = ("level", area_filter("path"), "is_demo")
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    ordering = ("path",)
    list_per_page = 50

    def scoped_queryset(self, user: User) -> QuerySet[Region]:
        return regions_for(user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # A code is searched as text, by its leading digits, so "150102" finds 新城区 and everything in it
        # (a search over codes, not a jurisdiction test: the queryset is already cut to the grant).
        term = search_term.strip()
        if term.isdigit():
            return queryset.filter(code__startswith=term), False
        return super().get_search_results(request, queryset, search_term)
