"""Jurisdiction for the Django admin (管理后台), through the same selectors as the rest of the site.

The admin is for administrators only: an active staff account whose role is 市级管理员 (the whole city)
or 县级代办中心工作人员 (the county's administrator, for their own county). Everything an administrator
sees or picks in the admin — lists, search, filters, autocomplete, foreign-key choices, object pages — is
cut to their grant by the selectors of ``daiban.network.jurisdiction``. Superusers get no special treatment: without a grant they
see nothing. An object outside the grant answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import ForeignKey, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from daiban.accounts.models import Role, User
from daiban.network import jurisdiction
from daiban.network.models import ResponsibleUnit, ServiceOrganization
from daiban.regions.geometry import subtree_q
from daiban.regions.models import Region

# The audit administrator (Role.AUDIT_ADMIN) never uses the admin: it reads the audit log at /audit/.
ADMIN_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_STAFF, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
OUT_OF_SCOPE = "超出您的管辖范围，不能保存。"

# For each model a foreign key may point at, the selector that cuts its choices to a user's grant.
FK_SELECTORS: dict[type[Model], Callable[[User], QuerySet[Any]]] = {
    Region: jurisdiction.regions_for,
    ServiceOrganization: jurisdiction.organizations_for,
    ResponsibleUnit: jurisdiction.units_for,
    User: jurisdiction.users_for,
}


def admin_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


def can_administer(user: User | None) -> bool:
    """Whether ``user`` may use the admin at all (what they see in it is still cut to their grant)."""
    return (
        user is not None
        and user.is_active
        and user.is_staff
        and user.role in ADMIN_ROLES
        and jurisdiction.scope_path(user) is not None
    )


def path_of(obj: object) -> str | None:
    """The region path that places ``obj`` (a region, or anything that copies a region's path)."""
    if isinstance(obj, Region):
        return obj.path or None
    path = getattr(obj, "region_path", None)
    return path if isinstance(path, str) and path else None


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, except that a submitted value which is not one of the choices (text
    where an id belongs, a number no column holds) is left out when the form is shown again with its
    errors, instead of being looked up in the database and ending in a 500."""

    def optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> list[Any]:
        field = self.choices.field
        known = []
        for v in value:
            try:
                field.to_python(v)
            except forms.ValidationError:
                continue
            known.append(v)
        return super().optgroups(name, known, attr)


class ScopedFormMixin(forms.BaseForm):
    """Mixed into every admin form by ``ScopedAdminMixin.get_form``: runs the admin's scope checks."""

    scope_admin: ClassVar[ScopedAdminMixin]
    scope_request: ClassVar[HttpRequest]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.scope_admin.validate_scope(self, self.scope_request)
        return cleaned


class ScopedAdminMixin(admin.ModelAdmin):
    """A ModelAdmin whose data is the request user's jurisdiction and nothing else.

    Subclasses say how to fetch their rows (``scoped_queryset``, one of the scope selectors) and which
    form field places a new or edited object (``scope_field``; checked on save).
    """

    scope_field: ClassVar[str | None] = "region"
    # Whether this admin manages grants (roles, regions, units, staff status): the only admin a security
    # administrator (安全管理员) may open (三员分立). Network data and configuration are the system
    # administrator's.
    grant_admin: ClassVar[bool] = False

    def scoped_queryset(self, user: User) -> QuerySet[Any]:
        # Fail closed: an admin that forgets to name its scope selector shows nothing, never everything.
        return self.model._default_manager.none()

    # --- rows -------------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        user = admin_user(request)
        if user is None or not can_administer(user):
            return self.model._default_manager.none()
        queryset = self.scoped_queryset(user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """The object if it exists *and* lies in the user's scope, else ``None``."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not jurisdiction.in_scope(admin_user(request), path_of(obj)):
            return None
        return obj

    def _get_object_or_404(self, request: HttpRequest, object_id: str) -> None:
        # The stock admin redirects to the list with "does not exist" for a missing object; outside the
        # user's scope the answer must be a plain 404, the same as everywhere else on the site.
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            raise DisallowedModelAdminToField(f"The field {to_field} cannot be referenced.")
        if self.get_object(request, unquote(object_id), to_field) is None:
            raise Http404

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._get_object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._get_object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._get_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        # A number no database column holds (``?region=99…9``: Django lets a list filter by any local field)
        # is a bad lookup — the list again with its "e=1" notice — never a 500 at the database.
        for values in request.GET.lists():
            for value in values[1]:
                text = value.strip().lstrip("-")
                if text.isdigit() and len(text) > 18:
                    raise IncorrectLookupParameters(values[0])
        return super().get_changelist_instance(request)

    # --- permissions: by role, then by scope (Django's model permissions are not used) -------------

    def _may(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user = admin_user(request)
        if not can_administer(user):
            return False
        if user is not None and user.role == Role.SECURITY_ADMIN and not self.grant_admin:
            return False
        return obj is None or jurisdiction.in_scope(user, path_of(obj))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request, obj)

    # --- forms ------------------------------------------------------------------------------------

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if "queryset" not in kwargs:
            kwargs["queryset"] = self.foreign_key_choices(db_field, request)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def foreign_key_choices(self, db_field: ForeignKey, request: HttpRequest) -> QuerySet[Any]:
        """What a foreign key may point at: the related model's rows in the user's scope. A model without
        a selector offers nothing, so a new foreign key fails closed until someone decides its scope."""
        related = cast(type[Model], db_field.remote_field.model)
        user = admin_user(request)
        selector = FK_SELECTORS.get(related)
        if user is None or selector is None:
            return related._default_manager.none()
        return selector(user)

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        # ``change`` by keyword: UserAdmin.get_form takes only (request, obj, **kwargs).
        form = super().get_form(request, obj, change=change, **kwargs)
        # A per-request subclass: the form's clean() runs validate_scope with this request's user.
        attrs = {"scope_admin": self, "scope_request": request, "__module__": __name__}
        return cast("type[forms.ModelForm[Any]]", type(form.__name__, (ScopedFormMixin, form), attrs))

    def validate_scope(self, form: forms.BaseForm, request: HttpRequest) -> None:
        """Refuse an object placed outside the user's scope (the choices already exclude it; this is the
        check that does not depend on them)."""
        name = self.scope_field
        if name is None or name not in form.fields:
            return
        value = form.cleaned_data.get(name)
        if value is not None and not jurisdiction.in_scope(admin_user(request), path_of(value)):
            form.add_error(name, OUT_OF_SCOPE)


def area_filter(field: str = "region_path") -> type[admin.SimpleListFilter]:
    """A list filter by the areas one level below the top of the user's grant (counties for the city
    administrator, townships for a county's), matching rows whose ``field`` lies in that subtree."""

    class AreaFilter(admin.SimpleListFilter):
        title = "区域"
        parameter_name = "area"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            user = admin_user(request)
            root = jurisdiction.scope_path(user)
            if user is None or root is None:
                return []
            children = jurisdiction.regions_for(user).filter(parent__path=root).order_by("code")
            return [(r.code, r.name) for r in children]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            code = self.value()
            if not code:
                return queryset
            user = admin_user(request)
            region = jurisdiction.regions_for(user).filter(code=code).first() if user is not None else None
            if region is None:
                return queryset.none()
            return queryset.filter(subtree_q(region.path, field))

    return AreaFilter
