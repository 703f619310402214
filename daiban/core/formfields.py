"""Form fields that refuse a hostile value with a clear error before it reaches the database.

Django's model choice fields hand a posted id straight to a query; an id beyond the database's integer
range (``"9" * 25``) then raises ``OverflowError`` on SQLite — a 500. These refuse anything but a plain
ASCII number in range as an invalid choice, so the field is named in the error like any wrong pick."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

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


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: ``True`` is a bare attribute, ``False`` (and ``None``) left out."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        parts.append(
            f" {conditional_escape(name)}" if value is True else format_html(' {}="{}"', name, value)
        )
    return "".join(parts)


class QuickSelect(forms.Select):
    """The same markup as Django's ``Select``, written in Python instead of one template per option.

    A filter with every unit of a city has hundreds of options; rendering each through the template engine
    was most of the city's list page (issue 15). The context (``optgroups``, the selected value, the
    attributes) is Django's own, so the option values, labels and selection are exactly those of ``Select``.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, group_choices, _ in widget["optgroups"]:
            if group_name:
                out.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                value, label = conditional_escape(str(option["value"])), conditional_escape(option["label"])
                out.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>')
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 — every part above is escaped
