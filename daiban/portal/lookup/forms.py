"""The lookup's forms: the number and code from the receipt, and the online rating (网上评价)."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.matters.choices import Satisfaction
from daiban.portal.lookup.session import normalise_code, normalise_number
from daiban.portal.models import MAX_RATING_COMMENT

CODE_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class LookupForm(forms.Form):
    number = forms.CharField(
        label="事项编号",
        max_length=24,
        help_text="在受理回执上，如 150102-2026-00001",
        error_messages={"required": "请填写事项编号。", "max_length": "事项编号最多 24 个字符，请核对回执。"},
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "text"}),
    )
    code = forms.CharField(
        label="查询码",
        max_length=12,
        help_text="在受理回执上，8 位字母和数字；遗失了请找代办员重新生成",
        error_messages={"required": "请填写查询码。", "max_length": "查询码最多 12 个字符，请核对回执。"},
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )

    def clean_number(self) -> str:
        number = normalise_number(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError("请填写事项编号。")
        return number

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("请填写查询码。")
        return code


class RatingForm(forms.Form):
    service = forms.ChoiceField(
        label="您对代办员服务的评价",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择对代办员服务的评价。",
            "invalid_choice": "请从满意、基本满意、不满意中选择对代办员服务的评价。",
        },
    )
    unit = forms.ChoiceField(
        label="您对办理单位办理情况的评价",
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择对办理单位的评价。",
            "invalid_choice": "请从满意、基本满意、不满意中选择对办理单位的评价。",
        },
    )
    comment = forms.CharField(
        label="意见和建议（可不填）",
        required=False,
        max_length=MAX_RATING_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"最多 {MAX_RATING_COMMENT} 字。请不要填写身份证号、电话号码。",
        error_messages={"max_length": f"意见和建议最多 {MAX_RATING_COMMENT} 字。"},
    )
    reply = forms.CharField(widget=forms.HiddenInput, max_length=20, required=False)

    def __init__(self, *args: Any, unit_label: str = "办理单位", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = f"您对{unit_label}办理情况的评价"
