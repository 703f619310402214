"""A proxy matter (代办事项) and everything recorded about it.

State lives on ``Matter``; it changes only through ``daiban.matters.actions``, each of which writes one
``Event`` in the same transaction and bumps ``Matter.version`` (the event's sequence number), so the
timeline is complete and ordered and a concurrent second writer is refused.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.choices import (
    Category,
    Channel,
    ClosureKind,
    ContactMethod,
    EventKind,
    LegalChannel,
    NotAcceptedReason,
    Outcome,
    PetitionerGroup,
    Purpose,
    ReviewKind,
    Satisfaction,
    ServiceManner,
    Status,
    Step,
    TaskRole,
    TaskStatus,
)
from daiban.network.models import ResponsibleUnit
from daiban.pii.fields import IdNumberFieldsMixin, PhoneFieldsMixin
from daiban.regions import geometry
from daiban.regions.models import Level, Region


def scope_columns(path: str) -> tuple[str, str, str]:
    """(city, county, township) codes of a region path; "" where the path is shallower."""
    parts = [*geometry.codes(path), "", "", ""]
    return parts[0], parts[1], parts[2]


SCOPE_COLUMNS = ("scope_city", "scope_county", "scope_township")


class Petitioner(IdNumberFieldsMixin, PhoneFieldsMixin, models.Model):  # 信访人
    """A person. ID and phone are stored encrypted; ``*_hash`` are keyed hashes (daiban.pii) that
    recognise the same person across matters without decrypting anything."""

    name = models.CharField("姓名", max_length=32)
    name_initials = models.CharField("姓名拼音首字母", max_length=32, db_index=True, editable=False)
    address = models.CharField("住址", max_length=120, blank=True)
    group = models.CharField(
        "人员类别", max_length=20, choices=PetitionerGroup.choices, default=PetitionerGroup.OTHER
    )
    # The county (区划代码) whose network registered the person: a person is recognised, and is one row,
    # within a county — never across counties (jurisdiction), never twice within one (a constraint).
    county_code = models.CharField("登记县（区）", max_length=12, db_index=True, default="", editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="petitioner_one_per_id_in_county",
            ),
            models.UniqueConstraint(
                fields=["county_code", "phone_hash", "name"],
                condition=Q(id_number_hash="") & ~Q(phone_hash=""),
                name="petitioner_one_per_phone_and_name_in_county",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Matter(models.Model):  # 代办事项
    number = models.CharField("事项编号", max_length=24, unique=True)
    lookup_code = models.CharField("查询码", max_length=12, unique=True)
    channel = models.CharField("来源渠道", max_length=12, choices=Channel.choices)
    consent = models.BooleanField("已签代办委托", default=False)
    region = models.ForeignKey(
        Region, verbose_name="问题发生地", on_delete=models.PROTECT, related_name="matters"
    )
    region_path = models.CharField(max_length=80, db_index=True, editable=False)
    # The region's ancestors, one column per level, derived from region_path on save. A jurisdiction is
    # then an equality on one column, so "my subtree, newest first" and "my subtree, soonest deadline
    # first" are each one ordered index scan (a range on region_path cannot also deliver the order).
    scope_city = models.CharField(max_length=12, editable=False, default="")
    scope_county = models.CharField(max_length=12, editable=False, default="")
    scope_township = models.CharField(max_length=12, editable=False, default="")
    title = models.CharField("事项摘要", max_length=80)
    content = models.TextField("反映内容")
    request = models.TextField("诉求")
    category = models.CharField("内容分类", max_length=20, choices=Category.choices, db_index=True)
    purpose = models.CharField("信访目的", max_length=14, choices=Purpose.choices)
    headcount = models.PositiveIntegerField("人数", default=1)
    is_group = models.BooleanField("集体访", default=False, editable=False)
    is_accusation = models.BooleanField("检举控告", default=False, editable=False)

    received_at = models.DateTimeField("受理登记时间", db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    responsible_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任代办员",
        on_delete=models.PROTECT,
        related_name="responsible_matters",
        help_text="首接即代办：第一位接待的代办员对事项负责到底",
    )

    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    # The current holder: a network level (holder_region) or, once routed, the lead unit (holder_unit).
    holder_region = models.ForeignKey(
        Region, verbose_name="当前承办层级", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_path = models.CharField(max_length=80, blank=True, db_index=True, editable=False)
    holder_unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="当前主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The current (earliest open) deadline, kept here for indexed lists; the clocks are in Deadline.
    due_date = models.DateField("当前期限", null=True, blank=True, db_index=True)
    due_step = models.CharField("当前环节", max_length=20, choices=Step.choices, blank=True)
    due_provisional = models.BooleanField("当前期限暂定", default=False)  # that deadline's provisional flag

    extended_days = models.PositiveSmallIntegerField("延期天数", default=0)
    # 简易办理: handled within the "simplified" limit (10 working days) instead of 60 days (art. 34); chosen
    # when routing or when starting local handling, it decides which clock acceptance opens.
    simple_procedure = models.BooleanField("简易办理", default=False)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    review_window_until = models.DateField("可申请复查（复核）截止", null=True, blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    service_satisfaction = models.CharField(
        "对代办服务评价", max_length=14, choices=Satisfaction.choices, blank=True
    )
    unit_satisfaction = models.CharField(
        "对办理单位评价", max_length=14, choices=Satisfaction.choices, blank=True
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    closure_kind = models.CharField("办结方式", max_length=14, choices=ClosureKind.choices, blank=True)
    resolved = models.BooleanField(
        "已化解", null=True, blank=True, help_text="办结与化解是两回事：可以办结而未化解"
    )
    is_final = models.BooleanField(
        "复核终结", default=False, help_text="复核后，同一事实和理由不再受理（《信访工作条例》第三十六条）"
    )
    repeat_visits = models.PositiveIntegerField("重复来访次数", default=0)
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="包案领导", blank=True, related_name="led_matters"
    )
    petitioners: models.ManyToManyField[Petitioner, MatterPetitioner] = models.ManyToManyField(
        Petitioner, through="MatterPetitioner", related_name="matters"
    )

    class Meta:
        verbose_name = "代办事项"
        verbose_name_plural = "代办事项"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["scope_city", "-received_at", "-id"], name="matter_city_received"),
            models.Index(fields=["scope_county", "-received_at", "-id"], name="matter_county_received"),
            models.Index(fields=["scope_township", "-received_at", "-id"], name="matter_township_received"),
            models.Index(fields=["region", "-received_at", "-id"], name="matter_village_received"),
            models.Index(fields=["scope_city", "due_date", "id"], name="matter_city_due"),
            models.Index(fields=["scope_county", "due_date", "id"], name="matter_county_due"),
            models.Index(fields=["scope_township", "due_date", "id"], name="matter_township_due"),
            models.Index(fields=["region", "due_date", "id"], name="matter_village_due"),
            models.Index(fields=["status", "due_date"], name="matter_status_due"),
            models.Index(fields=["holder_path", "status"], name="matter_holder_status"),
            # The work queues' ranges: what an office holds, what an agent answers for, what a unit holds.
            models.Index(fields=["holder_region", "status"], name="matter_holder_region_status"),
            models.Index(fields=["responsible_agent", "status"], name="matter_agent_status"),
            models.Index(fields=["holder_unit", "status"], name="matter_holder_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED) | Q(due_date__isnull=False), name="open_matter_has_deadline"
            ),
            # ...and only open matters have one, so "overdue" is a pure index range on due_date.
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(due_date__isnull=True),
                name="closed_matter_has_no_deadline",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED)
                | Q(holder_region__isnull=False)
                | Q(holder_unit__isnull=False),
                name="open_matter_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.scope_city, self.scope_county, self.scope_township = scope_columns(self.region_path)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "region_path" in update_fields:
            kwargs["update_fields"] = {*update_fields, "scope_city", "scope_county", "scope_township"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def holder_label(self) -> str:
        if self.holder_unit_id and self.holder_unit:
            return self.holder_unit.name
        if self.holder_region_id and self.holder_region:
            return office_label(self.holder_region)
        return "—"


def office_label(region: Region) -> str:
    """The network office of a level: 苏雅拉社区代办点, 新城区代办中心, 呼和浩特市信访局."""
    return office_label_of(region.name, region.level)


_OFFICE_SUFFIX: dict[int, str] = {
    Level.VILLAGE: "代办点",
    Level.TOWNSHIP: "代办站",
    Level.COUNTY: "代办中心",
    Level.CITY: "信访局",
}


def office_label_of(name: str, level: int) -> str:
    """``office_label`` from a region's name and level (for rows read as values, e.g. the CSV export)."""
    return name + _OFFICE_SUFFIX.get(level, "")


class MatterPetitioner(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="petitioner_links")
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT, related_name="matter_links")
    is_representative = models.BooleanField("代表", default=False)

    class Meta:
        verbose_name = "事项信访人"
        verbose_name_plural = "事项信访人"
        constraints = [
            models.UniqueConstraint(fields=["matter", "petitioner"], name="matter_petitioner_once")
        ]


class NumberSequence(models.Model):
    """Per county and year, the last matter number handed out (row-locked while incremented)."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="sequence_per_county_year")
        ]


class UnitTask(models.Model):  # 交办任务（主办/协办）
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name="事权单位", on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField("职责", max_length=4, choices=TaskRole.choices)
    instructions = models.TextField("交办要求", blank=True)
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    assigned_at = models.DateTimeField("交办时间")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The level that sent the task; an objection sends the matter back here.
    sent_from = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    notice_method = models.CharField("受理告知方式", max_length=12, choices=ContactMethod.choices, blank=True)
    objection_reason = models.TextField("异议理由", blank=True)
    # Why the routing level refused the objection (the task then stays with the unit; one objection only).
    objection_refusal = models.TextField("不同意异议的理由", blank=True)
    part_content = models.TextField("协办意见", blank=True)
    part_submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "交办任务"
        verbose_name_plural = "交办任务"
        ordering = ["matter_id", "role", "id"]
        indexes = [models.Index(fields=["unit", "status"], name="task_unit_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(role=TaskRole.LEAD, status__in=["assigned", "objecting", "accepted", "done"]),
                name="one_active_lead_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.get_role_display()}）"

    @property
    def sent_from_label(self) -> str:
        """The office that routed the task and decides an objection to it."""
        return office_label(self.sent_from)


class Deadline(models.Model):  # 办理时限
    """One statutory clock. ``due_date`` and ``explanation`` come from daiban.workcal and are recomputed
    when the holiday schedule changes while the clock is open."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="deadlines")
    task = models.ForeignKey(
        UnitTask, null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    step = models.CharField("环节", max_length=20, choices=Step.choices)
    started_on = models.DateField("起算日")
    extra_days = models.PositiveSmallIntegerField("延长天数", default=0)
    excluded_days = models.PositiveSmallIntegerField("不计入天数", default=0)
    due_date = models.DateField("截止日", db_index=True)
    provisional = models.BooleanField("暂定", default=False)
    explanation = models.TextField("计算说明")
    is_open = models.BooleanField("计时中", default=True, db_index=True)
    met_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["is_open", "due_date"], name="deadline_open_due")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.due_date}"


class Event(models.Model):  # 事项时间线
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=32, choices=EventKind.choices)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)
    status_before = models.CharField(max_length=12, blank=True)
    status_after = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["matter_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["matter", "seq"], name="event_seq_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.summary}"


class Mediation(models.Model):  # 调解
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="mediations")
    mediated_at = models.DateTimeField("调解时间")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants = models.TextField("参加人员")
    terms = models.TextField("协议内容")
    performance_manner = models.CharField("履行方式", max_length=200)
    performance_deadline = models.DateField("履行期限")
    signed = models.BooleanField("各方已签字", default=False)


class Opinion(models.Model):  # 处理意见书 / 复查意见书 / 复核意见书
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="opinions")
    stage = models.CharField("阶段", max_length=10)  # handling / review / reexam / local
    unit = models.ForeignKey(
        ResponsibleUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("处理结果", max_length=12, choices=Outcome.choices)
    facts = models.TextField("查明事实")
    reasons = models.TextField("理由")
    basis = models.TextField("依据")
    issued_at = models.DateTimeField("出具时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The time limit for asking the next instance that this opinion opens once served (workcal key:
    # review_request after a handling opinion, reexam_request after a review opinion); "" for none (a
    # local answer, a re-examination opinion). The window counts from service, not issue (arts. 35–36).
    review_limit = models.CharField("申请复查（复核）时限", max_length=20, blank=True, default="")
    served_on = models.DateField("送达日期", null=True, blank=True)
    service_manner = models.CharField(
        "送达方式", max_length=12, choices=ServiceManner.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["issued_at", "id"]

    @property
    def awaiting_service(self) -> bool:
        """待送达: it opens a review window, and its service to the petitioner is not yet recorded."""
        return bool(self.review_limit) and self.served_on is None


class Review(models.Model):  # 复查 / 复核
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField("类型", max_length=8, choices=ReviewKind.choices)
    unit = models.ForeignKey(
        ResponsibleUnit, verbose_name="复查（复核）机关", on_delete=models.PROTECT, related_name="reviews"
    )
    requested_on = models.DateField("申请日期")
    reason = models.TextField("申请理由")
    hearing_days = models.PositiveSmallIntegerField("听证天数", default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    opinion = models.OneToOneField(
        Opinion, null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )

    class Meta:
        ordering = ["requested_on", "id"]
        constraints = [models.UniqueConstraint(fields=["matter", "kind"], name="one_review_of_each_kind")]


class Recusal(models.Model):  # 回避
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals")
    replacement = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("利害关系说明")
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "user"], name="recuse_once")]


class Attachment(models.Model):  # 附件
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=80, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()


__all__ = [
    "Attachment",
    "Deadline",
    "Event",
    "LegalChannel",
    "Matter",
    "MatterPetitioner",
    "Mediation",
    "NotAcceptedReason",
    "NumberSequence",
    "Opinion",
    "Petitioner",
    "Recusal",
    "Review",
    "UnitTask",
]
