"""Who may refer a petitioner to assistance and record the outcome (art. 37): shared by the action and its
button, like ``daiban.matters.rules``. Scope is not a rule: the caller fetched the matter through
``matters_for``."""

from __future__ import annotations

from daiban.accounts.models import AGENT_ROLES, User
from daiban.assistance.models import Outcome, Referral
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter


def _agent(actor: User, m: Matter) -> None:
    if actor.role not in AGENT_ROLES:
        raise NotAllowed("只有代办机构工作人员可以办理救助转介。")
    if m.is_accusation:
        # An accusation is the discipline side's; referring the accuser would tell more people of it.
        raise WrongState("检举控告类事项不在代办网络内办理救助转介。")


def refer(actor: User, m: Matter) -> None:
    """Any agent who may see the matter, whatever its step: hardship does not wait for the reply."""
    _agent(actor, m)


def outcome(actor: User, m: Matter) -> None:
    """An agent who may see the matter, while one of its referrals awaits its outcome."""
    _agent(actor, m)
    if not Referral.objects.filter(matter_id=m.pk, outcome=Outcome.PENDING).exists():
        raise WrongState("该事项没有待反馈的救助转介。")
