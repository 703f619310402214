"""Forms of the expert-consultation pages (专家团队研判): convene, record an opinion, conclude. The actions
check everything again; these only type the input. A changing form carries the version it was loaded at."""

from __future__ import annotations

from typing import Any

from django import forms

from daiban.accounts.models import User
from daiban.core import formfields
from daiban.matters.models import Matter
from daiban.network.models import Agent
from daiban.supervision.actions.consultations import (
    MAX_CONCLUSION,
    MAX_OPINION,
    MAX_QUESTION,
    expert_choices,
    members_of,
)
from daiban.supervision.models import Consultation


def _required(label: str, verb: str = "填写") -> dict[str, str]:
    return {"required": f"请{verb}{label}。", "invalid": f"请填写有效的{label}。"}


class VersionedForm(forms.Form):
    """A form that changes an existing record carries the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    @property
    def expected_version(self) -> int:
        return int(self.cleaned_data["version"])


def _expert_label(agent: Agent) -> str:
    tags = "、".join(t for t in agent.attribute_labels if t in ("专家", "法律顾问"))
    return f"{agent.name}（{agent.organization.name}{'，' + tags if tags else ''}）"


class ConveneForm(forms.Form):
    question = forms.CharField(
        label="研判问题",
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明需要专家研判的焦点，如：诉求是否有政策依据、可否通过司法救助化解",
        error_messages=_required("研判问题"),
    )
    experts = formfields.ModelMultipleChoiceField(
        label="专家（本县区专家、法律顾问）",
        queryset=Agent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "所选专家不在本县（区）专家、法律顾问名单中。",
            "invalid_pk_value": "所选专家不在本县（区）专家、法律顾问名单中。",
            "list": "请选择专家。",
        },
    )
    outside_members = forms.CharField(
        label="外聘专家",
        required=False,
        max_length=200,
        help_text="姓名和单位，多位用顿号分隔，如：王律师（某律师事务所）、李教授（某大学）",
        error_messages={"max_length": "外聘专家不能超过 200 个字。"},
    )

    def __init__(self, *args: Any, user: User, matter: Matter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        experts = self.fields["experts"]
        assert isinstance(experts, forms.ModelMultipleChoiceField)
        experts.queryset = expert_choices(user, matter)
        experts.label_from_instance = _expert_label  # type: ignore[method-assign,assignment]

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "question": data.get("question", ""),
            "experts": list(data.get("experts") or []),
            "outside_members": data.get("outside_members", ""),
        }


class OpinionForm(VersionedForm):
    member = forms.ChoiceField(
        label="专家",
        choices=[],
        error_messages={"required": "请选择参加研判的专家。", "invalid_choice": "请选择参加研判的专家。"},
    )
    text = forms.CharField(
        label="专家意见",
        max_length=MAX_OPINION,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required("专家意见"),
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        given = {
            o.expert_id if o.expert_id else o.outside_name
            for o in consultation.opinions.only("expert_id", "outside_name")
        }
        choices = []
        for key, name in members_of(consultation):
            taken = (int(key[6:]) if key.startswith("agent-") else name) in given
            choices.append((key, f"{name}（已记录）" if taken else name))
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        member.choices = [("", "请选择"), *choices]

    def to_kwargs(self) -> dict[str, Any]:
        return {"member": self.cleaned_data["member"], "text": self.cleaned_data["text"]}


class ConcludeForm(VersionedForm):
    conclusion = forms.CharField(
        label="研判结论",
        max_length=MAX_CONCLUSION,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="综合专家意见，写明结论和化解建议",
        error_messages=_required("研判结论"),
    )

    def to_kwargs(self) -> dict[str, Any]:
        return {"conclusion": self.cleaned_data["conclusion"]}
