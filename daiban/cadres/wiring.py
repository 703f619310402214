"""How the notices plug into matters: an action of the workflow registry, a section on the accusation's
page for the discipline channel, an entry in the navigation."""

from __future__ import annotations

from typing import Any

from daiban.accounts.models import User
from daiban.cadres import actions, forms, rules, selectors
from daiban.core import nav
from daiban.matters import panels, workflow
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter

NOTICE = workflow.Action(
    EventKind.CADRE_NOTICE,
    "通报组织（人事）部门",
    actions.cadre_notify,
    forms.CadreNoticeForm,
    rules.notify,
    # Nothing typed goes into the timeline: the cadre and the accused unit stay in the notice.
    texts=(),
)


def matter_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    if not matter.is_accusation:
        return None
    found = selectors.for_matter(user, matter.pk)
    if not found:
        return None
    return {"notices": found}


def connect() -> None:
    workflow.register(NOTICE)
    panels.register(
        panels.Panel("cadres.notices", order=31, template="cadres/_matter.html", context=matter_panel)
    )
    nav.register(
        nav.Item(
            "cadres",
            order=48,
            label="干部问题通报",
            url_name="cadres:cadre_notices",
            visible=selectors.can_read,
            active=("cadre_",),
        )
    )
