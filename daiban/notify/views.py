"""消息 pages: the user's messages (newest first, keyset pages; all or unread only), opening one (marks it
read and goes to its matter when the reader may still open it), marking one or all read, and the contact
settings (消息接收设置). Plus the bell: the nav entry's unread count, and the home panel of the latest unread.

A message shows its matter's title and links to it only when ``matters_for(reader)`` includes the matter
now; otherwise the text (which names the number only) is all there is.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.accounts.http import AuthedRequest
from daiban.accounts.models import User
from daiban.core import clock, home, nav
from daiban.matters.errors import ActionError, Conflict, OutOfScope
from daiban.matters.selectors import matters_for
from daiban.matters.views.actions import merge_errors
from daiban.notify import actions
from daiban.notify.forms import SettingsForm
from daiban.notify.models import Channel, Message, Outbound, OutboundStatus

PAGE_SIZE = 25
CAP = 99
HOME_SHOWN = 5


def reader(request: AuthedRequest) -> User:
    """Every signed-in user with a role has messages; an account without one (a bare superuser) has none."""
    if not request.user.role:
        raise PermissionDenied("您的账号未分配岗位，没有消息。")
    return request.user


def unread(user: User) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user, read_at__isnull=True)


def unread_count(user: Any) -> str:
    """The bell's figure, bounded: "" for none, "1" … "99", "99+"."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "role", ""):
        return ""
    n = len(unread(user).order_by().values_list("pk", flat=True)[: CAP + 1])
    if n == 0:
        return ""
    return f"{CAP}+" if n > CAP else str(n)


# ------------------------------------------------------------------------------------------------ rows


@dataclass(frozen=True)
class Row:
    message: Message
    title: str  # the matter's title, only when the reader may open the matter
    visible: bool  # whether the matter (if any) may be opened
    deliveries: tuple[str, ...] = ()  # "短信已发送", "短信待发送（6月2日 07:00 后）" …


def _delivery_label(channel: str, status: str, due: datetime.datetime, now: datetime.datetime) -> str:
    name = Channel(channel).label
    if status == OutboundStatus.SENT:
        return f"{name}已发送"
    if status == OutboundStatus.FAILED:
        return f"{name}发送失败"
    if status == OutboundStatus.PENDING and due > now:
        return f"{name}待发送（{timezone.localtime(due):%-m月%-d日 %H:%M} 后）"
    return f"{name}发送中"


def rows_for(user: User, page: list[Message], *, deliveries: bool = False) -> list[Row]:
    ids = {m.matter_id for m in page if m.matter_id is not None}
    titles: dict[int, str] = (
        dict(matters_for(user).filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    )
    sent: dict[int, list[str]] = {}
    if deliveries and page:
        now = clock.now()
        for message_id, channel, status, due in (
            Outbound.objects.filter(message_id__in=[m.pk for m in page])
            .order_by("channel")
            .values_list("message_id", "channel", "status", "next_attempt_at")
        ):
            sent.setdefault(message_id, []).append(_delivery_label(channel, status, due, now))
    return [
        Row(
            message=m,
            title=titles.get(m.matter_id, "") if m.matter_id else "",
            visible=m.matter_id is None or m.matter_id in titles,
            deliveries=tuple(sent.get(m.pk, ())),
        )
        for m in page
    ]


def _encode(at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime.datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        at_text, _, pk_text = raw.partition("|")
        at = datetime.datetime.fromisoformat(at_text)
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    if at.tzinfo is None or not (pk_text.isascii() and pk_text.isdigit()) or len(pk_text) > 18:
        return None
    return at, int(pk_text)


def _page(qs: QuerySet[Message], cursor: str) -> tuple[list[Message], str | None]:
    qs = qs.order_by("-created_at", "-id")
    after = _decode(cursor) if cursor else None
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    found = list(qs.select_related("matter")[: PAGE_SIZE + 1])
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    return found, (_encode(found[-1].created_at, found[-1].pk) if more and found else None)


# ----------------------------------------------------------------------------------------------- pages


@require_GET
def message_list(request: AuthedRequest) -> HttpResponse:
    user = reader(request)
    show = "unread" if request.GET.get("show") == "unread" else "all"
    cursor = request.GET.get("after", "")[:200]
    qs = unread(user) if show == "unread" else Message.objects.filter(recipient=user)
    page, next_cursor = _page(qs, cursor)
    base = reverse("message_list")

    def link(**params: str) -> str:
        query = {k: v for k, v in params.items() if v}
        return base + (f"?{urlencode(query)}" if query else "")

    return render(
        request,
        "notify/list.html",
        {
            "rows": rows_for(user, page, deliveries=True),
            "show": show,
            "count": unread_count(user) or "0",
            "all_url": link(),
            "unread_url": link(show="unread"),
            "next_url": link(show="unread" if show == "unread" else "", after=next_cursor)
            if next_cursor
            else "",
            "first_url": link(show="unread" if show == "unread" else "") if cursor else "",
            "back": link(show="unread" if show == "unread" else ""),
        },
    )


def _own(user: User, pk: int) -> Message:
    try:
        return actions.message_mark_read(actor=user, message_id=pk)
    except OutOfScope as exc:
        raise Http404 from exc


def _back(request: AuthedRequest) -> str:
    """Where to return after a POST: the list page the form was on (a path of this site only)."""
    base = reverse("message_list")
    target = request.POST.get("next", "")
    if (
        (target == base or target.startswith(base + "?"))
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
        and len(target) <= 500
    ):
        return target
    return base


def _safe(url: str) -> str:
    """A stored link, when it is a path of this site."""
    return url if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


@require_GET
def message_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open a message: it is read now; go to its matter (or its own page) if the reader may open it."""
    user = reader(request)
    message = _own(user, pk)
    if message.matter_id is not None:
        if not matters_for(user).filter(pk=message.matter_id).exists():
            flash.info(request, "该事项已不在您的查看范围内，消息已标为已读。")
            return redirect("message_list")
        return redirect(_safe(message.url) or reverse("matter_detail", args=[message.matter_id]))
    if _safe(message.url):
        return redirect(message.url)
    flash.info(request, "消息已标为已读。")
    return redirect("message_list")


@require_POST
def message_read(request: AuthedRequest, pk: int) -> HttpResponse:
    _own(reader(request), pk)
    return redirect(_back(request))


@require_POST
def message_read_all(request: AuthedRequest) -> HttpResponse:
    n = actions.message_mark_all_read(actor=reader(request))
    flash.success(request, f"已将 {n} 条消息标为已读。" if n else "没有未读消息。")
    return redirect(_back(request))


@require_http_methods(["GET", "POST"])
def message_settings(request: AuthedRequest) -> HttpResponse:
    user = reader(request)
    pref = actions.preference_of(user)
    masked = pref.phone_masked if pref.phone_enc else ""
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST, phone_masked=masked)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.preference_update(
                    actor=user,
                    expected_version=data["version"],
                    phone=data["phone"],
                    clear_phone=data["clear_phone"],
                    email=data["email"],
                    sms_kinds=data["sms_kinds"],
                    email_kinds=data["email_kinds"],
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                )
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except ActionError as exc:
                form.add_error(None, exc.message)
                status = 400
            except ValidationError as exc:
                merge_errors(form, exc)
                status = 400
            else:
                flash.success(request, "消息接收设置已保存。")
                return redirect("message_settings")
        else:
            status = 400
    else:
        form = SettingsForm(
            initial={
                "version": pref.version,
                "email": pref.email,
                "sms_kinds": sorted(pref.sms_kind_keys()),
                "email_kinds": sorted(pref.email_kind_keys()),
                "quiet_start": pref.quiet_start,
                "quiet_end": pref.quiet_end,
            },
            phone_masked=masked,
        )
    return render(
        request,
        "notify/settings.html",
        {"form": form, "has_phone": bool(masked), "kind_fields": [form["sms_kinds"], form["email_kinds"]]},
        status=status,
    )


# ------------------------------------------------------------------------------------ bell and home


def home_messages(user: User) -> dict[str, Any] | None:
    if not user.role:
        return None
    latest = list(unread(user).order_by("-created_at", "-id").select_related("matter")[:HOME_SHOWN])
    return {"rows": rows_for(user, latest), "count": unread_count(user) or "0"}


def has_messages(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", ""))


def connect() -> None:
    nav.register(
        nav.Item(
            "messages",
            order=90,
            label="消息",
            url_name="message_list",
            visible=has_messages,
            active=("message_",),
            badge=unread_count,
        )
    )
    home.register(home.Panel("notify.messages", 8, "notify/_home.html", home_messages))
