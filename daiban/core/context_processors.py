from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from daiban.core import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # A public page (marked by its view) shows no staff navigation, so it does not count its badges either.
    if user is None or not user.is_authenticated or getattr(request, "public_page", False):
        return {"nav_user": None, "nav_items": []}
    match = getattr(request, "resolver_match", None)
    return {"nav_user": user, "nav_items": nav.items_for(user, match.url_name if match else None)}
