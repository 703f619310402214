from __future__ import annotations

from django.http import HttpRequest

from daiban.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: ``user`` is always a signed-in ``User``."""

    user: User
