"""Accounts (账号) in the administrator's region, and the admin site's titles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Field, QuerySet
from django.forms import TypedChoiceField
from django.http import HttpRequest

from daiban.accounts.models import Role, User
from daiban.console.scoping import ScopedAdminMixin, admin_user, area_filter
from daiban.network.jurisdiction import users_for

admin.site.site_header = "信访代办服务平台 管理后台"
admin.site.site_title = "信访代办管理后台"
admin.site.index_title = "数据管理"

# Access here is one role over one region (accounts.models); groups and model permissions are not used,
# so their admin would only invite grants that mean nothing.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


# Roles only the city administrator may grant or manage.
CITY_ONLY_ROLES = (Role.CITY_ADMIN, Role.SUPERVISOR)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Accounts within the administrator's region. A county administrator creates accounts only in their
    county, never a 市级管理员, and can grant staff status (which they hold) but never superuser status."""

    list_display = ("username", "display_name", "role", "region", "unit", "is_staff", "is_active")
    list_filter = ("role", area_filter(), "is_staff", "is_active")
    search_fields = ("username", "display_name")
    list_select_related = ("region", "unit")
    autocomplete_fields = ("region",)
    ordering = ("region_path", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("display_name", "email")}),
        ("岗位与管辖", {"fields": ("role", "region", "unit")}),
        ("状态", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (
            "岗位与管辖",
            {"classes": ("wide",), "fields": ("display_name", "role", "region", "unit", "is_staff")},
        ),
    )

    def scoped_queryset(self, user: User) -> QuerySet[User]:
        # Superusers are managed only by superusers; discipline supervisors (who read protected accusations)
        # only by the city administrator, so a county cannot mint or take over one.
        qs = users_for(user)
        if not user.is_superuser:
            qs = qs.exclude(is_superuser=True)
        if user.role != Role.CITY_ADMIN:
            qs = qs.exclude(role__in=CITY_ONLY_ROLES)
        return qs

    def get_readonly_fields(self, request: HttpRequest, obj: Any | None = None) -> tuple[str, ...]:
        actor = admin_user(request)
        readonly = ["last_login", "date_joined"]
        if actor is None or not actor.is_superuser:
            readonly.append("is_superuser")
        return tuple(readonly)

    def formfield_for_choice_field(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> TypedChoiceField | None:
        actor = admin_user(request)
        if db_field.name == "role" and (actor is None or actor.role != Role.CITY_ADMIN):
            kwargs["choices"] = [
                ("", "---------"),
                *((v, lbl) for v, lbl in Role.choices if v not in CITY_ONLY_ROLES),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def validate_scope(self, form: forms.BaseForm, request: HttpRequest) -> None:
        super().validate_scope(form, request)
        actor = admin_user(request)
        data = form.cleaned_data
        if data.get("role") in CITY_ONLY_ROLES and (actor is None or actor.role != Role.CITY_ADMIN):
            form.add_error("role", "只有市级管理员才能设置“市级管理员”“纪检监督员”角色。")
        if data.get("is_superuser") and (actor is None or not actor.is_superuser):
            form.add_error("is_superuser", "不能授予超级用户权限。")
        if data.get("is_staff") and (actor is None or not actor.is_staff):
            form.add_error("is_staff", "不能授予超出您自身的权限。")
        unit, region = data.get("unit"), data.get("region")
        if unit is not None and region is not None and unit.region_id != region.pk:
            # Not attached to a field: that would drop the field and make User.clean report it missing.
            form.add_error(None, f"事权单位经办人的管辖区域须为其所属单位（{unit}）所在区域。")
