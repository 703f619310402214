"""``QuickSelect`` writes exactly Django's ``Select`` markup (but for blank lines), without a template per option."""

from __future__ import annotations

import re

import pytest
from django import forms

from daiban.core.formfields import QuickSelect


def _same(html: str) -> str:
    return re.sub(r"\n\s*", "", html)


class _Form(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "全部"), ("a<b", "甲 & 乙"), ("2", "“二”")], widget=forms.Select, required=False
    )
    quick = forms.ChoiceField(
        choices=[("", "全部"), ("a<b", "甲 & 乙"), ("2", "“二”")], widget=QuickSelect, required=False
    )
    grouped_plain = forms.ChoiceField(
        choices=[("组一", [("1", "一"), ("2", "二")]), ("3", "三")],
        widget=forms.Select(attrs={"disabled": True}),
    )
    grouped_quick = forms.ChoiceField(
        choices=[("组一", [("1", "一"), ("2", "二")]), ("3", "三")],
        widget=QuickSelect(attrs={"disabled": True}),
    )


@pytest.mark.parametrize(
    "data", [None, {"plain": "a<b", "quick": "a<b", "grouped_plain": "2", "grouped_quick": "2"}]
)
def test_same_markup_as_django_select(data: dict[str, str] | None) -> None:
    form = _Form(data)
    plain, quick = str(form["plain"]), str(form["quick"])
    assert _same(quick) == _same(plain).replace('name="plain" id="id_plain"', 'name="quick" id="id_quick"')
    grouped_plain, grouped_quick = str(form["grouped_plain"]), str(form["grouped_quick"])
    assert _same(grouped_quick) == _same(grouped_plain).replace("grouped_plain", "grouped_quick")
    assert (
        "a&lt;b" in quick
        and "甲 &amp; 乙" in quick
        and "<optgroup" in grouped_quick
        and " disabled" in grouped_quick
    )
    if data:
        assert '<option value="a&lt;b" selected>' in quick
