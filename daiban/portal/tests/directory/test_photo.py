"""An agent's published photo: served to anyone for an active agent (its real type, cacheable for a day),
404 otherwise; and the console admin's check of an upload (a real JPEG or PNG of at most 2 MB, with a
clear Chinese error), which re-encodes it without its metadata under a random name."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from daiban.network.models import Agent
from daiban.portal.tests.directory.helpers import Directory, image_bytes


def test_the_photo_of_an_active_agent(directory: Directory) -> None:
    response = Client().get(f"/agents/photo/{directory.published.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["Content-Disposition"] == "inline"  # not the uploaded file's name
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "JPEG"


def test_a_png_is_served_as_png(directory: Directory) -> None:
    agent = directory.no_phone
    agent.photo.save("x.jpg", ContentFile(image_bytes("PNG")), save=True)  # the name says jpg
    response = Client().get(f"/agents/photo/{agent.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_no_photo_for_a_retired_agent_or_none_or_a_missing_file(directory: Directory) -> None:
    client = Client()
    assert client.get(f"/agents/photo/{directory.retired.pk}/").status_code == 404
    assert client.get(f"/agents/photo/{directory.no_phone.pk}/").status_code == 404  # no photo
    assert client.get("/agents/photo/999999/").status_code == 404
    agent = directory.neighbour
    agent.photo.save("n.jpg", ContentFile(image_bytes()), save=True)
    agent.photo.storage.delete(agent.photo.name)
    assert client.get(f"/agents/photo/{agent.pk}/").status_code == 404
    agent.photo.save("fake.jpg", ContentFile(b"<svg onload=alert(1)>"), save=True)
    assert client.get(f"/agents/photo/{agent.pk}/").status_code == 404


# --- the console admin ------------------------------------------------------------------------------


def _form(agent: Agent, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": agent.name,
        "organization": str(agent.organization_id),
        "employment": agent.employment,
        "title": agent.title,
        "is_active": "on",
        "deputy_level": "",
        "work_phone": agent.work_phone,
        "duty_hours": agent.duty_hours,
        "duty_place": agent.duty_place,
        "user": str(agent.user_id or ""),
    }
    data.update(changes)
    return data


def _post(directory: Directory, agent: Agent, **changes: Any) -> Any:
    client = Client()
    client.force_login(directory.personas.county_staff)  # 新城区's administrator
    return client.post(f"/admin/network/agent/{agent.pk}/change/", _form(agent, **changes))


def test_the_admin_shows_the_public_profile_fields(directory: Directory) -> None:
    client = Client()
    client.force_login(directory.personas.county_staff)
    html = client.get(f"/admin/network/agent/{directory.no_phone.pk}/change/").content.decode()
    assert "公示信息（亮身份）" in html
    for name in ("work_phone", "duty_hours", "duty_place", "photo"):
        assert f'name="{name}"' in html


def test_the_admin_saves_the_profile_and_a_cleaned_photo(directory: Directory) -> None:
    agent = directory.no_phone
    exif = Image.Exif()
    exif[0x010E] = "GPS-SECRET-PLACE"  # ImageDescription: metadata a phone's photo carries
    raw = io.BytesIO()
    Image.new("RGB", (1600, 2000), (10, 120, 200)).save(raw, format="JPEG", exif=exif)
    assert b"GPS-SECRET-PLACE" in raw.getvalue()
    upload = SimpleUploadedFile("zhao-zhigang.jpg", raw.getvalue(), content_type="image/jpeg")
    response = _post(
        directory,
        agent,
        work_phone="0471-6677889",
        duty_hours="周二、周四全天",
        duty_place="网格工作站",
        photo=upload,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert (agent.work_phone, agent.duty_hours, agent.duty_place) == (
        "0471-6677889",
        "周二、周四全天",
        "网格工作站",
    )
    assert agent.photo.name.startswith("agents/") and "zhao" not in agent.photo.name
    stored = agent.photo.read()
    assert b"GPS-SECRET-PLACE" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and max(image.size) <= 800


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("photo.gif", None, "照片只能是 JPEG 或 PNG 格式的图片。"),
        ("photo.jpg", b"this is not an image at all", None),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, None),
        ("big.png", "big", "照片不能超过 2 MB，请压缩后再上传。"),
    ],
)
def test_the_admin_refuses_a_bad_photo(
    directory: Directory, name: str, content: Any, error: str | None
) -> None:
    agent = directory.no_phone
    if content is None:
        out = io.BytesIO()
        Image.new("RGB", (20, 20)).save(out, format="GIF")
        content = out.getvalue()
    elif content == "big":
        content = image_bytes("PNG", (10, 10)) + b"\x00" * (2 * 1024 * 1024)
    response = _post(directory, agent, photo=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["photo"]
    assert errors
    if error:
        assert error in errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in errors)  # said in Chinese
    agent.refresh_from_db()
    assert not agent.photo


def test_the_admin_refuses_a_private_looking_work_phone(directory: Directory) -> None:
    agent = directory.no_phone
    response = _post(directory, agent, work_phone="12345678")
    assert response.status_code == 200
    assert "请填写正确的工作电话" in str(response.context["adminform"].form.errors["work_phone"])
