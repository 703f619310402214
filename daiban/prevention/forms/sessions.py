"""Forms of the reception-session pages: they read what was typed; the actions decide what is allowed."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import formfields
from daiban.network import jurisdiction
from daiban.prevention.actions.sessions import SessionInput
from daiban.prevention.models.sessions import JointBody, ReceptionSession, SessionKind, SessionStatus
from daiban.prevention.views.common import VersionedForm
from daiban.regions.models import Region

_LOW = datetime.datetime(1900, 1, 2, tzinfo=datetime.UTC)
_HIGH = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input; a value the calendar cannot hold (year 0, 9999-12-31 24:00 …) is an
    error naming the field, never an overflow further on."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime.datetime | None:
        try:
            result = super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if result is not None:
            try:
                ok = _LOW < result < _HIGH
            except OverflowError:
                ok = False
            if not ok:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result


def _leader_label(user: User) -> str:
    return f"{user}（{user.region.name if user.region else ''}）"


class SessionForm(VersionedForm):
    """安排 / 修改接访活动."""

    kind = forms.ChoiceField(label="接访形式", choices=SessionKind.choices)
    title = forms.CharField(
        label="主题", max_length=80, help_text="如：县级领导接待日（征地拆迁专题）、周三法律直播间"
    )
    starts_at = LocalDateTimeField(label="开始时间")
    ends_at = LocalDateTimeField(label="结束时间")
    place = forms.CharField(
        label="地点（平台）", max_length=80, help_text="如：新城区信访代办中心接待室、抖音直播间"
    )
    region = formfields.ModelChoiceField(label="所属层级", queryset=Region.objects.none(), empty_label=None)
    leaders = formfields.ModelMultipleChoiceField(
        label="接访领导", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    bodies = forms.MultipleChoiceField(
        label="参加单位",
        choices=JointBody.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="联合接访须选择至少一个",
    )
    other_bodies = forms.CharField(label="其他参加单位", max_length=120, required=False)
    notes = forms.CharField(label="说明", required=False, widget=_textarea(3), max_length=2000)

    def __init__(self, *args: Any, user: User, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            # A new session has no version yet.
            self.fields["version"].required = False
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = jurisdiction.regions_for(user).order_by("path")
        top = user.region.level if user.region else 1
        region.label_from_instance = lambda r: "　" * max(0, r.level - top) + r.name  # type: ignore[method-assign,assignment]
        if user.region_id and not self.is_bound:
            self.initial.setdefault("region", user.region_id)
        leaders = self.fields["leaders"]
        assert isinstance(leaders, forms.ModelMultipleChoiceField)
        leaders.queryset = jurisdiction.reception_leaders(user).select_related("region")
        leaders.label_from_instance = _leader_label  # type: ignore[method-assign,assignment]

    @classmethod
    def initial_for(cls, session: ReceptionSession) -> dict[str, Any]:
        local = timezone.localtime
        return {
            "version": session.version,
            "kind": session.kind,
            "title": session.title,
            "starts_at": local(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "place": session.place,
            "region": session.region_id,
            "leaders": [x.pk for x in session.leaders.all()],
            "bodies": list(session.bodies),
            "other_bodies": session.other_bodies,
            "notes": session.notes,
        }

    def to_input(self) -> SessionInput:
        d = self.cleaned_data
        return SessionInput(
            kind=d["kind"],
            title=d["title"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            place=d["place"],
            region=d["region"],
            leaders=list(d["leaders"]),
            bodies=list(d.get("bodies") or []),
            other_bodies=d.get("other_bodies", ""),
            notes=d.get("notes", ""),
        )


class CancelForm(VersionedForm):
    reason = forms.CharField(label="取消原因", widget=_textarea(3), max_length=500)


class CloseForm(VersionedForm):
    summary = forms.CharField(
        label="接访小结",
        widget=_textarea(5),
        max_length=2000,
        help_text="接待人次、主要问题、当场解决和交办的情况",
    )


class AnswerForm(forms.Form):
    """记录当场答复: who came (a name or 称呼, never an ID or phone number), what they raised, the answer."""

    leader = formfields.ModelChoiceField(label="接待领导", queryset=User.objects.none(), empty_label=None)
    visitor = forms.CharField(
        label="来访人", max_length=40, help_text="姓名或称呼，如：张女士；不填身份证号、电话"
    )
    summary = forms.CharField(label="反映问题", max_length=200, widget=_textarea(2))
    answer = forms.CharField(label="答复情况", max_length=2000, widget=_textarea(4))

    def __init__(self, *args: Any, session: ReceptionSession, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = session.leaders.order_by("region_path", "username")
        if not self.is_bound and session.leaders.filter(pk=user.pk).exists():
            self.initial.setdefault("leader", user.pk)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label="接访形式", choices=[("", "全部"), *SessionKind.choices], required=False)
    status = forms.ChoiceField(
        label="状态",
        choices=[("", "全部"), *SessionStatus.choices],
        required=False,
    )
