"""The 重大紧急 demo (art. 25): a few open matters marked major or urgent by the agents of each level,
through the real action — so the levels above (up to the city) have their messages, the notices and the
pinned home panel — and one of them downgraded again. The plan is in ``data/urgent/markings.json``.
Nothing is done when a marking exists already."""

from __future__ import annotations

from django.db import transaction

from daiban.accounts.models import User
from daiban.demo.files import read_json
from daiban.matters.choices import OPEN_STATUSES
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q
from daiban.regions.models import Region
from daiban.urgent import actions
from daiban.urgent.models import UrgentMarking

PLAN_FILE = "urgent/markings.json"


def load_demo_urgent() -> tuple[int, int] | None:
    """(markings made, of which downgraded), or None when there were some already."""
    if UrgentMarking.objects.exists():
        return None
    made = lifted = 0
    with transaction.atomic():
        for entry in read_json(PLAN_FILE)["markings"]:
            marker = User.objects.filter(username=entry["marker"], is_active=True).first()
            region = Region.objects.filter(code=entry["region_code"]).first()
            if marker is None or region is None:
                continue
            m = (
                Matter.objects.filter(
                    matter_region_q(region.path, region.pk), status__in=OPEN_STATUSES, is_accusation=False
                )
                .exclude(pk__in=UrgentMarking.objects.values("matter_id"))
                .order_by("received_at", "pk")
                .first()
            )
            if m is None:
                continue
            m = actions.urgent_mark(
                actor=marker,
                matter_id=m.pk,
                expected_version=m.version,
                category=entry["category"],
                reason=entry["reason"],
            )
            made += 1
            if "downgrade" in entry:
                by = User.objects.get(username=entry["downgrade"]["by"])
                actions.urgent_downgrade(
                    actor=by, matter_id=m.pk, expected_version=m.version, reason=entry["downgrade"]["reason"]
                )
                lifted += 1
    return made, lifted
