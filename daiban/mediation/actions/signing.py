"""The parties signed the 调解协议书 (in the documents app, with a finger or a paper scan): the agreement takes
effect, the 30-day window for 司法确认 opens (art. 33 of the 人民调解法), and the matter's responsible agent
and the mediators are told until when the parties may apply."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from daiban.accounts.models import User
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter, Recusal
from daiban.mediation.actions.base import bump, record
from daiban.mediation.models import Agreement, AgreementStatus, Dossier, ObligationStatus
from daiban.notify import services
from daiban.workcal import calendar as workcal
from daiban.workcal.models import TimeUnit

__all__ = ["JUDICIAL_DAYS", "agreement_signed", "judicial_window", "recipients_of"]

JUDICIAL_DAYS = 30
NOTIFY_KIND = "mediation"


def judicial_window(signed_on: datetime.date) -> workcal.Deadline:
    """The last day to apply for 司法确认: 30 days from the day the agreement took effect (that day not
    counted), moved to the next working day when it falls on a rest day, as court time limits are."""
    return workcal.add_period(
        signed_on, JUDICIAL_DAYS, TimeUnit.CALENDAR_DAYS, start_label="调解协议生效之日"
    )


def agreement_id_of(source_key: str) -> int:
    """The agreement's id in a document's source key (``agreement:12``); 0, which matches nothing, otherwise."""
    kind, _, ref = (source_key or "").partition(":")
    return int(ref) if kind == "agreement" and ref.isascii() and ref.isdigit() and len(ref) <= 18 else 0


def recipients_of(agreement: Agreement, matter: Matter) -> list[User]:
    """Who is told about the agreement: the matter's responsible agent and the mediators who are users —
    not those who withdrew from the matter (回避)."""
    people = [matter.responsible_agent, *agreement.mediators.all()]
    recused = set(Recusal.objects.filter(matter_id=matter.pk).values_list("user_id", flat=True))
    return [u for u in dict.fromkeys(people) if u.is_active and u.pk not in recused]


def dossier_url(matter_id: int) -> str:
    return f"/mediation/matter/{matter_id}/"


def agreement_signed(*, actor: User, document: Any) -> Agreement:
    """``on_signed`` of the 调解协议书: inside the documents app's signing transaction. Refuses (and so
    undoes the signing) a document issued from an older content of the agreement, or of one replaced."""
    pk = agreement_id_of(document.source_key)
    # The dossier's lock first, then the agreement's: the order every mediation action takes
    # (``agreement_locked``), so signing and editing the agreement at once wait instead of deadlocking.
    dossier_id = (
        Agreement.objects.filter(pk=pk, matter_id=document.matter_id)
        .values_list("dossier_id", flat=True)
        .first()
    )
    if dossier_id is None:
        raise WrongState("未找到该协议书对应的调解协议。")
    dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
    agreement = Agreement.objects.select_for_update().filter(pk=pk, matter_id=document.matter_id).first()
    if agreement is None:
        raise WrongState("未找到该协议书对应的调解协议。")
    if agreement.status == AgreementStatus.SUPERSEDED:
        raise WrongState("该调解协议已被变更协议取代，不能再签署。")
    if (document.data or {}).get("content_rev") != agreement.content_rev:
        raise WrongState("调解协议在协议书出具后又修改过：请先“更正”协议书（生成新版本），再请各方签署。")
    number = getattr(document, "number", "")
    if agreement.status == AgreementStatus.SIGNED:
        # A corrected version of a signed agreement's document, signed again: the agreement took effect on
        # its first signing and its window stays.
        agreement.signed_document_id = document.pk
        bump(agreement)
        record(
            dossier,
            actor,
            "resigned",
            f"{agreement.label}更正后的协议书（{number}）已重新签署",
            {"agreement": agreement.pk},
        )
        return agreement
    signed_at = document.signed_at
    signed_on = timezone.localdate(signed_at)
    # An obligation due before the parties sign would be overdue the moment the agreement takes effect:
    # the deadline is a mistake to correct first, not something to sign.
    late = [
        o
        for o in agreement.obligations.order_by("position")
        if o.status == ObligationStatus.PENDING and o.deadline < signed_on
    ]
    if late:
        raise WrongState(
            f"第 {late[0].position + 1} 项义务的履行期限（{late[0].deadline:%Y年%m月%d日}）早于签署日期："
            "请先修改调解协议的履行期限并“更正”协议书，再请各方签署。"
        )
    window = judicial_window(signed_on)
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_at = signed_at
    agreement.signed_document_id = document.pk
    agreement.judicial_until = window.due
    agreement.judicial_explanation = window.explanation
    bump(agreement)
    record(
        dossier,
        actor,
        "signed",
        f"{agreement.label}（{number}）各方已签署，协议生效；可申请司法确认至 {window.due:%Y年%m月%d日}",
        {"agreement": agreement.pk, "document": document.pk, "judicial_until": window.due.isoformat()},
    )
    old = agreement.supersedes
    if old is not None and old.status == AgreementStatus.SIGNED:
        old = Agreement.objects.select_for_update().get(pk=old.pk)
        old.status = AgreementStatus.SUPERSEDED
        bump(old)
        record(
            dossier,
            actor,
            "superseded",
            f"{old.label}已被变更协议（{agreement.label}）取代",
            {"agreement": old.pk},
        )
    matter = Matter.objects.select_related("responsible_agent").get(pk=agreement.matter_id)
    services.notify(
        recipients=recipients_of(agreement, matter),
        kind=NOTIFY_KIND,
        key=f"agreement:{agreement.pk}:signed",
        text=(
            f"事项 {matter.number} 的{agreement.label}已于 {signed_on:%Y年%m月%d日} 签署生效。"
            f"当事人可自协议生效之日起三十日内（至 {window.due:%Y年%m月%d日}）共同向人民法院申请司法确认，"
            "请告知当事人，并登记是否申请。"
        ),
        matter_id=matter.pk,
        url=dossier_url(matter.pk),
    )
    return agreement
