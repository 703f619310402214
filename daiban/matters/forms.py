"""Forms for intake and for each action. Forms only collect input; the actions decide."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.forms import formset_factory
from django.utils.functional import lazy

from daiban.accounts.models import Role, User
from daiban.core import clock, formfields, uploads
from daiban.matters import deadlines
from daiban.matters.attachments import sniff_type
from daiban.matters.choices import (
    Category,
    Channel,
    ContactMethod,
    LegalChannel,
    NotAcceptedReason,
    Outcome,
    PetitionerGroup,
    Purpose,
    ReviewKind,
    Satisfaction,
    ServiceManner,
)
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter, UnitTask
from daiban.matters.petitioners import PetitionerInput
from daiban.network import jurisdiction
from daiban.network.models import ResponsibleUnit
from daiban.network.widgets import UnitCheckboxes, UnitPickerMixin, UnitSelect
from daiban.pii.validators import validate_id_number, validate_phone
from daiban.regions.models import Level, Region

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            if f.size > MAX_UPLOAD_BYTES:
                raise ValidationError(f"“{f.name}”超过 10 MB，请压缩后上传。")
            f.seek(0)
            head = f.read(16)
            f.seek(0)
            if sniff_type(head) is None:
                raise ValidationError(f"“{f.name}”的格式不支持，请上传照片（JPG、PNG）或 PDF。")
        return cleaned


# Typing an ID or phone number recognises the person at once (POST: the number never enters a URL).
LOOKUP_ATTRS = {
    "hx-post": "/matters/lookup/",
    "hx-trigger": "change",
    "hx-target": "#lookup-result",
    "hx-include": "this",
}


class PetitionerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=32, required=False)
    id_number = forms.CharField(
        label="身份证号码",
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false", **LOOKUP_ATTRS}
        ),
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel", **LOOKUP_ATTRS}
        ),
    )
    address = forms.CharField(label="住址", max_length=120, required=False)
    group = forms.ChoiceField(
        label="人员类别", choices=PetitionerGroup.choices, initial=PetitionerGroup.RESIDENT
    )
    is_representative = forms.BooleanField(label="代表", required=False)

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "").strip()
        return validate_id_number(raw) if raw else ""

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        return validate_phone(raw) if raw else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("id_number") or data.get("phone")) and not data.get("name"):
            self.add_error("name", "请填写信访人姓名。")
        return data

    def has_person(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("name") or data.get("id_number") or data.get("phone"))

    def to_input(self) -> PetitionerInput:
        d = self.cleaned_data
        return PetitionerInput(
            name=d.get("name", ""),
            id_number=d.get("id_number", ""),
            phone=d.get("phone", ""),
            address=d.get("address", ""),
            group=d.get("group") or PetitionerGroup.OTHER,
            is_representative=bool(d.get("is_representative")),
        )


# A group visit registers at most 5 representatives (art. 18); absolute_max stops a forged TOTAL_FORMS from
# building thousands of forms.
PetitionerFormSet = formset_factory(
    PetitionerForm, extra=0, min_num=1, max_num=5, validate_max=True, absolute_max=5
)


class BoundedDateField(forms.DateField):
    """A date within a sensible window around today (``past`` and ``future`` in days), so that a typo
    like 9999-12-31 is an error naming the field rather than a stored absurdity."""

    def __init__(self, *args: Any, past: int = 365 * 5, future: int = 365 * 2, **kwargs: Any) -> None:
        # ISO, whatever the locale's first input format (zh-hans: 2026/12/02, which <input type=date>
        # cannot show: an initial date would be rendered empty and then refused as missing).
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)
        self.past, self.future = past, future

    def clean(self, value: Any) -> Any:
        day = super().clean(value)
        if day is not None:
            today = clock.today()
            if (
                not today - datetime.timedelta(days=self.past)
                <= day
                <= today + datetime.timedelta(days=self.future)
            ):
                raise ValidationError(
                    f"{self.label}应在 {today - datetime.timedelta(days=self.past):%Y-%m-%d} 至 "
                    f"{today + datetime.timedelta(days=self.future):%Y-%m-%d} 之间。"
                )
        return day


def indented_region_label(top_level: int) -> Any:
    def label(region: Region) -> str:
        return "　" * max(0, region.level - top_level) + region.name

    return label


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label="来源渠道", choices=Channel.choices, initial=Channel.WINDOW)
    region = formfields.ModelChoiceField(label="问题发生地", queryset=Region.objects.none(), empty_label=None)
    title = forms.CharField(
        label="事项摘要", max_length=80, help_text="一句话概括，如：老旧小区改造遗留漏水问题"
    )
    content = forms.CharField(label="反映内容", widget=_textarea(4))
    request = forms.CharField(label="诉求", widget=_textarea(2))
    category = forms.ChoiceField(label="内容分类", choices=[("", "请选择"), *Category.choices])
    purpose = forms.ChoiceField(label="信访目的", choices=Purpose.choices, initial=Purpose.APPEAL)
    headcount = forms.IntegerField(
        label="人数", min_value=1, max_value=10000, required=False, help_text="5 人以上为集体访"
    )
    leader = formfields.ModelChoiceField(label="接访领导", queryset=User.objects.none(), required=False)
    consent = forms.BooleanField(
        label="信访人同意由代办员代办",
        required=False,
        help_text="登记后在事项页“文书”中出具代办委托书，请信访人当面用手指签名，或上传纸质签字件",
    )
    photos = MultipleFileField(label="照片或材料", required=False)
    # Art. 19: when the person has open matters, the agent says whether this visit repeats one of them.
    decision = forms.CharField(required=False, widget=forms.HiddenInput)
    # The record of an app around matters this intake comes from ("screening:12"; daiban.matters.origins).
    origin = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    new_matter_reason = forms.CharField(
        label="另立新事项的说明",
        required=False,
        widget=_textarea(2),
        help_text="该信访人已有在办事项而另立新事项时，可说明为何是新的问题",
    )

    def clean_decision(self) -> tuple[str, int | None]:
        """ "" (not asked yet), "new", or "repeat:<matter id>" (art. 19: the agent's choice)."""
        raw = str(self.cleaned_data.get("decision") or "").strip()
        if raw in ("", "new"):
            return (raw, None)
        kind, _, number = raw.partition(":")
        if kind != "repeat" or not (number.isascii() and number.isdigit()) or len(number) > 12:
            raise ValidationError("请选择作为哪件事项的重复来访，或另立新事项。")
        return ("repeat", int(number))

    def to_kwargs(self) -> dict[str, Any]:
        """``matter_intake``'s keyword arguments besides the actor and the people (photos are added after)."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("photos", "decision", "kept")}
        kind, matter_id = self.cleaned_data.get("decision") or ("", None)
        data["repeat_of"] = matter_id if kind == "repeat" else None
        data["new_matter"] = kind == "new"
        return data

    def clean_photos(self) -> list[Any]:
        photos: list[Any] = self.cleaned_data.get("photos") or []
        self.check_quota(photos)
        return photos

    def check_quota(self, photos: Sequence[Any]) -> None:
        """The upload quotas over this submission's new photos and those kept from an earlier try."""
        uploads.check_upload([*self.kept_files, *photos], label="照片或材料", user_id=self.user.pk)

    def clean_consent(self) -> bool:
        if not self.cleaned_data.get("consent"):
            raise ValidationError("须经信访人同意并签署代办委托后方可代办。")
        return True

    def __init__(self, *args: Any, user: User, kept_files: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.kept_files = user, kept_files
        regions = jurisdiction.regions_for(user).filter(level__gte=Level.COUNTY).order_by("path")
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions
        field.label_from_instance = indented_region_label(2)  # type: ignore[method-assign]
        if user.region_id and not self.is_bound:
            self.initial.setdefault("region", user.region_id)
        leader_field = self.fields["leader"]
        assert isinstance(leader_field, forms.ModelChoiceField)
        # A reception-day leader sits at the agent's level or above (the county or city leader receiving
        # that day), or below it for a county centre.
        leader_field.queryset = jurisdiction.reception_leaders(user)
        if user.role == Role.LEADER and not self.is_bound:
            self.initial.setdefault("channel", Channel.LEADER_DAY)
            self.initial.setdefault("leader", user.pk)


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: User, matter: Matter, task: UnitTask | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.matter, self.task = user, matter, task
        if not self.is_bound:
            self.initial["version"] = matter.version

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])

    def to_kwargs(self) -> dict[str, Any]:
        """The service's own keyword arguments (besides actor, target and version). Field names match
        the service's parameters; a form whose input is shaped differently overrides this."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class NoteForm(ActionForm):
    note = forms.CharField(label="说明", widget=_textarea(3))


class OptionalNoteForm(ActionForm):
    note = forms.CharField(label="说明", widget=_textarea(2), required=False)


# 简易办理 (国家信访局 simplified procedure): the label reads the configured length when the form is shown.
SIMPLE_HELP = "事实清楚、责任明确、争议不大、易于解决的事项，受理后按简易办理期限办结，不能延期"


class StartLocalForm(OptionalNoteForm):
    simple = forms.BooleanField(
        label=lazy(deadlines.simple_procedure_label, str)(), required=False, help_text=SIMPLE_HELP
    )


class AnswerForm(ActionForm):
    answer = forms.CharField(label="答复内容", widget=_textarea(4))


class HandDownForm(ActionForm):
    to_region = formfields.ModelChoiceField(label="交由", queryset=Region.objects.none(), empty_label=None)
    note = forms.CharField(label="交办说明", widget=_textarea(3))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_region"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only the next level on the way down to where the matter arose.
        holder_id = self.matter.holder_region_id
        field.queryset = (
            jurisdiction.hand_down_targets(holder_id, self.matter.region_path)
            if holder_id is not None
            else Region.objects.none()
        )


class GuideForm(ActionForm):
    legal_channel = forms.ChoiceField(label="法定途径", choices=LegalChannel.choices)
    guidance = forms.CharField(label="引导说明", widget=_textarea(3))


class NotAcceptForm(ActionForm):
    reason_kind = forms.ChoiceField(label="不予受理理由", choices=NotAcceptedReason.choices)
    reason = forms.CharField(label="说明", widget=_textarea(3))


class RouteForm(ActionForm):
    lead_unit = formfields.ModelChoiceField(
        label="主办单位",
        queryset=ResponsibleUnit.objects.none(),
        empty_label="请选择主办单位",
        widget=UnitSelect,
    )
    lead_instructions = forms.CharField(label="交办要求", widget=_textarea(3), required=False)
    co_units = formfields.ModelMultipleChoiceField(
        label="协办单位",
        queryset=ResponsibleUnit.objects.none(),
        required=False,
        widget=UnitCheckboxes,
    )
    co_instructions = forms.CharField(label="协办要求", widget=_textarea(2), required=False)
    simple = forms.BooleanField(
        label=lazy(deadlines.simple_procedure_label, str)(),
        required=False,
        help_text=SIMPLE_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The units the action accepts (an accusation: discipline units only), grouped by level as seen
        # from the level holding the matter; the region names the groups.
        holder_path = self.matter.holder_path
        units = jurisdiction.routable_units(
            self.user, holder_path, accusation=self.matter.is_accusation
        ).select_related("region")
        for name in ("lead_unit", "co_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            assert isinstance(field.widget, UnitPickerMixin)
            field.queryset = units
            field.widget.for_holder(holder_path)

    def to_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "lead_unit": d["lead_unit"],
            "lead_instructions": d["lead_instructions"],
            "co_units": [(unit, d["co_instructions"]) for unit in d["co_units"]],
            "simple": bool(d.get("simple")),
        }


class TaskAcceptForm(ActionForm):
    notice_method = forms.ChoiceField(label="受理告知方式", choices=ContactMethod.choices, required=False)


class ObjectForm(ActionForm):
    reasons = forms.CharField(label="异议理由", widget=_textarea(4))


class ObjectionAgreeForm(ActionForm):
    note = forms.CharField(label="核实意见", widget=_textarea(3), required=False)


class ObjectionRefuseForm(ActionForm):
    reasons = forms.CharField(label="不同意异议的理由", widget=_textarea(4))


class PartForm(ActionForm):
    content = forms.CharField(label="协办意见", widget=_textarea(5))


class MediateForm(ActionForm):
    participants = forms.CharField(label="参加调解人员", widget=_textarea(2))
    terms = forms.CharField(label="协议内容", widget=_textarea(4))
    performance_manner = forms.CharField(label="履行方式", max_length=200)
    performance_deadline = BoundedDateField(label="履行期限", past=0, future=365 * 2)
    signed = forms.BooleanField(label="各方已在调解协议书上签字", required=False)


class ExtendForm(ActionForm):
    days = forms.IntegerField(label="延期天数", min_value=1)
    approver = forms.CharField(label="批准人（单位负责人）", max_length=32)
    reason = forms.CharField(label="延期理由", widget=_textarea(3))
    notified_how = forms.ChoiceField(label="告知信访人方式", choices=ContactMethod.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The configured cap (the same number the action checks), less what was already granted.
        try:
            left = max(1, deadlines.extension_cap() - self.matter.extended_days)
        except WrongState:
            left = 1
        field = self.fields["days"]
        assert isinstance(field, forms.IntegerField)
        field.max_value = left
        field.validators.append(MaxValueValidator(left))
        field.widget.attrs["max"] = str(left)
        field.help_text = f"最多还可延期 {left} 日"


class OpinionForm(ActionForm):
    outcome = forms.ChoiceField(label="处理结果", choices=Outcome.choices, widget=forms.RadioSelect)
    facts = forms.CharField(label="查明的事实", widget=_textarea(4))
    reasons = forms.CharField(label="理由", widget=_textarea(3))
    basis = forms.CharField(label="依据", widget=_textarea(2))


class FeedbackForm(ActionForm):
    method = forms.ChoiceField(label="反馈方式", choices=ContactMethod.choices)
    note = forms.CharField(label="反馈情况", widget=_textarea(3))


class FollowUpForm(ActionForm):
    service_satisfaction = forms.ChoiceField(
        label="对代办服务的评价", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    unit_satisfaction = forms.ChoiceField(
        label="对办理单位的评价", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(label="回访方式", choices=ContactMethod.choices)
    note = forms.CharField(label="回访情况", widget=_textarea(2), required=False)


class CloseForm(ActionForm):
    resolved = forms.TypedChoiceField(
        label="化解情况",
        choices=[("1", "矛盾已化解"), ("0", "已办结但未化解")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="说明", widget=_textarea(2), required=False)


class ReviewRequestForm(ActionForm):
    kind = forms.ChoiceField(label="申请类型", choices=ReviewKind.choices)
    requested_on = BoundedDateField(label="申请日期", past=365 * 3, future=0)
    reason = forms.CharField(label="申请理由", widget=_textarea(3))


class HearingForm(ActionForm):
    days = forms.IntegerField(label="听证天数", min_value=1, max_value=60)


class LeadersForm(ActionForm):
    leaders = formfields.ModelMultipleChoiceField(
        label="包案领导（一至两名）", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leaders"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = jurisdiction.case_leaders(self.matter.region_path)

    def to_kwargs(self) -> dict[str, Any]:
        return {"leaders": list(self.cleaned_data["leaders"])}


class RecusalForm(ActionForm):
    reason = forms.CharField(label="利害关系说明", widget=_textarea(3))
    replacement = formfields.ModelChoiceField(label="接替人", queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["replacement"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            role=self.user.role, region=self.user.region, unit=self.user.unit, is_active=True
        ).exclude(pk=self.user.pk)


class ServeForm(ActionForm):
    served_on = BoundedDateField(
        label="送达日期",
        past=365 * 3,
        future=0,
        initial=clock.today,
        help_text="信访人收到书面答复之日；申请复查（复核）的期限自此起算",
    )
    manner = forms.ChoiceField(label="送达方式", choices=ServiceManner.choices)
    note = forms.CharField(
        label="送达说明", widget=_textarea(2), required=False, help_text="如签收人、邮件单号、送达地址"
    )


class ReissueCodeForm(ActionForm):
    note = forms.CharField(
        label="原因",
        widget=_textarea(2),
        required=False,
        max_length=200,
        help_text="如：信访人遗失回执、查询码可能被他人知道。原查询码立即作废，新查询码只显示一次，请当面或电话告知信访人。",
    )


class AttachForm(ActionForm):
    # Not "files": that is the form's own attribute holding what was uploaded.
    uploads = MultipleFileField(label="附件", help_text="照片（JPG、PNG）或 PDF，可多选，每个不超过 10 MB")
    note = forms.CharField(label="说明", widget=_textarea(2), required=False, max_length=500)

    def clean_uploads(self) -> list[Any]:
        files: list[Any] = self.cleaned_data.get("uploads") or []
        if not files:
            raise ValidationError("请选择要上传的附件。")
        uploads.check_upload(files, label="附件", user_id=self.user.pk)
        return files


class PetitionerSearchForm(forms.Form):
    """Find a person by ID or phone. Always POSTed, so the number never appears in a URL or access log."""

    term = forms.CharField(label="身份证号码或联系电话", max_length=20)
