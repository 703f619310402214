"""The online request form (public) and the decline form (staff).

Spam and flood defences without a third-party captcha: a honeypot field people never see, a signed
timestamp (a form sent less than ``MIN_SECONDS`` after it was shown, or older than ``MAX_SECONDS``, is
refused), the SMS code, the throttle (in the view), length limits and refusing text that is only links.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from daiban.core import clock, uploads
from daiban.matters.attachments import sniff_type
from daiban.matters.forms import MAX_UPLOAD_BYTES, MultipleFileField
from daiban.pii.validators import validate_phone
from daiban.regions.models import Level, Region

MIN_SECONDS = 3
MAX_SECONDS = 2 * 3600
TS_SALT = "daiban.portal.apply.ts"
MAX_PHOTOS = 3
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)


def new_stamp() -> str:
    return signing.dumps(int(clock.now().timestamp()), salt=TS_SALT)


def stamp_age(raw: str) -> int | None:
    """Seconds since the form was shown, or None for a missing or forged stamp."""
    try:
        shown = signing.loads(raw or "", salt=TS_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown, int):
        return None
    return int(clock.now().timestamp()) - shown


def only_links(text: str) -> bool:
    """Whether the text says nothing but web addresses (a link-spam submission)."""
    return bool(_LINK.search(text)) and not re.sub(r"[\W_]+", "", _LINK.sub("", text))


def clean_mobile(raw: object) -> str:
    number = validate_phone(raw)
    if not _MOBILE.fullmatch(number):
        raise ValidationError("请填写能接收短信的 11 位手机号码。")
    return number


def _text(label: str, max_length: int, rows: int, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
        error_messages={
            "required": f"请填写“{label}”。",
            "max_length": f"“{label}”不能超过 %(limit_value)d 个字（现有 %(show_value)d 个字）。",
        },
    )


class RegionChoice(forms.ModelChoiceField):
    def __init__(self, label: str, level: Level, required: bool) -> None:
        super().__init__(
            label=label,
            queryset=Region.objects.filter(level=level).order_by("code"),
            required=required,
            empty_label="请选择",
            error_messages={
                "required": f"请选择{label}。",
                "invalid_choice": f"所选{label}不存在，请重新选择。",
            },
        )


class ApplyForm(forms.Form):
    name = forms.CharField(
        label="姓名",
        max_length=32,
        min_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "请填写“姓名”。",
            "min_length": "“姓名”至少 2 个字。",
            "max_length": "“姓名”不能超过 32 个字。",
        },
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="用于接收验证码和办理结果，不会公开。",
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": "请填写“手机号码”。", "max_length": "“手机号码”格式不正确。"},
    )
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,
        help_text="先点“获取验证码”，把收到的 6 位数字填在这里。",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={"max_length": "“短信验证码”是 6 位数字。"},
    )
    # The county and township selects only narrow the picker (apply.picker reads them); the village is
    # what is submitted.
    village = RegionChoice("村（社区）", Level.VILLAGE, required=True)
    happened = _text("发生了什么", 1000, 5, "请写清楚时间、地点和经过，1000 字以内。")
    wanted = _text("希望解决什么", 500, 3, "500 字以内。")
    photos = MultipleFileField(label="照片（可选，最多 3 张）", required=False)
    # The honeypot: hidden from people (class "hp", aria-hidden), filled in by form-filling robots.
    website = forms.CharField(label="请勿填写此项", required=False)
    ts = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["photos"].widget.attrs.update({"accept": "image/jpeg,image/png,image/webp,image/heic"})

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if _LINK.search(name) or any(ch in name for ch in "<>/@"):
            raise ValidationError("“姓名”只能填写姓名。")
        return name

    def clean_phone(self) -> str:
        try:
            return clean_mobile(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(f"手机号码：{exc.messages[0]}") from exc

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code", "").strip()
        if code and not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError("“短信验证码”是 6 位数字。")
        return code

    def _clean_story(self, field: str, label: str, minimum: int) -> str:
        text = self.cleaned_data[field].strip()
        if only_links(text):
            raise ValidationError(f"“{label}”请用文字说明，不能只填写网址。")
        if len(_LINK.findall(text)) > 2:
            raise ValidationError(f"“{label}”中网址太多，请用文字说明。")
        if len(text) < minimum:
            raise ValidationError(f"“{label}”请至少写 {minimum} 个字。")
        return text

    def clean_happened(self) -> str:
        return self._clean_story("happened", "发生了什么", 5)

    def clean_wanted(self) -> str:
        return self._clean_story("wanted", "希望解决什么", 2)

    def clean_photos(self) -> list[Any]:
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"照片最多 {MAX_PHOTOS} 张，请删去多余的照片。")
        uploads.check_upload(files, label="照片")  # anonymous: per submission (the throttle bounds the day)
        for f in files:
            if f.size > MAX_UPLOAD_BYTES:
                raise ValidationError(f"照片“{f.name}”超过 10 MB，请压缩后上传。")
            f.seek(0)
            head = f.read(16)
            f.seek(0)
            if sniff_type(head) not in ("image/jpeg", "image/png", "image/webp", "image/heic"):
                raise ValidationError(f"“{f.name}”不是照片，请上传 JPG 或 PNG 格式的照片。")
        return list(files)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError("提交未成功，请刷新页面后重新填写。", code="honeypot")
        age = stamp_age(str(self.data.get("ts", "")))
        if age is None or age > MAX_SECONDS:
            raise ValidationError("页面已过期，请检查填写的内容后再次提交。", code="stale")
        if age < MIN_SECONDS:
            raise ValidationError("提交太快了，请核对填写的内容后再提交。", code="too_fast")
        village = data.get("village")
        if village is not None and not self._fits(village):
            self.add_error("village", "所选村（社区）不在所选乡镇（街道）内，请重新选择村（社区）。")
        if not data.get("code") and "code" not in self.errors:
            self.add_error("code", "请填写“短信验证码”。没有收到的，请点“获取验证码”。")
        return data

    def _fits(self, village: Region) -> bool:
        """Whether the village lies in the county and township shown above it (a person without
        JavaScript may change the county after choosing the village)."""
        for name, ancestor in (
            ("township", village.parent),
            ("county", village.parent and village.parent.parent),
        ):
            raw = str(self.data.get(name, "") or "").strip()
            if raw and (ancestor is None or raw != str(ancestor.pk)):
                return False
        return True


class CodeForm(forms.Form):
    """What "获取验证码" needs of the same form: the phone."""

    phone = ApplyForm.base_fields["phone"]

    def clean_phone(self) -> str:
        try:
            return clean_mobile(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(f"手机号码：{exc.messages[0]}") from exc


class DeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    reason = forms.CharField(
        label="不予代办的理由",
        max_length=200,
        help_text="该理由将以短信告知申请人，请用平实的语言说明，并告知可以通过什么途径解决。",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 200}),
        error_messages={
            "required": "请填写不予代办的理由。",
            "max_length": "理由不能超过 200 个字。",
        },
    )
