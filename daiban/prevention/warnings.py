"""预警规则: what the periodic scan (``tasks.scan_warnings``) looks for, and who is told.

Each rule is a function ``rule(now) -> list[Alert]`` returning unsaved alerts; ``scan`` inserts them. An
alert's ``cause`` names the fact it is about ("matter:12", "petitioner:3:2026-06-01", "village:<code>:
2026-11", "screening:5:2026-06-03"), and ``Alert`` has a unique (rule, cause): the insert itself, in its
own savepoint, is what decides whether a cause is new, so two consumers scanning at once raise each alert
exactly once. (A read of the existing causes first only saves inserts; it decides nothing.)

Who is told (``Alert.region``, the level that should act; the levels above see it in their subtree):

- the county centre: a frequent visitor (the county that registered the person), a group matter, a 重大
  risk screening;
- the township station: a village surge, a matter that bypassed its village and township (越级);
- the screening's own point or station: a screening past its follow-up date (the agent responsible works
  there; the station and centre above see it too).

Every scan is bounded: it reads recent windows through indexed columns, never a whole table — matters by
``received_at`` (indexed), screenings by (status, review_on) and by (scope_city, found_on), repeat visits by
a primary-key range found by bisection (events are written with ``at = now`` in id order), existing alerts
by (rule, cause) and ``petitioner``. Facts older than ``WARN_LOOKBACK_DAYS`` are not looked at again: that
is how long the queue may be down without losing an alert.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone

from daiban.core import clock
from daiban.matters.choices import EventKind
from daiban.matters.models import Event, Matter, MatterPetitioner, Petitioner, office_label
from daiban.network.models import Agent
from daiban.prevention.models import Alert, Screening
from daiban.prevention.models.alerts import AlertRule
from daiban.prevention.models.screenings import OPEN_SCREENING_STATUSES, RiskLevel, ScreeningStatus
from daiban.regions import geometry
from daiban.regions.models import Level, Region

logger = logging.getLogger(__name__)

# Months of history a village's surge is measured against.
SURGE_MONTHS = 6
# Repeat visits are found by an id range bisected on ``Event.at``; this slack keeps an event written a
# little out of order (a backdated import) inside the range.
EVENT_SLACK = datetime.timedelta(days=1)


# ------------------------------------------------------------------------------------------------ helpers


def _day(at: datetime.datetime) -> datetime.date:
    return timezone.localdate(at)


def _d(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _lookback(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=settings.WARN_LOOKBACK_DAYS)


class _Regions:
    """Regions by code, loaded once per scan for the levels alerts are assigned to."""

    def __init__(self) -> None:
        self._by_code: dict[str, Region] = {}

    def load(self, codes: Iterable[str]) -> None:
        wanted = {c for c in codes if c and c not in self._by_code}
        if wanted:
            self._by_code.update({r.code: r for r in Region.objects.filter(code__in=wanted)})

    def get(self, code: str) -> Region | None:
        self.load([code])
        return self._by_code.get(code)

    def at_level(self, path: str, level: Level) -> Region | None:
        """The region at ``level`` on ``path`` (the county of a village, …), or None when shallower."""
        codes = geometry.codes(path)
        return self.get(codes[level - 1]) if len(codes) >= level else None


def _new(
    rule: AlertRule, cause: str, region: Region, reason: str, now: datetime.datetime, **links: object
) -> Alert:
    return Alert(
        rule=rule,
        cause=cause,
        reason=reason,
        raised_at=now,
        region=region,
        region_path=region.path,
        **links,
    )


def _not_yet_alerted(rule: AlertRule, alerts: list[Alert]) -> list[Alert]:
    """Drop the causes already alerted (a saving only: the insert is what decides)."""
    if not alerts:
        return alerts
    known = set(
        Alert.objects.filter(rule=rule, cause__in=[a.cause for a in alerts]).values_list("cause", flat=True)
    )
    return [a for a in alerts if a.cause not in known]


# ----------------------------------------------------------------------------------- (a) frequent visitor


def _first_event_id_since(since: datetime.datetime) -> int | None:
    """A lower bound of the ids of events written at or after ``since``: a bisection over the primary key
    (each probe one index lookup), since events are appended with ``at = now``. None when there is none."""
    last = Event.objects.order_by("-pk").values_list("pk", "at").first()
    if last is None or last[1] < since:
        return None
    lo, hi = Event.objects.order_by("pk").values_list("pk", flat=True).first() or 0, last[0]
    while lo < hi:
        mid = (lo + hi) // 2
        probe = Event.objects.filter(pk__gte=mid).order_by("pk").values_list("at", flat=True).first()
        if probe is not None and probe >= since:
            hi = mid
        else:
            lo = mid + 1
    return lo


@dataclass(frozen=True)
class _Visit:
    at: datetime.datetime
    matter_id: int
    repeat: bool


def frequent_visitors(now: datetime.datetime) -> list[Alert]:
    """(a) The same person with at least WARN_VISITS visits (intakes of their matters and repeat visits
    recorded on them, art. 19) within WARN_VISITS_DAYS days.

    One alert per episode: the cause carries the day of the episode's first visit, and a person is alerted
    again only for WARN_VISITS visits after that episode's window has passed. A repeat visit counts for
    every person on the matter (the event does not say which of them came)."""
    days = settings.WARN_VISITS_DAYS
    since = now - datetime.timedelta(days=days)
    visits: dict[int, list[_Visit]] = defaultdict(list)
    for person, matter_id, at in MatterPetitioner.objects.filter(
        matter__received_at__gte=since, matter__received_at__lte=now
    ).values_list("petitioner_id", "matter_id", "matter__received_at"):
        visits[person].append(_Visit(at, matter_id, False))
    first = _first_event_id_since(since - EVENT_SLACK)
    if first is not None:
        repeats = list(
            Event.objects.filter(
                pk__gte=first, kind=EventKind.REPEAT_VISIT, at__gte=since, at__lte=now
            ).values_list("matter_id", "at")
        )
        people: dict[int, list[int]] = defaultdict(list)
        for person, matter_id in MatterPetitioner.objects.filter(
            matter_id__in={m for m, _ in repeats}
        ).values_list("petitioner_id", "matter_id"):
            people[matter_id].append(person)
        for matter_id, at in repeats:
            for person in people[matter_id]:
                visits[person].append(_Visit(at, matter_id, True))
    need = settings.WARN_VISITS
    candidates = {p: sorted(v, key=lambda x: x.at) for p, v in visits.items() if len(v) >= need}
    if not candidates:
        return []
    # The latest episode already alerted for each candidate.
    episode: dict[int, datetime.date] = {}
    for alerted, cause in Alert.objects.filter(
        rule=AlertRule.FREQUENT_VISITOR, petitioner_id__in=candidates
    ).values_list("petitioner_id", "cause"):
        began = datetime.date.fromisoformat(cause.rsplit(":", 1)[1])
        if alerted not in episode or began > episode[alerted]:
            episode[alerted] = began
    persons = Petitioner.objects.in_bulk(list(candidates))
    matters = Matter.objects.select_related("region").in_bulk(
        {v.matter_id for vs in candidates.values() for v in vs}
    )
    regions = _Regions()
    regions.load(p.county_code for p in persons.values())
    alerts = []
    for person_id, person_visits in sorted(candidates.items()):
        start = episode.get(person_id)
        if start is not None:
            person_visits = [v for v in person_visits if _day(v.at) >= start + datetime.timedelta(days=days)]
            if len(person_visits) < need:
                continue
        who = persons[person_id]
        latest = matters[person_visits[-1].matter_id]
        county = regions.get(who.county_code) or regions.at_level(latest.region_path, Level.COUNTY)
        if county is None:
            continue
        first_day, last_day = _day(person_visits[0].at), _day(person_visits[-1].at)
        repeat_count = sum(1 for v in person_visits if v.repeat)
        reason = (
            f"{who.name} 于 {_d(first_day)}至{_d(last_day)} 来访 {len(person_visits)} 次"
            f"（受理登记 {len(person_visits) - repeat_count} 次、重复来访 {repeat_count} 次），"
            f"达到 {days} 日内 {need} 次的预警标准。最近一次涉及事项 {latest.number}"
            f"（{latest.title}，问题发生地：{latest.region.name}）。"
        )
        alerts.append(
            _new(
                AlertRule.FREQUENT_VISITOR,
                f"petitioner:{person_id}:{first_day.isoformat()}",
                county,
                reason,
                now,
                petitioner=who,
                matter=latest,
                subject_region=latest.region,
            )
        )
    return alerts


# -------------------------------------------------------------------------- (b) group matter, 重大 risk


def group_matters(now: datetime.datetime) -> list[Alert]:
    """(b) A matter of WARN_GROUP_SIZE people or more (集体访), taken in within the look-back: the county
    centre of the place is told."""
    found = Matter.objects.filter(
        received_at__gte=_lookback(now), received_at__lte=now, headcount__gte=settings.WARN_GROUP_SIZE
    ).select_related("region", "received_by")
    regions = _Regions()
    alerts = []
    for matter in found:
        county = regions.at_level(matter.region_path, Level.COUNTY)
        if county is None:
            continue
        reason = (
            f"集体访：事项 {matter.number}（{matter.title}）涉及 {matter.headcount} 人，"
            f"于 {_d(_day(matter.received_at))} 在{matter.region.name}受理登记（登记人：{matter.received_by}），"
            f"达到 {settings.WARN_GROUP_SIZE} 人的集体访预警标准。"
        )
        alerts.append(
            _new(
                AlertRule.GROUP,
                f"matter:{matter.pk}",
                county,
                reason,
                now,
                matter=matter,
                subject_region=matter.region,
            )
        )
    return alerts


def grave_screenings(now: datetime.datetime) -> list[Alert]:
    """(b) An open screening judged 重大: found within the look-back (city index on found_on), or with a
    follow-up date around now (status/review_on index) — which catches one raised to 重大 later, since a
    risk judgement sets the next follow-up within days."""
    today = clock.today()
    since = _day(_lookback(now))
    cities = [*Region.objects.filter(level=Level.CITY).values_list("code", flat=True), ""]
    recent = Screening.objects.filter(
        scope_city__in=cities, found_on__gte=since, risk=RiskLevel.GRAVE, status__in=OPEN_SCREENING_STATUSES
    ).values_list("pk", flat=True)
    reviewed = Screening.objects.filter(
        status__in=OPEN_SCREENING_STATUSES,
        review_on__gte=since,
        review_on__lte=today + datetime.timedelta(days=31),
        risk=RiskLevel.GRAVE,
    ).values_list("pk", flat=True)
    ids = {*recent, *reviewed}
    regions = _Regions()
    alerts = []
    for screening in Screening.objects.filter(pk__in=ids).select_related("region").order_by("pk"):
        county = regions.at_level(screening.region_path, Level.COUNTY)
        if county is None:
            continue
        group = f"，涉及 {screening.headcount} 人（群体性）" if screening.is_group else ""
        reason = (
            f"重大风险矛盾纠纷：{screening.number}（{screening.title}），{screening.region.name}"
            f"{screening.place}，{_d(screening.found_on)}发现{group}，当前状态：{screening.get_status_display()}。"
            f"风险研判理由：{screening.risk_reason[:200]}"
        )
        alerts.append(
            _new(
                AlertRule.GRAVE_SCREENING,
                f"screening:{screening.pk}",
                county,
                reason,
                now,
                screening=screening,
                subject_region=screening.region,
            )
        )
    return alerts


# ------------------------------------------------------------------------------------ (c) village surge


def _month_start(day: datetime.date, back: int = 0) -> datetime.datetime:
    months = day.year * 12 + day.month - 1 - back
    return datetime.datetime(months // 12, months % 12 + 1, 1, tzinfo=timezone.get_current_timezone())


def village_surges(now: datetime.datetime) -> list[Alert]:
    """(c) A village whose matters taken in this month (new matters; repeat visits are not new matters)
    exceed its monthly average over the previous SURGE_MONTHS months by WARN_SURGE_FACTOR, and number at
    least WARN_SURGE_MIN. Only villages with that many matters this month are looked at further."""
    today = _day(now)
    month = _month_start(today)
    this_month = dict(
        Matter.objects.filter(received_at__gte=month, received_at__lte=now, region__level=Level.VILLAGE)
        .values("region_id")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.WARN_SURGE_MIN)
        .values_list("region_id", "n")
    )
    if not this_month:
        return []
    before = dict(
        Matter.objects.filter(
            region_id__in=list(this_month),
            received_at__gte=_month_start(today, SURGE_MONTHS),
            received_at__lt=month,
        )
        .values("region_id")
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
    )
    factor = settings.WARN_SURGE_FACTOR
    regions = _Regions()
    villages = Region.objects.in_bulk(list(this_month))
    alerts = []
    for village_id, count in sorted(this_month.items()):
        average = before.get(village_id, 0) / SURGE_MONTHS
        if count <= average * factor:
            continue
        village = villages[village_id]
        township = regions.at_level(village.path, Level.TOWNSHIP)
        if township is None:
            continue
        reason = (
            f"{village.name} 本月（{today.year}年{today.month}月）已受理事项 {count} 件，"
            f"前 {SURGE_MONTHS} 个月月均 {average:.1f} 件，超过月均的 {factor:g} 倍"
            f"（预警标准：超过月均 {factor:g} 倍且不少于 {settings.WARN_SURGE_MIN} 件）。"
        )
        alerts.append(
            _new(
                AlertRule.SURGE,
                f"village:{village.code}:{today.year}-{today.month:02d}",
                township,
                reason,
                now,
                subject_region=village,
            )
        )
    return alerts


# ------------------------------------------------------------------------------------------ (d) 越级


def bypasses(now: datetime.datetime) -> list[Alert]:
    """(d) 越级: a matter first brought to the county centre or the city (its registering user's level)
    although its place is a village with an active agent, by people none of whom had an earlier matter.
    The township station is told (it should reach villages before they go up)."""
    found = list(
        Matter.objects.filter(
            received_at__gte=_lookback(now),
            received_at__lte=now,
            region__level=Level.VILLAGE,
            received_by__region__level__in=[Level.COUNTY, Level.CITY],
        ).select_related("region", "received_by", "received_by__region")
    )
    if not found:
        return []
    with_agent = set(
        Agent.objects.filter(region_id__in={m.region_id for m in found}, is_active=True).values_list(
            "region_id", flat=True
        )
    )
    found = [m for m in found if m.region_id in with_agent]
    people: dict[int, list[int]] = defaultdict(list)
    for matter_id, person in MatterPetitioner.objects.filter(matter__in=found).values_list(
        "matter_id", "petitioner_id"
    ):
        people[matter_id].append(person)
    first_seen = dict(
        MatterPetitioner.objects.filter(petitioner_id__in={p for ps in people.values() for p in ps})
        .values("petitioner_id")
        .annotate(first=Min("matter__received_at"))
        .values_list("petitioner_id", "first")
    )
    regions = _Regions()
    alerts = []
    for matter in found:
        if any(first_seen.get(p, matter.received_at) < matter.received_at for p in people[matter.pk]):
            continue
        township = regions.at_level(matter.region_path, Level.TOWNSHIP)
        receiver = matter.received_by
        if township is None or receiver.region is None:
            continue
        reason = (
            f"越级反映：事项 {matter.number}（{matter.title}）的问题发生地{matter.region.name}设有代办员，"
            f"但信访人首次反映即到{office_label(receiver.region)}（登记人：{receiver}，"
            f"{_d(_day(matter.received_at))}），未经村（社区）代办点和乡镇（街道）代办站。"
        )
        alerts.append(
            _new(
                AlertRule.BYPASS,
                f"matter:{matter.pk}",
                township,
                reason,
                now,
                matter=matter,
                subject_region=matter.region,
            )
        )
    return alerts


# ----------------------------------------------------------------------------- (e) follow-up overdue


def overdue_screenings(now: datetime.datetime) -> list[Alert]:
    """(e) A screening still open (在控/化解中/稳控) whose follow-up date has passed — one alert per
    follow-up date, so a screening followed up and then let slip again is alerted again."""
    today = _day(now)
    found = Screening.objects.filter(
        status__in=OPEN_SCREENING_STATUSES,
        review_on__lt=today,
        review_on__gte=_day(_lookback(now)),
    ).select_related("region", "responsible")
    alerts = []
    for screening in found.order_by("pk"):
        assert screening.review_on is not None
        late = (today - screening.review_on).days
        reason = (
            f"{screening.number}（{screening.title}，{screening.region.name}）"
            f"{ScreeningStatus(screening.status).label}，下次跟进日期 {_d(screening.review_on)} 已过 {late} 天，"
            f"尚未跟进。责任人：{screening.responsible}。"
        )
        alerts.append(
            _new(
                AlertRule.SCREENING_OVERDUE,
                f"screening:{screening.pk}:{screening.review_on.isoformat()}",
                screening.region,
                reason,
                now,
                screening=screening,
                subject_region=screening.region,
            )
        )
    return alerts


# ------------------------------------------------------------------------------------------------- scan

RULES: dict[AlertRule, Callable[[datetime.datetime], list[Alert]]] = {
    AlertRule.FREQUENT_VISITOR: frequent_visitors,
    AlertRule.GROUP: group_matters,
    AlertRule.GRAVE_SCREENING: grave_screenings,
    AlertRule.SURGE: village_surges,
    AlertRule.BYPASS: bypasses,
    AlertRule.SCREENING_OVERDUE: overdue_screenings,
}


def raise_alert(alert: Alert) -> bool:
    """Insert ``alert`` unless its (rule, cause) exists: the unique constraint decides, in a savepoint,
    so a concurrent scan inserting the same cause makes one of the two inserts fail harmlessly."""
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:
        if not Alert.objects.filter(rule=alert.rule, cause=alert.cause).exists():
            raise  # some other constraint: a bug, not a duplicate
        return False
    return True


def scan(now: datetime.datetime | None = None) -> dict[str, int]:
    """Evaluate every rule once; the number of new alerts per rule."""
    now = now or clock.now()
    raised: dict[str, int] = {}
    for rule, evaluate in RULES.items():
        candidates = sorted(_not_yet_alerted(rule, evaluate(now)), key=lambda a: a.cause)
        raised[rule.value] = sum(1 for alert in candidates if raise_alert(alert))
    total = sum(raised.values())
    if total:
        logger.info("early warnings: %d new (%s)", total, raised)
    return raised
