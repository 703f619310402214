"""通报组织（人事）部门 (art. 30): an accusation concerning a cadre is made known to the organisation
(personnel) department of the level managing that cadre, through the discipline channel, never to the
accused unit.

A matter action of the workflow registry: lock, version, rule, the notice and the event in one transaction.
The event says only which level's department was told; the cadre and the accused unit stay in the notice,
which only the discipline channel reads (``daiban.cadres.selectors``)."""

from __future__ import annotations

from django.db.models import QuerySet

from daiban.accounts.models import User
from daiban.cadres import rules
from daiban.cadres.models import CadreNotice, Channel
from daiban.core import clock
from daiban.matters.actions.base import fail, locked, record, require_text
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter
from daiban.network.models import ResponsibleUnit
from daiban.pii.crypto import encrypt
from daiban.regions.geometry import ancestor_paths, at_or_above_q, contains
from daiban.regions.models import Level, Region

__all__ = ["accused_units", "cadre_notify", "notice_levels"]

# A village has no organisation department; the township's 党委 (组织委员) and the levels above have.
LOWEST_LEVEL = Level.TOWNSHIP


def notice_levels(matter: Matter) -> QuerySet[Region]:
    """The levels whose organisation department may be told: the matter's township, county and city."""
    return Region.objects.filter(
        path__in=ancestor_paths(matter.region_path), level__lte=LOWEST_LEVEL
    ).order_by("level")


def accused_units(matter: Matter) -> QuerySet[ResponsibleUnit]:
    """The units an accusation arising at the matter's place may concern: its own and those above it."""
    return ResponsibleUnit.objects.filter(at_or_above_q(matter.region_path)).order_by(
        "region_path", "domain", "name"
    )


def _plain(text: str) -> str:
    return "".join(text.split())


def cadre_notify(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    cadre_name: str,
    cadre_post: str,
    level: Region | None,
    department: str,
    accused_unit: ResponsibleUnit | None,
) -> Matter:
    """Notify ``department`` (the organisation or personnel department at ``level``) of the accusation
    ``matter_id`` concerning the cadre ``cadre_name`` (``cadre_post``) of ``accused_unit``."""
    with locked(actor, matter_id, expected_version) as m:
        rules.notify(actor, m)
        cadre_name = require_text("cadre_name", cadre_name, "被反映干部姓名", 32)
        cadre_post = require_text("cadre_post", cadre_post, "被反映干部职务", 80)
        if level is None:
            raise fail("level", "请选择通报层级。")
        if level.level > LOWEST_LEVEL or not contains(level.path, m.region_path):
            raise fail("level", "通报层级应是事项发生地所在的乡镇（街道）、县（区）或市。")
        if accused_unit is None:
            raise fail("accused_unit", "请选择被检举单位。")
        if not contains(accused_unit.region_path, m.region_path):
            raise fail("accused_unit", "被检举单位应是事项发生地或其上级的单位。")
        department = require_text("department", department, "组织（人事）部门", 80)
        if _plain(department) == _plain(accused_unit.name):
            # Art. 30: the accusation is never passed to the accused person or unit.
            raise fail(
                "department",
                "不能通报被检举单位：检举控告材料不得转给被检举单位（《信访工作条例》第三十条），"
                "请填写该层级党委组织部门或人事部门。",
            )
        notice = CadreNotice.objects.create(
            matter=m,
            cadre_name_enc=encrypt(cadre_name),
            cadre_post_enc=encrypt(cadre_post),
            level=level,
            department=department,
            accused_unit=accused_unit,
            channel=Channel.DISCIPLINE,
            sent_by=actor,
            sent_at=clock.now(),
        )
        record(
            m,
            actor,
            EventKind.CADRE_NOTICE,
            f"经纪检监察渠道通报{department}（{level.name}；《信访工作条例》第三十条）",
            {"notice": notice.pk, "level": level.name, "department": department},
            refresh_due=False,
        )
    return m
