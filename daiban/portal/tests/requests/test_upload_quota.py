"""The online request's photos under the per-submission upload quota (daiban.core.uploads); an anonymous
visitor has no daily count of their own: the portal throttle bounds their requests per day."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.datastructures import MultiValueDict

from daiban.portal.requests.forms import ApplyForm

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photos(n: int, size: int = 0) -> MultiValueDict[str, SimpleUploadedFile]:
    return MultiValueDict(
        {"photos": [SimpleUploadedFile(f"{i}.png", PNG + b"\x00" * size, "image/png") for i in range(n)]}
    )


@override_settings(DAIBAN_UPLOAD_MAX_FILES=2)
def test_too_many_photos_for_the_quota() -> None:
    form = ApplyForm({}, photos(3))
    assert not form.is_valid()
    assert form.errors["photos"] == ["照片：一次最多上传 2 个文件，本次选择了 3 个，请分次上传。"]


@override_settings(DAIBAN_UPLOAD_MAX_TOTAL_MB=1)
def test_too_many_megabytes_of_photos() -> None:
    form = ApplyForm({}, photos(2, size=600 * 1024))
    assert not form.is_valid()
    assert form.errors["photos"][0].startswith("照片：一次上传的文件合计不能超过 1 MB")
    assert "photos" not in ApplyForm({}, photos(1)).errors
