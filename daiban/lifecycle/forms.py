from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from daiban.pii.validators import validate_id_number


class AccessReportForm(forms.Form):
    """The person's ID number: always POSTed, never in a URL, an access log or the page shown back."""

    id_number = forms.CharField(
        label="信访人身份证号码",
        max_length=32,
        error_messages={"required": "请填写信访人身份证号码。", "max_length": "信访人身份证号码过长。"},
    )
    format = forms.ChoiceField(
        label="格式", choices=[("html", "网页"), ("xlsx", "Excel")], required=False, initial="html"
    )

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"]
        try:
            return validate_id_number(raw)
        except ValidationError as exc:
            raise ValidationError("信访人身份证号码：" + "；".join(exc.messages)) from exc

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "html"
