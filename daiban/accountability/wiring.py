"""How accountability plugs into matters and the site: 责令改正 in the workflow registry (a button on the
matter page, the generic action page with field errors and the conflict page), a section on the matter
page, and the navigation entries."""

from __future__ import annotations

from daiban.accountability import actions, failures, forms, views
from daiban.core import home, nav
from daiban.matters import panels, workflow
from daiban.matters.choices import EventKind

CORRECTION = workflow.Action(
    EventKind.CORRECTION_ORDER,
    "责令改正",
    actions.correction_order,
    forms.CorrectionOrderForm,
    actions.rule_order,
    texts=(("instructions", "整改要求"), ("report", "整改情况")),
    done=lambda m: f"已责令改正，并通知责任方。事项 {m.number}。",
)


def connect() -> None:
    workflow.register(CORRECTION)
    panels.register(
        panels.Panel(
            "accountability.failures",
            order=12,
            template="accountability/_matter.html",
            context=views.matter_panel,
        )
    )
    home.register(home.Panel("accountability.orders", 15, "accountability/_home.html", views.home_orders))
    nav.register(
        nav.Item(
            "accountability",
            order=48,
            label="失职情形",
            url_name="accountability:accountability",
            visible=failures.can_read,
            active=("accountability", "failure_list"),
        )
    )
    nav.register(
        nav.Item(
            "accountability_orders",
            order=49,
            label="责令改正",
            url_name="accountability:correction_orders",
            visible=failures.can_read_orders,
            active=("correction_",),
        )
    )
