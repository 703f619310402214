"""Accounts (账号) in the administrator's region, and the admin site's titles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Field, QuerySet
from django.forms import TypedChoiceField
from django.http import HttpRequest, HttpResponse

from daiban.accounts import security
from daiban.accounts.models import DUTY_ROLES, Role, User
from daiban.audit import record
from daiban.console.scoping import ScopedAdminMixin, admin_user, area_filter
from daiban.network.jurisdiction import users_for

admin.site.site_header = "信访代办服务平台 管理后台"
admin.site.site_title = "信访代办管理后台"
admin.site.index_title = "数据管理"

# Access here is one role over one region (accounts.models); groups and model permissions are not used,
# so their admin would only invite grants that mean nothing.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


# What an account may do: its changes are audited (daiban.audit, role.change).
GRANT = ("role", "region__code", "unit_id", "is_staff", "is_superuser", "is_active")

# Roles only the city administrator (or the city's security administrator) may grant or manage.
CITY_ONLY_ROLES = (Role.CITY_ADMIN, Role.SUPERVISOR)

# The form fields that make up a grant (三员分立: the security administrator's, never the system
# administrator's), and the account fields that are the system administrator's, never the security
# administrator's.
GRANT_FIELDS = ("role", "region", "unit", "is_staff", "is_superuser")
ACCOUNT_FIELDS = ("username", "display_name", "email", "is_active")

# The administrator roles of the old single-administrator model: they keep their grant rights unless
# DAIBAN_SEPARATION_STRICT is on (docs/adr, 三员分立).
LEGACY_GRANTORS = (Role.CITY_ADMIN, Role.COUNTY_STAFF)


def at_city(user: User) -> bool:
    return user.region_path.count("/") == 1


def may_change_grants(user: User | None) -> bool:
    """Whether ``user`` may set roles, regions, units and staff status (三员分立)."""
    if user is None:
        return False
    if user.is_superuser or user.role == Role.SECURITY_ADMIN:
        return True
    return user.role in LEGACY_GRANTORS and not getattr(settings, "DAIBAN_SEPARATION_STRICT", False)


def may_manage_accounts(user: User | None) -> bool:
    """Whether ``user`` may create accounts, edit their names, deactivate them and reset passwords."""
    return user is not None and user.role != Role.SECURITY_ADMIN


def is_city_grantor(user: User | None) -> bool:
    """Who may grant or manage the city-only roles."""
    if user is None:
        return False
    if user.role == Role.CITY_ADMIN:
        return True
    return user.role in (Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN) and at_city(user)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Accounts within the administrator's region. A county administrator creates accounts only in their
    county, never a 市级管理员, and can grant staff status (which they hold) but never superuser status.

    三员分立: the system administrator creates accounts, edits names and contacts, deactivates them and
    resets passwords; the grant (role, region, unit, staff status) is the security administrator's; nobody
    edits their own grant.
    """

    grant_admin = True

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

    actions = ("reset_second_factor",)

    @admin.action(description="重置两步验证（手机丢失或更换）")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Remove the chosen accounts' authenticators and recovery codes (they enrol again at the next
        sign-in). The system administrator's duty, never on one's own account; each reset is audited."""
        actor = admin_user(request)
        if not may_manage_accounts(actor):
            raise PermissionDenied
        done: list[str] = []
        for target in queryset:
            if actor is not None and target.pk == actor.pk:
                self.message_user(
                    request, "不能重置自己账号的两步验证，请由另一位系统管理员办理。", messages.ERROR
                )
                continue
            security.mfa_reset(target=target, actor=actor, request=request)
            done.append(target.username)
        if done:
            self.message_user(
                request,
                f"已重置 {len(done)} 个账号的两步验证：{'、'.join(done)}。他们下次登录时重新绑定。",
                messages.SUCCESS,
            )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not may_manage_accounts(admin_user(request)):
            actions.pop("reset_second_factor", None)
        return actions

    def scoped_queryset(self, user: User) -> QuerySet[User]:
        # Superusers are managed only by superusers; discipline supervisors (who read protected accusations)
        # only by the city administrator, so a county cannot mint or take over one.
        qs = users_for(user)
        if not user.is_superuser:
            qs = qs.exclude(is_superuser=True)
        if not is_city_grantor(user):
            qs = qs.exclude(role__in=CITY_ONLY_ROLES)
        return qs

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and may_manage_accounts(admin_user(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and may_manage_accounts(admin_user(request))

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Resetting a password is the system administrator's, not the security administrator's.
        if not may_manage_accounts(admin_user(request)):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_readonly_fields(self, request: HttpRequest, obj: Any | None = None) -> tuple[str, ...]:
        actor = admin_user(request)
        readonly = ["last_login", "date_joined"]
        if actor is None or not actor.is_superuser:
            readonly.append("is_superuser")
        if obj is not None:
            own = actor is not None and obj.pk == actor.pk
            if own or not may_change_grants(actor):
                readonly += [f for f in GRANT_FIELDS if f not in readonly]
            if not may_manage_accounts(actor):
                readonly += list(ACCOUNT_FIELDS)
        return tuple(readonly)

    def formfield_for_choice_field(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> TypedChoiceField | None:
        actor = admin_user(request)
        if db_field.name == "role":
            hidden: set[str] = set()
            if not is_city_grantor(actor):
                hidden |= set(CITY_ONLY_ROLES)
            if not may_change_grants(actor):
                hidden |= set(DUTY_ROLES) | {Role.CITY_ADMIN}
            if hidden:
                kwargs["choices"] = [
                    ("", "---------"),
                    *((v, lbl) for v, lbl in Role.choices if v not in hidden),
                ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: forms.BaseForm, change: bool) -> None:
        # A grant change (role, region, unit, staff/superuser/active) is an audit record with before and after.
        before = User.objects.filter(pk=obj.pk).values(*GRANT).first() if change else None
        super().save_model(request, obj, form, change)
        after = User.objects.filter(pk=obj.pk).values(*GRANT).first()
        if before != after:
            record(
                "role.change",
                request=request,
                target=f"user#{obj.pk}",
                detail={"before": before, "after": after},
            )

    def validate_scope(self, form: forms.BaseForm, request: HttpRequest) -> None:
        super().validate_scope(form, request)
        actor = admin_user(request)
        data = form.cleaned_data
        if data.get("role") in CITY_ONLY_ROLES and not is_city_grantor(actor):
            form.add_error("role", "只有市级管理员才能设置“市级管理员”“纪检监督员”角色。")
        self._validate_separation(form, actor)
        if data.get("is_superuser") and (actor is None or not actor.is_superuser):
            form.add_error("is_superuser", "不能授予超级用户权限。")
        if data.get("is_staff") and (actor is None or not actor.is_staff):
            form.add_error("is_staff", "不能授予超出您自身的权限。")
        unit, region = data.get("unit"), data.get("region")
        if unit is not None and region is not None and unit.region_id != region.pk:
            # Not attached to a field: that would drop the field and make User.clean report it missing.
            form.add_error(None, f"事权单位经办人的管辖区域须为其所属单位（{unit}）所在区域。")

    def _validate_separation(self, form: forms.BaseForm, actor: User | None) -> None:
        """三员分立 on a submitted account form (the read-only fields already keep most of it)."""
        data = form.cleaned_data
        instance = getattr(form, "instance", None)
        target: User | None = instance if isinstance(instance, User) and instance.pk else None
        role = data.get("role")
        if not may_change_grants(actor):
            # The system administrator creates accounts with an ordinary post only; staff status and the
            # administrator duties are granted by the security administrator.
            if role in DUTY_ROLES or role == Role.CITY_ADMIN:
                form.add_error("role", "“角色”：管理员职责只能由安全管理员授予。")
            if data.get("is_staff"):
                form.add_error("is_staff", "“工作人员状态”只能由安全管理员授予。")
            return
        if target is not None and actor is not None and target.pk == actor.pk:
            form.add_error(None, "不能修改自己账号的角色与权限。")
        if target is not None and role:
            before = User.objects.filter(pk=target.pk).values_list("role", flat=True).first()
            if before in DUTY_ROLES and role in DUTY_ROLES and role != before:
                form.add_error(
                    "role",
                    "“角色”：一个账号不能从一种管理员职责直接改为另一种（三员分立），请为新职责另建账号。",
                )
        if role == Role.AUDIT_ADMIN and data.get("is_staff"):
            form.add_error("is_staff", "“工作人员状态”：审计管理员只查阅审计日志，不能进入管理后台。")
        if role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN) and not data.get("is_staff"):
            form.add_error(
                "is_staff", "“工作人员状态”：系统管理员、安全管理员须勾选工作人员状态才能使用管理后台。"
            )
