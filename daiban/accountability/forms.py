"""The 责令改正 form (the generic action page) and the 整改 report form (the order's page)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from daiban.accountability import failures
from daiban.accountability.actions import MAX_DAYS, MAX_TEXT
from daiban.core import clock
from daiban.matters.forms import ActionForm, BoundedDateField


def _default_due() -> datetime.date:
    return clock.today() + datetime.timedelta(days=15)


class CorrectionOrderForm(ActionForm):
    failure = forms.ChoiceField(label="失职情形", choices=())
    instructions = forms.CharField(
        label="整改要求",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明应当纠正什么、如何报告，例如：即日受理并书面告知信访人，报送受理告知书。",
    )
    due_date = BoundedDateField(label="整改期限", past=0, future=MAX_DAYS, initial=_default_due)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = failures.orderable(self.user, self.matter, clock.today())
        field = self.fields["failure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.kind, f.choice_label) for f in found]


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.CharField(
        label="整改情况",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明已采取的纠正措施和结果。",
    )
