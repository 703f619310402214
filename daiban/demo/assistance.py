"""The assistance demo (art. 37): a few open matters (not accusations) of each county are referred to its
民政局 (social assistance) or 人民法院 (judicial assistance) by the county centre, through the real action,
and most referrals get their outcome recorded. Texts and outcomes are in ``data/assistance/referrals.json``.
Nothing is done when a referral exists already."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.db import transaction

from daiban.accounts.models import Role, User
from daiban.assistance import actions
from daiban.assistance.models import Outcome, Referral, ReferralKind
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.matters.choices import OPEN_STATUSES
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q

PLAN_FILE = "assistance/referrals.json"


@dataclass(frozen=True)
class AssistanceResult:
    referrals: int
    outcomes: int


def load_demo_assistance() -> AssistanceResult | None:
    if Referral.objects.exists():
        return None
    plan = read_json(PLAN_FILE)
    entries = plan["referrals"]
    made = outcomes = 0
    now = clock.now()
    centres = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).select_related("region")
    with transaction.atomic():
        for centre in centres.order_by("region__path"):
            assert centre.region is not None
            matters = list(
                Matter.objects.filter(
                    matter_region_q(centre.region.path, centre.region_id),
                    status__in=OPEN_STATUSES,
                    is_accusation=False,
                ).order_by("received_at", "pk")[: plan["per_county"]]
            )
            for i, m in enumerate(matters):
                entry = entries[made % len(entries)]
                organ = actions.receiving_organs(m, entry["kind"]).first()
                if organ is None:
                    continue
                # A few hours ago, the outcome an hour or so later: counted in the statistics' current month.
                with clock.frozen(now - datetime.timedelta(hours=2 * (i + 1))):
                    m = actions.referral_record(
                        actor=centre,
                        matter_id=m.pk,
                        expected_version=None,
                        kind=ReferralKind(entry["kind"]),
                        organ=organ,
                        hardship=entry["hardship"],
                    )
                made += 1
                if entry["outcome"] == Outcome.PENDING:
                    continue
                referral = Referral.objects.filter(matter=m).latest("pk")
                with clock.frozen(now - datetime.timedelta(hours=i + 1) + datetime.timedelta(minutes=30)):
                    actions.referral_outcome(
                        actor=centre,
                        matter_id=m.pk,
                        expected_version=None,
                        referral=referral,
                        outcome=entry["outcome"],
                        amount=decimal.Decimal(entry["amount"]) if entry["amount"] else None,
                        note=entry["note"],
                    )
                outcomes += 1
    return AssistanceResult(made, outcomes)
