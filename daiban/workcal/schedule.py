"""Which days are working days: the schedule snapshot and its in-process cache.

Lookup order for a date (see :meth:`Schedule.day_info`):

1. a :class:`~daiban.workcal.models.ScheduleDay` row for that date (administrator's entry);
2. any other day of a year with a :class:`~daiban.workcal.models.ScheduleYear` row: Monday–Friday;
3. the built-in State Council schedule shipped with ``chinesecalendar``;
4. otherwise the day is marked ``known=False`` (provisional, 暂定) and guessed: for a year from 2025 on, the
   public holidays that the holiday law itself fixes (:func:`statutory_holidays`) plus Saturday and Sunday;
   for a year before the built-in data (早于内置安排), Monday–Friday.

The database part is loaded once into an immutable :class:`Schedule` and kept per process. It is dropped
at once when this process saves or deletes a schedule row or a time limit (signals), and other processes
notice within ``settings.WORKCAL_CACHE_SECONDS`` (default 10) through a cheap fingerprint query. So a
deadline computation costs no query per day, and a batch over hundreds of matters costs none at all.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

import chinese_calendar
from django.conf import settings
from django.db.models import Count, Max
from lunardate import LunarDate

from daiban.workcal.models import ScheduleDay, ScheduleYear, TimeLimit

DEFAULT_CACHE_SECONDS = 10

# chinesecalendar names its holidays in English.
_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    """What the calendar knows about one day.

    ``known`` is False when the day's year has no published (entered or built-in) schedule, in which case
    ``is_workday`` is only a guess (see :func:`statutory_holidays`). ``name`` is the holiday's name (for an
    unknown year, the holiday the law fixes on that day), or e.g. "国庆节调休上班" for a make-up working
    day; empty for ordinary days.
    """

    is_workday: bool
    known: bool
    name: str = ""


def _weekday_rule(d: date, known: bool) -> DayInfo:
    return DayInfo(is_workday=d.weekday() < 5, known=known)


@functools.lru_cache(maxsize=64)
def _builtin_year(year: int) -> Mapping[date, DayInfo] | None:
    """The built-in schedule of one year, or None when chinesecalendar has no data for it."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return None
    days: dict[date, DayInfo] = {}
    d = date(year, 1, 1)
    while d.year == year:
        try:
            is_workday = bool(chinese_calendar.is_workday(d))
            _on_holiday, holiday = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:  # the library covers whole years; stay safe if that ever changes
            return None
        name = ""
        if holiday:
            zh = _HOLIDAY_NAMES_ZH.get(str(holiday), str(holiday))
            name = f"{zh}调休上班" if is_workday else zh
        days[d] = DayInfo(is_workday=is_workday, known=True, name=name)
        d += timedelta(days=1)
    return MappingProxyType(days)


def builtin_schedule_days(year: int) -> dict[date, DayInfo] | None:
    """The named days (holidays and make-up working days) of ``year`` in the built-in data, or None."""
    days = _builtin_year(year)
    if days is None:
        return None
    return {d: info for d, info in days.items() if info.name}


@functools.lru_cache(maxsize=1)
def builtin_years() -> range:
    """The years chinesecalendar covers (2004–2026 for version 1.11)."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


# 《全国年节及纪念日放假办法》 as amended by State Council decree No. 798 (2024-11-10), in force 2025-01-01.
STATUTORY_RULES_SINCE = 2025


@functools.lru_cache(maxsize=64)
def _statutory_year(year: int) -> Mapping[date, str] | None:
    holidays: dict[date, str] = {}

    def add(d: date, name: str) -> None:
        holidays[d] = f"{holidays[d]}、{name}" if d in holidays else name

    try:
        spring = LunarDate(year, 1, 1).to_solar_date()  # 正月初一
        dragon_boat = LunarDate(year, 5, 5).to_solar_date()
        mid_autumn = LunarDate(year, 8, 15).to_solar_date()
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    except (ValueError, NotImplementedError):  # outside the libraries' range (1900–2099)
        return None
    qingming = next((d for d, term in terms if term == "清明"), None)
    if qingming is None:
        return None
    add(date(year, 1, 1), "元旦")
    # 除夕 (the eve: the 29th or the 30th of the twelfth month, whichever is last), 初一–初三
    for offset in range(-1, 3):
        add(spring + timedelta(days=offset), "春节")
    add(qingming, "清明节")
    add(date(year, 5, 1), "劳动节")
    add(date(year, 5, 2), "劳动节")
    add(dragon_boat, "端午节")
    add(mid_autumn, "中秋节")
    for day in (1, 2, 3):
        add(date(year, 10, day), "国庆节")
    return MappingProxyType(holidays)


def statutory_holidays(year: int) -> Mapping[date, str] | None:
    """The public holidays of ``year`` as the holiday law itself fixes them, or None before 2025.

    《全国年节及纪念日放假办法》 (as amended in 2024, in force 2025) gives all citizens 13 days: 元旦 1 day
    (1 January); 春节 4 days (农历除夕 and 正月初一 to 初三); 清明节 1 day (the day of the 清明 solar term);
    劳动节 2 days (1–2 May); 端午节 1 day (农历五月初五); 中秋节 1 day (农历八月十五); 国庆节 3 days
    (1–3 October). Lunar dates come from ``lunardate``, the 清明 solar term from ``chinesecalendar``.

    This is what a provisional year (暂定, no official schedule yet) is guessed from. What it deliberately
    leaves out: the State Council's yearly notice also moves weekends around the holidays (调休: longer
    breaks paid for with Saturday or Sunday working days) and grants a weekday in lieu when a holiday falls
    on a weekend (补假, art. 6); which days it picks is the notice's choice, so neither is guessed here. A
    holiday that falls on a Saturday or Sunday therefore adds no non-working day, and no weekend day becomes
    a working day. When two holidays fall on one day (中秋节 on 3 October 2028), the day carries both
    names and is not counted twice. Years before 2025 had other rules and are not computed (None).
    """
    if year < STATUTORY_RULES_SINCE:
        return None
    return _statutory_year(year)


def _provisional_day(d: date) -> DayInfo:
    """The guess for a day of a year without an official schedule (``known=False``)."""
    holidays = statutory_holidays(d.year)
    if holidays is not None and d in holidays:
        return DayInfo(is_workday=False, known=False, name=holidays[d])
    return _weekday_rule(d, known=False)


class Guess(StrEnum):
    """How the days of a year without an official schedule are guessed."""

    EARLIER = "earlier"  # before the built-in data (早于内置安排): Monday–Friday
    STATUTORY = "statutory"  # the holidays the law fixes (:func:`statutory_holidays`) and weekends
    WEEKDAYS = "weekdays"  # beyond the lunar tables: Monday–Friday


def unknown_year_guess(year: int) -> Guess:
    """How :meth:`Schedule.day_info` guesses the days of ``year`` when it has no official schedule."""
    if year < builtin_years().start:
        return Guess.EARLIER
    if statutory_holidays(year) is not None:
        return Guess.STATUTORY
    return Guess.WEEKDAYS


@dataclass(frozen=True)
class Schedule:
    """An immutable view of the working-day schedule: administrator's entries over the built-in data.

    ``Schedule()`` is the built-in schedule alone, useful for computations that must not touch the database.
    """

    manual_years: frozenset[int] = frozenset()
    manual_days: Mapping[date, DayInfo] = field(default_factory=dict)

    def day_info(self, d: date) -> DayInfo:
        info = self.manual_days.get(d)
        if info is not None:
            return info
        if d.year in self.manual_years:
            return _weekday_rule(d, known=True)
        builtin = _builtin_year(d.year)
        if builtin is not None:
            return builtin[d]
        return _provisional_day(d)

    def is_year_known(self, year: int) -> bool:
        return year in self.manual_years or _builtin_year(year) is not None


@dataclass(frozen=True)
class LimitSpec:
    """A time limit as configured (a plain copy of a :class:`~daiban.workcal.models.TimeLimit` row)."""

    key: str
    name: str
    length: int
    unit: str
    start_event: str
    article: str
    is_active: bool


@dataclass(frozen=True)
class _State:
    schedule: Schedule
    limits: Mapping[str, LimitSpec]
    fingerprint: tuple[object, ...]
    checked_at: float


_state: _State | None = None
_generation = 0
_lock = threading.RLock()


def _cache_seconds() -> float:
    return float(getattr(settings, "WORKCAL_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _fingerprint() -> tuple[object, ...]:
    """Changes whenever a schedule row or time limit is added, edited (``save()``) or deleted."""
    parts: list[object] = []
    for model in (ScheduleYear, ScheduleDay, TimeLimit):
        agg = model.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
        parts.extend((agg["n"], agg["latest"]))
    return tuple(parts)


def _load(fingerprint: tuple[object, ...], now: float) -> _State:
    manual_years = frozenset(ScheduleYear.objects.filter(is_published=True).values_list("year", flat=True))
    manual_days = {
        d: DayInfo(is_workday=is_workday, known=True, name=name)
        for d, is_workday, name in ScheduleDay.objects.filter(year__is_published=True).values_list(
            "date", "is_workday", "name"
        )
    }
    limits = {
        row.key: LimitSpec(
            key=row.key,
            name=row.name,
            length=row.length,
            unit=row.unit,
            start_event=row.start_event,
            article=row.article,
            is_active=row.is_active,
        )
        for row in TimeLimit.objects.all()
    }
    return _State(
        schedule=Schedule(manual_years=manual_years, manual_days=MappingProxyType(manual_days)),
        limits=MappingProxyType(limits),
        fingerprint=fingerprint,
        checked_at=now,
    )


def _current_state() -> _State:
    global _state
    state = _state
    now = time.monotonic()
    if state is not None and now - state.checked_at < _cache_seconds():
        return state
    with _lock:
        generation = _generation
        state = _state
        if state is not None and now - state.checked_at < _cache_seconds():
            return state
        fingerprint = _fingerprint()
        if state is not None and fingerprint == state.fingerprint:
            state = _State(state.schedule, state.limits, state.fingerprint, now)
        else:
            state = _load(fingerprint, now)
        # A change signalled while we were loading wins: use what we read once, but do not keep it.
        if generation == _generation:
            _state = state
        return state


def current_schedule() -> Schedule:
    """The schedule as the database says now (cached; see the module docstring)."""
    return _current_state().schedule


def current_limits() -> Mapping[str, LimitSpec]:
    """Every configured time limit by key, active or not (cached together with the schedule)."""
    return _current_state().limits


def clear_cache() -> None:
    """Forget the cached schedule and limits; the next lookup reads the database.

    Called by the signal receivers. Tests that create schedule rows inside a transaction that is rolled back
    afterwards should call it too (this app's tests do so in an autouse fixture).
    """
    global _state, _generation
    with _lock:
        _state = None
        _generation += 1
