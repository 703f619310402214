"""政务服务代办: errands the network runs for villagers that are not petitions (社保认证, 证照, 补贴 …).
Counted in the agent's workload and the statistics; never part of the petition workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.prevention.models.base import EventBase, Scoped, scoped_indexes, scoped_status_indexes


class ErrandService(models.TextChoices):
    PENSION_CERT = "pension_cert", "养老保险资格认证"
    MEDICAL_INSURANCE = "medical", "医保参保与报销"
    CERTIFICATE = "certificate", "证照办理（身份证、户口、残疾证等）"
    SUBSIDY = "subsidy", "补贴申领（耕地地力、低保、高龄等）"
    HOUSING = "housing", "不动产与宅基地手续"
    EMPLOYMENT = "employment", "就业与社保关系"
    OTHER = "other", "其他政务服务"


class ErrandStatus(models.TextChoices):
    OPEN = "open", "办理中"
    DONE = "done", "已办成"
    NOT_DONE = "not_done", "未办成"


class NoticeMethod(models.TextChoices):
    IN_PERSON = "in_person", "当面告知"
    PHONE = "phone", "电话告知"
    MESSAGE = "message", "短信或微信"
    DELIVERED = "delivered", "送达材料上门"


class Errand(Scoped):  # 政务服务代办
    person = models.CharField("服务对象", max_length=40, help_text="姓名或称呼；不填身份证号")
    service = models.CharField("服务事项", max_length=16, choices=ErrandService.choices)
    description = models.CharField("具体事项", max_length=200)
    office = models.CharField("办理部门", max_length=80, help_text="如：旗社保中心、镇便民服务中心")
    requested_on = models.DateField("受托日期")
    promised_on = models.DateField("承诺办结日期")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代办员", on_delete=models.PROTECT, related_name="errands"
    )
    status = models.CharField("状态", max_length=10, choices=ErrandStatus.choices, default=ErrandStatus.OPEN)
    finished_on = models.DateField("办结日期", null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    notice_method = models.CharField("告知方式", max_length=10, choices=NoticeMethod.choices, blank=True)

    class Meta:
        verbose_name = "政务服务代办"
        verbose_name_plural = "政务服务代办"
        ordering = ["-requested_on", "-id"]
        indexes = [
            *scoped_indexes("err", "requested_on"),
            *scoped_status_indexes("err", "promised_on"),
            *scoped_status_indexes("err", "finished_on"),
            models.Index(fields=["agent", "status", "promised_on"], name="err_agent_open"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_service_display()}"


class ErrandEvent(EventBase):
    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["errand_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["errand", "seq"], name="errand_event_seq_unique")]
