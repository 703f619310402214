"""Written instruments (文书): issued, numbered, signed and served.

A document is issued once from the values of its matter (``data``, frozen) and its body rendered from its
kind's template (``body_html``, frozen); it never changes afterwards. A correction is a new version with the
same number that supersedes it (both kept); a cancellation keeps the number and says why. The one thing
added to an issued document is the petitioner's signature (a finger signature or a paper scan), once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.choices import ServiceManner
from daiban.matters.models import Matter


class DocumentStatus(models.TextChoices):
    ISSUED = "issued", "有效"
    SUPERSEDED = "superseded", "已被更正"
    CANCELLED = "cancelled", "已作废"


class DocumentSequence(models.Model):
    """Per issuing organisation, kind and year, the last serial handed out (row-locked while drawn)."""

    issuer_key = models.CharField(max_length=40)
    kind = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer_key", "kind", "year"], name="document_sequence_once")
        ]


class Document(models.Model):  # 文书
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=32)
    source_key = models.CharField("出具依据", max_length=40, blank=True, default="")
    title = models.CharField("标题", max_length=80)
    issuer_key = models.CharField(max_length=40)
    issuer_name = models.CharField("出具机关", max_length=80)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    number = models.CharField("文号", max_length=40)
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(
        "状态", max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    data = models.JSONField("出具时的数据", default=dict)
    body_html = models.TextField("正文")
    # The template as it was when issued: the signatures are added into it later, and an administrator
    # editing the county's template afterwards changes only documents issued from then on.
    template_name = models.CharField("模板", max_length=200, blank=True)
    template_source = models.TextField("模板内容", blank=True)
    issued_at = models.DateTimeField("出具时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    correction_reason = models.TextField("更正理由", blank=True)
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField("作废理由", blank=True)
    # Signed by the petitioner or the parties: finger signatures (``Signature`` rows) or a scan of the
    # paper-signed copy, recorded once by the agent who collected them.
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    signed_by_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scan = models.FileField("签字件扫描", upload_to="documents/scans/%Y/%m/", blank=True)
    scan_content_type = models.CharField(max_length=80, blank=True)
    revision = models.PositiveIntegerField("修订号", default=0)  # optimistic lock for sign/serve/cancel

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["matter_id", "issued_at", "id"]
        indexes = [models.Index(fields=["matter", "kind", "status"], name="document_matter_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_key", "kind", "year", "serial", "version"], name="document_number_version"
            ),
            # One valid document of a kind for one source at a time (a correction supersedes it first).
            models.UniqueConstraint(
                fields=["matter", "kind", "source_key"],
                condition=Q(status="issued"),
                name="one_valid_document_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def is_valid(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def number_label(self) -> str:
        return self.number if self.version == 1 else f"{self.number}（更正第{self.version - 1}版）"


class DocumentEvent(models.Model):  # 文书记录
    """Each change of a document (issued, signed, scan added, served, corrected, cancelled): who, when."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        ordering = ["document_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["document", "seq"], name="document_event_seq")]


class Signature(models.Model):  # 签名
    """One signer's finger signature on a document, in the order of its kind's signers."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    position = models.PositiveSmallIntegerField("顺序")
    signer = models.CharField("签署人", max_length=80)  # 委托人 张三 / 甲方 李四
    png = models.BinaryField("签名图像", editable=False)
    signed_at = models.DateTimeField("签署时间")

    class Meta:
        ordering = ["document_id", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="signature_once")]


class Service(models.Model):  # 送达记录
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="services")
    manner = models.CharField("送达方式", max_length=12, choices=ServiceManner.choices)
    served_on = models.DateField("送达日期")
    recipient = models.CharField("受送达人", max_length=64)
    note = models.CharField("送达说明", max_length=500, blank=True)
    recorded_at = models.DateTimeField("登记时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "送达记录"
        verbose_name_plural = "送达记录"
        ordering = ["document_id", "served_on", "id"]
        constraints = [models.UniqueConstraint(fields=["document"], name="document_served_once")]
