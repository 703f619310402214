"""The 调解协议书 as a kind of the documents app: issued for an agreement of the matter (its source
``agreement:<id>``), numbered by the office that organised the mediation, rendered from the agreement's
values (``documents/kinds/mediation_agreement.html``) and signed by each party; its signing makes the
agreement take effect (``actions.agreement_signed``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from daiban.accounts.models import User
from daiban.documents import kinds
from daiban.documents.common import region_issuer
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter, office_label
from daiban.mediation.actions.signing import JUDICIAL_DAYS, agreement_id_of, agreement_signed
from daiban.mediation.models import Agreement, AgreementStatus
from daiban.mediation.selectors import KIND

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (the copies of an agreement: at most twenty)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"


def cn_date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _agreements(matter: Matter) -> list[Agreement]:
    """The matter's agreements, read once for a matter instance however many sources ask (the matter
    page lists every kind's sources and who may issue each)."""
    cached = kinds.cache(matter)
    memo: list[Agreement] | None = cached.get("mediation") if cached is not None else None
    if memo is None:
        memo = list(
            Agreement.objects.filter(matter_id=matter.pk)
            .select_related("office")
            .prefetch_related("parties")
            .order_by("ordinal", "revision")
        )
        if cached is not None:
            cached["mediation"] = memo
    return memo


def _agreement(matter: Matter, source_key: str) -> Agreement:
    pk = agreement_id_of(source_key)
    found = next((a for a in _agreements(matter) if a.pk == pk), None)
    if found is None:
        raise WrongState("未找到该调解协议。")
    return found


def _counts(agreement: Agreement) -> bool:
    return agreement.status != AgreementStatus.SUPERSEDED


def sources(matter: Matter) -> list[kinds.Source]:
    """The matter's agreements that are not replaced by a later change, drafts included."""
    rows = _agreements(matter)
    return [
        kinds.Source(
            key=a.source_key,
            label=f"{a.label}：" + " 与 ".join(f"{p.get_role_display()}{p.name}" for p in a.parties.all()),
        )
        for a in rows
        if _counts(a)
    ]


def mediator_list(agreement: Agreement) -> list[str]:
    users = [str(u) for u in agreement.mediators.order_by("display_name", "username")]
    typed = [n.strip() for n in agreement.mediator_names.replace("，", "、").replace(",", "、").split("、")]
    return users + [n for n in typed if n]


def data(matter: Matter, source_key: str) -> dict[str, Any]:
    """Plain values of the agreement for its template (frozen into the document when issued)."""
    a = _agreement(matter, source_key)
    parties = list(a.parties.all())
    obligations = list(a.obligations.select_related("party"))
    last_session = (
        a.dossier.sessions.order_by("-held_at").values_list("held_at", flat=True).first()
        if a.dossier_id
        else None
    )
    mediators = mediator_list(a)
    return {
        "matter_number": matter.number,
        "agreement_label": a.label,
        "revision": a.revision,
        "supersedes_label": a.supersedes.label if a.supersedes_id and a.supersedes else "",
        "content_rev": a.content_rev,
        "committee": a.committee,
        "office_name": office_label(a.office),
        "place": a.place,
        "mediated_on": cn_date(timezone.localdate(last_session)) if last_session else "",
        "parties": [
            {"role": p.get_role_display(), "name": p.name, "description": p.description} for p in parties
        ],
        "facts": a.facts,
        "issues": a.issues,
        "obligations": [
            {
                "party": f"{ob.party.get_role_display()} {ob.party.name}",
                "role": ob.party.get_role_display(),
                "name": ob.party.name,
                "what": ob.what,
                "manner": ob.manner,
                "deadline": cn_date(ob.deadline),
            }
            for ob in obligations
        ],
        "other_terms": a.other_terms,
        "mediators": mediators,
        "mediators_text": "、".join(mediators),
        "copies": a.copies,
        "copies_cn": cn_number(a.copies),
        "judicial_days": JUDICIAL_DAYS,
        "judicial_note": (
            "双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认；"
            "人民法院依法确认调解协议有效的，一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。"
        ),
    }


def issuer(matter: Matter, source_key: str) -> kinds.Issuer:
    return region_issuer(_agreement(matter, source_key).office)


def may_issue(user: User, matter: Matter, source_key: str) -> bool:
    """Any agreement of the matter not yet replaced (whoever acts on the matter: the documents app checks)."""
    pk = agreement_id_of(source_key)
    found = next((a for a in _agreements(matter) if a.pk == pk), None)
    return found is not None and _counts(found)


def refuse_cancel(document: Any) -> str | None:
    """The signed 调解协议书 of an agreement in force is not cancelled: the agreement would stay in force with
    no document; a change goes through a 变更协议."""
    signed = Agreement.objects.filter(signed_document_id=document.pk, status=AgreementStatus.SIGNED).exists()
    return "该调解协议已签署生效，协议书不能作废；各方同意变更的，请起草变更协议。" if signed else None


def signers(frozen: dict[str, Any]) -> list[str]:
    return [f"{p['role']} {p['name']}" for p in frozen.get("parties", [])]


def on_signed(actor: User, document: Any) -> None:
    agreement_signed(actor=actor, document=document)


def register() -> None:
    kinds.register(
        kinds.Kind(
            key=KIND,
            label="调解协议书",
            code="调",
            order=90,
            sources=sources,
            data=data,
            issuer=issuer,
            may_issue=may_issue,
            signers=signers,
            served=False,
            # The units that handle the matter may have mediated it themselves (the old 调解 step).
            units_see=True,
            on_signed=on_signed,
            refuse_cancel=refuse_cancel,
        )
    )
