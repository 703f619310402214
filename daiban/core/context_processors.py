from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from daiban.core import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_user": None, "nav_items": []}
    match = getattr(request, "resolver_match", None)
    return {"nav_user": user, "nav_items": nav.items_for(user, match.url_name if match else None)}
