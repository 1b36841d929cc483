"""Working days on the official Chinese calendar (holidays and make-up workdays), R4."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_MEMO_DAYS = 20_000


class WorkdayCalendar:
    """Decides working days: admin-entered days first, then chinese-calendar, then `holidays` (CN)."""

    def __init__(self, overrides: dict[date, bool] | None = None):
        # Read-only once made: one calendar is shared by every action until the entered days change.
        self.overrides = MappingProxyType(dict(overrides or {}))
        self._decided: dict[date, bool] = {}  # every due date walks the same days: each decided once

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is an official working day."""
        if day in self.overrides:
            return self.overrides[day]
        decided = self._decided.get(day)
        if decided is None:
            if len(self._decided) > _MEMO_DAYS:
                self._decided.clear()
            decided = self._decided[day] = self._library_workday(day)
        return decided

    @staticmethod
    def _library_workday(day: date) -> bool:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # chinese-calendar only has official data up to its release
            return day.weekday() < 5 and day not in _cn_holidays(day.year)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The moment ``days`` working days after ``start``, at the same local time of day."""
        local = start.astimezone(LOCAL_TZ)
        current = local.date()
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return datetime.combine(current, local.timetz()).astimezone(start.tzinfo or LOCAL_TZ)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days strictly after ``start`` up to and including ``end``."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_workday(current)
        return count


@lru_cache(maxsize=64)
def _cn_holidays(year: int) -> holidays.HolidayBase:
    """`holidays`' CN public holidays of one year, built once per process (building one takes milliseconds,
    and a calendar is made for every action)."""
    return holidays.country_holidays("CN", years=year)
