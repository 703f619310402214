"""The workflow registry: every action on a matter named once.

Each entry says what the action is called (its key, which is also its URL slug and the kind of the event
it writes), what it is called in Chinese, which service performs it, which form collects its input, which
rule of ``daiban.matters.rules`` decides who may take it in which state, where its button ranks, whether it
is dangerous, and whether it acts on one unit task. The matter page's buttons, the action view, the demo
and the tests iterate this registry; none of them lists the actions again.

Adding an action: write its service in the phase module under ``actions/``, its rule in ``rules.py``, its
form in ``forms.py`` (whose ``to_kwargs`` gives the service's keyword arguments), its ``EventKind``, and
one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from daiban.accounts.models import Role, User
from daiban.matters import actions, rules
from daiban.matters import forms as mf
from daiban.matters.choices import EventKind
from daiban.matters.errors import ActionError
from daiban.matters.models import Matter, UnitTask


@dataclass(frozen=True)
class Action:
    key: EventKind
    label: str
    service: Callable[..., Any]
    form: type[mf.ActionForm] | None = None  # None: not taken through the action page (own page/flow)
    rule: Callable[..., None] | None = None  # raises NotAllowed / WrongState when it may not be taken
    offered: Callable[[User, Matter], bool] | None = None  # a further condition for showing the button
    rank: int | None = None  # forward steps first, in this order; None: a secondary button
    danger: bool = False  # ends or refuses the matter, or takes the actor off it: asks for care
    on_task: bool = False  # acts on one unit task (the service takes ``task_id``)
    # What the person typed, kept in the event's details and shown in the timeline: (details key, label).
    texts: tuple[tuple[str, str], ...] = ()
    # What the action page says once it is done, from the matter as it now is (default: 已<label>。).
    done: Callable[[Matter], str] | None = None

    def done_message(self, matter: Matter) -> str:
        return self.done(matter) if self.done is not None else f"已{self.label}。"

    @property
    def has_button(self) -> bool:
        return self.form is not None and self.rule is not None

    def allows(self, user: User, matter: Matter, task: UnitTask | None = None) -> bool:
        """Whether ``user`` may take this action on ``matter`` (and ``task``) now: the action's own rule,
        so a button is shown exactly when the action would accept (given valid input)."""
        if self.rule is None:
            return False
        try:
            if self.on_task:
                self.rule(user, matter, task)
            else:
                self.rule(user, matter)
        except ActionError:
            return False
        return self.offered is None or self.offered(user, matter)


_ACTIONS = [
    Action(
        EventKind.INTAKE,
        "受理登记",
        actions.matter_intake,
        texts=(("new_matter_reason", "另立新事项的理由"),),
    ),
    Action(
        EventKind.REPEAT_VISIT,
        "重复来访",
        actions.matter_intake,
        texts=(
            ("title", "事项摘要"),
            ("content", "反映内容"),
            ("request", "诉求"),
        ),
    ),
    Action(
        EventKind.ATTACH,
        "上传附件",
        actions.matter_attach,
        mf.AttachForm,
        rules.attach,
        texts=(("names", "附件"), ("note", "说明")),
    ),
    Action(
        EventKind.ROUTE,
        "交办事权单位",
        actions.matter_route,
        mf.RouteForm,
        rules.route,
        rank=0,
        texts=(("lead_instructions", "交办要求"), ("co_instructions", "协办要求")),
    ),
    Action(
        EventKind.START_LOCAL,
        "就地办理",
        actions.matter_start_local,
        mf.StartLocalForm,
        rules.start_local,
        rank=9,
        texts=(("note", "说明"),),
    ),
    Action(
        EventKind.REPLY_LOCAL,
        "就地办理答复",
        actions.matter_reply_local,
        mf.OpinionForm,
        rules.reply_local,
        rank=3,
    ),
    Action(
        EventKind.MEDIATE,
        "记录调解",
        actions.matter_mediate,
        mf.MediateForm,
        rules.mediate,
        texts=(("participants", "参加调解人员"), ("terms", "协议内容")),
    ),
    Action(
        EventKind.ANSWER,
        "即时答复办结",
        actions.matter_answer,
        mf.AnswerForm,
        rules.answer,
        rank=8,
        texts=(("answer", "答复内容"),),
    ),
    Action(
        EventKind.ESCALATE,
        "上报上一级",
        actions.matter_escalate,
        mf.NoteForm,
        rules.escalate,
        rank=10,
        texts=(("note", "上报说明"),),
    ),
    Action(
        EventKind.HAND_DOWN,
        "交由下级办理",
        actions.matter_hand_down,
        mf.HandDownForm,
        rules.hand_down,
        texts=(("note", "交办说明"),),
    ),
    Action(
        EventKind.GUIDE_LEGAL,
        "引导依法解决",
        actions.matter_guide_legal,
        mf.GuideForm,
        rules.guide_legal,
        danger=True,
        texts=(("guidance", "引导说明"),),
    ),
    Action(
        EventKind.NOT_ACCEPT,
        "不予受理",
        actions.matter_not_accept,
        mf.NotAcceptForm,
        rules.not_accept,
        danger=True,
        texts=(("reason", "不予受理说明"),),
    ),
    Action(
        EventKind.ACCEPT,
        "受理交办",
        actions.task_accept,
        mf.TaskAcceptForm,
        rules.accept,
        rank=1,
        on_task=True,
    ),
    Action(
        EventKind.OBJECT,
        "提出异议",
        actions.task_object,
        mf.ObjectForm,
        rules.object_,
        danger=True,
        on_task=True,
        texts=(("reasons", "异议理由"),),
    ),
    Action(
        EventKind.OBJECTION_AGREE,
        "同意异议",
        actions.task_objection_agree,
        mf.ObjectionAgreeForm,
        rules.decide_objection,
        on_task=True,
        texts=(("note", "核实意见"),),
    ),
    Action(
        EventKind.OBJECTION_REFUSE,
        "不同意异议",
        actions.task_objection_refuse,
        mf.ObjectionRefuseForm,
        rules.decide_objection,
        on_task=True,
        texts=(("reasons", "不同意异议的理由"),),
    ),
    Action(
        EventKind.SUBMIT_PART,
        "报送协办意见",
        actions.task_submit_part,
        mf.PartForm,
        rules.submit_part,
        rank=11,
        on_task=True,
        texts=(("content", "协办意见"),),
    ),
    Action(
        EventKind.EXTEND,
        "申请延期",
        actions.matter_extend,
        mf.ExtendForm,
        rules.extend,
        texts=(("reason", "延期理由"),),
    ),
    Action(EventKind.REPLY, "出具处理意见书", actions.matter_reply, mf.OpinionForm, rules.reply, rank=2),
    # Retired by daiban.hearings (听证记录, HEARING_RECORD): kept so old events still render; no button.
    Action(EventKind.HEARING, "记录听证", actions.matter_hearing, None, rules.hearing),
    Action(
        EventKind.DECIDE_REVIEW,
        "出具复查（复核）意见书",
        actions.matter_decide_review,
        mf.OpinionForm,
        rules.decide_review,
        rank=4,
    ),
    Action(
        EventKind.FEEDBACK,
        "反馈办理结果",
        actions.matter_feedback,
        mf.FeedbackForm,
        rules.feedback,
        rank=5,
        texts=(("note", "反馈情况"),),
    ),
    Action(
        EventKind.FOLLOW_UP,
        "回访",
        actions.matter_follow_up,
        mf.FollowUpForm,
        rules.follow_up,
        rank=6,
        texts=(("note", "回访情况"),),
    ),
    Action(
        EventKind.CLOSE,
        "办结",
        actions.matter_close,
        mf.CloseForm,
        rules.close,
        rank=7,
        texts=(("note", "办结说明"),),
    ),
    Action(
        EventKind.REQUEST_REVIEW,
        "登记复查（复核）申请",
        actions.matter_request_review,
        mf.ReviewRequestForm,
        rules.request_review,
        offered=rules.request_review_offered,
        texts=(("reason", "申请理由"),),
    ),
    Action(
        EventKind.ASSIGN_LEADERS,
        "确定包案领导",
        actions.matter_assign_leaders,
        mf.LeadersForm,
        rules.assign_leaders,
    ),
    Action(
        EventKind.RECUSE,
        "申请回避",
        actions.matter_recuse,
        mf.RecusalForm,
        rules.recuse,
        offered=rules.recuse_offered,
        danger=True,
        texts=(("reason", "利害关系说明"),),
    ),
    Action(
        EventKind.PRESS,
        "催办 / 督办",
        actions.matter_press,
        mf.NoteForm,
        rules.press,
        texts=(("note", "催办（督办）意见"),),
    ),
    Action(
        EventKind.REISSUE_CODE,
        "重新生成查询码",
        actions.matter_reissue_code,
        mf.ReissueCodeForm,
        rules.reissue_code,
        texts=(("note", "原因"),),
        # Shown once, to the agent who reissued it; the event keeps no code.
        done=lambda m: (
            f"已重新生成查询码：{m.lookup_code}。原查询码已作废，用它打开的网上查询也随之失效；"
            "请把新查询码告知信访人（如需纸质回执，请在“文书”中更正受理回执）。"
        ),
    ),
    Action(
        EventKind.SERVE,
        "登记送达",
        actions.matter_serve,
        mf.ServeForm,
        rules.serve,
        rank=12,
        texts=(("note", "送达说明"),),
    ),
    # Entered from an Excel ledger by daiban.exchange (its own page); the event names the file and row.
    Action(
        EventKind.IMPORT,
        "台账导入",
        actions.matter_import,
        texts=(("source", "来源文件"), ("row", "行号"), ("history", "台账记载")),
    ),
]

REGISTRY: dict[str, Action] = {a.key.value: a for a in _ACTIONS}
# Kinds whose action an app built around matters registers (``register`` from its AppConfig.ready): the
# regulation's further steps (arts. 19, 25, 30, 31–32, 36, 37, 43–45) live in their own apps, which matters
# never imports; their event kinds are named here so the timeline's one table holds every step.
OUTER_KINDS = frozenset(
    {
        EventKind.URGENT_MARK,
        EventKind.URGENT_DOWNGRADE,
        EventKind.HEARING_RECORD,
        EventKind.SUPPORT_ITEMS,
        EventKind.EXECUTION,
        EventKind.ASSISTANCE_REFERRAL,
        EventKind.ASSISTANCE_OUTCOME,
        EventKind.CADRE_NOTICE,
        EventKind.CORRECTION_ORDER,
        EventKind.REPEAT_LINK,
        EventKind.MERGE,
        EventKind.MERGE_RECEIVE,
    }
)
assert set(REGISTRY) | OUTER_KINDS == set(EventKind.values), "every event kind is one registered action"


def register(action: Action) -> None:
    """An app built around matters adds its action to the registry (once, from its AppConfig.ready): the
    matter page offers its button, the action page takes it, the tests iterate it like every other."""
    key = action.key.value
    if key not in OUTER_KINDS:
        raise ValueError(f"{key!r} is not a kind reserved for an outer app (OUTER_KINDS)")
    if key in REGISTRY:
        if REGISTRY[key] is action:
            return
        raise ValueError(f"action {key!r} is already registered")
    REGISTRY[key] = action
    _ACTIONS.append(action)


def get(key: str) -> Action | None:
    return REGISTRY.get(key)


@dataclass(frozen=True)
class Offer:
    """A button on the matter page: an action the user may take now, on the matter or one task."""

    action: Action
    task: UnitTask | None = None
    primary: bool = False

    @property
    def key(self) -> str:
        return self.action.key.value


def available(user: User, matter: Matter, *, recused: bool = False) -> list[Offer]:
    """The actions ``user`` may take on ``matter`` now, forward steps first and the first of them
    highlighted (the caller has already checked scope; someone who stepped back is offered nothing)."""
    if recused:
        return []
    found: list[Offer] = []
    # A unit handler acts on its unit's tasks; the routing level decides objections to the tasks it sent.
    own_tasks = [
        t
        for t in matter.tasks.all()
        if (user.role == Role.UNIT_HANDLER and user.unit_id and t.unit_id == user.unit_id)
        or (user.role != Role.UNIT_HANDLER and user.region_id and t.sent_from_id == user.region_id)
    ]
    for action in _ACTIONS:
        if not action.has_button:
            continue
        if action.on_task:
            found += [Offer(action, task) for task in own_tasks if action.allows(user, matter, task)]
        elif action.allows(user, matter):
            found.append(Offer(action))
    last = len(_ACTIONS)
    found.sort(key=lambda o: last if o.action.rank is None else o.action.rank)
    if found and found[0].action.rank is not None:
        found[0] = Offer(found[0].action, found[0].task, primary=True)
    return found


def perform(
    key: str,
    *,
    actor: User,
    expected_version: int | None,
    matter_id: int | None = None,
    task_id: int | None = None,
    **inputs: Any,
) -> Matter:
    """Take action ``key``: the service with the action's own keyword arguments (``inputs``), on the
    matter or — for an action on a unit task — on the task."""
    action = REGISTRY[key]
    target = {"task_id": task_id} if action.on_task else {"matter_id": matter_id}
    result: Matter = action.service(actor=actor, expected_version=expected_version, **target, **inputs)
    return result


def event_texts(kind: str, details: dict[str, Any]) -> list[tuple[str, str]]:
    """What was typed with an event, as (label, text) for the timeline; empty values are left out."""
    action = REGISTRY.get(kind)
    found = []
    for key, label in action.texts if action else ():
        value = details.get(key)
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        if value not in (None, ""):
            found.append((label, str(value)))
    return found
