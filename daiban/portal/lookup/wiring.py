"""What the lookup area plugs into the staff site: the matter page's 网上评价 section."""

from __future__ import annotations

from typing import Any

from daiban.accounts.models import User
from daiban.matters import panels
from daiban.matters.models import Matter
from daiban.portal.models import OnlineRating


def ratings_panel(user: User, matter: Matter) -> dict[str, Any] | None:
    """The petitioner's online ratings of the matter's replies, with their comments, for whoever can open
    the matter (the matter page fetched it through the user's scope). Kept apart from the follow-up
    visit's satisfaction, which the matter's timeline shows."""
    if matter.replied_at is None:  # nothing to rate before a reply: no query on most matter pages
        return None
    rows = list(OnlineRating.objects.filter(matter_id=matter.pk).order_by("-rated_at", "-id"))
    return {"ratings": rows} if rows else None


def connect() -> None:
    panels.register(panels.Panel("portal.ratings", 35, "portal/lookup/_matter_ratings.html", ratings_panel))
