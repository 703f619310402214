"""The form of 并入原事项, taken through the matter's generic action page (field errors, the conflict page
with what was typed kept)."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.matters.forms import ActionForm
from daiban.repeats import rules


class MergeForm(ActionForm):
    into = forms.TypedChoiceField(
        label="并入的原事项",
        coerce=int,
        error_messages={"required": "请选择并入的原事项。", "invalid_choice": "请选择有效的原事项。"},
    )
    reason = forms.CharField(
        label="并案理由",
        max_length=500,
        help_text="写明同一信访人或同一问题、与原事项的关系；并案后本事项办结，诉求在原事项中一并办理",
        error_messages={"required": "请填写并案理由。", "max_length": "并案理由不能超过 500 个字。"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = list(rules.merge_targets(self.user, self.matter)[:20])
        field = self.fields["into"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(m.pk, f"{m.number} · {m.title}（{m.get_status_display()}）") for m in targets]
        if len(targets) == 1 and not self.is_bound:
            self.initial["into"] = targets[0].pk
