"""The two action forms of the workflow registry (their fields are the services' keyword arguments)."""

from __future__ import annotations

import decimal
from typing import Any

from django import forms
from django.utils import timezone

from daiban.assistance.actions import MAX_AMOUNT, receiving_organs
from daiban.assistance.models import Outcome, Referral, ReferralKind
from daiban.core import formfields
from daiban.matters.forms import ActionForm


class OrganChoice(formfields.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_domain_display()}）"


class ReferralChoice(formfields.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.referred_at):%Y-%m-%d} {obj.get_kind_display()} → {obj.organ.name}"


class ReferralForm(ActionForm):
    kind = forms.ChoiceField(label="救助类别", choices=ReferralKind.choices)
    organ = OrganChoice(label="接收单位", queryset=Referral.objects.none(), empty_label="请选择接收单位")
    hardship = forms.CharField(
        label="困难情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明信访人生活困难的具体情况（家庭、收入、因案致困等），便于接收单位审核。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organ"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = receiving_organs(self.matter)


class OutcomeForm(ActionForm):
    referral = ReferralChoice(label="救助转介", queryset=Referral.objects.none(), empty_label=None)
    outcome = forms.ChoiceField(
        label="救助结果", choices=[(v, label) for v, label in Outcome.choices if v != Outcome.PENDING]
    )
    amount = forms.DecimalField(
        label="救助金额（元）",
        required=False,
        min_value=decimal.Decimal(0),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        help_text="已获救助且有金额的填写。",
    )
    note = forms.CharField(
        label="结果说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不予救助或转其他途径的，写明理由或去向。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referral"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Referral.objects.filter(matter_id=self.matter.pk, outcome=Outcome.PENDING)
            .select_related("organ")
            .order_by("referred_at", "pk")
        )
