"""Administrators enter each year's official schedule here, and adjust the configured time limits."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from daiban.console.roles import CityConfigAdminMixin
from daiban.workcal.models import WEEKDAY_NAMES, ScheduleDay, ScheduleYear, TimeLimit


class ScheduleDayInline(CityConfigAdminMixin, admin.TabularInline):
    model = ScheduleDay
    fields = ("date", "is_workday", "name")
    extra = 3
    ordering = ("date",)


@admin.register(ScheduleYear)
class ScheduleYearAdmin(CityConfigAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "is_published", "day_count", "updated_at")
    list_filter = ("source",)
    readonly_fields = ("updated_at",)
    fields = ("year", "source", "note", "is_published", "updated_at")
    inlines = (ScheduleDayInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScheduleYear]:
        return super().get_queryset(request).annotate(day_total=Count("days"))

    @admin.display(description="已录入天数", ordering="day_total")
    def day_count(self, obj: ScheduleYear) -> int:
        return int(getattr(obj, "day_total", 0))


@admin.register(ScheduleDay)
class ScheduleDayAdmin(CityConfigAdminMixin, admin.ModelAdmin):
    list_display = ("date", "weekday", "is_workday", "name", "year")
    list_filter = ("year", "is_workday")
    search_fields = ("name",)
    date_hierarchy = "date"
    list_select_related = ("year",)

    @admin.display(description="星期")
    def weekday(self, obj: ScheduleDay) -> str:
        return WEEKDAY_NAMES[obj.date.weekday()]


@admin.register(TimeLimit)
class TimeLimitAdmin(CityConfigAdminMixin, admin.ModelAdmin):
    list_display = ("name", "key", "length", "unit", "start_event", "article", "is_active")
    list_filter = ("unit", "is_active")
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request: HttpRequest, obj: TimeLimit | None = None) -> tuple[str, ...]:
        # Code refers to limits by key, so a saved key must not change.
        return ("key", "updated_at") if obj is not None else ("updated_at",)

    def has_delete_permission(self, request: HttpRequest, obj: TimeLimit | None = None) -> bool:
        # Switch a limit off (启用) instead: deleting one would break deadline computation for its key.
        return False
