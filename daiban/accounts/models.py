"""Accounts and their grant: one role over one region subtree (and one unit, for unit handlers)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from daiban.regions.models import Level, Region


class Role(models.TextChoices):
    VILLAGE_AGENT = "village_agent", "村（社区）代办员"
    TOWNSHIP_STAFF = "township_staff", "乡镇（街道）代办站工作人员"
    COUNTY_STAFF = "county_staff", "县级代办中心工作人员"
    UNIT_HANDLER = "unit_handler", "事权单位经办人"
    LEADER = "leader", "包案领导"
    SUPERVISOR = "supervisor", "纪检监督员"
    CITY_ADMIN = "city_admin", "市级管理员"


# The region level each role's grant is anchored at (a leader or supervisor may sit at county or city; a
# unit handler wherever units are: a township's 司法所 or 派出所 as well as a county or city bureau).
ROLE_LEVELS: dict[str, set[int]] = {
    Role.VILLAGE_AGENT: {Level.VILLAGE},
    Role.TOWNSHIP_STAFF: {Level.TOWNSHIP},
    Role.COUNTY_STAFF: {Level.COUNTY},
    Role.UNIT_HANDLER: {Level.TOWNSHIP, Level.COUNTY, Level.CITY},
    Role.LEADER: {Level.TOWNSHIP, Level.COUNTY, Level.CITY},
    Role.SUPERVISOR: {Level.COUNTY, Level.CITY},
    Role.CITY_ADMIN: {Level.CITY},
}

AGENT_ROLES = {Role.VILLAGE_AGENT, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF}


class User(AbstractUser):  # 账号
    """A person who signs in. The grant (role + region subtree + unit) lives on the user itself:
    one person, one post. Someone with two posts has two accounts, which keeps every action attributable.
    """

    display_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="管辖区域", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    region_path = models.CharField("区域路径", max_length=80, blank=True, db_index=True, editable=False)
    unit = models.ForeignKey(
        "network.ResponsibleUnit",
        verbose_name="事权单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handlers",
    )

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if not self.role:
            if not self.is_superuser:
                raise ValidationError({"role": "请选择角色。"})
            return
        if self.region is None:
            raise ValidationError({"region": "请选择管辖区域。"})
        allowed = ROLE_LEVELS[self.role]
        if self.region.level not in allowed:
            raise ValidationError({"region": f"“{self.get_role_display()}”的管辖区域层级不符。"})
        if self.role == Role.UNIT_HANDLER and self.unit is None:
            raise ValidationError({"unit": "事权单位经办人必须指定所属单位。"})
        if self.role != Role.UNIT_HANDLER and self.unit is not None:
            raise ValidationError({"unit": "只有事权单位经办人才能指定所属单位。"})

    def save(self, *args: object, **kwargs: object) -> None:
        self.region_path = self.region.path if self.region_id and self.region else ""
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES
