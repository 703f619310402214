"""What is done about an early warning (预警): 已知悉 (acknowledged), 已处置 (acted on: linked to the
screening, matter or visit that deals with it, with a note), 已排除 (dismissed, with the reason). Each is
taken by an agent whose jurisdiction holds the alert, against the version they saw, and writes one event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

from daiban.accounts.models import User
from daiban.core import clock
from daiban.matters.errors import WrongState
from daiban.matters.models import Matter
from daiban.matters.selectors import matters_for
from daiban.prevention import selectors
from daiban.prevention.actions.base import fail, locked, record, require_text, require_writer
from daiban.prevention.models import Alert, AlertEvent, AlertStatus, Screening, Visit
from daiban.prevention.models.alerts import OPEN_ALERT_STATUSES

__all__ = ["Link", "alert_acknowledge", "alert_act", "alert_dismiss", "resolve_link"]

LINK_KINDS = ("screening", "matter", "visit")


@dataclass(frozen=True)
class Link:
    """The record an alert was acted on with."""

    kind: str  # "screening", "matter" or "visit"
    record: Model

    @property
    def label(self) -> str:
        """What the event says it was linked to: the kind and the number (a visit: its kind and day), never
        a title — the alert's history is read at its level, by people who may not see the record."""
        if isinstance(self.record, Visit):
            return f"走访：{self.record.get_kind_display()} {self.record.visited_on}"
        if isinstance(self.record, Screening):
            return f"矛盾纠纷排查：{self.record.number}"
        assert isinstance(self.record, Matter)
        return f"信访事项：{self.record.number}"


def resolve_link(actor: User, target: str, number: str) -> Link:
    """The screening, matter or visit named by ``number`` (a screening's or matter's number) or else by
    ``target`` ("screening:12", "matter:5", "visit:3", as offered by the page) — one the actor may see."""
    number = (number or "").strip()
    if number:
        if len(number) > 24:
            raise fail("number", "编号不能超过 24 个字符。")
        screening = selectors.scoped(actor, Screening).filter(number=number).first()
        if screening is not None:
            return Link("screening", screening)
        matter = matters_for(actor).filter(number=number).first()
        if matter is not None:
            return Link("matter", matter)
        raise fail("number", "没有找到这个编号的矛盾纠纷排查或信访事项（或不在您的管辖范围内）。")
    target = (target or "").strip()
    if not target:
        raise fail("target", "请选择处置所关联的排查、事项或走访，或填写编号。")
    kind, _, raw = target.partition(":")
    if kind not in LINK_KINDS or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise fail("target", "请选择有效的关联记录。")
    pk = int(raw)
    found: Model | None
    if kind == "screening":
        found = selectors.scoped(actor, Screening).filter(pk=pk).first()
    elif kind == "visit":
        found = selectors.scoped(actor, Visit).filter(pk=pk).first()
    else:
        found = matters_for(actor).filter(pk=pk).first()
    if found is None:
        raise fail("target", "所选记录不存在或不在您的管辖范围内。")
    return Link(kind, found)


def _require_open(alert: Alert) -> None:
    if alert.status not in OPEN_ALERT_STATUSES:
        raise WrongState(f"该预警已{alert.get_status_display()}，不能再办理。")


def _handled(alert: Alert, actor: User, status: AlertStatus) -> str:
    before = alert.status
    alert.status = status
    alert.handled_by = actor
    alert.handled_at = clock.now()
    return before


def alert_acknowledge(*, actor: User, alert_id: int, expected_version: int | None) -> Alert:
    """已知悉: the level has seen the alert and will look into it (it stays among the open ones)."""
    require_writer(actor)
    with locked(actor, Alert, alert_id, expected_version) as alert:
        if alert.status != AlertStatus.OPEN:
            raise WrongState(f"该预警已{alert.get_status_display()}，不需要再确认知悉。")
        before = _handled(alert, actor, AlertStatus.ACKNOWLEDGED)
        record(alert, AlertEvent, actor, "acknowledge", f"{actor} 已知悉", status_before=before)
    return alert


def alert_act(
    *,
    actor: User,
    alert_id: int,
    expected_version: int | None,
    target: str = "",
    number: str = "",
    note: str,
) -> Alert:
    """已处置: what dealt with the alert — a screening (台账), a matter or a visit the actor may see, named
    by its number or picked from the page's list — and a note of what was done."""
    require_writer(actor)
    with locked(actor, Alert, alert_id, expected_version) as alert:
        _require_open(alert)
        link = resolve_link(actor, target, number)
        note = require_text("note", note, "处置情况", 1000)
        alert.acted_screening = link.record if link.kind == "screening" else None  # type: ignore[assignment]
        alert.acted_matter = link.record if link.kind == "matter" else None  # type: ignore[assignment]
        alert.acted_visit = link.record if link.kind == "visit" else None  # type: ignore[assignment]
        alert.note = note
        before = _handled(alert, actor, AlertStatus.ACTED)
        record(
            alert,
            AlertEvent,
            actor,
            "act",
            f"已处置（{link.label}）",
            {"link": f"{link.kind}:{link.record.pk}", "note": note},
            status_before=before,
        )
    return alert


def alert_dismiss(*, actor: User, alert_id: int, expected_version: int | None, reason: str) -> Alert:
    """已排除: the alert needs nothing done (a false alarm, already handled elsewhere …), with the reason."""
    require_writer(actor)
    with locked(actor, Alert, alert_id, expected_version) as alert:
        _require_open(alert)
        reason = require_text("reason", reason, "排除理由", 500)
        alert.note = reason
        before = _handled(alert, actor, AlertStatus.DISMISSED)
        record(alert, AlertEvent, actor, "dismiss", "已排除", {"reason": reason}, status_before=before)
    return alert
