"""The action form of 通报组织（人事）部门 (its fields are the service's keyword arguments)."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.cadres.actions import accused_units, notice_levels
from daiban.core import formfields
from daiban.matters.forms import ActionForm
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Region


class CadreNoticeForm(ActionForm):
    cadre_name = forms.CharField(
        label="被反映干部姓名", max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    cadre_post = forms.CharField(
        label="被反映干部职务", max_length=80, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    accused_unit = formfields.ModelChoiceField(
        label="被检举单位", queryset=ResponsibleUnit.objects.none(), empty_label="请选择被检举单位"
    )
    level = formfields.ModelChoiceField(label="通报层级", queryset=Region.objects.none(), empty_label=None)
    department = forms.CharField(
        label="组织（人事）部门",
        max_length=80,
        help_text="按干部管理权限填写该层级党委组织部门或人事部门，如“新城区委组织部”；不得填写被检举单位。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (("accused_unit", accused_units(self.matter)), ("level", notice_levels(self.matter))):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = qs
