"""Form fields that refuse a hostile value with a clear error before it reaches the database.

Django's model choice fields hand a posted id straight to a query; an id beyond the database's integer
range (``"9" * 25``) then raises ``OverflowError`` on SQLite — a 500. These refuse anything but a plain
ASCII number in range as an invalid choice, so the field is named in the error like any wrong pick."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

_MAX_ID = 2**63 - 1


def _plain_id(value: Any) -> bool:
    text = str(getattr(value, "pk", value)).strip()
    return text.isascii() and text.isdigit() and int(text) <= _MAX_ID


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _plain_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            if not _plain_id(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)  # type: ignore[misc]
