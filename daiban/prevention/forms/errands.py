"""Forms of the errand pages (政务服务代办): record, correct while open, finish, and the list's filters.
The actions check everything again; these only type the input."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.accounts.models import User
from daiban.core import clock, formfields
from daiban.matters.forms import indented_region_label
from daiban.network.jurisdiction import regions_for
from daiban.prevention.actions.errands import MAX_RESULT
from daiban.prevention.models import Errand, ErrandService, ErrandStatus, NoticeMethod
from daiban.prevention.views.common import VersionedForm
from daiban.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # ISO: what <input type=date> reads


def _required(label: str, verb: str = "填写") -> dict[str, str]:
    return {"required": f"请{verb}{label}。", "invalid": f"请填写有效的{label}。"}


class ErrandForm(forms.Form):
    person = forms.CharField(
        label="服务对象",
        max_length=40,
        help_text="姓名或称呼，如“王大爷”；不填身份证号、电话",
        error_messages=_required("服务对象"),
    )
    service = forms.ChoiceField(
        label="服务事项",
        choices=[("", "请选择"), *ErrandService.choices],
        error_messages={"required": "请选择服务事项。", "invalid_choice": "请选择有效的服务事项。"},
    )
    description = forms.CharField(
        label="具体事项",
        max_length=200,
        help_text="如：代办 2026 年度养老保险资格认证",
        error_messages=_required("具体事项"),
    )
    office = forms.CharField(
        label="办理部门",
        max_length=80,
        help_text="如：旗社保中心、镇便民服务中心",
        error_messages=_required("办理部门"),
    )
    promised_on = forms.DateField(label="承诺办结日期", widget=DATE, error_messages=_required("承诺办结日期"))
    requested_on = forms.DateField(label="受托日期", widget=DATE, error_messages=_required("受托日期"))
    region = formfields.ModelChoiceField(
        label="服务对象所在地", queryset=Region.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions_for(user).order_by("path")
        top = user.region.level if user.region_id and user.region else 1
        region.label_from_instance = indented_region_label(top)  # type: ignore[method-assign]
        if not self.is_bound:
            self.initial.setdefault("requested_on", clock.today())
            self.initial.setdefault("region", user.region_id)

    def to_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class ErrandUpdateForm(VersionedForm):
    promised_on = forms.DateField(label="承诺办结日期", widget=DATE, error_messages=_required("承诺办结日期"))
    office = forms.CharField(label="办理部门", max_length=80, error_messages=_required("办理部门"))
    description = forms.CharField(label="具体事项", max_length=200, error_messages=_required("具体事项"))

    @classmethod
    def initial_for(cls, errand: Errand) -> dict[str, Any]:
        return {
            "promised_on": errand.promised_on,
            "office": errand.office,
            "description": errand.description,
            "version": errand.version,
        }

    def to_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("promised_on", "office", "description")}


class ErrandFinishForm(VersionedForm):
    done = forms.ChoiceField(
        label="办理情况",
        choices=[("yes", ErrandStatus.DONE.label), ("no", ErrandStatus.NOT_DONE.label)],
        widget=forms.RadioSelect(attrs={"class": "big-radio"}),
        error_messages={"required": "请选择是否办成。", "invalid_choice": "请选择是否办成。"},
    )
    result = forms.CharField(
        label="办理结果",
        max_length=MAX_RESULT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="办成的写明结果；未办成的写明原因和下一步",
        error_messages=_required("办理结果"),
    )
    notice_method = forms.ChoiceField(
        label="如何告知本人",
        choices=NoticeMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择告知方式。", "invalid_choice": "请选择有效的告知方式。"},
    )
    finished_on = forms.DateField(label="办结日期", widget=DATE, error_messages=_required("办结日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("finished_on", clock.today())

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "done": data["done"] == "yes",
            "result": data["result"],
            "notice_method": data["notice_method"],
            "finished_on": data["finished_on"],
        }


class ErrandFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *ErrandStatus.choices])
    service = forms.ChoiceField(
        label="服务事项", required=False, choices=[("", "全部"), *ErrandService.choices]
    )
    overdue = forms.BooleanField(label="只看已超期（办理中且过了承诺日期）", required=False)
    mine = forms.BooleanField(label="只看我代办的", required=False)

    def value(self, name: str) -> Any:
        """A filter's cleaned value; a field with an error is left out."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None
