"""The mediation dossier of a matter (调解卷宗): the sessions held (调解记录), the agreement the parties reach
(调解协议, 《人民调解法》第二十九条) with its parties and each party's obligations, the parties' application for
judicial confirmation (司法确认, art. 33: within 30 days of the agreement taking effect), and the record of how
each obligation was performed (履行情况).

A dossier is one row per matter, opened by the first thing recorded in it. It is the lock every mediation
action takes and the sequence of the dossier's own event log (``DossierEvent``), as supervision and
prevention keep theirs: the matter's timeline is the matter's own actions. The written 调解协议书 is a
document of the documents app (kind ``mediation_agreement``), issued, numbered and signed there from the
agreement's values; the agreement learns of the signing through the kind's ``on_signed``.

No party's ID number is stored: names and roles identify the parties in the agreement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.matters.models import Matter, Petitioner
from daiban.regions.models import Region


class Dossier(models.Model):  # 调解卷宗
    matter = models.OneToOneField(Matter, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField("建卷时间")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("版本", default=0)  # the seq of its last event

    class Meta:
        verbose_name = "调解卷宗"
        verbose_name_plural = "调解卷宗"

    def __str__(self) -> str:
        return f"调解卷宗（事项 {self.matter_id}）"


class DossierEvent(models.Model):
    """One change of a dossier, written in the transaction that made it (``seq`` = the dossier's version)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField("序号")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the system (a periodic reminder)
    kind = models.CharField("类型", max_length=32)
    summary = models.CharField("摘要", max_length=200)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="mediation_event_seq_unique")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.summary}"


# --------------------------------------------------------------------------------------------- sessions


class SessionOutcome(models.TextChoices):
    AGREED = "agreed", "达成调解协议"
    CONTINUING = "continuing", "继续调解"
    FAILED = "failed", "调解不成"


class MediationSession(models.Model):  # 调解记录: one sitting
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField("调解时间")
    place = models.CharField("调解地点", max_length=120)
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="调解人员（本系统用户）", blank=True, related_name="+"
    )
    mediator_names = models.CharField("人民调解员", max_length=200, blank=True)
    participants = models.TextField("参加人员")
    record = models.TextField("调解情况")  # what each side said, the mediators' advice, what was agreed
    outcome = models.CharField("调解结果", max_length=12, choices=SessionOutcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "调解记录"
        verbose_name_plural = "调解记录"
        ordering = ["dossier_id", "held_at", "id"]


# ------------------------------------------------------------------------------------------- agreements


class AgreementStatus(models.TextChoices):
    # Issued or not is the documents app's fact (a valid 调解协议书 for the agreement): see selectors.
    DRAFT = "draft", "待签署"
    SIGNED = "signed", "已签署生效"
    SUPERSEDED = "superseded", "已被变更协议取代"


class JudicialStatus(models.TextChoices):
    NONE = "", "未登记"
    APPLIED = "applied", "已申请司法确认"
    CONFIRMED = "confirmed", "人民法院已确认有效"
    REJECTED = "rejected", "人民法院不予确认"
    NOT_APPLIED = "not_applied", "当事人未申请司法确认"


JUDICIAL_DECIDED = (JudicialStatus.CONFIRMED, JudicialStatus.REJECTED)


class Agreement(models.Model):  # 调解协议
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="agreements")
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="+")  # the dossier's matter
    ordinal = models.PositiveSmallIntegerField("序号")  # the N-th agreement of the dossier
    revision = models.PositiveSmallIntegerField("版本", default=1)  # a change after signing is a new one
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(
        "状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    # The network office that organised the mediation: it issues (and numbers) the written agreement.
    office = models.ForeignKey(
        Region, verbose_name="组织调解的代办机构", on_delete=models.PROTECT, related_name="+"
    )
    committee = models.CharField("人民调解委员会", max_length=80)
    place = models.CharField("调解地点", max_length=120)
    facts = models.TextField("纠纷主要事实")
    issues = models.TextField("争议事项")
    other_terms = models.TextField("其他约定", blank=True)
    copies = models.PositiveSmallIntegerField("协议书份数")  # 一式N份: each party one, the committee one
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="调解人员（本系统用户）", blank=True, related_name="+"
    )
    mediator_names = models.CharField("人民调解员", max_length=200, blank=True)
    # Bumped by each edit of the content; frozen into the document, so signing a document issued from an
    # older content is refused until it is corrected (更正).
    content_rev = models.PositiveIntegerField("内容版本", default=1)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField("起草时间")
    signed_at = models.DateTimeField("签署生效时间", null=True, blank=True)
    signed_document_id = models.PositiveBigIntegerField("签署的文书", null=True, blank=True)
    # 司法确认: the parties may apply together within 30 days of the agreement taking effect (art. 33).
    judicial_until = models.DateField("可申请司法确认至", null=True, blank=True)
    judicial_explanation = models.TextField("期限计算说明", blank=True)
    judicial_status = models.CharField(
        "司法确认", max_length=12, choices=JudicialStatus.choices, blank=True, default=JudicialStatus.NONE
    )
    judicial_applied_on = models.DateField("申请日期", null=True, blank=True)
    judicial_decided_on = models.DateField("裁定日期", null=True, blank=True)
    judicial_court = models.CharField("人民法院", max_length=80, blank=True)
    judicial_note = models.CharField("说明", max_length=500, blank=True)
    version = models.PositiveIntegerField("版本", default=0)

    class Meta:
        verbose_name = "调解协议"
        verbose_name_plural = "调解协议"
        ordering = ["dossier_id", "ordinal", "revision"]
        indexes = [
            # The reminder scan: signed agreements without a judicial decision, by the window's end.
            models.Index(
                fields=["status", "judicial_status", "judicial_until"], name="agreement_judicial_due"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "ordinal", "revision"], name="agreement_revision_once"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        name = f"调解协议{self.ordinal}"
        return name if self.revision == 1 else f"{name}（变更第{self.revision - 1}次）"

    @property
    def source_key(self) -> str:
        """The documents app's key of this agreement's 调解协议书."""
        return f"agreement:{self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status != AgreementStatus.DRAFT


class PartyRole(models.TextChoices):
    A = "jia", "甲方"
    B = "yi", "乙方"
    C = "bing", "丙方"
    D = "ding", "丁方"
    E = "wu", "戊方"


class Party(models.Model):  # 当事人
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField("顺序")
    role = models.CharField("称谓", max_length=8, choices=PartyRole.choices)
    name = models.CharField("姓名或名称", max_length=60)
    # 身份或单位 in words (村民, 某物业公司 法定代表人李某); never an ID or phone number.
    description = models.CharField("身份或单位", max_length=120, blank=True)
    petitioner = models.ForeignKey(
        Petitioner,
        verbose_name="对应信访人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["agreement_id", "position"]
        constraints = [models.UniqueConstraint(fields=["agreement", "role"], name="party_role_once")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class ObligationStatus(models.TextChoices):
    PENDING = "pending", "待履行"
    DONE = "done", "已履行"
    LATE = "late", "逾期履行"  # done, after the deadline
    NOT_DONE = "not_done", "未履行"


FINISHED_OBLIGATION = (ObligationStatus.DONE, ObligationStatus.LATE)


class Obligation(models.Model):  # 义务: what one party must do, how and by when
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="obligations")
    position = models.PositiveSmallIntegerField("顺序")
    party = models.ForeignKey(
        Party, verbose_name="履行方", on_delete=models.CASCADE, related_name="obligations"
    )
    what = models.TextField("义务内容")
    manner = models.CharField("履行方式", max_length=200)
    deadline = models.DateField("履行期限")
    status = models.CharField(
        "履行情况", max_length=10, choices=ObligationStatus.choices, default=ObligationStatus.PENDING
    )
    done_on = models.DateField("履行完毕日期", null=True, blank=True)

    class Meta:
        verbose_name = "协议义务"
        verbose_name_plural = "协议义务"
        ordering = ["agreement_id", "position"]
        # The overdue scan: pending obligations by deadline.
        indexes = [models.Index(fields=["status", "deadline"], name="obligation_status_deadline")]

    def __str__(self) -> str:
        return f"{self.party}：{self.what[:20]}"


class PerformanceOutcome(models.TextChoices):
    DONE = "done", "已履行完毕"
    PARTLY = "partly", "部分履行"
    NOT_DONE = "not_done", "未履行（拒绝或无法履行）"


class Performance(models.Model):  # 履行记录: one check of one obligation
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="performances")
    outcome = models.CharField("履行情况", max_length=10, choices=PerformanceOutcome.choices)
    on = models.DateField("核实日期")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "履行记录"
        verbose_name_plural = "履行记录"
        ordering = ["obligation_id", "on", "id"]


# ------------------------------------------------------------------------------------------- reminders


class ReminderStage(models.TextChoices):
    JUDICIAL_DUE_SOON = "judicial_due_soon", "司法确认申请期限将满"
    OBLIGATION_OVERDUE = "obligation_overdue", "协议义务逾期未履行"


class Reminder(models.Model):
    """One per thing reminded (``key``: ``agreement:12:judicial_due_soon``, ``obligation:7:overdue``),
    inserted under its unique constraint: the periodic scan, run twice or on two consumers at once, reminds
    each thing once."""

    key = models.CharField(max_length=60, unique=True)
    stage = models.CharField("提醒", max_length=20, choices=ReminderStage.choices)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField("提醒时间")

    class Meta:
        verbose_name = "调解提醒"
        verbose_name_plural = "调解提醒"
        constraints = [
            models.CheckConstraint(
                condition=Q(stage="judicial_due_soon", obligation__isnull=True)
                | Q(stage="obligation_overdue", obligation__isnull=False),
                name="mediation_reminder_target",
            )
        ]
