"""Forms of the two execution actions, taken through the generic action page of ``daiban.matters``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from daiban.core.uploads import check_upload
from daiban.execution import rules
from daiban.execution.actions import MAX_ITEMS
from daiban.execution.models import ItemStatus
from daiban.matters.forms import ActionForm, BoundedDateField, MultipleFileField

OTHER = ""


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SupportItemsForm(ActionForm):
    """Up to ``MAX_ITEMS`` rows (the first required); the action can be taken again for more."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opinion = rules.current_opinion(self.matter)
        units = rules.responsible_units(self.matter, opinion) if opinion is not None else []
        choices = [(OTHER, "其他责任方（在下栏填写）"), *((str(u.pk), u.name) for u in units)]
        for n in range(1, MAX_ITEMS + 1):
            first = n == 1
            self.fields[f"what_{n}"] = forms.CharField(
                label=f"第 {n} 项：应当落实的事项",
                max_length=500,
                required=first,
                widget=_textarea(2),
                help_text="如：补发拖欠工资 2.3 万元；恢复通行道路" if first else "",
            )
            self.fields[f"unit_{n}"] = forms.ChoiceField(
                label=f"第 {n} 项：落实单位", choices=choices, required=False
            )
            self.fields[f"who_{n}"] = forms.CharField(
                label=f"第 {n} 项：其他责任方",
                max_length=80,
                required=False,
                help_text="不是本事项的事权单位时填写",
            )
            self.fields[f"due_{n}"] = BoundedDateField(
                label=f"第 {n} 项：落实期限", required=first, past=0, future=365 * 5
            )

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        items = []
        for n in range(1, MAX_ITEMS + 1):
            unit = data.get(f"unit_{n}") or ""
            items.append(
                {
                    "what": data.get(f"what_{n}") or "",
                    "unit_id": int(unit) if unit.isdigit() else None,
                    "who": data.get(f"who_{n}") or "",
                    "due_date": data.get(f"due_{n}"),
                }
            )
        return {"items": items}


class ExecutionForm(ActionForm):
    item = forms.ChoiceField(label="支持事项")
    status = forms.ChoiceField(label="落实情况", choices=ItemStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="落实说明", max_length=1000, widget=_textarea(3))
    evidence = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text="照片（JPG、PNG）或 PDF，可多选，每个不超过 10 MB；登记“已落实”时必须上传",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = rules.recordable(self.user, self.matter)
        cast(forms.ChoiceField, self.fields["item"]).choices = [
            (
                str(i.pk),
                f"{i.what[:40]}（{i.responsible}，{i.due_date:%Y-%m-%d}前，{i.get_status_display()}）",
            )
            for i in items
        ]

    def clean_evidence(self) -> list[Any]:
        files: list[Any] = self.cleaned_data.get("evidence") or []
        check_upload(files, label="佐证材料", user_id=self.user.pk)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") == ItemStatus.DONE
            and not data.get("evidence")
            and "evidence" not in self.errors
        ):
            raise ValidationError({"evidence": "登记“已落实”须上传佐证材料（照片或 PDF）。"})
        return data

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "item_id": int(data["item"]),
            "status": data["status"],
            "note": data["note"],
            "evidence": data.get("evidence") or [],
        }
