"""The admin-entered official schedule (holidays and make-up workdays) that overrides the libraries."""
from __future__ import annotations

from datetime import date

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from engine.models import CalendarDay
from engine.storage.reference_cache import cached
from engine.committee.workdays import WorkdayCalendar


def load_calendar(session: Session) -> WorkdayCalendar:
    """A calendar with every admin-entered day applied over chinese-calendar and `holidays`.

    Kept in memory until a day is entered or removed anywhere (engine.storage.reference_cache): every
    action with a due date asks for it.
    """
    return cached(session, "calendar", _read_calendar)


def _read_calendar(session: Session) -> WorkdayCalendar:
    return WorkdayCalendar({d.day: d.workday for d in session.scalars(select(CalendarDay))})


def set_day(session: Session, day: date, workday: bool, note: str = "") -> CalendarDay:
    """Enter (or correct) one official day."""
    entry = session.get(CalendarDay, day) or CalendarDay(day=day)
    entry.workday, entry.note = workday, note
    session.add(entry)
    session.flush()
    return entry


def remove_day(session: Session, day: date) -> bool:
    """Forget an entered day; the libraries decide it again. True when there was one."""
    entry = session.get(CalendarDay, day)
    if entry is not None:
        session.delete(entry)
    return entry is not None


def entered_days(session: Session, year: int | None = None) -> list[CalendarDay]:
    query = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        query = query.where(extract("year", CalendarDay.day) == year)
    return list(session.scalars(query))
