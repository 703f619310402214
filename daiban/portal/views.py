"""The portal's front page (群众服务): the three things a person can do here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from daiban.portal.public import page, public


@public
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/index.html")
