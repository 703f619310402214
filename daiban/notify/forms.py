"""The contact-settings form (消息接收设置). Field errors are Chinese and stay on their field."""

from __future__ import annotations

from django import forms

from daiban.notify import kinds


class SettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    phone = forms.CharField(
        label="手机号码",
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "手机号码过长。"},
    )
    clear_phone = forms.BooleanField(label="删除已保存的手机号码（不再接收短信）", required=False)
    email = forms.CharField(
        label="电子邮箱",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"max_length": "电子邮箱地址过长。"},
    )
    sms_kinds = forms.MultipleChoiceField(
        label="以下消息同时发送短信",
        required=False,
        choices=kinds.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请选择有效的消息类型。", "invalid_list": "请选择有效的消息类型。"},
    )
    email_kinds = forms.MultipleChoiceField(
        label="以下消息同时发送电子邮件",
        required=False,
        choices=kinds.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请选择有效的消息类型。", "invalid_list": "请选择有效的消息类型。"},
    )
    quiet_start = forms.TimeField(
        label="免打扰开始时间",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "请按“时:分”填写时间，例如 22:00。"},
    )
    quiet_end = forms.TimeField(
        label="免打扰结束时间",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="免打扰时段内的短信推迟到时段结束后发送（超期、督办类提醒除外）；两项都留空则不设免打扰。",
        error_messages={"invalid": "请按“时:分”填写时间，例如 07:00。"},
    )

    def __init__(self, *args: object, phone_masked: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["version"].error_messages = {
            "required": "页面已过期，请刷新后再提交。",
            "invalid": "页面已过期，请刷新后再提交。",
            "min_value": "页面已过期，请刷新后再提交。",
            "max_value": "页面已过期，请刷新后再提交。",
        }
        self.fields["phone"].help_text = (
            f"已保存：{phone_masked}。留空则不修改。"
            if phone_masked
            else "用于接收短信提醒；只能填写手机号码。"
        )
