"""The forms of the proposal and foreword pages: labels in Chinese, errors naming the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from daiban.annual.actions import MAX_FOREWORD, MAX_TEXT
from daiban.annual.models import AnswerOutcome, ProposalKind
from daiban.matters.forms import BoundedDateField
from daiban.network.models import ResponsibleUnit

REQUIRED = "{}：请填写。"


def _messages(label: str, **extra: str) -> dict[str, str]:
    return {"required": REQUIRED.format(label), **extra}


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        # Required: a post without the version it was loaded with could overwrite someone else's change.
        message = "页面版本缺失或无效，请刷新页面后再提交。"
        super().__init__(
            required=True,
            min_value=0,
            max_value=2**31 - 1,
            error_messages={
                "required": message,
                "invalid": message,
                "min_value": message,
                "max_value": message,
            },
            **kwargs,
        )


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label="建议类型",
        choices=ProposalKind.choices,
        widget=forms.RadioSelect,
        error_messages=_messages("建议类型", invalid_choice="建议类型：请选择改进工作建议或追责问责建议。"),
    )
    unit = forms.ModelChoiceField(
        label="建议对象（事权单位）",
        queryset=ResponsibleUnit.objects.none(),
        required=False,
        empty_label="（不是事权单位，填写下面的机关名称）",
        error_messages={"invalid_choice": "建议对象：请从列表中选择本级管辖范围内的事权单位。"},
    )
    organ = forms.CharField(
        label="其他机关名称",
        max_length=80,
        required=False,
        help_text="建议对象不在事权单位列表中时填写，如某党委、政府部门。",
        error_messages={"max_length": "其他机关名称：最多 80 字。"},
    )
    text = forms.CharField(
        label="建议内容",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_messages("建议内容", max_length=f"建议内容：最多 {MAX_TEXT} 字。"),
    )

    def __init__(self, *args: Any, units: QuerySet[ResponsibleUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class AnswerForm(forms.Form):
    version = VersionField()
    outcome = forms.ChoiceField(
        label="答复结果",
        choices=AnswerOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=_messages("答复结果", invalid_choice="答复结果：请选择采纳、部分采纳或不采纳。"),
    )
    answered_on = BoundedDateField(
        label="答复日期",
        past=365 * 5,
        future=0,
        error_messages=_messages("答复日期", invalid="答复日期：请按 2026-11-03 的格式填写。"),
    )
    answer_text = forms.CharField(
        label="答复内容",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="被建议机关书面答复的要点（是否采纳、采取的措施或不采纳的理由）。",
        error_messages=_messages("答复内容", max_length=f"答复内容：最多 {MAX_TEXT} 字。"),
    )


class ForewordForm(forms.Form):
    version = VersionField()
    foreword = forms.CharField(
        label="报告前言",
        max_length=MAX_FOREWORD,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="写在统计数据之前的文字：本年度工作概况、主要做法和问题、下一年度打算等。每段一行。",
        error_messages={"max_length": f"报告前言：最多 {MAX_FOREWORD} 字。"},
    )
