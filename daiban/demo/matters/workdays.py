"""Working days (the same calendar the deadlines use) and office hours, for placing the demo's steps."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from daiban.demo.matters.steps import Gap
from daiban.workcal import calendar as workcal

TZ = ZoneInfo(settings.TIME_ZONE)
OPENS, CLOSES = 8 * 60 + 40, 17 * 60 + 20  # office hours, minutes after midnight


class Calendar:
    """Working days (the same calendar the deadlines use) and office hours."""

    def __init__(self) -> None:
        self._workday: dict[datetime.date, bool] = {}

    def is_workday(self, d: datetime.date) -> bool:
        found = self._workday.get(d)
        if found is None:
            found = self._workday[d] = workcal.day_info(d).is_workday
        return found

    def next_workday(self, d: datetime.date) -> datetime.date:
        while not self.is_workday(d):
            d += datetime.timedelta(days=1)
        return d

    def add_workdays(self, d: datetime.date, n: int) -> datetime.date:
        while n > 0:
            d += datetime.timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    @staticmethod
    def at(d: datetime.date, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(d, datetime.time(minute // 60, minute % 60), tzinfo=TZ)

    def place(self, prev: datetime.datetime, gap: Gap) -> datetime.datetime:
        """The moment ``gap`` after ``prev``, on a working day in office hours, always after ``prev``."""
        kind, n, minute = gap
        prev_minute = prev.hour * 60 + prev.minute
        if kind == "min":
            if prev_minute + n <= CLOSES:
                return prev + datetime.timedelta(minutes=n)
            return self.at(self.next_workday(prev.date() + datetime.timedelta(days=1)), OPENS + n % 90)
        if kind == "wd":
            day = self.add_workdays(prev.date(), max(n, 1))
        else:
            day = self.next_workday(prev.date() + datetime.timedelta(days=max(n, 1)))
        return self.at(day, minute)
