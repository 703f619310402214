"""Forms of the account's own pages: password change and second-factor codes. Every error is a Chinese
sentence that names the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from daiban.accounts.models import User


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="当前密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请填写当前密码。", "max_length": "当前密码不正确。"},
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请填写新密码。", "max_length": "新密码不能超过 128 个字符。"},
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "请再次输入新密码。", "max_length": "新密码不能超过 128 个字符。"},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "；".join(
            password_validation.password_validators_help_texts()
        )

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError("当前密码不正确，请重新输入。", code="password_incorrect")
        return old

    def clean_new_password1(self) -> str:
        new: str = self.cleaned_data["new_password1"]
        try:
            password_validation.validate_password(new, self.user)
        except forms.ValidationError as exc:
            raise forms.ValidationError([f"新密码：{m}" for m in exc.messages]) from exc
        return new

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", "两次输入的新密码不一致，请重新输入。")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": "请填写验证码。", "max_length": "验证码不超过 16 个字符。"},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split()).lower()
        if not code.isascii() or not code.isalnum():
            raise forms.ValidationError("验证码只包含数字和字母，请核对后重新输入。")
        return code
