from __future__ import annotations

from typing import Any

from django import forms

from daiban.core import uploads
from daiban.matters.choices import ServiceManner


class VersionedForm(forms.Form):
    """Carries the document's revision as loaded: a second writer meanwhile gets the conflict page."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ServeForm(VersionedForm):
    served_on = forms.DateField(
        label="送达日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写有效的送达日期。"},
    )
    manner = forms.ChoiceField(label="送达方式", choices=ServiceManner.choices, required=False)
    recipient = forms.CharField(label="受送达人", max_length=64, required=False)
    note = forms.CharField(
        label="送达说明（选填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：邮寄单号、短信告知的号码尾号、签收人与信访人的关系",
    )


class ScanForm(VersionedForm):
    signed_on = forms.DateField(
        label="当事人签署日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写有效的签署日期。"},
        help_text="纸质文书上手写签名的日期（不是上传的日期）",
    )
    scan = forms.FileField(
        label="签字件扫描件（PDF、JPG 或 PNG，10 MB 以内）",
        required=False,
        error_messages={"invalid": "请选择有效的文件。"},
    )

    def __init__(self, *args: Any, user_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user_id

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if scan:
            uploads.check_upload([scan], label="签字件扫描件", user_id=self.user_id)
        return scan


class SignForm(VersionedForm):
    """One hidden input per signer, filled by the signature pad (a PNG data URL)."""

    def __init__(self, *args: Any, signers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signers = signers
        for i, label in enumerate(signers):
            self.fields[f"signature_{i}"] = forms.CharField(
                label=f"{label} 签名", required=False, max_length=600_000, widget=forms.HiddenInput
            )

    def images(self) -> list[str]:
        return [self.cleaned_data.get(f"signature_{i}") or "" for i in range(len(self.signers))]
