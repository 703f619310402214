"""The portal demo: a few pending online requests (网上代办申请) in the villages of demo agents, made through
the real actions (an SMS code issued and used, the request saved, the agents told), so that the agents'
queue, the home panel and the nav badge have something to show. Loaded once: nothing is done when any
online request exists. The data is ``data/portal/requests.json``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction

from daiban.core import clock
from daiban.demo.files import read_json
from daiban.portal.models import OnlineRequest
from daiban.portal.requests import actions, codes
from daiban.regions.models import Level, Region


@dataclass(frozen=True)
class PortalResult:
    numbers: list[str]


def load_demo_portal(now: datetime.datetime | None = None) -> PortalResult | None:
    """Create the demo's pending online requests; None when there are some already."""
    if OnlineRequest.objects.exists():
        return None
    base = now or clock.now()
    numbers: list[str] = []
    rows = read_json("portal/requests.json")["requests"]
    with transaction.atomic():
        for row in rows:
            region = Region.objects.filter(code=row["region_code"], level=Level.VILLAGE).first()
            if region is None:
                continue
            with clock.frozen(base - datetime.timedelta(hours=row["hours_ago"])):
                code = codes.issue(row["phone"])
                req = actions.request_submit(
                    submission=actions.Submission(
                        name=row["name"],
                        phone=row["phone"],
                        region=region,
                        happened=row["happened"],
                        wanted=row["wanted"],
                    ),
                    code_id=code.pk,
                )
            numbers.append(req.number)
    return PortalResult(numbers)
