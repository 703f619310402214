"""救助转介 (art. 37 — 对生活确有困难的信访人，帮助其申请社会救助或司法救助): the agent refers a petitioner in
hardship to 民政 (social assistance) or to a 政法 organ (judicial assistance) and records what came of it.

Both are matter actions of the workflow registry: the matter row is locked, the version checked, the rule
run, the referral written and the event recorded in one transaction (``locked`` / ``record``)."""

from __future__ import annotations

import decimal

from django.db.models import QuerySet

from daiban.accounts.models import User
from daiban.assistance import rules
from daiban.assistance.models import KIND_DOMAINS, RECEIVING_DOMAINS, Outcome, Referral, ReferralKind
from daiban.core import clock
from daiban.matters.actions.base import choice, fail, locked, record, require_text
from daiban.matters.choices import EventKind
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter
from daiban.network.models import ResponsibleUnit
from daiban.regions.geometry import at_or_above_q, contains

__all__ = ["receiving_organs", "referral_outcome", "referral_record"]

MAX_AMOUNT = decimal.Decimal("99999999.99")


def receiving_organs(matter: Matter, kind: str | None = None) -> QuerySet[ResponsibleUnit]:
    """Active 民政 / 政法 organs at the matter's place or above it (the township's 司法所, the county's
    民政局 and 法院, the city's), by region and name."""
    domains = KIND_DOMAINS.get(kind or "", RECEIVING_DOMAINS)
    return ResponsibleUnit.objects.filter(
        at_or_above_q(matter.region_path), is_active=True, domain__in=domains
    ).order_by("region_path", "domain", "name")


def referral_record(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    kind: str,
    organ: ResponsibleUnit | None,
    hardship: str,
) -> Matter:
    """转介救助: refer the petitioner of ``matter_id`` to ``organ`` for ``kind`` assistance."""
    with locked(actor, matter_id, expected_version) as m:
        rules.refer(actor, m)
        kind = choice("kind", kind, ReferralKind, "救助类别")
        if organ is None:
            raise fail("organ", "请选择接收单位。")
        if organ.domain not in KIND_DOMAINS[kind] or not organ.is_active:
            raise fail("organ", f"{ReferralKind(kind).label}应转介至相应的接收单位，请重新选择接收单位。")
        if not contains(organ.region_path, m.region_path):
            raise fail("organ", "接收单位应是事项发生地或其上级的单位。")
        hardship = require_text("hardship", hardship, "困难情况", 2000)
        referral = Referral.objects.create(
            matter=m,
            kind=kind,
            organ=organ,
            hardship=hardship,
            referred_by=actor,
            referred_at=clock.now(),
        )
        record(
            m,
            actor,
            EventKind.ASSISTANCE_REFERRAL,
            f"转介{ReferralKind(kind).label}：{organ.name}（《信访工作条例》第三十七条）",
            {"referral": referral.pk, "kind": kind, "organ": organ.name, "hardship": hardship},
            refresh_due=False,
        )
    return m


def referral_outcome(
    *,
    actor: User,
    matter_id: int,
    expected_version: int | None,
    referral: Referral | None,
    outcome: str,
    amount: decimal.Decimal | None = None,
    note: str = "",
) -> Matter:
    """登记救助结果: what the receiving organ decided on an open referral of ``matter_id``."""
    with locked(actor, matter_id, expected_version) as m:
        rules.outcome(actor, m)
        if referral is None:
            raise fail("referral", "请选择救助转介。")
        row = Referral.objects.select_for_update().filter(pk=referral.pk, matter_id=m.pk).first()
        if row is None:
            raise fail("referral", "请选择本事项的救助转介。")
        if row.outcome != Outcome.PENDING:
            raise WrongState("该救助转介已登记结果。")
        if outcome == Outcome.PENDING:
            raise fail("outcome", "请选择有效的救助结果。")
        outcome = choice("outcome", outcome, Outcome, "救助结果")
        note = (note or "").strip()
        if len(note) > 2000:
            raise fail("note", "结果说明不能超过 2000 个字。")
        if outcome != Outcome.GRANTED and amount is not None:
            raise fail("amount", "只有已获救助的才填写救助金额。")
        if amount is not None and not (decimal.Decimal(0) <= amount <= MAX_AMOUNT):
            raise fail("amount", "救助金额应在 0 至 99999999.99 元之间。")
        if outcome in (Outcome.REFUSED, Outcome.OTHER_WAY) and not note:
            raise fail("note", f"{Outcome(outcome).label}的，请填写结果说明。")
        row.outcome, row.amount, row.outcome_note = outcome, amount, note
        row.outcome_by, row.outcome_at = actor, clock.now()
        row.save()
        label = Outcome(outcome).label
        money = f"，{amount} 元" if amount is not None else ""
        record(
            m,
            actor,
            EventKind.ASSISTANCE_OUTCOME,
            f"救助转介结果：{label}{money}（{row.organ.name}）",
            {
                "referral": row.pk,
                "outcome": outcome,
                "amount": str(amount) if amount is not None else "",
                "note": note,
            },
            refresh_due=False,
        )
    return m
