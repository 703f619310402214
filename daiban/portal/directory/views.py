"""找代办员 (亮身份): browse the division tree or search a village by name, a region's page (its agents, the
station and centre above, the coming reception sessions), an agent's photo, and the printable poster for
the village notice board (村务公示栏) with a QR code back to the village's page.

Public pages: no login, and nothing here reads ``request.user``.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from PIL import Image, UnidentifiedImageError

from daiban.portal import throttle
from daiban.portal.directory import selectors
from daiban.portal.public import page, public
from daiban.regions.models import Level, Region

# An agent's photo changes seldom: a phone on a slow line need not fetch it again for a day.
PHOTO_MAX_AGE = 86400
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Pages that list agents: a village (its point) and a township (its station).
AGENT_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)


def _region_or_404(code: str) -> Region:
    region = selectors.region_by_code(code)
    if region is None:
        raise Http404("没有这个区划代码。")
    return region


@public
@require_GET
def agents_index(request: HttpRequest) -> HttpResponse:
    """Where browsing starts (the counties), and the search of a township or village by name."""
    raw = request.GET.get("q", "")
    term = selectors.clean_term(raw)
    context: dict[str, object] = {
        "counties": selectors.counties(),
        "term": term,
        "searched": "q" in request.GET,
        "term_max": selectors.TERM_MAX,
    }
    if term:
        if not throttle.allow(request, "directory"):
            return page(
                request,
                "portal/directory/throttled.html",
                {"minutes": max(1, throttle.RULES()["directory"].window_seconds // 60)},
                status=429,
            )
        context["found"] = selectors.search(term)
    return page(request, "portal/directory/index.html", context)


@public
@require_GET
def agents_region(request: HttpRequest, code: str) -> HttpResponse:
    """A region's page: for a village or township its agents and what they do, the organisations above
    and the coming reception sessions; for a county or the city the regions below it."""
    region = _region_or_404(code)
    context: dict[str, object] = {
        "region": region,
        "trail": selectors.trail(region),
        "children": selectors.children(region),
        "organisations": selectors.organisations_for(region),
        "lists_agents": region.level in AGENT_LEVELS,
    }
    if region.level in AGENT_LEVELS:
        context.update(
            agents=selectors.agents_at(region),
            sessions=selectors.upcoming_sessions(region),
            what_agents_do=selectors.WHAT_AGENTS_DO,
        )
    return page(request, "portal/directory/region.html", context)


def _qr_svg(url: str, label: str) -> SafeString:
    """The QR code of ``url`` as inline SVG (no image request, sharp in print), named for screen readers."""
    import segno  # imported here, as documents.render.qr does: the package stays light to import

    svg = segno.make_qr(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="poster-qr-code"
    )
    named = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(named)  # noqa: S308  (segno's markup; the one text in it is escaped above)


@public
@require_GET
def agents_poster(request: HttpRequest, code: str) -> HttpResponse:
    """The A4 poster for the notice board of a village (or a township's station)."""
    region = _region_or_404(code)
    if region.level not in AGENT_LEVELS:
        raise Http404("只有村（社区）和乡镇（街道）有代办员公示牌。")
    url = settings.PUBLIC_BASE_URL + reverse("portal:agents_region", args=[region.code])
    agents = selectors.agents_at(region)
    # Agents of one point usually receive at the same hours and place: printed once, the cards stay small
    # enough for a dozen agents on one sheet.
    hours, places = {a.hours for a in agents}, {a.place for a in agents}
    return page(
        request,
        "portal/directory/poster.html",
        {
            "region": region,
            "trail": selectors.trail(region),
            "agents": agents,
            "common_hours": hours.pop() if len(agents) > 1 and len(hours) == 1 else "",
            "common_place": places.pop() if len(agents) > 1 and len(places) == 1 else "",
            "organisations": selectors.organisations_for(region),
            "what_agents_do": selectors.WHAT_AGENTS_DO,
            "page_url": url,
            "qr": _qr_svg(url, f"二维码：用手机扫码查看{region.name}代办员信息"),
        },
    )


@public
@require_GET
def agent_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An active agent's published photo; 404 for anyone else, or for a file that is not a JPEG or PNG."""
    agent = selectors.photo_agent(pk)
    if agent is None:
        raise Http404
    try:
        handle = agent.photo.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    try:
        with Image.open(handle) as image:
            content_type = PHOTO_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        handle.close()
        raise Http404 from exc
    if content_type is None:
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = "inline"
    # Set before @public adds its no-store default: a photo is the same for everyone.
    response["Cache-Control"] = f"public, max-age={PHOTO_MAX_AGE}"
    # ``public`` types its views as returning HttpResponse; a FileResponse streams instead.
    return cast("HttpResponse", response)
