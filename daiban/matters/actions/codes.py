"""The petitioner's lookup code (查询码): reissued by the network when it was lost or may be known to
someone else. The public lookup (daiban.portal) remembers a fingerprint of the code it was opened with,
so a reissued code also ends every lookup opened with the old one."""

from __future__ import annotations

from daiban.accounts.models import User
from daiban.matters import rules
from daiban.matters.actions.base import fail, locked, record
from daiban.matters.actions.numbering import lookup_code
from daiban.matters.choices import EventKind
from daiban.matters.models import Matter

__all__ = ["matter_reissue_code"]

MAX_REISSUE_NOTE = 200


def matter_reissue_code(
    *, actor: User, matter_id: int, expected_version: int | None, note: str = ""
) -> Matter:
    """重新生成查询码: a new code replaces the old one at once. The event records that it was reissued
    (and why), never the code itself: the new code is shown once, to the agent who reissued it, to hand
    to the petitioner."""
    note = (note or "").strip()
    if len(note) > MAX_REISSUE_NOTE:
        raise fail("note", f"原因不能超过 {MAX_REISSUE_NOTE} 个字。")
    with locked(actor, matter_id, expected_version) as m:
        rules.reissue_code(actor, m)
        m.lookup_code = lookup_code()
        record(m, actor, EventKind.REISSUE_CODE, "重新生成查询码（原查询码作废）", {"note": note})
    return m
