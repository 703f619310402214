"""The annual report demo (arts. 40–41): each county centre's first staff account writes the foreword of
this year's report and makes three proposals to the units its matters were routed to most this year (the
busiest first; the county's other units where fewer were busy), through the real actions; the organs' written answers
to the first two are recorded (采纳, 部分采纳), the third waits. The city administrator writes the city's
foreword. Texts are in ``data/annual/report.json``. Nothing is done when a proposal exists already."""

from __future__ import annotations

import datetime

from django.db import transaction

from daiban.accounts.models import Role, User
from daiban.annual import actions
from daiban.annual.models import Proposal
from daiban.annual.report import build
from daiban.core import clock
from daiban.demo.files import read_json
from daiban.matters.models import office_label
from daiban.network.models import ResponsibleUnit
from daiban.regions.models import Level

DATA_FILE = "annual/report.json"
# The proposals are dated this many days before the demo is loaded; their answers some days later.
MADE_DAYS_AGO = 40


def load_demo_annual() -> int | None:
    """The number of proposals made, or None when there were some already."""
    if Proposal.objects.exists():
        return None
    data = read_json(DATA_FILE)
    year = clock.today().year
    made = 0
    staff = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True, region__level=Level.COUNTY)
    writers = list(User.objects.filter(role=Role.CITY_ADMIN, is_active=True, region__level=Level.CITY)[:1])
    seen: set[int] = set()
    for user in staff.select_related("region").order_by("region__path", "username"):
        if user.region_id is not None and user.region_id not in seen:
            seen.add(user.region_id)
            writers.append(user)
    with transaction.atomic():
        for writer in writers:
            region = writer.region
            assert region is not None
            foreword = "\n".join(data["foreword"]).format(year=year, office=office_label(region))
            actions.foreword_save(
                actor=writer, region=region, year=year, foreword=foreword, expected_version=0
            )
            if region.level != Level.COUNTY:
                continue
            names = [u.name for u in build(writer, region, year).top_units]
            county_units = ResponsibleUnit.objects.filter(region=region, is_active=True).order_by("name")
            units = sorted(county_units.filter(name__in=names), key=lambda u: names.index(u.name))
            units += [u for u in county_units.exclude(name__in=names)]  # fewer busy units than proposals
            for entry, unit in zip(data["proposals"], units, strict=False):
                made_at = clock.now() - datetime.timedelta(days=MADE_DAYS_AGO)
                with clock.frozen(made_at):
                    proposal = actions.proposal_make(
                        actor=writer,
                        region=region,
                        year=year,
                        kind=entry["kind"],
                        text=entry["text"],
                        unit=unit,
                    )
                made += 1
                answer = entry["answer"]
                if answer is None:
                    continue
                answered_at = min(clock.now(), made_at + datetime.timedelta(days=answer["days"]))
                with clock.frozen(answered_at):
                    actions.proposal_answer(
                        actor=writer,
                        proposal_id=proposal.pk,
                        expected_version=proposal.version,
                        outcome=answer["outcome"],
                        answer_text=answer["text"],
                        answered_on=clock.today(),
                    )
    return made
