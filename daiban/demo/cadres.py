"""The cadre-notice demo (art. 30): the first open accusations of each county are notified by its 纪检
supervisor to the county's organisation department, through the real action; the accused unit is the
first non-discipline unit at the matter's place or above. Names (fictional) are in
``data/cadres/notices.json``. Nothing is done when a notice exists already."""

from __future__ import annotations

from django.db import transaction

from daiban.accounts.models import Role, User
from daiban.cadres import actions
from daiban.cadres.models import CadreNotice
from daiban.demo.files import read_json
from daiban.matters.choices import OPEN_STATUSES
from daiban.matters.models import Matter
from daiban.matters.selectors import matter_region_q
from daiban.network.models import UnitDomain
from daiban.regions.models import Level

PLAN_FILE = "cadres/notices.json"


def load_demo_cadres() -> int | None:
    """The number of notices made, or None when there were some already."""
    if CadreNotice.objects.exists():
        return None
    entries = read_json(PLAN_FILE)["notices"]
    made = 0
    supervisors = User.objects.filter(
        role=Role.SUPERVISOR, is_active=True, region__level=Level.COUNTY
    ).select_related("region")
    with transaction.atomic():
        for supervisor in supervisors.order_by("region__path"):
            county = supervisor.region
            assert county is not None
            matters = Matter.objects.filter(
                matter_region_q(county.path, county.pk), status__in=OPEN_STATUSES, is_accusation=True
            ).order_by("received_at", "pk")[: len(entries)]
            for entry, m in zip(entries, matters, strict=False):
                accused = actions.accused_units(m).exclude(domain=UnitDomain.DISCIPLINE).first()
                if accused is None:
                    continue
                actions.cadre_notify(
                    actor=supervisor,
                    matter_id=m.pk,
                    expected_version=None,
                    cadre_name=entry["cadre_name"],
                    cadre_post=entry["cadre_post"],
                    level=county,
                    department=entry["department"].format(county=county.name),
                    accused_unit=accused,
                )
                made += 1
    return made
