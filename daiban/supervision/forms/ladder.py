"""Forms of the supervision ladder's pages: the list's filters, the unit's written feedback, the 纪检's
约谈/通报/问责 record and the closing of a 挂牌督办. Each changing form carries the version it was loaded at."""

from __future__ import annotations

from django import forms

from daiban.supervision.models import DisciplineKind, OrderStatus, Rung

OPEN = "open"  # the default filter: 待书面反馈 and 已书面反馈
ALL = "all"
STATUS_FILTERS = [(OPEN, "在办（待反馈、已反馈）"), *OrderStatus.choices, (ALL, "全部")]


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=STATUS_FILTERS, required=False)
    rung = forms.ChoiceField(label="层级", choices=[("", "全部"), *Rung.choices], required=False)

    def statuses(self) -> list[str] | None:
        """The statuses to show (None: all); an invalid value falls back to the open ones."""
        value = self.cleaned_data.get("status") if self.is_valid() else None
        if value == ALL:
            return None
        if value and value != OPEN:
            return [value]
        return [OrderStatus.OPEN, OrderStatus.ANSWERED]

    def rung_value(self) -> str:
        return (self.cleaned_data.get("rung") or "") if self.is_valid() else ""


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])


class FeedbackForm(VersionedForm):
    feedback = forms.CharField(
        label="书面反馈",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="说明逾期原因、目前办理进展和办结时限。",
        error_messages={"required": "请填写书面反馈。", "max_length": "书面反馈不能超过 2000 个字。"},
    )


class DisciplineForm(VersionedForm):
    kind = forms.ChoiceField(
        label="处理方式",
        choices=DisciplineKind.choices,
        error_messages={"required": "请选择处理方式。", "invalid_choice": "请选择有效的处理方式。"},
    )
    person = forms.CharField(
        label="对象（姓名、职务）",
        max_length=80,
        error_messages={"required": "请填写对象（姓名、职务）。", "max_length": "对象不能超过 80 个字。"},
    )
    finding = forms.CharField(
        label="认定事实",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写认定事实。", "max_length": "认定事实不能超过 2000 个字。"},
    )
    outcome = forms.CharField(
        label="处理结果",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写处理结果。", "max_length": "处理结果不能超过 2000 个字。"},
    )


class CloseForm(VersionedForm):
    note = forms.CharField(
        label="结束说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写结束说明。", "max_length": "结束说明不能超过 500 个字。"},
    )
