"""Imports under the daily upload quota (daiban.core.uploads): each import run counts as one file of its
uploader's day, and the upload form refuses one over the limit on its field."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from conftest import Personas
from daiban.core import clock
from daiban.exchange.imports.forms import UploadForm
from daiban.exchange.models import ImportRun
from daiban.exchange.models.imports import ImportKind, ImportStatus


def form(user_id: int) -> UploadForm:
    xlsx = SimpleUploadedFile("名册.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    return UploadForm({}, MultiValueDict({"file": [xlsx]}), user_id=user_id)


@override_settings(DAIBAN_UPLOAD_DAILY_FILES=1)
def test_an_import_counts_for_the_uploaders_day(personas: Personas) -> None:
    admin = personas.city_admin
    run = ImportRun.objects.create(
        user=admin,
        kind=ImportKind.choices[0][0],
        filename="a.xlsx",
        sha256="0" * 64,
        status=ImportStatus.APPLIED,
    )
    at = timezone.localtime(run.at)
    with clock.frozen(at):
        refused = form(admin.pk)
        assert not refused.is_valid()
        assert refused.errors["file"][0].startswith("Excel 文件：每人每天最多上传 1 个文件，今天已上传 1 个")
        assert form(personas.county_staff.pk).is_valid()
    with clock.frozen(at + datetime.timedelta(days=1)):
        assert form(admin.pk).is_valid()
