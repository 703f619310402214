"""Who may search: whoever has matters to see (the network's agents, leaders, supervisors, the city
administrator, a unit's handler); the separated administrator duties and accounts without a grant may not."""

from __future__ import annotations

from typing import Any

from daiban.accounts.models import User
from daiban.matters.selectors import matter_scope_q
from daiban.network.jurisdiction import NOTHING


def can_search(user: Any) -> bool:
    return isinstance(user, User) and matter_scope_q(user) is not NOTHING
