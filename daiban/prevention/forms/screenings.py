"""Forms of the screening register, and the registry of its life-cycle steps (排查台账的办理操作).

Forms only collect input; ``daiban.prevention.actions.screenings`` decides. ``STEPS`` names each step
once — its label, the statuses it starts from, its form and its service — and both the detail page's
buttons and the action page iterate it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from daiban.accounts.models import User
from daiban.core import clock, formfields
from daiban.network import jurisdiction
from daiban.network.models import ResponsibleUnit
from daiban.prevention import selectors
from daiban.prevention.actions import screenings as act
from daiban.prevention.models import Screening
from daiban.prevention.models.screenings import (
    ConflictKind,
    RiskLevel,
    ScreeningStatus,
    Source,
    TransferTarget,
)
from daiban.prevention.views.common import VersionedForm
from daiban.regions import geometry
from daiban.regions.models import Level, Region


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _date(**kwargs: Any) -> forms.DateField:
    # ISO: what <input type=date> reads (the zh-hans input format 2026/12/02 would show as empty).
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _region_label(top_level: int) -> Any:
    def label(region: Region) -> str:
        return "　" * max(0, region.level - top_level) + region.name

    return label


def recordable_regions(user: User) -> Any:
    """Where the user may record a conflict: the county, townships and villages of their scope."""
    return jurisdiction.regions_for(user).filter(level__gte=Level.COUNTY).order_by("path")


# --------------------------------------------------------------------------------------------- record


class ScreeningForm(forms.Form):
    region = formfields.ModelChoiceField(
        label="所在村（社区）", queryset=Region.objects.none(), empty_label=None
    )
    place = forms.CharField(
        label="具体地点", max_length=80, required=False, help_text="如：三组、幸福小区 5 号楼"
    )
    kind = forms.ChoiceField(label="纠纷类型", choices=[("", "请选择"), *ConflictKind.choices])
    title = forms.CharField(label="纠纷摘要", max_length=80, help_text="一句话概括，如：两户宅基地界址纠纷")
    description = forms.CharField(label="纠纷情况", max_length=2000, widget=_textarea(4))
    parties = forms.CharField(
        label="当事人",
        max_length=500,
        required=False,
        widget=_textarea(2),
        help_text="姓名或称呼，不清楚的可先写“某户”；不填身份证号",
    )
    headcount = forms.IntegerField(label="涉及人数", min_value=1, max_value=act.MAX_HEADCOUNT, initial=1)
    is_group = forms.BooleanField(label="涉及群体（5 人以上自动标记）", required=False)
    risk = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices, initial=RiskLevel.GENERAL)
    risk_reason = forms.CharField(label="风险研判理由", max_length=500, widget=_textarea(2))
    source = forms.ChoiceField(label="发现来源", choices=[("", "请选择"), *Source.choices])
    found_on = _date(label="发现日期")
    visit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = recordable_regions(user)
        field.label_from_instance = _region_label(2)  # type: ignore[method-assign]
        if not self.is_bound:
            self.initial.setdefault("found_on", clock.today())
            if user.region_id:
                self.initial.setdefault("region", user.region_id)

    def to_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["visit_id"] = data.pop("visit", None)
        return data


# ---------------------------------------------------------------------------------------- life cycle


class StepForm(VersionedForm):
    """A life-cycle step's form: the screening's version (hidden) and the service's own arguments."""

    def __init__(self, *args: Any, user: User, screening: Screening, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.screening = user, screening
        if not self.is_bound:
            self.initial["version"] = screening.version

    def to_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class FollowUpForm(StepForm):
    note = forms.CharField(label="跟进情况", max_length=1000, widget=_textarea(3))
    review_on = _date(label="下次跟进日期")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["review_on"] = act.next_review(self.screening.risk)


class StartForm(StepForm):
    note = forms.CharField(label="化解工作安排", max_length=1000, widget=_textarea(3))


class ResolveForm(StepForm):
    outcome = forms.CharField(
        label="化解情况", max_length=2000, widget=_textarea(4), help_text="如何化解、各方意见、是否签订协议"
    )


class StabiliseForm(StepForm):
    measures = forms.CharField(label="稳控措施", max_length=2000, widget=_textarea(4))
    review_on = _date(label="下次跟进日期")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["review_on"] = act.next_review(self.screening.risk)


class TransferForm(StepForm):
    target = forms.ChoiceField(label="移交对象", choices=[("", "请选择"), *TransferTarget.choices])
    unit = formfields.ModelChoiceField(
        label="接收单位",
        queryset=ResponsibleUnit.objects.none(),
        required=False,
        empty_label="（不在列表中，填写名称）",
        help_text="本乡镇（街道）、本县（区）的司法所、派出所等",
    )
    receiver = forms.CharField(
        label="接收单位名称", max_length=80, required=False, help_text="如：某某村人民调解委员会"
    )
    note = forms.CharField(label="移交说明", max_length=1000, widget=_textarea(3))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ResponsibleUnit.objects.filter(
            pk__in=[u.pk for u in act.transfer_units(self.user, self.screening)]
        ).order_by("region_path", "domain", "name")


class ReassessForm(StepForm):
    risk = forms.ChoiceField(label="新的风险等级", choices=RiskLevel.choices)
    reason = forms.CharField(label="调整理由", max_length=500, widget=_textarea(3))


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    statuses: tuple[str, ...]
    form: type[StepForm] | None  # None: the step is another page (to_matter: the intake page)
    service: Callable[..., Screening] | None
    primary: bool = False
    danger: bool = False

    def allows(self, user: User, screening: Screening) -> bool:
        """A writer whose jurisdiction holds the screening, in one of the step's statuses."""
        return (
            selectors.can_write(user)
            and geometry.contains(jurisdiction.scope_path(user), screening.region_path)
            and screening.status in self.statuses
        )


_F = act.FROM_STATUSES
STEPS: dict[str, Step] = {
    s.key: s
    for s in (
        Step("follow_up", "跟进记录", _F["follow_up"], FollowUpForm, act.screening_follow_up, primary=True),
        Step("start", "开始化解", _F["start"], StartForm, act.screening_start),
        Step("resolve", "化解", _F["resolve"], ResolveForm, act.screening_resolve),
        Step("stabilise", "稳控", _F["stabilise"], StabiliseForm, act.screening_stabilise),
        Step("transfer", "移交", _F["transfer"], TransferForm, act.screening_transfer),
        Step("reassess", "调整风险等级", _F["reassess"], ReassessForm, act.screening_reassess),
        Step("to_matter", "转为信访事项", _F["to_matter"], None, None),
    )
}


def available(user: User, screening: Screening) -> list[Step]:
    return [s for s in STEPS.values() if s.allows(user, screening)]


# ---------------------------------------------------------------------------------------------- list

OPEN = "open"
DUE = "due"


class ScreeningFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60, help_text="排查编号或纠纷摘要")
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[
            ("", "全部"),
            (OPEN, "未结（在控、化解中、稳控）"),
            (DUE, "待跟进（3 日内到期及已过期）"),
            *ScreeningStatus.choices,
        ],
    )
    risk = forms.ChoiceField(label="风险等级", required=False, choices=[("", "全部"), *RiskLevel.choices])
    kind = forms.ChoiceField(label="纠纷类型", required=False, choices=[("", "全部"), *ConflictKind.choices])
    region = formfields.ModelChoiceField(
        label="地点", required=False, queryset=Region.objects.none(), to_field_name="code"
    )
    date_from = _date(label="发现日期自", required=False)
    date_to = _date(label="至", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        # Two levels down from the user's own: a city sees counties and townships, a township its villages.
        deepest = min(Level.VILLAGE, geometry.depth(jurisdiction.scope_path(user)) + 2)
        field.queryset = jurisdiction.regions_for(user).filter(level__lte=deepest).order_by("path")
        field.label_from_instance = _region_label(1)  # type: ignore[method-assign]
