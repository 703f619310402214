"""How 重大紧急 plugs into matters and the site: its two actions in the workflow registry (buttons on the
matter page, the generic action page with field errors and the conflict page), a section on the matter
page, a pinned panel at the top of the home page and a navigation entry."""

from __future__ import annotations

from daiban.core import home, nav
from daiban.matters import panels, workflow
from daiban.matters.choices import EventKind
from daiban.urgent import actions, forms, rules, selectors, views

MARK = workflow.Action(
    EventKind.URGENT_MARK,
    "标记重大紧急",
    actions.urgent_mark,
    forms.MarkForm,
    rules.mark,
    texts=(("category_label", "类别"), ("reason", "标记理由")),
    done=lambda m: f"已标记为重大紧急事项，并即时通知上级直至市级。事项 {m.number}。",
)
DOWNGRADE = workflow.Action(
    EventKind.URGENT_DOWNGRADE,
    "解除重大紧急",
    actions.urgent_downgrade,
    forms.DowngradeForm,
    rules.downgrade,
    texts=(("reason", "解除理由"),),
)


def connect() -> None:
    workflow.register(MARK)
    workflow.register(DOWNGRADE)
    panels.register(
        panels.Panel("urgent.marking", order=0, template="urgent/_matter.html", context=views.matter_panel)
    )
    home.register(home.Panel("urgent.active", 1, "urgent/_home.html", views.home_panel))
    nav.register(
        nav.Item(
            "urgent",
            order=12,
            label="重大紧急",
            url_name="urgent:urgent_list",
            visible=selectors.can_read,
            active=("urgent_",),
        )
    )
