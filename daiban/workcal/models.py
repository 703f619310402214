"""The official holiday schedule (节假日安排) and the configurable statutory time limits (时限).

Nothing here computes a deadline: that is :mod:`daiban.workcal.calendar`, the one place every deadline in
the system comes from.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class ScheduleSource(models.TextChoices):
    BUILTIN = "chinesecalendar", "内置国务院安排"
    MANUAL = "manual", "管理员录入"


class TimeUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", "自然日"
    WORKING_DAYS = "working_days", "工作日"


class DueStatus(models.TextChoices):
    """How close a deadline is; 临期 means at most ``settings.DUE_SOON_DAYS`` calendar days remain."""

    NORMAL = "normal", "正常"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "超期"


class ScheduleYear(models.Model):  # 年度节假日安排
    """One year's official schedule as entered by an administrator.

    A year listed here *and marked published* overrides the built-in (chinesecalendar) data for that year:
    its listed days are the holidays and make-up working days, every other day follows Monday–Friday. A
    draft (not yet published) changes nothing, so a half-entered year never passes for the official one. A
    year with no row here and no built-in data is *unknown*: its days are guessed from the holiday law
    (``schedule.statutory_holidays``) and deadlines that touch it are provisional.
    """

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(
        "来源", max_length=20, choices=ScheduleSource.choices, default=ScheduleSource.MANUAL
    )
    note = models.TextField(
        "备注", blank=True, help_text="如：国务院办公厅关于该年部分节假日安排的通知（文号）"
    )
    is_published = models.BooleanField(
        "已完整录入并生效",
        default=False,
        help_text="录入该年全部节假日和调休上班日、核对无误后再勾选。未勾选时本年按内置数据，"
        "或按《全国年节及纪念日放假办法》规定的法定节假日推算并标注“暂定”；"
        "勾选后将取代内置数据，在办事项的期限随即重新计算。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"


class ScheduleDay(models.Model):  # 节假日或调休上班日
    """A day whose status differs from, or needs a name beyond, the Monday–Friday rule."""

    year = models.ForeignKey(
        ScheduleYear, verbose_name="所属年度安排", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "工作日", default=False, help_text="放假日不勾选；调休上班的周六、周日勾选"
    )
    name = models.CharField("名称", max_length=32, blank=True, help_text="如：国庆节、调休上班")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日或调休日"
        verbose_name_plural = "节假日或调休日"
        ordering = ["date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date.isoformat()} {self.name or kind}"

    def clean(self) -> None:
        super().clean()
        if self.date is None or self.year_id is None:
            return
        schedule_year = self.year.year
        # A year's official notice may also move late-December days of the previous year (e.g. a make-up
        # Saturday before New Year's Day), so those are accepted too.
        if self.date.year != schedule_year and not (
            self.date.year == schedule_year - 1 and self.date.month == 12
        ):
            raise ValidationError({"date": f"日期须在 {schedule_year} 年内（或上一年 12 月，用于跨年调休）"})


class TimeLimit(models.Model):  # 时限
    """A statutory time limit (信访工作条例 2022) with its local configuration.

    Code refers to limits by ``key``; the seeded keys are the defaults of domain.md §3.
    """

    key = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    length = models.PositiveSmallIntegerField("期限", validators=[MinValueValidator(1)])
    unit = models.CharField("计算单位", max_length=20, choices=TimeUnit.choices)
    start_event = models.CharField(
        "起算事件", max_length=80, help_text="期限自哪一事件的次日起算，如：受理之日"
    )
    article = models.CharField("依据", max_length=60, blank=True, help_text="如：第二十二条")
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "法定时限"
        verbose_name_plural = "法定时限"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.length} 个{self.get_unit_display()}）"
