"""Upload quotas on matter attachments (issue 14 §5, daiban.core.uploads): per submission (files, total
MB) and per person per day, the day counted from the stored attachments by the project clock."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils.datastructures import MultiValueDict

from conftest import PASSWORD, Personas
from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.forms import IntakeForm
from daiban.matters.models import Attachment, Matter
from daiban.matters.tests.factories import Flow

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name: str = "现场.png", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"\x00" * size, content_type="image/png")


def post(flow: Flow, user: User, m: Matter, files: list[Any], note: str = "补充材料") -> Any:
    m = Matter.objects.get(pk=m.pk)
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    with clock.frozen(flow.now):
        return client.post(
            f"/matters/{m.pk}/act/attach/", {"version": m.version, "uploads": files, "note": note}
        )


@override_settings(DAIBAN_UPLOAD_MAX_FILES=2)
def test_too_many_files_in_one_submission_is_a_field_error(flow: Flow, personas: Personas) -> None:
    m = flow.intake()
    response = post(flow, personas.village_agent, m, [png("1.png"), png("2.png"), png("3.png")])
    assert response.status_code == 400
    page = response.content.decode()
    assert "附件：一次最多上传 2 个文件，本次选择了 3 个" in page
    assert "补充材料" in page  # what was typed is kept
    assert not Attachment.objects.filter(matter=m).exists()


@override_settings(DAIBAN_UPLOAD_MAX_TOTAL_MB=1)
def test_too_many_megabytes_in_one_submission_is_a_field_error(flow: Flow, personas: Personas) -> None:
    m = flow.intake()
    big = 600 * 1024
    response = post(flow, personas.village_agent, m, [png("1.png", big), png("2.png", big)])
    assert response.status_code == 400
    assert "附件：一次上传的文件合计不能超过 1 MB" in response.content.decode()
    assert not Attachment.objects.filter(matter=m).exists()


@override_settings(DAIBAN_UPLOAD_DAILY_FILES=3)
def test_the_daily_file_quota_counts_stored_uploads_of_the_clocks_day(flow: Flow, personas: Personas) -> None:
    flow.on(2026, 6, 1, hour=23)
    m = flow.intake()
    agent = personas.village_agent
    assert post(flow, agent, m, [png("1.png"), png("2.png")]).status_code == 302
    refused = post(flow, agent, m, [png("3.png"), png("4.png")])
    assert refused.status_code == 400
    assert "附件：每人每天最多上传 3 个文件，今天已上传 2 个" in refused.content.decode()
    assert Attachment.objects.filter(matter=m).count() == 2
    # Another person's uploads are counted apart.
    assert post(flow, personas.township_staff, m, [png("t.png")]).status_code == 302
    # After midnight (site time) the day starts again.
    flow.on(2026, 6, 2, hour=0)
    assert post(flow, agent, m, [png("3.png"), png("4.png")]).status_code == 302
    assert Attachment.objects.filter(matter=m, uploaded_by=agent).count() == 4


@override_settings(DAIBAN_UPLOAD_DAILY_MB=1)
def test_the_daily_size_quota(flow: Flow, personas: Personas) -> None:
    flow.on(2026, 6, 1, hour=9)
    m = flow.intake()
    agent = personas.village_agent
    assert post(flow, agent, m, [png("1.png", 700 * 1024)]).status_code == 302
    refused = post(flow, agent, m, [png("2.png", 700 * 1024)])
    assert refused.status_code == 400
    assert "附件：每人每天上传的文件合计不能超过 1 MB" in refused.content.decode()


@override_settings(DAIBAN_UPLOAD_MAX_FILES=2)
def test_intake_counts_the_photos_kept_from_an_earlier_try(personas: Personas) -> None:
    kept = [ContentFile(PNG, name="k1.png"), ContentFile(PNG, name="k2.png")]
    files = MultiValueDict({"photos": [png("new.png")]})
    form = IntakeForm({}, files, user=personas.village_agent, kept_files=kept)
    assert not form.is_valid()
    assert form.errors["photos"] == ["照片或材料：一次最多上传 2 个文件，本次选择了 3 个，请分次上传。"]
    alone = IntakeForm({}, MultiValueDict({"photos": [png("new.png")]}), user=personas.village_agent)
    alone.is_valid()
    assert "photos" not in alone.errors
