"""Who may mark a matter 重大紧急 or downgrade it, and when: one check each, shared by the action and its
button (``daiban.matters.workflow`` calls the same rule). Scope is checked by the caller."""

from __future__ import annotations

from daiban.accounts.models import AGENT_ROLES, Role, User
from daiban.matters.choices import Status
from daiban.matters.errors import NotAllowed, WrongState
from daiban.matters.models import Matter
from daiban.network.jurisdiction import scope_path
from daiban.regions import geometry
from daiban.urgent.models import UrgentMarking

# Any agent of the network, a leader (包案/接访) and the city petition bureau: whoever meets the people may
# be the first to see that a matter is major or urgent (art. 25: "reported at once").
MARKER_ROLES = frozenset({*AGENT_ROLES, Role.LEADER, Role.CITY_ADMIN})


_ACTIVE = "_urgent_active_marking"  # read once per matter instance: both buttons' rules ask on every page


def active_marking(m: Matter) -> UrgentMarking | None:
    if _ACTIVE not in m.__dict__:
        m.__dict__[_ACTIVE] = UrgentMarking.objects.filter(matter_id=m.pk, active=True).first()
    found: UrgentMarking | None = m.__dict__[_ACTIVE]
    return found


def _require_marker(actor: User) -> None:
    if actor.role not in MARKER_ROLES or actor.region_id is None:
        raise NotAllowed("只有代办机构工作人员、领导或市级管理员可以标记或解除重大紧急事项。")


def mark(actor: User, m: Matter) -> None:
    """标记重大紧急: an open matter not already marked."""
    _require_marker(actor)
    if m.status == Status.CLOSED:
        raise WrongState("事项已办结，不能再标记为重大紧急事项。")
    if active_marking(m) is not None:
        raise WrongState("该事项已标记为重大紧急事项，无需重复标记。")


def downgrade(actor: User, m: Matter) -> None:
    """解除重大紧急: a marked matter (closed or not), by the level that marked it or one above it — a
    village cannot lift what the county flagged."""
    _require_marker(actor)
    marking = active_marking(m)
    if marking is None:
        raise WrongState("该事项当前不是重大紧急事项。")
    if not geometry.contains(scope_path(actor), marking.marked_region_path):
        raise NotAllowed("只有标记重大紧急的层级或其上级可以解除标记。")
