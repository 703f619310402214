"""Forms of the mediation pages. They only type the input; the actions check everything again and name the
field in their errors. A form that changes an existing record carries the version it was loaded at."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from daiban.accounts.models import User
from daiban.core import clock, formfields
from daiban.matters.forms import BoundedDateField
from daiban.matters.models import Matter, Petitioner
from daiban.mediation import selectors
from daiban.mediation.actions import ObligationInput, PartyInput
from daiban.mediation.actions.agreements import MAX_OBLIGATIONS, MAX_PARTIES
from daiban.mediation.models import (
    JudicialStatus,
    PartyRole,
    PerformanceOutcome,
    SessionOutcome,
)


def _required(label: str, verb: str = "填写") -> dict[str, str]:
    return {
        "required": f"请{verb}{label}。",
        "invalid": f"请填写有效的{label}。",
        "max_length": f"{label}过长。",
        "invalid_choice": f"请选择有效的{label}。",
    }


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _mediator_label(user: User) -> str:
    office = user.region.name if user.region_id and user.region else ""
    return f"{user}（{office}）" if office else str(user)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])


class MediatorsMixin(forms.Form):
    mediators = formfields.ModelMultipleChoiceField(
        label="调解人员（本系统用户）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "所选调解人员不是本事项沿途代办机构的工作人员。",
            "invalid_pk_value": "所选调解人员不是本事项沿途代办机构的工作人员。",
            "list": "请选择调解人员。",
        },
    )
    mediator_names = forms.CharField(
        label="人民调解员",
        required=False,
        max_length=200,
        help_text="不在上面名单中的人民调解员，写姓名和所在调解委员会，多位用顿号分隔",
        error_messages=_required("人民调解员"),
    )

    def set_mediators(self, matter: Matter) -> None:
        field = self.fields["mediators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = selectors.mediator_choices(matter)
        field.label_from_instance = _mediator_label  # type: ignore[method-assign,assignment]


# ------------------------------------------------------------------------------------------- session


class SessionForm(MediatorsMixin):
    held_on = BoundedDateField(label="调解日期", past=366, future=0, error_messages=_required("调解日期"))
    held_time = forms.TimeField(
        label="开始时间",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=_required("开始时间"),
    )
    place = forms.CharField(
        label="调解地点",
        max_length=120,
        help_text="如：苏雅拉社区调解室",
        error_messages=_required("调解地点"),
    )
    participants = forms.CharField(
        label="参加人员",
        max_length=1000,
        widget=_area(2),
        help_text="各方当事人及其代理人、到场的亲属或单位代表",
        error_messages=_required("参加人员"),
    )
    record_text = forms.CharField(
        label="调解情况",
        max_length=10_000,
        widget=_area(6),
        help_text="各方陈述的事实和诉求、调解员的说明和建议、各方的意见",
        error_messages=_required("调解情况"),
    )
    outcome = forms.ChoiceField(
        label="调解结果",
        choices=SessionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=_required("调解结果", "选择"),
    )
    field_order = [
        "held_on",
        "held_time",
        "place",
        "mediators",
        "mediator_names",
        "participants",
        "record_text",
        "outcome",
    ]

    def __init__(self, *args: Any, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_mediators(matter)

    def to_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        held_at = timezone.make_aware(datetime.datetime.combine(d["held_on"], d["held_time"]))
        return {
            "held_at": held_at,
            "place": d["place"],
            "mediators": list(d.get("mediators") or []),
            "mediator_names": d.get("mediator_names", ""),
            "participants": d["participants"],
            "record_text": d["record_text"],
            "outcome": d["outcome"],
        }


# ------------------------------------------------------------------------------------------ agreement


class AgreementForm(MediatorsMixin):
    committee = forms.CharField(
        label="人民调解委员会",
        max_length=80,
        help_text="主持调解并在协议书上盖章的调解组织",
        error_messages=_required("人民调解委员会"),
    )
    place = forms.CharField(label="调解地点", max_length=120, error_messages=_required("调解地点"))
    facts = forms.CharField(
        label="纠纷主要事实", max_length=4000, widget=_area(5), error_messages=_required("纠纷主要事实")
    )
    issues = forms.CharField(
        label="争议事项", max_length=2000, widget=_area(3), error_messages=_required("争议事项")
    )
    other_terms = forms.CharField(
        label="其他约定",
        required=False,
        max_length=2000,
        widget=_area(2),
        help_text="如：双方就此纠纷不再向对方主张其他权利",
        error_messages=_required("其他约定"),
    )

    def __init__(self, *args: Any, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_mediators(matter)

    def content_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "committee": d["committee"],
            "place": d["place"],
            "facts": d["facts"],
            "issues": d["issues"],
            "other_terms": d.get("other_terms", ""),
            "mediators": list(d.get("mediators") or []),
            "mediator_names": d.get("mediator_names", ""),
        }


class EditAgreementForm(AgreementForm, VersionedForm):
    pass


class PartyForm(forms.Form):
    """One party; its role is its place: the first row 甲方, the second 乙方 … (rows left blank skipped)."""

    name = forms.CharField(
        label="姓名或名称", required=False, max_length=60, error_messages=_required("姓名或名称")
    )
    description = forms.CharField(
        label="身份或单位",
        required=False,
        max_length=120,
        help_text="如：苏雅拉社区居民；某物业公司（负责人李某）。不填证件号码、电话",
        error_messages=_required("身份或单位"),
    )
    petitioner = formfields.ModelChoiceField(
        label="对应信访人",
        queryset=Petitioner.objects.none(),
        required=False,
        empty_label="不是本事项的信访人",
        error_messages=_required("对应信访人", "选择"),
    )

    def __init__(self, *args: Any, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["petitioner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = matter.petitioners.order_by("id")

    def has_content(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return bool(d.get("name") or d.get("description") or d.get("petitioner"))

    def to_input(self, role: str = "") -> PartyInput:
        """``role``: the 甲方/乙方… of the row this form is on (the page labels rows by their place, so a
        blank row in between keeps the roles of the rows after it)."""
        d = self.cleaned_data
        petitioner = d.get("petitioner")
        return PartyInput(
            role=role,
            name=d.get("name", ""),
            description=d.get("description", ""),
            petitioner_id=petitioner.pk if petitioner is not None else None,
        )


class ObligationForm(forms.Form):
    party_role = forms.ChoiceField(
        label="履行义务的当事人",
        choices=PartyRole.choices,
        error_messages=_required("履行义务的当事人", "选择"),
    )
    what = forms.CharField(
        label="义务内容",
        required=False,
        max_length=500,
        widget=_area(2),
        help_text="如：支付漏水维修费用 3000 元",
        error_messages=_required("义务内容"),
    )
    manner = forms.CharField(
        label="履行方式",
        required=False,
        max_length=200,
        help_text="如：一次性现金支付，社区代办员见证",
        error_messages=_required("履行方式"),
    )
    deadline = BoundedDateField(
        label="履行期限", required=False, past=3650, future=366 * 5, error_messages=_required("履行期限")
    )

    def has_content(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return bool(d.get("what") or d.get("manner") or d.get("deadline"))

    def to_input(self) -> ObligationInput:
        d = self.cleaned_data
        return ObligationInput(
            party_role=d.get("party_role", ""),
            what=d.get("what", ""),
            manner=d.get("manner", ""),
            deadline=d.get("deadline"),
        )


PartyFormSet = formset_factory(
    PartyForm, extra=0, min_num=0, max_num=MAX_PARTIES, validate_max=True, absolute_max=MAX_PARTIES
)
ObligationFormSet = formset_factory(
    ObligationForm,
    extra=0,
    min_num=0,
    max_num=MAX_OBLIGATIONS,
    validate_max=True,
    absolute_max=MAX_OBLIGATIONS,
)


class ReviseForm(VersionedForm):
    reason = forms.CharField(
        label="变更原因",
        max_length=500,
        widget=_area(3),
        help_text="如：双方协商一致，将付款期限延后一个月",
        error_messages=_required("变更原因"),
    )

    def to_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


# --------------------------------------------------------------------------------- after signing


class JudicialForm(VersionedForm):
    status = forms.ChoiceField(
        label="司法确认情况",
        choices=[c for c in JudicialStatus.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages=_required("司法确认情况", "选择"),
    )
    court = forms.CharField(
        label="人民法院",
        required=False,
        max_length=80,
        help_text="如：呼和浩特市新城区人民法院",
        error_messages=_required("人民法院"),
    )
    applied_on = BoundedDateField(
        label="申请日期", required=False, past=366 * 2, future=0, error_messages=_required("申请日期")
    )
    decided_on = BoundedDateField(
        label="裁定日期", required=False, past=366 * 2, future=0, error_messages=_required("裁定日期")
    )
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=_area(2), error_messages=_required("说明")
    )

    def to_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "status": d["status"],
            "court": d.get("court", ""),
            "applied_on": d.get("applied_on"),
            "decided_on": d.get("decided_on"),
            "note": d.get("note", ""),
        }


class PerformForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="履行情况",
        choices=PerformanceOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=_required("履行情况", "选择"),
    )
    on = BoundedDateField(label="核实日期", past=366 * 2, future=0, error_messages=_required("核实日期"))
    performed_on = BoundedDateField(
        label="履行日期（已全部履行的）",
        past=366 * 2,
        future=0,
        required=False,
        help_text="当事人实际履行完毕的日期，按它判断是否按期；不填则按核实日期",
    )
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=500,
        widget=_area(3),
        help_text="如何核实的（当面、电话、凭证）；部分履行或未履行的，写明具体情况",
        error_messages=_required("说明"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", clock.today())
        super().__init__(*args, **kwargs)

    def to_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "outcome": d["outcome"],
            "on": d["on"],
            "note": d.get("note", ""),
            "performed_on": d.get("performed_on"),
        }
