"""How assistance referrals plug into matters: two actions of the workflow registry, a section on the
matter page, an entry in the navigation."""

from __future__ import annotations

from typing import Any

from daiban.accounts.models import User
from daiban.assistance import actions, forms, rules, selectors
from daiban.core import nav
from daiban.matters import panels, workflow
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter

REFERRAL = workflow.Action(
    EventKind.ASSISTANCE_REFERRAL,
    "转介救助",
    actions.referral_record,
    forms.ReferralForm,
    rules.refer,
    texts=(("organ", "接收单位"), ("hardship", "困难情况")),
)
OUTCOME = workflow.Action(
    EventKind.ASSISTANCE_OUTCOME,
    "登记救助结果",
    actions.referral_outcome,
    forms.OutcomeForm,
    rules.outcome,
    texts=(("note", "结果说明"),),
)


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """救助转介 on the matter page: each referral and its outcome (nothing when there is none)."""
    found = selectors.for_matter(user, matter.pk)
    if not found:
        return None
    return {"referrals": found}


def connect() -> None:
    workflow.register(REFERRAL)
    workflow.register(OUTCOME)
    panels.register(
        panels.Panel(
            "assistance.referrals", order=30, template="assistance/_matter.html", context=matter_panel
        )
    )
    nav.register(
        nav.Item(
            "assistance",
            order=47,
            label="救助转介",
            url_name="assistance:assistance_referrals",
            visible=selectors.can_read,
            active=("assistance_",),
        )
    )
