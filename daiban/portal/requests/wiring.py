"""What online requests plug into the staff site: the intake origin (转为信访事项), the home panel and the
nav entry with the pending count."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from daiban.accounts.models import User
from daiban.core import home, nav
from daiban.matters import origins
from daiban.matters.choices import Channel
from daiban.matters.errors import OutOfScope, WrongState
from daiban.matters.models import Matter
from daiban.pii.services import RevealLimitExceeded, reveal
from daiban.portal.models import RequestStatus
from daiban.portal.requests import actions, selectors

HOME_LIMIT = 5


def _title(text: str) -> str:
    first = " ".join(text.split())
    return first[:40] + ("…" if len(first) > 40 else "")


def origin_prefill(user: User, pk: int) -> origins.Prefill | None:
    """The intake form filled in from a pending request the user handles; None → 404. The phone is
    revealed (and the reveal logged) because the agent registers the person with it."""
    req = selectors.requests_for(user).filter(pk=pk, status=RequestStatus.PENDING).first()
    if req is None:
        return None
    try:
        phone = reveal(actor=user, obj=req, field="phone", reason=f"网上代办申请 {req.number} 转为信访事项")
    except RevealLimitExceeded:
        phone = ""
    return origins.Prefill(
        banner=f"由网上代办申请 {req.number} 转为信访事项。请与申请人核实后补全信访人和诉求。",
        initial={
            "title": _title(req.happened),
            "content": req.happened,
            "request": req.wanted,
            "channel": Channel.ONLINE,
            "region": req.region_id,
        },
        people=[{"name": req.name, "phone": phone}],
        back_url=reverse("portal:request_detail", args=[req.pk]),
    )


def origin_link(actor: User, pk: int, matter: Matter, linked_existing: bool) -> None:
    try:
        actions.request_link_matter(
            actor=actor, request_id=pk, matter=matter, linked_existing=linked_existing
        )
    except (OutOfScope, WrongState) as exc:
        raise ValidationError(
            {"origin": ["该网上代办申请已被处理或不在您的管辖范围内，请回到申请页面核对。"]}
        ) from exc


def origin_links_for(user: User, matter: Matter) -> list[origins.OriginLink]:
    found = selectors.requests_for(user).filter(matter=matter).order_by("created_at", "id")[:10]
    return [
        origins.OriginLink(
            label="网上代办申请",
            text=f"{r.number}（{r.created_at:%Y-%m-%d} 网上提交）",
            url=reverse("portal:request_detail", args=[r.pk]),
        )
        for r in found
    ]


def home_panel(user: Any) -> dict[str, Any] | None:
    """网上代办申请 N 件待处理, for agents with pending requests in their subtree."""
    if not selectors.can_handle(user):
        return None
    count = selectors.pending_count(user)
    if not count:
        return None
    rows = list(
        selectors.requests_for(user)
        .filter(status=RequestStatus.PENDING)
        .select_related("region")
        .order_by("-created_at", "-id")[:HOME_LIMIT]
    )
    return {"count": count, "rows": rows, "list_url": reverse("portal:request_list")}


def badge(user: Any) -> str:
    count = selectors.pending_count(user)
    return "" if not count else ("99+" if count > 99 else str(count))


def connect() -> None:
    origins.register(
        origins.Origin(kind="online", prefill=origin_prefill, link=origin_link, links_for=origin_links_for)
    )
    home.register(home.Panel("portal.requests", 15, "portal/requests/staff/_home.html", home_panel))
    nav.register(
        nav.Item(
            "portal.requests",
            order=35,
            label="网上申请",
            url_name="portal:request_list",
            visible=selectors.can_handle,
            active=("request_",),
            badge=badge,
        )
    )
