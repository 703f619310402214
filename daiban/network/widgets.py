"""The unit picker (事权单位选择): units grouped by level, filtered as one types a name or pinyin initials.

``UnitSelect`` (one unit: the lead unit) renders a ``<select>`` with one ``<optgroup>`` per group;
``UnitCheckboxes`` (several: the co-units) renders one ``<fieldset>`` of checkboxes per group. Both put a
search box above the choices and give every unit its name's pinyin — initials (``data-initials``,
呼伦路街道司法所 → ``hlljdsfs``) and full (``data-pinyin``) — computed here with pypinyin, so that the
small script ``network/unit_picker.js`` (served from this app's static files) filters without a request.
Without the script the widgets are an ordinary grouped select and checkbox list.

Groups follow the holding level (``holder_path``, set by the form through ``for_holder``): its own units
first (本乡镇（街道）, or 县级 for a county centre), then the townships below it by code, then the levels
above, nearest first (县级, 市级), and last any region beside it. Give the widget a queryset with ``select_related("region")``: a group's
label names the region.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from pypinyin import Style, lazy_pinyin

from daiban.network.models import ResponsibleUnit
from daiban.regions.geometry import contains, depth
from daiban.regions.models import Level

# ------------------------------------------------------------------------------------------- pinyin


@lru_cache(maxsize=4096)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, lower case, for matching what is typed: 司法所 → (sfs, sifasuo).
    Characters without pinyin (digits, Latin letters) are kept as they are."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    full = "".join(lazy_pinyin(name, errors="default"))
    return _squash(initials), _squash(full)


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


# ------------------------------------------------------------------------------------------- groups


def group_of(unit: ResponsibleUnit, holder_path: str) -> tuple[tuple[int, str], str]:
    """(sort key, label) of the group a unit is shown in, seen from the level holding the matter."""
    own = unit.region_path == holder_path
    level = depth(unit.region_path)
    if level == Level.CITY:
        label = "市级"
    elif level == Level.COUNTY:
        # A county centre's own bureaus, or the county above a township: simply 县级. Seen from the city,
        # every county is its own group.
        label = "县级" if own or contains(unit.region_path, holder_path) else f"县级 · {unit.region.name}"
    elif level == Level.TOWNSHIP:
        label = "本乡镇（街道）" if own else f"乡镇（街道） · {unit.region.name}"
    else:
        label = unit.region.name
    if own:
        rank = 0
    elif contains(holder_path, unit.region_path):
        rank = 1  # below the holder: its townships
    elif contains(unit.region_path, holder_path):
        rank = 2 + depth(holder_path) - level  # above: the nearest level first
    else:
        rank = 9  # beside it (another county or township): only a city-wide choice has these
    return (rank, unit.region_path), label


def unit_groups(
    units: Iterable[ResponsibleUnit], holder_path: str
) -> list[tuple[str, list[ResponsibleUnit]]]:
    """The units in their groups (label, units), groups in display order, units in the given order."""
    groups: dict[tuple[int, str], tuple[str, list[ResponsibleUnit]]] = {}
    for unit in units:
        key, label = group_of(unit, holder_path)
        groups.setdefault(key, (label, []))[1].append(unit)
    return [groups[key] for key in sorted(groups)]


# ------------------------------------------------------------------------------------------- widgets


class UnitPickerMixin:
    """Groups the choices of a ModelChoiceField of units and marks each with its pinyin keys."""

    holder_path: str = ""
    search_placeholder = "输入名称或拼音首字母，如 sfs"

    # Provided by forms.ChoiceWidget.
    choices: Any
    allow_multiple_selected: bool

    def for_holder(self, holder_path: str) -> None:
        """The level holding the matter, from which the groups are named (本乡镇、县级、市级)."""
        self.holder_path = holder_path

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list[Any]:
        empty: list[tuple[Any, str]] = []
        units: list[ResponsibleUnit] = []
        labels: dict[int, str] = {}
        for option_value, option_label in self.choices:
            if isinstance(option_value, ModelChoiceIteratorValue):
                unit = option_value.instance  # type: ignore[attr-defined]  # (missing from the stubs)
                units.append(unit)
                labels[unit.pk] = str(option_label)
            else:
                empty.append((option_value, str(option_label)))  # the "choose one" line
        selected_values = set(value)
        found: list[Any] = []
        index = 0
        has_selected = False

        def option(value_: Any, label: str) -> dict[str, Any]:
            nonlocal index, has_selected
            selected = (not has_selected or self.allow_multiple_selected) and str(value_) in selected_values
            has_selected |= selected
            made: dict[str, Any] = self.create_option(  # type: ignore[attr-defined]
                name, value_, label, selected, index, subindex=None, attrs=attrs
            )
            index += 1
            return made

        for value_, label in empty:
            found.append((None, [option(value_, label)], index))
        for group_label, members in unit_groups(units, self.holder_path):
            start = index
            options = []
            for unit in members:
                made = option(ModelChoiceIteratorValue(unit.pk, unit), labels[unit.pk])
                initials, full = pinyin_keys(unit.name)
                made["attrs"] = {**made["attrs"], "data-initials": initials, "data-pinyin": full}
                options.append(made)
            found.append((group_label, options, start))
        return found

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        context["widget"]["search_placeholder"] = self.search_placeholder
        return context


class UnitSelect(UnitPickerMixin, forms.Select):
    """One unit (the lead unit): a grouped ``<select>`` with a search box."""

    template_name = "network/widgets/unit_select.html"


class UnitCheckboxes(UnitPickerMixin, forms.CheckboxSelectMultiple):
    """Several units (the co-units): a checkbox list in one fieldset per group, with a search box."""

    template_name = "network/widgets/unit_checkboxes.html"
