"""Forms of the visit pages: the phone-quick record (the fewest fields first, the rest under 更多), its
correction, and the list's filters. The action checks everything again; these only type the input."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from daiban.accounts.models import User
from daiban.core import clock, formfields
from daiban.matters.forms import BoundedDateField, indented_region_label
from daiban.network.jurisdiction import regions_for
from daiban.prevention.actions.visits import MAX_FINDINGS, MAX_HOUSEHOLDS, member_choices
from daiban.prevention.models import Visit, VisitKind
from daiban.prevention.views.common import VersionedForm
from daiban.regions.models import Region

# Shown first on a phone; the others are folded under 更多.
QUICK_FIELDS = ("kind", "visited_on", "households", "findings")


def _member_label(user: User) -> str:
    where = user.region.name if user.region_id and user.region else ""
    return f"{user.display_name or user.username}（{where}）" if where else user.display_name or user.username


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label="走访方式",
        choices=VisitKind.choices,
        widget=forms.RadioSelect(attrs={"class": "big-radio"}),
        error_messages={"required": "请选择走访方式。", "invalid_choice": "请选择有效的走访方式。"},
    )
    visited_on = forms.DateField(
        label="走访日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写走访日期。", "invalid": "请填写有效的日期。"},
    )
    households = forms.IntegerField(
        label="走访户数（人次）",
        required=False,
        min_value=0,
        max_value=MAX_HOUSEHOLDS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    findings = forms.CharField(
        label="发现情况",
        required=False,
        max_length=MAX_FINDINGS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="有矛盾纠纷的，保存后可直接登记排查或信访事项",
    )
    region = formfields.ModelChoiceField(
        label="走访地点", queryset=Region.objects.none(), empty_label=None, help_text="默认为您所在村（社区）"
    )
    place = forms.CharField(
        label="具体地点", required=False, max_length=80, help_text="如：三组、幸福小区 5 号楼"
    )
    members = formfields.ModelMultipleChoiceField(
        label="同去人员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="您本人自动计入",
    )
    others = forms.CharField(
        label="其他参加人员", required=False, max_length=120, help_text="如：网格员、村两委成员"
    )

    def __init__(self, *args: Any, user: User, visit: Visit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions_for(user).order_by("path")
        top = user.region.level if user.region_id and user.region else 1
        region.label_from_instance = indented_region_label(top)  # type: ignore[method-assign]
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        # The one who recorded the visit is always among those who went: not offered as a choice.
        members.queryset = member_choices(user).exclude(pk=visit.recorded_by_id if visit else user.pk)
        members.label_from_instance = _member_label  # type: ignore[method-assign,assignment]
        if visit is not None:
            members.help_text = f"记录人 {visit.recorded_by} 自动计入"
        if not self.is_bound and visit is None:
            self.initial.setdefault("visited_on", clock.today())
            self.initial.setdefault("region", user.region_id)

    @property
    def quick_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in QUICK_FIELDS]

    @property
    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in QUICK_FIELDS and name != "version"]

    @property
    def more_has_errors(self) -> bool:
        return any(self.errors.get(name) for name in self.fields if name not in QUICK_FIELDS)

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "visited_on": data["visited_on"],
            "region": data["region"],
            "place": data.get("place") or "",
            "members": list(data.get("members") or []),
            "others": data.get("others") or "",
            "households": data.get("households") or 0,
            "findings": data.get("findings") or "",
        }


class VisitEditForm(VisitForm, VersionedForm):
    """更正: the same fields, loaded with the record, and the version it was loaded at."""

    @classmethod
    def initial_for(cls, visit: Visit) -> dict[str, Any]:
        return {
            "kind": visit.kind,
            "visited_on": visit.visited_on,
            "households": visit.households,
            "findings": visit.findings,
            "region": visit.region_id,
            "place": visit.place,
            "members": list(visit.members.values_list("pk", flat=True)),
            "others": visit.others,
            "version": visit.version,
        }


class VisitFilterForm(forms.Form):
    kind = forms.ChoiceField(label="走访方式", required=False, choices=[("", "全部"), *VisitKind.choices])
    region = formfields.ModelChoiceField(
        label="区域", required=False, queryset=Region.objects.none(), to_field_name="code"
    )
    date_from = BoundedDateField(label="走访日期自", required=False, past=365 * 30, future=365)
    date_to = BoundedDateField(label="至", required=False, past=365 * 30, future=365)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions_for(user).order_by("path")
        region.label_from_instance = indented_region_label(1)  # type: ignore[method-assign]

    def value(self, name: str) -> Any:
        """A filter's cleaned value; a field with an error is left out (shown as 此条件未生效)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None

    def date_range(self) -> tuple[datetime.date | None, datetime.date | None]:
        return self.value("date_from"), self.value("date_to")
