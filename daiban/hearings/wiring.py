"""What the hearings app plugs into matters at start-up: the 听证记录 action in the workflow registry and
the matter page's 听证记录 section."""

from __future__ import annotations

from daiban.matters import panels, workflow
from daiban.matters.choices import EventKind

TEXTS = (
    ("period", "听证时间"),
    ("place", "听证地点"),
    ("presiding", "主持人"),
    ("conclusion", "听证结论"),
    ("due_change", "复核期限"),
    ("record_ref", "听证记录"),
)


def connect() -> None:
    from daiban.hearings import actions, forms, rules, views

    workflow.register(
        workflow.Action(
            EventKind.HEARING_RECORD,
            "听证记录",
            actions.hearing_record,
            forms.HearingRecordForm,
            rules.record_hearing,
            texts=TEXTS,
            done=lambda m: (
                "已记录听证。"
                + ("复核期限已扣除听证时间，请在“期限”中查看。" if m.status == "reexam" else "")
            ),
        )
    )
    panels.register(
        panels.Panel(
            "hearings.records", order=25, template="hearings/_matter.html", context=views.matter_panel
        )
    )
