"""矛盾纠纷排查台账: a conflict found before anyone petitions, and its life until it is settled, kept
under watch, turned into a petition (未诉先办) or handed to the body that should take it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.models import Matter
from daiban.network.models import ResponsibleUnit
from daiban.prevention.models.base import EventBase, Scoped, scoped_indexes, scoped_status_indexes


class ConflictKind(models.TextChoices):
    LAND = "land", "土地（承包、宅基地）"
    LABOUR = "labour", "劳资（欠薪）"
    NEIGHBOUR = "neighbour", "邻里"
    FAMILY = "family", "婚姻家庭"
    DEMOLITION = "demolition", "征地拆迁"
    PROPERTY = "property", "物业与住房"
    ENVIRONMENT = "environment", "环境污染"
    CONTRACT = "contract", "合同与债务"
    ACCIDENT = "accident", "交通事故与人身损害"
    MEDICAL = "medical", "医疗"
    OTHER = "other", "其他"


class RiskLevel(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较大"
    GRAVE = "grave", "重大"


# Days until the next follow-up (回访/复查) a screening gets when recorded, by risk.
REVIEW_DAYS = {RiskLevel.GENERAL: 15, RiskLevel.SERIOUS: 7, RiskLevel.GRAVE: 3}


class Source(models.TextChoices):
    VISIT = "visit", "走访排查"
    GRID = "grid", "网格员上报"
    PUBLIC = "public", "群众反映"
    DEPARTMENT = "department", "部门推送"
    HOTLINE = "hotline", "12345 热线转来"
    OTHER = "other", "其他"


class ScreeningStatus(models.TextChoices):
    WATCHING = "watching", "在控"
    RESOLVING = "resolving", "化解中"
    RESOLVED = "resolved", "已化解"
    STABILISED = "stabilised", "稳控"
    PETITION = "petition", "已转为信访事项"
    TRANSFERRED = "transferred", "已移交"


# Still needing the network's follow-up: these have a review date.
OPEN_SCREENING_STATUSES = [
    ScreeningStatus.WATCHING,
    ScreeningStatus.RESOLVING,
    ScreeningStatus.STABILISED,
]


class TransferTarget(models.TextChoices):
    MEDIATION = "mediation", "人民调解委员会"
    JUSTICE = "justice", "司法所"
    POLICE = "police", "派出所"
    COURT = "court", "人民法院（诉调对接）"
    OTHER = "other", "其他单位"


class Screening(Scoped):  # 矛盾纠纷排查
    number = models.CharField("排查编号", max_length=24, unique=True)
    place = models.CharField("具体地点", max_length=80, blank=True, help_text="如：三组、幸福小区 5 号楼")
    kind = models.CharField("纠纷类型", max_length=16, choices=ConflictKind.choices)
    title = models.CharField("纠纷摘要", max_length=80)
    description = models.TextField("纠纷情况")
    parties = models.TextField(
        "当事人", blank=True, help_text="姓名或称呼，不清楚的可先写“某户”；不填身份证号"
    )
    headcount = models.PositiveIntegerField("涉及人数", default=1)
    is_group = models.BooleanField("涉及群体", default=False)
    risk = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    risk_reason = models.TextField("风险研判理由")
    source = models.CharField("发现来源", max_length=12, choices=Source.choices)
    found_on = models.DateField("发现日期")
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        on_delete=models.PROTECT,
        related_name="responsible_screenings",
    )
    visit = models.ForeignKey(
        "prevention.Visit",
        verbose_name="发现于走访",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screenings",
    )
    status = models.CharField(
        "状态", max_length=12, choices=ScreeningStatus.choices, default=ScreeningStatus.WATCHING
    )
    # The next follow-up date while open (在控/化解中/稳控); None once closed. Early warnings look for the
    # ones past it.
    review_on = models.DateField("下次跟进日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    outcome = models.TextField("化解（稳控）情况", blank=True)
    matter = models.ForeignKey(
        Matter,
        verbose_name="转为信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screenings",
    )
    transfer_target = models.CharField("移交对象", max_length=12, choices=TransferTarget.choices, blank=True)
    transfer_unit = models.ForeignKey(
        ResponsibleUnit,
        verbose_name="接收单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_to = models.CharField("接收单位名称", max_length=80, blank=True)

    class Meta:
        verbose_name = "矛盾纠纷排查"
        verbose_name_plural = "矛盾纠纷排查台账"
        ordering = ["-found_on", "-id"]
        indexes = [
            *scoped_indexes("scr", "found_on"),
            *scoped_status_indexes("scr", "review_on"),
            models.Index(fields=["status", "review_on"], name="scr_status_review"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=OPEN_SCREENING_STATUSES) | Q(review_on__isnull=False),
                name="open_screening_has_review_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScreeningStatus.PETITION) | Q(matter__isnull=False),
                name="petition_screening_has_matter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SCREENING_STATUSES


class ScreeningEvent(EventBase):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = "排查跟进记录"
        verbose_name_plural = "排查跟进记录"
        ordering = ["screening_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "seq"], name="screening_event_seq_unique")
        ]
