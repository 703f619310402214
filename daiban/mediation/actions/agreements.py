"""调解协议 (《人民调解法》第二十九条): the parties, the main facts, the disputed issues, each party's
obligations with manner and deadline, drafted from the sessions and edited until it is signed.

The written 调解协议书 is issued and signed in the documents app from these values (never retyped). While
unsigned the agreement may still be edited: a document already issued then no longer matches, and the
parties can sign only once it is corrected (更正: a new version of the document with the same number).
Once signed, the agreement never changes; a change the parties agree later is a new agreement (变更协议)
that replaces it when signed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter
from daiban.matters.rules import HOLDER_ROLES
from daiban.mediation import selectors
from daiban.mediation.actions.base import (
    RowError,
    agreement_locked,
    bump,
    dossier_locked,
    fail,
    optional_text,
    plain_name,
    record,
    require_text,
)
from daiban.mediation.actions.sessions import mediators_from
from daiban.mediation.models import (
    Agreement,
    AgreementStatus,
    Dossier,
    Obligation,
    Party,
    PartyRole,
)
from daiban.regions import geometry
from daiban.regions.models import Region

__all__ = [
    "MAX_OBLIGATIONS",
    "MAX_PARTIES",
    "ObligationInput",
    "PartyInput",
    "agreement_draft",
    "agreement_edit",
    "agreement_revise",
]

MAX_PARTIES = 5
MAX_OBLIGATIONS = 20
MAX_FACTS = 4_000
MAX_ISSUES = 2_000
MAX_TERMS = 2_000
MAX_WHAT = 500
MAX_MANNER = 200
DEADLINE_YEARS = 5


@dataclass(frozen=True)
class PartyInput:
    role: str  # a PartyRole value (甲方, 乙方 …); "" for the one of its place (the first is 甲方)
    name: str
    description: str = ""
    petitioner_id: int | None = None  # one of the matter's petitioners, when the party is one


@dataclass(frozen=True)
class ObligationInput:
    party_role: str  # the role of the party that owes it
    what: str
    manner: str
    deadline: datetime.date | None


@dataclass(frozen=True)
class Content:
    committee: str
    place: str
    facts: str
    issues: str
    other_terms: str
    mediators: list[User]
    mediator_names: str
    parties: list[PartyInput]
    obligations: list[ObligationInput]


def _parties(matter: Matter, parties: Sequence[PartyInput]) -> list[PartyInput]:
    """The parties in order; without a role given, the n-th is 甲方, 乙方, 丙方 … by its place."""
    if len(parties) < 2:
        raise fail("parties", "请填写至少两方当事人。")
    if len(parties) > MAX_PARTIES:
        raise fail("parties", f"当事人不能超过 {MAX_PARTIES} 方。")
    petitioners = set(matter.petitioner_links.values_list("petitioner_id", flat=True))
    seen: set[str] = set()
    cleaned = []
    for i, p in enumerate(parties):

        def error(message: str, field: str = "name", i: int = i) -> RowError:
            return RowError("parties", i, field, f"第 {i + 1} 方当事人：{message}")

        role = p.role or PartyRole.values[i]
        if role not in PartyRole.values:
            raise error("请选择称谓（甲方、乙方……）。", "role")
        if role in seen:
            raise error(f"称谓“{PartyRole(role).label}”重复，每方当事人的称谓不同。", "role")
        seen.add(role)
        name = plain_name(p.name, "姓名或名称", 60, required=True, error=error)
        description = plain_name(
            p.description, "身份或单位", 120, required=False, error=lambda m: error(m, "description")
        )
        if p.petitioner_id is not None and p.petitioner_id not in petitioners:
            raise error("所选信访人不是本事项的信访人。", "petitioner")
        cleaned.append(PartyInput(role, name, description, p.petitioner_id))
    return cleaned


def _obligations(parties: list[PartyInput], obligations: Sequence[ObligationInput]) -> list[ObligationInput]:
    if not obligations:
        raise fail("obligations", "请填写至少一项当事人的义务（履行内容、方式和期限）。")
    if len(obligations) > MAX_OBLIGATIONS:
        raise fail("obligations", f"义务不能超过 {MAX_OBLIGATIONS} 项。")
    roles = {p.role for p in parties}
    today = clock.today()
    latest = today + datetime.timedelta(days=366 * DEADLINE_YEARS)
    cleaned = []
    for i, ob in enumerate(obligations):

        def error(message: str, field: str, i: int = i) -> RowError:
            return RowError("obligations", i, field, f"第 {i + 1} 项义务：{message}")

        if ob.party_role not in roles:
            raise error("请选择履行义务的当事人（须是上面填写的一方）。", "party_role")
        what = (ob.what or "").strip()
        if not what:
            raise error("请填写义务内容。", "what")
        if len(what) > MAX_WHAT:
            raise error(f"义务内容不能超过 {MAX_WHAT} 个字。", "what")
        manner = (ob.manner or "").strip()
        if not manner:
            raise error("请填写履行方式。", "manner")
        if len(manner) > MAX_MANNER:
            raise error(f"履行方式不能超过 {MAX_MANNER} 个字。", "manner")
        if ob.deadline is None:
            raise error("请填写履行期限。", "deadline")
        if ob.deadline < today:
            raise error("履行期限不能早于今天。", "deadline")
        if ob.deadline > latest:
            raise error(f"履行期限不能晚于 {DEADLINE_YEARS} 年后（{latest:%Y年%m月%d日}）。", "deadline")
        cleaned.append(ObligationInput(ob.party_role, what, manner, ob.deadline))
    return cleaned


def _content(
    matter: Matter,
    *,
    committee: str,
    place: str,
    facts: str,
    issues: str,
    other_terms: str,
    mediators: Sequence[User | int],
    mediator_names: str,
    parties: Sequence[PartyInput],
    obligations: Sequence[ObligationInput],
) -> Content:
    committee = plain_name(
        committee, "人民调解委员会", 80, required=True, error=lambda m: fail("committee", m)
    )
    place = require_text("place", place, "调解地点", 120)
    facts = require_text("facts", facts, "纠纷主要事实", MAX_FACTS)
    issues = require_text("issues", issues, "争议事项", MAX_ISSUES)
    other_terms = optional_text("other_terms", other_terms, "其他约定", MAX_TERMS)
    chosen, names = mediators_from(matter, mediators, mediator_names)
    clean_parties = _parties(matter, parties)
    clean_obligations = _obligations(clean_parties, obligations)
    return Content(
        committee, place, facts, issues, other_terms, chosen, names, clean_parties, clean_obligations
    )


def _write(agreement: Agreement, content: Content) -> None:
    """Put the content on the (saved) agreement; its parties and obligations are replaced."""
    agreement.committee = content.committee
    agreement.place = content.place
    agreement.facts = content.facts
    agreement.issues = content.issues
    agreement.other_terms = content.other_terms
    # 一式N份: one for each party and one kept by the committee (art. 29).
    agreement.copies = len(content.parties) + 1
    agreement.mediator_names = content.mediator_names
    agreement.save()
    agreement.mediators.set(content.mediators)
    agreement.obligations.all().delete()
    agreement.parties.all().delete()
    by_role = {}
    for i, p in enumerate(content.parties):
        by_role[p.role] = Party.objects.create(
            agreement=agreement,
            position=i,
            role=p.role,
            name=p.name,
            description=p.description,
            petitioner_id=p.petitioner_id,
        )
    for i, ob in enumerate(content.obligations):
        assert ob.deadline is not None
        Obligation.objects.create(
            agreement=agreement,
            position=i,
            party=by_role[ob.party_role],
            what=ob.what,
            manner=ob.manner,
            deadline=ob.deadline,
        )


def mediating_office(actor: User, matter: Matter) -> Region:
    """The office that organised the mediation and issues the agreement: the actor's own, when it is a
    network office along the matter's path; otherwise the county centre of the matter."""
    region = actor.region if actor.region_id else None
    if (
        actor.role in HOLDER_ROLES
        and region is not None
        and geometry.contains(region.path, matter.region_path)
    ):
        return region
    paths = geometry.ancestor_paths(matter.region_path)
    return Region.objects.get(path=paths[min(1, len(paths) - 1)])


def _summary(content: Content) -> str:
    names = "、".join(f"{PartyRole(p.role).label}{p.name}" for p in content.parties)
    return f"{names}；{len(content.obligations)} 项义务"


def _open_draft(dossier: Dossier) -> Agreement | None:
    return dossier.agreements.filter(status=AgreementStatus.DRAFT).first()


def agreement_draft(
    *,
    actor: User,
    matter_id: int,
    committee: str,
    place: str,
    facts: str,
    issues: str,
    other_terms: str = "",
    mediators: Sequence[User | int] = (),
    mediator_names: str = "",
    parties: Sequence[PartyInput],
    obligations: Sequence[ObligationInput],
) -> Agreement:
    """起草调解协议 on an open matter; one unsigned agreement at a time per dossier."""
    with dossier_locked(actor, matter_id, starting=True) as (matter, dossier):
        if _open_draft(dossier) is not None:
            raise WrongState("本事项已有一份待签署的调解协议，请修改或签署该协议。")
        content = _content(
            matter,
            committee=committee,
            place=place,
            facts=facts,
            issues=issues,
            other_terms=other_terms,
            mediators=mediators,
            mediator_names=mediator_names,
            parties=parties,
            obligations=obligations,
        )
        ordinal = (dossier.agreements.aggregate(n=Max("ordinal"))["n"] or 0) + 1
        agreement = Agreement(
            dossier=dossier,
            matter=matter,
            ordinal=ordinal,
            office=mediating_office(actor, matter),
            drafted_by=actor,
            drafted_at=clock.now(),
        )
        _write(agreement, content)
        record(
            dossier,
            actor,
            "draft",
            f"起草{agreement.label}：{_summary(content)}",
            {"agreement": agreement.pk},
        )
    return agreement


def agreement_edit(
    *,
    actor: User,
    agreement_id: int,
    expected_version: int | None,
    committee: str,
    place: str,
    facts: str,
    issues: str,
    other_terms: str = "",
    mediators: Sequence[User | int] = (),
    mediator_names: str = "",
    parties: Sequence[PartyInput],
    obligations: Sequence[ObligationInput],
) -> Agreement:
    """修改调解协议 while it is unsigned. A 调解协议书 already issued must then be corrected (更正) before
    the parties sign it."""
    with agreement_locked(actor, agreement_id, expected_version) as (matter, dossier, agreement):
        if agreement.status != AgreementStatus.DRAFT:
            raise WrongState("调解协议已签署生效，不能修改；各方同意变更的，请起草变更协议。")
        reason = selectors.may_start(matter)
        if reason is not None:
            raise WrongState(reason)
        content = _content(
            matter,
            committee=committee,
            place=place,
            facts=facts,
            issues=issues,
            other_terms=other_terms,
            mediators=mediators,
            mediator_names=mediator_names,
            parties=parties,
            obligations=obligations,
        )
        agreement.content_rev += 1
        _write(agreement, content)
        bump(agreement)
        record(
            dossier, actor, "edit", f"修改{agreement.label}：{_summary(content)}", {"agreement": agreement.pk}
        )
    return agreement


def agreement_revise(
    *, actor: User, agreement_id: int, expected_version: int | None, reason: str
) -> Agreement:
    """起草变更协议: the parties agree to change a signed agreement. A new draft is made from it (the same
    parties, facts and obligations, to be edited); when it is signed it replaces the old one, whose
    performance records stay with it."""
    reason = require_text("reason", reason, "变更原因", 500)
    with agreement_locked(actor, agreement_id, expected_version) as (matter, dossier, old):
        if old.status != AgreementStatus.SIGNED:
            raise WrongState("只有已签署生效的调解协议可以变更；未签署的协议请直接修改。")
        why = selectors.may_start(matter)
        if why is not None:
            raise WrongState(why)
        if Agreement.objects.filter(supersedes=old).exists() or _open_draft(dossier) is not None:
            raise WrongState("本事项已有一份待签署的调解协议，请修改或签署该协议。")
        new = Agreement(
            dossier=dossier,
            matter=matter,
            ordinal=old.ordinal,
            revision=old.revision + 1,
            supersedes=old,
            office=old.office,
            drafted_by=actor,
            drafted_at=clock.now(),
        )
        content = Content(
            committee=old.committee,
            place=old.place,
            facts=old.facts,
            issues=old.issues,
            other_terms=old.other_terms,
            mediators=list(old.mediators.all()),
            mediator_names=old.mediator_names,
            parties=[PartyInput(p.role, p.name, p.description, p.petitioner_id) for p in old.parties.all()],
            obligations=[
                ObligationInput(o.party.role, o.what, o.manner, o.deadline)
                for o in old.obligations.select_related("party")
            ],
        )
        _write(new, content)
        bump(old)
        record(
            dossier,
            actor,
            "revise",
            f"起草变更协议（{new.label}），变更原因：{reason}",
            {"agreement": new.pk, "supersedes": old.pk, "reason": reason},
        )
    return new
