"""Service organisations, agents and responsible units in the administrator's region."""

from __future__ import annotations

import io
import uuid
from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest
from PIL import Image, ImageOps, UnidentifiedImageError

from daiban.accounts.models import AGENT_ROLES, User
from daiban.console.scoping import ScopedAdminMixin, admin_user, area_filter
from daiban.network import jurisdiction
from daiban.network.models import KIND_FOR_LEVEL, Agent, ResponsibleUnit, ServiceOrganization
from daiban.regions.models import Level, Region


@admin.register(ServiceOrganization)
class ServiceOrganizationAdmin(ScopedAdminMixin):
    list_display = ("name", "kind", "handling_role", "region", "phone", "opening_hours")
    list_filter = (area_filter(), "kind", "level", "is_demo")
    search_fields = ("name", "address", "region__name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    fields = (
        "name",
        "region",
        "kind",
        "level",
        "handling_role",
        "address",
        "phone",
        "opening_hours",
        "is_demo",
    )
    readonly_fields = ("is_demo",)
    ordering = ("region_path", "name")

    def scoped_queryset(self, user: User) -> QuerySet[ServiceOrganization]:
        return jurisdiction.organizations_for(user)

    def validate_scope(self, form: forms.BaseForm, request: HttpRequest) -> None:
        super().validate_scope(form, request)
        region = form.cleaned_data.get("region")
        if not isinstance(region, Region):
            return
        kind, role = KIND_FOR_LEVEL[Level(region.level)]
        level = form.cleaned_data.get("level")
        if level is not None and int(level) != region.level:
            form.add_error("level", f"层级须与所在区域一致（{region.get_level_display()}）。")
        if form.cleaned_data.get("kind") not in (None, kind):
            form.add_error("kind", f"{region.get_level_display()}一级的机构应为“{kind.label}”。")
        if form.cleaned_data.get("handling_role") not in (None, role):
            form.add_error("handling_role", f"{region.get_level_display()}一级的办理职责应为“{role.label}”。")


# The published photo (亮身份): a real JPEG or PNG, at most 2 MB, re-encoded without its metadata (a phone's
# photo carries the place it was taken) and scaled down to what a page or a poster needs.
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 800
PHOTO_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def clean_agent_photo(upload: Any) -> Any:
    """Check an uploaded photo and return it re-encoded (or the stored file unchanged); raises a
    ValidationError naming what is wrong, in Chinese."""
    if not isinstance(upload, UploadedFile):
        return upload  # unchanged, or cleared
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise forms.ValidationError("照片不能超过 2 MB，请压缩后再上传。")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format or ""
            width, height = probe.size
            if kind in PHOTO_FORMATS and width * height <= PHOTO_MAX_PIXELS:
                probe.verify()
        if kind not in PHOTO_FORMATS:
            raise forms.ValidationError("照片只能是 JPEG 或 PNG 格式的图片。")
        if width * height > PHOTO_MAX_PIXELS:
            raise forms.ValidationError("照片尺寸过大，请缩小后再上传。")
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            else:
                image.save(out, format="PNG", optimize=True)
    except forms.ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise forms.ValidationError("无法识别这张照片：请上传 JPEG 或 PNG 格式的图片。") from exc
    # A random name: the file name a person gave (often their own name) is not kept.
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[kind]}")


class AgentForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ("work_phone", "duty_hours", "duty_place", "photo")  # the admin adds its fieldsets

    def clean_photo(self) -> Any:
        return clean_agent_photo(self.cleaned_data.get("photo"))


@admin.register(Agent)
class AgentAdmin(ScopedAdminMixin):
    # An agent's region is its organisation's (Agent.save copies it), so the organisation places it.
    scope_field = "organization"
    list_display = ("name", "organization", "employment", "title", "attributes", "is_active")
    list_filter = (
        area_filter(),
        ("organization", admin.RelatedOnlyFieldListFilter),
        "organization__kind",
        "employment",
        "is_party_member",
        "is_veteran_party_member",
        "deputy_level",
        "is_cppcc_member",
        "is_legal_adviser",
        "is_grid_worker",
        "is_expert",
        "is_village_cadre",
        "is_active",
    )
    search_fields = ("name", "title", "organization__name")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fieldsets = (
        (None, {"fields": ("name", "organization", "employment", "title", "is_active")}),
        (
            "身份与专长",
            {
                "fields": (
                    "is_party_member",
                    "is_veteran_party_member",
                    "deputy_level",
                    "is_cppcc_member",
                    "is_legal_adviser",
                    "is_grid_worker",
                    "is_expert",
                    "is_village_cadre",
                )
            },
        ),
        (
            "公示信息（亮身份）",
            {
                "fields": ("work_phone", "duty_hours", "duty_place", "photo"),
                "description": "在群众服务页面（找代办员）和村务公示牌上公开。只填工作电话，不要填私人号码。",
            },
        ),
        ("登录账号", {"fields": ("user", "is_demo")}),
    )
    readonly_fields = ("is_demo",)
    ordering = ("region_path", "name")
    form = AgentForm

    def scoped_queryset(self, user: User) -> QuerySet[Agent]:
        return jurisdiction.agents_for(user)

    @admin.display(description="身份")
    def attributes(self, obj: Agent) -> str:
        return "、".join(obj.attribute_labels) or "—"

    def foreign_key_choices(self, db_field: ForeignKey, request: HttpRequest) -> QuerySet[Any]:
        choices = super().foreign_key_choices(db_field, request)
        if db_field.name == "user":
            return choices.filter(role__in=AGENT_ROLES).order_by("username")
        return choices


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(ScopedAdminMixin):
    list_display = ("name", "domain", "region", "superior", "phone", "is_active")
    list_filter = (area_filter(), "domain", "is_active", "is_demo")
    search_fields = ("name",)
    list_select_related = ("region", "superior")
    autocomplete_fields = ("region",)
    fields = ("name", "region", "domain", "superior", "phone", "is_active", "is_demo")
    readonly_fields = ("is_demo",)
    ordering = ("region_path", "domain", "name")

    def scoped_queryset(self, user: User) -> QuerySet[ResponsibleUnit]:
        return jurisdiction.units_for(user)

    def foreign_key_choices(self, db_field: ForeignKey, request: HttpRequest) -> QuerySet[Any]:
        choices = super().foreign_key_choices(db_field, request)
        user = admin_user(request)
        if db_field.name == "superior" and user is not None:
            # A superior sits above: the units of the user's own grant, or of the regions above it (a
            # county unit's superior is the city's unit of the same domain). Names only; the superior's
            # own record stays out of reach.
            above_units = jurisdiction.units_above(user)
            return (choices | above_units).order_by("region_path", "domain", "name")
        return choices

    def validate_scope(self, form: forms.BaseForm, request: HttpRequest) -> None:
        super().validate_scope(form, request)
        superior = form.cleaned_data.get("superior")
        instance = form.instance if isinstance(form, forms.ModelForm) else None
        if (
            superior is not None
            and instance is not None
            and instance.pk is not None
            and superior.pk == instance.pk
        ):
            form.add_error("superior", "上级机关不能是本单位。")
