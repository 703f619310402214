"""接访活动: 领导接待日, 联合接访 and 直播间, scheduled in advance and published on the region's network
page; each person received becomes a matter through intake (接访即代办) or is recorded as answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.matters.models import Matter
from daiban.prevention.models.base import EventBase, Scoped, scoped_indexes


class SessionKind(models.TextChoices):
    LEADER_DAY = "leader_day", "领导接待日"
    JOINT = "joint", "联合接访"
    LIVESTREAM = "livestream", "直播间"


class JointBody(models.TextChoices):
    NPC = "npc", "人大"
    CPPCC = "cppcc", "政协"
    UNION = "union", "工会"
    WOMEN = "women", "妇联"
    JUSTICE = "justice", "司法行政"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    LAWYER = "lawyer", "律师"
    MEDIATOR = "mediator", "人民调解员"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已举行"
    CANCELLED = "cancelled", "已取消"


class ReceptionSession(Scoped):  # 接访活动
    kind = models.CharField("接访形式", max_length=12, choices=SessionKind.choices)
    title = models.CharField("主题", max_length=80)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点（平台）", max_length=80)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="接访领导", related_name="reception_sessions"
    )
    bodies = models.JSONField("参加单位", default=list, blank=True)  # JointBody values
    other_bodies = models.CharField("其他参加单位", max_length=120, blank=True)
    notes = models.TextField("说明", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    summary = models.TextField("接访小结", blank=True)
    cancel_reason = models.TextField("取消原因", blank=True)
    organised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="安排人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "接访活动"
        verbose_name_plural = "接访活动"
        ordering = ["-starts_at", "-id"]
        indexes = scoped_indexes("ses", "starts_at")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def body_labels(self) -> list[str]:
        labels = dict(JointBody.choices)
        return [str(labels[b]) for b in self.bodies if b in labels]


class Reception(models.Model):  # 接访登记: one person (or group) received at a session
    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="receptions")
    received_at = models.DateTimeField("接待时间")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接待领导", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    # A matter taken in (接访即代办), or — for a question answered on the spot — who came and what they
    # were told; never an ID or phone number here.
    matter = models.ForeignKey(
        Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="receptions"
    )
    visitor = models.CharField("来访人", max_length=40, blank=True)
    summary = models.CharField("反映问题", max_length=200, blank=True)
    answer = models.TextField("答复情况", blank=True)

    class Meta:
        verbose_name = "接访登记"
        verbose_name_plural = "接访登记"
        ordering = ["session_id", "received_at", "id"]


class SessionEvent(EventBase):
    session = models.ForeignKey(ReceptionSession, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["session_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="session_event_seq_unique")]
