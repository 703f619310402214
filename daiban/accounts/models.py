"""Accounts and their grant: one role over one region subtree (and one unit, for unit handlers)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from daiban.core import clock
from daiban.regions.models import Level, Region


class Role(models.TextChoices):
    VILLAGE_AGENT = "village_agent", "村（社区）代办员"
    TOWNSHIP_STAFF = "township_staff", "乡镇（街道）代办站工作人员"
    COUNTY_STAFF = "county_staff", "县级代办中心工作人员"
    UNIT_HANDLER = "unit_handler", "事权单位经办人"
    LEADER = "leader", "包案领导"
    SUPERVISOR = "supervisor", "纪检监督员"
    CITY_ADMIN = "city_admin", "市级管理员"
    # 三员分立 (separation of duties, 等保2.0 第三级): three administrator duties, never held together.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


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
    Role.SYSTEM_ADMIN: {Level.CITY, Level.COUNTY},
    Role.SECURITY_ADMIN: {Level.CITY, Level.COUNTY},
    Role.AUDIT_ADMIN: {Level.CITY, Level.COUNTY},
}

# The three separated administrator duties (三员). The legacy 市级管理员 is the city's system administrator
# for accounts and configuration and keeps its grant rights until a deployment moves to the three roles
# (docs/adr, 三员分立).
DUTY_ROLES = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}

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

    # When the password was last set (the 90-day rule, DAIBAN_PASSWORD_MAX_AGE_DAYS); empty: never set
    # under this rule, so it must be changed at the next sign-in.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)

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

    def set_password(self, raw_password: str | None) -> None:
        """Set the password and remember the one it replaces (written to PasswordHistory on save): every
        way a password changes — the change page, the console, a command — keeps the history."""
        if self.pk and self.password and self.has_usable_password():
            self._replaced_password = self.password
        super().set_password(raw_password)
        self.password_changed_at = clock.now()

    def save(self, *args: object, **kwargs: object) -> None:
        self.region_path = self.region.path if self.region_id and self.region else ""
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        replaced = getattr(self, "_replaced_password", None)
        if replaced and replaced != self.password:
            del self._replaced_password
            PasswordHistory.objects.create(user=self, password=replaced, replaced_at=clock.now())
            keep = max(settings.DAIBAN_PASSWORD_HISTORY, 1)
            old = PasswordHistory.objects.filter(user=self).order_by("-replaced_at", "-pk")[keep:]
            PasswordHistory.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES


class PasswordHistory(models.Model):  # 历史密码
    """A password hash the user had before (never the password): a new password may not be one of the
    current and the last DAIBAN_PASSWORD_HISTORY ones."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码摘要", max_length=128)
    replaced_at = models.DateTimeField("更换时间")

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-replaced_at"], name="accounts_pwhist_user_recent")]


class UserSession(models.Model):  # 登录会话
    """One signed-in session of a user, kept by daiban.accounts.middleware so that the user can see where
    they are signed in and end the other sessions. The session key itself is never stored: only its
    SHA-256, so neither this table nor any page can be used to take over a session. Ending a session
    deletes its row; the session's next request finds no row and is signed out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    key_hash = models.CharField("会话标识摘要", max_length=64, db_index=True)
    created_at = models.DateTimeField("登录时间")
    last_seen = models.DateTimeField("最近活动")
    address = models.CharField("地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
