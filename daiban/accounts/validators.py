"""The password policy (等保2.0 第三级 身份鉴别): each rule a validator with a Chinese message, whatever
Django's translation catalogue says. Which rules and their numbers: AUTH_PASSWORD_VALIDATORS and the
DAIBAN_PASSWORD_* settings (daiban/settings.py)."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    UserAttributeSimilarityValidator,
)
from django.core.exceptions import ValidationError


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


def character_classes(password: str) -> int:
    """How many of the four classes (upper case, lower case, digit, symbol) the password uses."""
    upper = any(c.isascii() and c.isupper() for c in password)
    lower = any(c.isascii() and c.islower() for c in password)
    digit = any(c.isascii() and c.isdigit() for c in password)
    symbol = any(not (c.isascii() and c.isalnum()) for c in password)
    return upper + lower + digit + symbol


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_few_classes",
            )

    def get_help_text(self) -> str:
        return f"须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class NotUsernameValidator:
    """The password may not contain the username (in any case), nor the username reversed."""

    def validate(self, password: str, user: Any = None) -> None:
        username = str(getattr(user, "username", "") or "").lower()
        if len(username) >= 3:
            lowered = password.lower()
            if username in lowered or username[::-1] in lowered:
                raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能包含用户名。"


class ChineseUserAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                "密码与您的用户名、姓名或邮箱过于相似。", code="password_too_similar"
            ) from exc

    def get_help_text(self) -> str:
        return "不能与用户名、姓名或邮箱相似。"


class ChineseCommonPasswordValidator(CommonPasswordValidator):
    """Django's list of 20,000 passwords known from leaks."""

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError(
                "这个密码在已泄露的常见密码之列，请换一个。", code="password_too_common"
            ) from exc

    def get_help_text(self) -> str:
        return "不能是已泄露的常见密码。"


def _is_trivial(text: str) -> bool:
    """A string made of one short unit repeated (aaaa, abcabc, 1212) or of one run up or down the
    alphabet or the digits (abcdef, 987654), as the whole password or as its core once a single digit,
    letter or symbol at each end is set aside (Abcdefgh1!, 1234567890Aa)."""
    n = len(text)
    if n == 0:
        return True
    for size in range(1, n // 2 + 1):
        if n % size == 0 and text[:size] * (n // size) == text:
            return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return n >= 3 and len(steps) == 1 and steps <= {1, -1}


class TrivialPatternValidator:
    """No trivially repeated or sequential password: ``aaaaaaaaaa``, ``abcabcabcabc``, ``1234567890``,
    ``qwertyuiop`` as keyboard rows, and the same with a little decoration added to either end."""

    KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
    MIN_RUN = 6  # a run this long anywhere in the password, or one that is more than half of it

    def _runs(self, lowered: str) -> bool:
        lowered = lowered[:128]  # bounded work for any input; a run in the first 128 characters is enough
        n = len(lowered)
        for i in range(n):
            for j in range(n, i + 2, -1):
                chunk = lowered[i:j]
                if len(chunk) < max(4, min(self.MIN_RUN, n // 2 + 1)):
                    break
                patterned = _is_trivial(chunk) or any(
                    chunk in r or chunk in r[::-1] for r in self.KEYBOARD_ROWS
                )
                if patterned and (len(chunk) >= self.MIN_RUN or len(chunk) * 2 > n):
                    return True
        return False

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if _is_trivial(lowered) or self._runs(lowered):
            raise ValidationError(
                "密码不能是简单重复或连续的字符（如 aaaa、abcabc、123456、qwerty）。", code="password_trivial"
            )

    def get_help_text(self) -> str:
        return "不能是简单重复或连续的字符（如 aaaa、abcabc、123456、qwerty）。"


class PasswordHistoryValidator:
    """Not the current password nor any of the last ``count`` (their hashes are in PasswordHistory)."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        hashes: list[str] = []
        current = getattr(user, "password", "")
        if current:
            hashes.append(current)
        if self.count:
            hashes += list(
                user.password_history.order_by("-replaced_at", "-pk").values_list("password", flat=True)[
                    : self.count
                ]
            )
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                f"新密码不能与当前密码或最近 {self.count} 次使用过的密码相同。", code="password_reused"
            )

    def get_help_text(self) -> str:
        return f"不能与当前密码或最近 {self.count} 次使用过的密码相同。"
