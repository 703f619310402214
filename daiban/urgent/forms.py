"""The forms of 标记重大紧急 and 解除重大紧急, taken through the matter's generic action page."""

from __future__ import annotations

from django import forms

from daiban.matters.forms import ActionForm
from daiban.urgent.models import UrgentCategory

REASON_HELP = "写明人数、诉求、可能发生的行为或舆情线索等，上级将立即收到报告"


class MarkForm(ActionForm):
    category = forms.ChoiceField(label="类别", choices=UrgentCategory.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="标记理由", max_length=1000, help_text=REASON_HELP, widget=forms.Textarea(attrs={"rows": 4})
    )


class DowngradeForm(ActionForm):
    reason = forms.CharField(label="解除理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
