"""Reads of mediation dossiers, always through the reader's jurisdiction (``matters_for``), and the summaries
the pages show: each obligation's state on a day, an agreement's performance, where it stands with its
written 调解协议书 (a document of the documents app) and with 司法确认.

Who reads a dossier: whoever can open its matter. Who writes: whoever acts on the matter
(``matters.rules.acts_on``: the network's staff along its path, the units with an active task, its 包案
leaders) and has not stepped back from it (回避); supervisors and other leaders in scope only read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from daiban.accounts.models import AGENT_ROLES, User
from daiban.documents.models import Document, DocumentStatus
from daiban.matters import rules
from daiban.matters.choices import Status
from daiban.matters.models import Matter, Mediation, Recusal
from daiban.matters.selectors import matters_for
from daiban.mediation.models import (
    Agreement,
    AgreementStatus,
    Dossier,
    JudicialStatus,
    Obligation,
    ObligationStatus,
)
from daiban.regions import geometry

KIND = "mediation_agreement"  # the documents app's kind of the written agreement (调解协议书)

NOT_ACTING = "只有承办本事项的人员（沿途代办机构、在办交办单位、包案领导）可以记录调解。"
RECUSED = "您已就本事项申请回避，不能再办理。"


# ------------------------------------------------------------------------------------------- scope


def matter_for(user: User, matter_id: int) -> Matter | None:
    """The matter if ``user`` can open it, else None (the page answers 404)."""
    return matters_for(user).select_related("region", "responsible_agent").filter(pk=matter_id).first()


def agreements_for(user: User) -> QuerySet[Agreement]:
    return Agreement.objects.filter(matter_id__in=matters_for(user).values("pk"))


def obligations_for(user: User) -> QuerySet[Obligation]:
    return Obligation.objects.filter(agreement__matter_id__in=matters_for(user).values("pk"))


def write_refusal(user: User, matter: Matter) -> str | None:
    """Why ``user`` may not record anything in the matter's dossier, or None when they may."""
    if not rules.acts_on(user, matter):
        return NOT_ACTING
    if Recusal.objects.filter(matter=matter, user=user).exists():
        return RECUSED
    return None


def may_write(user: User, matter: Matter) -> bool:
    return write_refusal(user, matter) is None


@dataclass(frozen=True)
class PanelFacts:
    dossier_id: int | None
    has_old_record: bool  # the matter's own 调解 step (matters.Mediation) was recorded
    may_write: bool


def panel_facts(user: User, matter: Matter) -> PanelFacts:
    """What the matter page's section needs to decide whether it shows, in one query (the matter page
    keeps a budget of queries)."""
    row = (
        Matter.objects.filter(pk=matter.pk)
        .annotate(
            dossier_pk=Subquery(Dossier.objects.filter(matter_id=OuterRef("pk")).values("pk")[:1]),
            has_old=Exists(Mediation.objects.filter(matter_id=OuterRef("pk"))),
            recused=Exists(Recusal.objects.filter(matter_id=OuterRef("pk"), user_id=user.pk)),
        )
        .values("dossier_pk", "has_old", "recused")
        .get()
    )
    return PanelFacts(
        dossier_id=row["dossier_pk"],
        has_old_record=row["has_old"],
        may_write=rules.acts_on(user, matter) and not row["recused"],
    )


def dossier_of(matter_id: int) -> Dossier | None:
    return Dossier.objects.filter(matter_id=matter_id).first()


def mediator_choices(matter: Matter) -> QuerySet[User]:
    """Whom a session or agreement may name as its mediators among the system's users: the active staff of
    the network offices along the matter's path (its village point, township station, county centre)."""
    paths = geometry.ancestor_paths(matter.region_path)[1:] or geometry.ancestor_paths(matter.region_path)
    return (
        User.objects.filter(is_active=True, role__in=AGENT_ROLES, region__path__in=paths)
        .select_related("region")
        .order_by("region__path", "display_name", "username")
    )


def may_start(matter: Matter) -> str | None:
    """Why nothing new (a session, an agreement) can be started on the matter now, or None."""
    if matter.status == Status.CLOSED:
        return "事项已办结，不能再记录调解或起草调解协议。"
    if matter.is_accusation:
        return "检举控告类事项不适用调解。"
    return None


# ---------------------------------------------------------------------------------------- documents


def valid_documents(matter_id: int, agreements: Iterable[Agreement]) -> dict[int, Document]:
    """The valid (not cancelled, not corrected) 调解协议书 of each agreement that has one, by agreement id."""
    keys = {a.source_key: a.pk for a in agreements}
    if not keys:
        return {}
    docs = Document.objects.filter(
        matter_id=matter_id, kind=KIND, source_key__in=list(keys), status=DocumentStatus.ISSUED
    )
    return {keys[d.source_key]: d for d in docs}


def agreement_state(agreement: Agreement, document: Document | None) -> str:
    """Where the agreement stands, in words: 草拟中 → 已出具待签署 → 已签署生效 (→ 已被变更协议取代)."""
    if agreement.status == AgreementStatus.SUPERSEDED:
        return AgreementStatus.SUPERSEDED.label
    if agreement.status == AgreementStatus.SIGNED:
        return AgreementStatus.SIGNED.label
    return "已出具协议书，待各方签署" if document is not None else "草拟中（协议书未出具）"


# ---------------------------------------------------------------------------------------- performance


OVERDUE = "overdue"  # pending past its deadline (computed, never stored)


def obligation_state(ob: Obligation, today: datetime.date) -> str:
    """done / late / not_done / pending, or ``overdue`` for a pending obligation past its deadline."""
    if ob.status == ObligationStatus.PENDING and ob.deadline < today:
        return OVERDUE
    return str(ob.status)


STATE_LABELS = {
    ObligationStatus.PENDING.value: "待履行",
    OVERDUE: "逾期未履行",
    ObligationStatus.DONE.value: "已履行",
    ObligationStatus.LATE.value: "逾期履行",
    ObligationStatus.NOT_DONE.value: "未履行",
}


@dataclass
class Performance:
    """How an agreement's obligations stand: counts and one word for the whole."""

    total: int = 0
    done: int = 0  # on time
    late: int = 0  # done after the deadline
    not_done: int = 0
    pending: int = 0  # not yet due
    overdue: int = 0  # pending past the deadline
    overdue_items: list[Obligation] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return self.done + self.late

    @property
    def state(self) -> str:
        """performed / partly / not_performed / in_progress / none."""
        if not self.total:
            return "none"
        if self.pending or self.overdue:
            return "in_progress"
        if self.finished == self.total:
            return "performed"
        return "partly" if self.finished else "not_performed"

    @property
    def label(self) -> str:
        return {
            "none": "无履行义务",
            "in_progress": "履行中",
            "performed": "已全部履行",
            "partly": "部分履行",
            "not_performed": "未履行",
        }[self.state]

    @property
    def text(self) -> str:
        """共 3 项义务：已履行 1 项，逾期履行 1 项，逾期未履行 1 项."""
        parts = [
            (self.done, "已履行"),
            (self.late, "逾期履行"),
            (self.not_done, "未履行"),
            (self.overdue, "逾期未履行"),
            (self.pending, "待履行（未到期）"),
        ]
        listed = "，".join(f"{label} {n} 项" for n, label in parts if n)
        return f"共 {self.total} 项义务：{listed}" if self.total else "协议未约定履行义务"


def performance(obligations: Iterable[Obligation], today: datetime.date) -> Performance:
    result = Performance()
    for ob in obligations:
        result.total += 1
        state = obligation_state(ob, today)
        if state == OVERDUE:
            result.overdue += 1
            result.overdue_items.append(ob)
        else:
            setattr(result, state, getattr(result, state) + 1)
    return result


def judicial_text(agreement: Agreement, today: datetime.date) -> str:
    """The 司法确认 line of an agreement: what was recorded, or the window and how much of it is left."""
    if agreement.status == AgreementStatus.DRAFT:
        return "协议签署生效后，双方可自生效之日起三十日内共同向人民法院申请司法确认。"
    status = agreement.judicial_status
    court = agreement.judicial_court
    if status == JudicialStatus.APPLIED:
        return f"已于 {_cn(agreement.judicial_applied_on)} 向{court or '人民法院'}申请司法确认，待裁定。"
    if status in (JudicialStatus.CONFIRMED, JudicialStatus.REJECTED):
        verdict = "裁定确认协议有效" if status == JudicialStatus.CONFIRMED else "裁定不予确认"
        return f"{court or '人民法院'}于 {_cn(agreement.judicial_decided_on)} {verdict}。"
    if status == JudicialStatus.NOT_APPLIED:
        return (
            "当事人未申请司法确认"
            + (f"（{agreement.judicial_note}）" if agreement.judicial_note else "")
            + "。"
        )
    until = agreement.judicial_until
    if until is None:
        return "未登记司法确认情况。"
    if today > until:
        return f"申请期限已于 {_cn(until)} 届满，未登记是否申请司法确认。"
    return f"双方可在 {_cn(until)} 之前（含当日）共同向人民法院申请司法确认（还有 {(until - today).days} 天），尚未登记。"


def _cn(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def current_agreements(agreements: Iterable[Agreement]) -> list[Agreement]:
    """The agreements that count for the matter's resolution: signed and not replaced by a later change."""
    return [a for a in agreements if a.status == AgreementStatus.SIGNED]
