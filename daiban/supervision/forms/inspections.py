"""Forms of the inspection pages (督查件): the list's filter, a finding, the closing conclusion."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.supervision.actions.inspections import MAX_FINDING
from daiban.supervision.forms.consultations import VersionedForm
from daiban.supervision.models import Inspection, InspectionStatus


class InspectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部（督查中在前）"), *InspectionStatus.choices]
    )

    def status_value(self) -> str:
        """The chosen status; an invalid value means all."""
        return (self.cleaned_data.get("status") or "") if self.is_valid() else ""


class FindingForm(VersionedForm):
    finding = forms.CharField(
        label="督查情况",
        max_length=MAX_FINDING,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="核查了什么、发现的问题、已要求单位整改的事项",
        error_messages={"required": "请填写督查情况。"},
    )

    @classmethod
    def initial_for(cls, inspection: Inspection) -> dict[str, Any]:
        return {"finding": inspection.finding, "version": inspection.version}

    def to_kwargs(self) -> dict[str, Any]:
        return {"finding": self.cleaned_data["finding"]}


class CloseForm(FindingForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        finding = self.fields["finding"]
        finding.label = "督查结论"
        finding.help_text = "单位办理是否存在问题、整改结果、处理建议"
        finding.error_messages["required"] = "请填写督查结论。"
