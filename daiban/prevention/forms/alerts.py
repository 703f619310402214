"""Forms of the early-warning pages: the list's filters and the three actions."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.accounts.models import User
from daiban.matters.selectors import matters_for
from daiban.prevention import selectors
from daiban.prevention.models import Alert, AlertRule, AlertStatus, Screening, Visit
from daiban.prevention.views.common import VersionedForm

OPEN = "open"  # the default filter: 待处理 and 已知悉
ALL = "all"
STATUS_FILTERS = [
    (OPEN, "未处理完（待处理、已知悉）"),
    *AlertStatus.choices,
    (ALL, "全部"),
]
RECENT = 8  # how many recent screenings, matters and visits the act form offers of each


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=STATUS_FILTERS, required=False)
    rule = forms.ChoiceField(label="预警类型", choices=[("", "全部类型"), *AlertRule.choices], required=False)

    def statuses(self) -> list[str] | None:
        """The statuses to show (None: all); an invalid value falls back to the open ones."""
        value = self.cleaned_data.get("status") if self.is_valid() else None
        if value == ALL:
            return None
        if value and value != OPEN:
            return [value]
        return [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]

    def rule_value(self) -> str:
        return (self.cleaned_data.get("rule") or "") if self.is_valid() else ""


class AcknowledgeForm(VersionedForm):
    pass


def link_choices(user: User, alert: Alert) -> list[tuple[str, Any]]:
    """A short list to pick what dealt with the alert: its own subject first, then the user's most recent
    screenings, matters and visits (each an ordered index scan of the user's scope, a few rows)."""
    screenings = list(selectors.scoped(user, Screening).order_by("-found_on", "-id")[:RECENT])
    matters = list(matters_for(user).order_by("-received_at", "-id")[:RECENT])
    visits = list(
        selectors.scoped(user, Visit).select_related("region").order_by("-visited_on", "-id")[:RECENT]
    )
    if alert.screening_id and all(s.pk != alert.screening_id for s in screenings):
        screenings[:0] = list(selectors.scoped(user, Screening).filter(pk=alert.screening_id))
    if alert.matter_id and all(m.pk != alert.matter_id for m in matters):
        matters[:0] = list(matters_for(user).filter(pk=alert.matter_id))
    groups: list[tuple[str, Any]] = [("", "— 从近期记录中选择，或在下方填写编号 —")]
    if screenings:
        groups.append(("矛盾纠纷排查", [(f"screening:{s.pk}", f"{s.number} {s.title}") for s in screenings]))
    if matters:
        groups.append(("信访事项", [(f"matter:{m.pk}", f"{m.number} {m.title}") for m in matters]))
    if visits:
        groups.append(
            (
                "走访",
                [(f"visit:{v.pk}", f"{v.visited_on} {v.get_kind_display()} {v.region.name}") for v in visits],
            )
        )
    return groups


class ActForm(VersionedForm):
    target = forms.ChoiceField(
        label="关联记录",
        required=False,
        error_messages={"invalid_choice": "请选择有效的关联记录。"},
    )
    number = forms.CharField(
        label="或填写编号",
        required=False,
        max_length=24,
        help_text="排查编号（如 PC150102-2026-00012）或事项编号；填写后以编号为准",
        error_messages={"max_length": "编号不能超过 24 个字符。"},
    )
    note = forms.CharField(
        label="处置情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "请填写处置情况。", "max_length": "处置情况不能超过 1000 个字。"},
    )

    def __init__(self, *args: Any, user: User, alert: Alert, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = link_choices(user, alert)  # type: ignore[attr-defined]


class DismissForm(VersionedForm):
    reason = forms.CharField(
        label="排除理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="如：经核实系同一事项重复登记；已由其他部门处理完毕",
        error_messages={"required": "请填写排除理由。", "max_length": "排除理由不能超过 500 个字。"},
    )
