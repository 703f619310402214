"""What execution plugs in at start-up (``apps.ExecutionConfig.ready``): its two matter actions in the
workflow registry, the matter page's section, the hint above 办结, the nav entry, the upload counter of
the evidence files and the periodic overdue scan."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Sum

from daiban.accounts.models import User
from daiban.core.uploads import Usage, register_usage
from daiban.matters.models import Matter


def _rule_support_items(user: User, matter: Matter) -> None:
    from daiban.execution import rules

    rules.support_items(user, matter)


def evidence_stored(user_id: Any, start: datetime.datetime, end: datetime.datetime) -> Usage:
    """The evidence files ``user_id`` uploaded in [start, end) (the daily upload quota)."""
    from daiban.execution.models import Evidence

    found = Evidence.objects.filter(
        uploaded_by_id=user_id, uploaded_at__gte=start, uploaded_at__lt=end
    ).aggregate(n=Count("id"), total=Sum("size"))
    return Usage(found["n"] or 0, found["total"] or 0)


def connect() -> None:
    from daiban.core import home, nav
    from daiban.execution import actions, forms, rules, tasks, views
    from daiban.matters import panels, workflow
    from daiban.matters.choices import EventKind

    workflow.register(
        workflow.Action(
            EventKind.SUPPORT_ITEMS,
            "列明支持事项",
            actions.execution_list_items,
            forms.SupportItemsForm,
            _rule_support_items,
            texts=(("items", "支持事项"),),
        )
    )
    workflow.register(
        workflow.Action(
            EventKind.EXECUTION,
            "登记落实情况",
            actions.execution_record,
            forms.ExecutionForm,
            rules.execution,
            texts=(
                ("item", "支持事项"),
                ("status_label", "落实情况"),
                ("note", "落实说明"),
                ("names", "佐证材料"),
            ),
        )
    )
    panels.register(panels.Panel("execution.items", 12, "execution/_matter.html", views.matter_panel))
    panels.register_hint(
        panels.Hint("execution.close", frozenset({"close"}), "execution/_close_hint.html", views.close_hint)
    )
    home.register(home.Panel("execution.items", 15, "execution/_home.html", views.home_items))
    nav.register(
        nav.Item(
            "execution",
            order=47,
            label="支持事项落实",
            url_name="execution:execution_list",
            visible=views.can_read,
            active=("execution_",),
        )
    )
    register_usage(evidence_stored)
    assert tasks.scan_execution is not None  # registers the periodic task with the queue
