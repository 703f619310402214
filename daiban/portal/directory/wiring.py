"""What the directory plugs into the staff site: on the network page of a village or township, links to
its public page (群众查看页) and its printable poster (打印公示牌), so the network never imports portal."""

from __future__ import annotations

from typing import Any

from daiban.core import region_panels
from daiban.regions.models import Level, Region


def _public_links(user: Any, region: Region) -> dict[str, Any] | None:
    # The page and the poster are public: anyone who may open the region's network page may be sent there.
    if region.level not in (Level.TOWNSHIP, Level.VILLAGE):
        return None
    return {"region": region}


def connect() -> None:
    region_panels.register(
        region_panels.Panel(
            "portal.directory",
            order=5,
            template="portal/directory/_network_panel.html",
            context=_public_links,
        )
    )
