"""预警规则: what the periodic scan (``tasks.scan_warnings``) looks for, and who is told.

Each rule is a function ``rule(now) -> list[Alert]`` returning unsaved alerts; ``scan`` inserts them. An
alert's ``cause`` names the fact it is about ("matter:12", "petitioner:3:2026-06-01", "village:<code>:
2026-11", "screening:5:2026-06-03"), and ``Alert`` has a unique (rule, cause): the insert itself, in its
own savepoint, is what decides whether a cause is new, so two consumers scanning at once raise each alert
exactly once. (A read of the existing causes first only saves inserts; it decides nothing.) A cause is
therefore built only from facts that do not move while time passes (a matter, the visit that crossed a
threshold, a month, a follow-up date), never from the edge of the scan's window.

A stored reason names no person and no matter or screening title: only numbers, counts, places and dates.
It is shown to every reader of the alert's level, and some of them may not see the matter (an accusation,
检举控告) or the person; the pages add titles and names where the reader's selectors include them.
Accusations never raise a network alert (they are the discipline side's).

Who is told (``Alert.region``, the level that should act; the levels above see it in their subtree):

- the county centre: a frequent visitor (the county that registered the person), a group matter, a 重大
  risk screening;
- the township station: a village surge, a matter that bypassed its village and township (越级);
- the screening's own point or station: a screening past its follow-up date (the agent responsible works
  there; the station and centre above see it too).

Every scan is bounded: it reads recent windows through indexed columns, never a whole table — matters by
``received_at`` (indexed), screenings by (status, review_on) and by (scope_city, found_on), repeat visits
and screening events by a primary-key range found by bisection (events are written with ``at = now`` in id
order), existing alerts by (rule, cause) and ``petitioner``. Facts older than ``WARN_LOOKBACK_DAYS`` are not
looked at again: that is how long the queue may be down without losing an alert. (A screening past its
follow-up date is a standing fact, not an event: it is found whenever it is past, through the (status,
review_on) index, however long ago the date was.)
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Model
from django.utils import timezone

from daiban.core import clock
from daiban.matters.choices import EventKind
from daiban.matters.models import Event, Matter, MatterPetitioner, Petitioner, office_label
from daiban.network.models import Agent
from daiban.prevention.actions.screenings import EventKind as ScreeningEventKind
from daiban.prevention.models import Alert, Screening, ScreeningEvent
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
# How many causes one "already alerted?" read asks about at once.
CAUSE_CHUNK = 500


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
    causes = [a.cause for a in alerts]
    known: set[str] = set()
    for i in range(0, len(causes), CAUSE_CHUNK):
        known.update(
            Alert.objects.filter(rule=rule, cause__in=causes[i : i + CAUSE_CHUNK]).values_list(
                "cause", flat=True
            )
        )
    return [a for a in alerts if a.cause not in known]


# ----------------------------------------------------------------------------------- (a) frequent visitor


def _first_event_id_since(since: datetime.datetime, model: type[Model] = Event) -> int | None:
    """A lower bound of the ids of ``model``'s events (matter events by default; any model with an ``at``
    written as ``now`` on insert) written at or after ``since``: a bisection over the primary key (each
    probe one index lookup), since events are appended with ``at = now``. None when there is none."""
    events = model._default_manager
    last = events.order_by("-pk").values_list("pk", "at").first()
    if last is None or last[1] < since:
        return None
    lo, hi = events.order_by("pk").values_list("pk", flat=True).first() or 0, last[0]
    while lo < hi:
        mid = (lo + hi) // 2
        probe = events.filter(pk__gte=mid).order_by("pk").values_list("at", flat=True).first()
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


def _crossing(
    visits: list[_Visit],
    span: datetime.timedelta,
    need: int,
    since: datetime.datetime,
    not_before: datetime.date,
) -> tuple[int, int] | None:
    """The visit that crossed the threshold: the first one at or after ``since`` (and on or after
    ``not_before``) with ``need`` visits in the ``span`` up to it, as (index of the first visit of that
    span, its own index) in ``visits`` (sorted by time), or None."""
    lo = 0
    for i, visit in enumerate(visits):
        while visits[lo].at < visit.at - span:
            lo += 1
        if visit.at >= since and _day(visit.at) >= not_before and i - lo + 1 >= need:
            return lo, i
    return None


def frequent_visitors(now: datetime.datetime) -> list[Alert]:
    """(a) The same person with at least WARN_VISITS visits (intakes of their matters and repeat visits
    recorded on them, art. 19) within WARN_VISITS_DAYS days. Accusations (检举控告) are not counted.

    The alert is about the visit that crossed the threshold: the first visit of the last WARN_VISITS_DAYS
    days with WARN_VISITS visits in the WARN_VISITS_DAYS days up to it. Its day is the cause, and it does not
    move as the window slides — visits are read twice the window back, so the days before any visit in the
    window are all seen — so two scans seconds apart, one still seeing the person's oldest visit and one
    not, name the same cause. A person is alerted at most once per WARN_VISITS_DAYS days: a later crossing
    counts only from WARN_VISITS_DAYS days after the one last alerted. A repeat visit counts for every
    person on the matter (the event does not say which of them came)."""
    days = settings.WARN_VISITS_DAYS
    span = datetime.timedelta(days=days)
    since = now - span
    read_from = since - span
    visits: dict[int, list[_Visit]] = defaultdict(list)
    for person, matter_id, at in MatterPetitioner.objects.filter(
        matter__received_at__gte=read_from, matter__received_at__lte=now, matter__is_accusation=False
    ).values_list("petitioner_id", "matter_id", "matter__received_at"):
        visits[person].append(_Visit(at, matter_id, False))
    first = _first_event_id_since(read_from - EVENT_SLACK)
    if first is not None:
        repeats = list(
            Event.objects.filter(
                pk__gte=first, kind=EventKind.REPEAT_VISIT, at__gte=read_from, at__lte=now
            ).values_list("matter_id", "at")
        )
        people: dict[int, list[int]] = defaultdict(list)
        for person, matter_id in MatterPetitioner.objects.filter(
            matter_id__in={m for m, _ in repeats}, matter__is_accusation=False
        ).values_list("petitioner_id", "matter_id"):
            people[matter_id].append(person)
        for matter_id, at in repeats:
            for person in people[matter_id]:
                visits[person].append(_Visit(at, matter_id, True))
    need = settings.WARN_VISITS
    candidates = {
        p: sorted(v, key=lambda x: (x.at, x.matter_id, x.repeat))
        for p, v in visits.items()
        if len(v) >= need and any(x.at >= since for x in v)
    }
    if not candidates:
        return []
    # The last crossing already alerted for each candidate.
    alerted: dict[int, datetime.date] = {}
    for person_id, cause in Alert.objects.filter(
        rule=AlertRule.FREQUENT_VISITOR, petitioner_id__in=candidates
    ).values_list("petitioner_id", "cause"):
        day = datetime.date.fromisoformat(cause.rsplit(":", 1)[1])
        if person_id not in alerted or day > alerted[person_id]:
            alerted[person_id] = day
    found: dict[int, list[_Visit]] = {}
    for person_id, person_visits in candidates.items():
        last = alerted.get(person_id)
        not_before = last + span if last is not None else datetime.date.min
        crossing = _crossing(person_visits, span, need, since, not_before)
        if crossing is not None:
            found[person_id] = person_visits[crossing[0] : crossing[1] + 1]
    if not found:
        return []
    persons = Petitioner.objects.in_bulk(list(found))
    matters = Matter.objects.select_related("region").in_bulk({vs[-1].matter_id for vs in found.values()})
    regions = _Regions()
    regions.load(p.county_code for p in persons.values())
    alerts = []
    for person_id, window in sorted(found.items()):
        who = persons[person_id]
        latest = matters[window[-1].matter_id]
        county = regions.get(who.county_code) or regions.at_level(latest.region_path, Level.COUNTY)
        if county is None:
            continue
        first_day, crossed_on = _day(window[0].at), _day(window[-1].at)
        repeat_count = sum(1 for v in window if v.repeat)
        # No name and no title: readers of the county's alerts may not see this person's matters.
        reason = (
            f"同一信访人于 {_d(first_day)}至{_d(crossed_on)} 来访 {len(window)} 次"
            f"（受理登记 {len(window) - repeat_count} 次、重复来访 {repeat_count} 次），"
            f"达到 {days} 日内 {need} 次的预警标准。最近一次涉及事项 {latest.number}"
            f"（问题发生地：{latest.region.name}）。"
        )
        alerts.append(
            _new(
                AlertRule.FREQUENT_VISITOR,
                f"petitioner:{person_id}:{crossed_on.isoformat()}",
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
    centre of the place is told. Not an accusation (检举控告): that is the discipline side's."""
    found = Matter.objects.filter(
        received_at__gte=_lookback(now),
        received_at__lte=now,
        headcount__gte=settings.WARN_GROUP_SIZE,
        is_accusation=False,
    ).select_related("region")
    regions = _Regions()
    alerts = []
    for matter in found:
        county = regions.at_level(matter.region_path, Level.COUNTY)
        if county is None:
            continue
        reason = (
            f"集体访：事项 {matter.number} 涉及 {matter.headcount} 人，"
            f"于 {_d(_day(matter.received_at))} 在{matter.region.name}受理登记，"
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
    """(b) An open screening judged 重大, found by when that judgement was written: recorded (登记) or
    raised to 重大 (调整风险等级) within the look-back — its events, by an id range bisected on their time,
    since the day it was *found* may be up to a year back. Also, for rows written without events (an
    import), found within the look-back (city index on found_on) or with a follow-up date around now
    (status/review_on index)."""
    today = clock.today()
    lookback = _lookback(now)
    since = _day(lookback)
    judged: set[int] = set()
    first = _first_event_id_since(lookback - EVENT_SLACK, ScreeningEvent)
    if first is not None:
        judged.update(
            ScreeningEvent.objects.filter(
                pk__gte=first,
                at__gte=lookback,
                at__lte=now,
                kind__in=[ScreeningEventKind.RECORD, ScreeningEventKind.REASSESS],
            ).values_list("screening_id", flat=True)
        )
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
    if judged:
        ids.update(
            Screening.objects.filter(
                pk__in=judged, risk=RiskLevel.GRAVE, status__in=OPEN_SCREENING_STATUSES
            ).values_list("pk", flat=True)
        )
    regions = _Regions()
    alerts = []
    for screening in Screening.objects.filter(pk__in=ids).select_related("region").order_by("pk"):
        county = regions.at_level(screening.region_path, Level.COUNTY)
        if county is None:
            continue
        group = f"，涉及 {screening.headcount} 人（群体性）" if screening.is_group else ""
        # The summary, place, parties and risk reason may name people: the page shows them to readers
        # of the screening, not the stored reason.
        reason = (
            f"重大风险矛盾纠纷：{screening.number}，{screening.region.name}，"
            f"{_d(screening.found_on)}发现{group}，当前状态：{screening.get_status_display()}。"
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
    The township station is told (it should reach villages before they go up). Not an accusation
    (检举控告): bringing one straight to the county is how it should go."""
    found = list(
        Matter.objects.filter(
            received_at__gte=_lookback(now),
            received_at__lte=now,
            is_accusation=False,
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
            f"越级反映：事项 {matter.number} 的问题发生地{matter.region.name}设有代办员，"
            f"但信访人首次反映即到{office_label(receiver.region)}"
            f"（{_d(_day(matter.received_at))}），未经村（社区）代办点和乡镇（街道）代办站。"
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
    """(e) A screening still open (在控/化解中/稳控) whose follow-up date has passed, however long ago (one
    recorded with a date found weeks back has a first follow-up date already past) — one alert per
    follow-up date, so a screening followed up and then let slip again is alerted again. The (status,
    review_on) index bounds the read: open screenings past their date are the few being neglected."""
    today = _day(now)
    found = Screening.objects.filter(
        status__in=OPEN_SCREENING_STATUSES,
        review_on__lt=today,
    ).select_related("region")
    alerts = []
    for screening in found.order_by("pk"):
        assert screening.review_on is not None
        late = (today - screening.review_on).days
        reason = (
            f"{screening.number}（{screening.region.name}）{ScreeningStatus(screening.status).label}，"
            f"下次跟进日期 {_d(screening.review_on)} 已过 {late} 天，尚未跟进。"
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


def _where(exc: BaseException) -> str:
    """The innermost frame of ``exc``'s traceback as file:line (function): where it failed, without the
    message, which may quote the data (a name, a title) the rule was reading."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{frame.filename}:{frame.lineno} ({frame.name})"


def scan(now: datetime.datetime | None = None) -> dict[str, int]:
    """Evaluate every rule once; the number of new alerts per rule. A rule that fails is logged (its
    exception's type and where, never its message) and counted as 0; the other rules still run."""
    now = now or clock.now()
    raised: dict[str, int] = {}
    for rule, evaluate in RULES.items():
        try:
            # A savepoint: a failed read inside a caller's transaction leaves it usable for the next rule.
            with transaction.atomic():
                found = evaluate(now)
            candidates = sorted(_not_yet_alerted(rule, found), key=lambda a: a.cause)
            raised[rule.value] = sum(1 for alert in candidates if raise_alert(alert))
        except Exception as exc:  # one broken rule must not silence the others
            raised[rule.value] = 0
            logger.error(
                "early warnings: rule %s failed: %s at %s", rule.value, type(exc).__name__, _where(exc)
            )
    total = sum(raised.values())
    if total:
        logger.info("early warnings: %d new (%s)", total, raised)
    return raised
