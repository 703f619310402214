"""The directory tests' world: 苏雅拉社区 (新城区 › 呼伦路街道) with published agents — one with a work phone
and a photo, one without a work phone (reached through the point's phone), one no longer in post — and
an agent of the neighbouring 呼伦社区; organisations with phones and hours; photos in a temporary media
root."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image

from conftest import Personas, Tree
from daiban.network.models import Agent, ServiceOrganization

WORK_PHONE = "0471-6612345"
POINT_PHONE = "0471-6600001"
STATION_PHONE = "0471-6600002"
CENTRE_PHONE = "0471-6600003"


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (60, 80), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 40, 30)).save(out, format=kind, **save)
    return out.getvalue()


@dataclass
class Directory:
    tree: Tree
    personas: Personas
    published: Agent  # work phone, hours, place, photo
    no_phone: Agent  # no work phone of its own
    retired: Agent  # is_active=False
    neighbour: Agent  # at 呼伦社区


def org(region: object) -> ServiceOrganization:
    return ServiceOrganization.objects.get(region=region)


def build(tree: Tree, personas: Personas) -> Directory:
    point, station, centre = org(tree.village_a1x), org(tree.town_a1), org(tree.county_a)
    for o, phone, hours in (
        (point, POINT_PHONE, "工作日 9:00-12:00 15:00-18:00"),
        (station, STATION_PHONE, "工作日 8:30-12:00 14:30-17:30"),
        (centre, CENTRE_PHONE, "工作日 8:30-17:30"),
    ):
        o.phone, o.opening_hours, o.address = phone, hours, f"{o.region.name}便民服务大厅"
        o.save()
    # The village agent's account already has an agent row at the point (conftest's personas).
    published = Agent.objects.get(user=personas.village_agent)
    published.name, published.title = "乌云娜", "社区党委书记、居委会主任"
    published.work_phone, published.duty_hours, published.duty_place = (
        WORK_PHONE,
        "周一至周五 9:00-17:00",
        "苏雅拉社区党群服务中心一楼代办室",
    )
    published.photo.save("wuyunna.jpg", ContentFile(image_bytes()), save=False)
    published.save()
    no_phone = Agent.objects.create(name="赵志刚", organization=point, title="网格员")
    retired = Agent.objects.create(
        name="钱退休", organization=point, title="原网格员", work_phone="0471-6699999", is_active=False
    )
    retired.photo.save("retired.jpg", ContentFile(image_bytes()), save=True)
    neighbour = Agent.objects.create(
        name="孙邻居", organization=org(tree.village_a1y), work_phone="0471-6688888"
    )
    return Directory(tree, personas, published, no_phone, retired, neighbour)
