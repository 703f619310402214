from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.accounts.http import AuthedRequest
from daiban.core import region_panels
from daiban.network.jurisdiction import get_or_404, regions_for, scope_path
from daiban.network.selectors import network_summary
from daiban.regions.geometry import at_or_above_q
from daiban.regions.models import Level, Region


@require_GET
def network_overview(request: AuthedRequest) -> HttpResponse:
    """The network under the top of the user's own grant."""
    root = get_or_404(regions_for(request.user), path=scope_path(request.user))
    return _render(request, root)


@require_GET
def network_region(request: AuthedRequest, code: str) -> HttpResponse:
    region = get_or_404(regions_for(request.user), code=code)
    return _render(request, region)


def _render(request: AuthedRequest, region: Region) -> HttpResponse:
    rows, total = network_summary(fetched_by=request.user, under=region)
    ancestors = list(
        regions_for(request.user)
        .filter(at_or_above_q(region.path, "path"))
        .exclude(pk=region.pk)
        .order_by("level")
    )
    return render(
        request,
        "network/overview.html",
        {
            "region": region,
            "rows": rows,
            "total": total,
            "ancestors": ancestors,
            "drillable": region.level < Level.TOWNSHIP,
            # What other apps publish for this region (prevention: the reception sessions ahead).
            "panels": region_panels.panels_for(request.user, region),
        },
    )
