"""The 听证记录 form of the action page: everything the record holds, errors naming the field."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.hearings.actions import MAX_DAYS
from daiban.matters.forms import ActionForm, BoundedDateField


def _messages(label: str) -> dict[str, str]:
    return {
        "required": f"请填写{label}。",
        "invalid": f"请填写有效的{label}。",
        "max_length": f"{label}过长。",
    }


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class HearingRecordForm(ActionForm):
    first_day = BoundedDateField(
        label="听证开始日期", past=366 * 2, future=0, error_messages=_messages("听证开始日期")
    )
    last_day = BoundedDateField(
        label="听证结束日期",
        past=366 * 2,
        future=0,
        error_messages=_messages("听证结束日期"),
        help_text=f"一日内结束的，与开始日期相同；起止日均计入听证时间，一次听证最长 {MAX_DAYS} 日",
    )
    place = forms.CharField(label="听证地点", max_length=120, error_messages=_messages("听证地点"))
    presiding = forms.CharField(label="主持人", max_length=60, error_messages=_messages("主持人"))
    participants = forms.CharField(
        label="参加人员",
        max_length=2000,
        widget=_area(3),
        error_messages=_messages("参加人员"),
        help_text="信访人（或其代理人）、办理单位人员、听证员及其他参加人",
    )
    petitioner_statement = forms.CharField(
        label="信访人一方意见", max_length=4000, widget=_area(4), error_messages=_messages("信访人一方意见")
    )
    unit_statement = forms.CharField(
        label="办理单位一方意见",
        max_length=4000,
        widget=_area(4),
        error_messages=_messages("办理单位一方意见"),
    )
    other_statement = forms.CharField(
        label="其他参加人意见",
        max_length=4000,
        widget=_area(3),
        required=False,
        error_messages=_messages("其他参加人意见"),
        help_text="听证员、第三方等的意见；没有的可不填",
    )
    conclusion = forms.CharField(
        label="听证结论", max_length=4000, widget=_area(4), error_messages=_messages("听证结论")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", "听证结束日期不能早于开始日期。")
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error("last_day", f"一次听证不能超过 {MAX_DAYS} 日，请核对听证起止日期。")
        return data
